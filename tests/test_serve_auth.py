"""The Prefect API that ``loket serve`` starts is behind the office's auth string (issue #18,
part 2): generated on first start into ``var/prefect-api-auth`` (0600), refused without it
(401 on reading flow runs and on resuming one), used by the runner and by a ``loket``
process that finds it in ``var/``, and kept across restarts."""

from __future__ import annotations

import base64
import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import httpx
import psutil
import pytest

from flows import runtime
from loket.common.safefs import UnsafePath
from loket.common.settings import Settings
from tests.faults.helpers import PY, clean_env, free_port, make_home
from tests.faults.test_serve import START_TIMEOUT, STOP_BOUND, _serve, _wait_line

# ---------------------------------------------------------------------------------------
# unit: the file


def test_auth_string_made_once_0600(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    assert runtime.read_auth_string(settings) is None
    first = runtime.ensure_auth_string(settings)
    path = tmp_path / "var" / runtime.AUTH_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 40 and first in path.read_text()
    assert runtime.ensure_auth_string(settings) == first  # re-used, not regenerated
    assert runtime.read_auth_string(Settings(home=tmp_path)) == first
    assert runtime.ensure_auth_string(Settings(home=tmp_path / "other")) != first


def test_auth_file_others_can_read_is_refused(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    runtime.ensure_auth_string(settings)
    path = runtime.auth_file(settings)
    path.chmod(0o640)
    with pytest.raises(UnsafePath, match="chmod 600"):
        runtime.read_auth_string(settings)


def test_auth_file_link_is_not_followed(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    (tmp_path / "var").mkdir()
    secret = tmp_path / "elsewhere"
    secret.write_text("planted\n")
    secret.chmod(0o600)
    runtime.auth_file(settings).symlink_to(secret)
    with pytest.raises(UnsafePath):
        runtime.read_auth_string(settings)
    with pytest.raises(UnsafePath):
        runtime.ensure_auth_string(settings)
    assert secret.read_text() == "planted\n"


def test_clients_take_the_string_from_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(home=tmp_path)
    token = runtime.ensure_auth_string(settings)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.setenv(runtime.CLIENT_AUTH, "")
    runtime.apply_prefect_defaults(settings)
    assert os.environ[runtime.CLIENT_AUTH] == token
    monkeypatch.setenv(runtime.CLIENT_AUTH, "from-the-environment")  # explicit env wins
    runtime.apply_prefect_defaults(settings)
    assert os.environ[runtime.CLIENT_AUTH] == "from-the-environment"
    # a file others may read is not used (nor does every command that imports flows fail)
    runtime.auth_file(settings).chmod(0o644)
    monkeypatch.setenv(runtime.CLIENT_AUTH, "")
    runtime.apply_prefect_defaults(settings)
    assert os.environ[runtime.CLIENT_AUTH] == ""


def test_external_server_takes_its_string_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.serve import child_env, office_auth

    monkeypatch.delenv(runtime.CLIENT_AUTH, raising=False)
    monkeypatch.setenv(runtime.SERVER_AUTH, "leaked-into-the-shell")
    named = tmp_path / "prefect.secret"
    named.write_text("string-of-the-central-server\n")
    named.chmod(0o600)
    ext = Settings(home=tmp_path, prefect_api_url="http://prefect.kantor:4200/api")
    assert office_auth(ext) is None  # nothing configured: never generated for another server
    assert not (tmp_path / "var" / runtime.AUTH_FILE).exists()
    ext = Settings(home=tmp_path, prefect_api_url=ext.prefect_api_url, prefect_auth_file=named)
    auth = office_auth(ext)
    assert auth == "string-of-the-central-server"
    env = child_env(ext, ext.prefect_api_url or "", auth)
    assert env[runtime.CLIENT_AUTH] == auth and runtime.SERVER_AUTH not in env
    own = Settings(home=tmp_path / "own", var=tmp_path / "own-var")
    env = child_env(own, "http://127.0.0.1:1/api", office_auth(own))
    assert env[runtime.SERVER_AUTH] == env[runtime.CLIENT_AUTH] != "leaked-into-the-shell"


# ---------------------------------------------------------------------------------------
# e2e: loket serve and a real Prefect server


def _post(url: str, method: str = "POST", **kwargs: object) -> httpx.Response:
    """A request, tried again on 503: Prefect's answer while its SQLite database is busy
    (the runner registering deployments, the warm intake process starting), which its own
    clients retry too."""
    for _ in range(40):
        resp = httpx.request(method, url, timeout=30, **kwargs)  # type: ignore[arg-type]
        if resp.status_code != 503:
            return resp
        time.sleep(0.5)
    return resp


def _basic(token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(token.encode()).decode()}


def _paused_run(api: str, auth: dict[str, str]) -> str:
    """A flow run waiting for input, as an approval run waits (made through the API)."""
    flow = _post(f"{api}/flows/", json={"name": "uji-auth"}, headers=auth)
    flow.raise_for_status()
    run = _post(
        f"{api}/flow_runs/",
        json={"flow_id": flow.json()["id"], "state": {"type": "PAUSED", "name": "Suspended"}},
        headers=auth,
    )
    run.raise_for_status()
    return str(run.json()["id"])


def _state(api: str, run_id: str, auth: dict[str, str]) -> str:
    resp = _post(f"{api}/flow_runs/{run_id}", "GET", headers=auth)
    resp.raise_for_status()
    return str(resp.json()["state"]["type"])


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    proc.wait(STOP_BOUND)


@pytest.mark.e2e
def test_serve_api_needs_the_auth_string(tmp_path: Path) -> None:
    home = make_home(tmp_path / "kantor")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    secret = home / "var" / runtime.AUTH_FILE
    proc = _serve(home, port, tmp_path / "serve1.out")
    try:
        out = _wait_line(proc, tmp_path / "serve1.out", "Tekan Ctrl-C", START_TIMEOUT)
        assert str(secret) in out  # the operator is told where the UI's login is
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        token = secret.read_text().strip()
        assert token not in out and token not in (home / "var/logs/runner.log").read_text()
        auth = _basic(token)

        assert httpx.get(f"{api}/health", timeout=10).status_code == 200  # probes stay open
        anon = _post(f"{api}/flow_runs/filter", json={})
        assert anon.status_code == 401
        wrong = _post(f"{api}/flow_runs/filter", json={}, headers=_basic("x"))
        assert wrong.status_code == 401
        assert _post(f"{api}/flow_runs/filter", json={}, headers=auth).is_success
        # the runner registered the deployments with the string it was given
        deps = _post(f"{api}/deployments/filter", json={}, headers=auth)
        assert "intake" in {d["name"] for d in deps.json()}
        anon_deploy = _post(f"{api}/deployments/{deps.json()[0]['id']}/create_flow_run", json={})
        assert anon_deploy.status_code == 401

        # a forged resume of a waiting run is refused, and the run keeps waiting
        run_id = _paused_run(api, auth)
        forged = _post(
            f"{api}/flow_runs/{run_id}/resume",
            json={"run_input": {"nip": "197001011990031001", "keputusan": "setuju"}},
        )
        assert forged.status_code == 401
        assert _state(api, run_id, auth) == "PAUSED"

        # a loket process finds the string in var/ (no PREFECT_API_AUTH_STRING given)
        env = clean_env(LOKET_HOME=str(home), PREFECT_API_URL=api)
        code = f"from flows.approval import _read_run; print(_read_run({run_id!r}).state.type)"
        done = subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, cwd=home)
        assert done.returncode == 0 and "PAUSED" in done.stdout, done.stderr[-2000:]
        resumed = _post(f"{api}/flow_runs/{run_id}/resume", json={}, headers=auth)
        assert resumed.is_success and resumed.json()["status"] == "ACCEPT", resumed.text
        assert _state(api, run_id, auth) != "PAUSED"
        _stop(proc)

        # a restart keeps the string: old credentials still work, nothing regenerated
        proc = _serve(home, port, tmp_path / "serve2.out")
        _wait_line(proc, tmp_path / "serve2.out", "Tekan Ctrl-C", START_TIMEOUT)
        assert secret.read_text().strip() == token
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        assert _post(f"{api}/flow_runs/filter", json={}).status_code == 401
        assert _post(f"{api}/flow_runs/filter", json={}, headers=auth).is_success
        _stop(proc)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()


def test_serve_refuses_an_auth_file_others_may_read(tmp_path: Path) -> None:
    from flows.serve import RunningOffice, ServeError

    settings = Settings(home=tmp_path, server_port=1)
    runtime.ensure_auth_string(settings)
    runtime.auth_file(settings).chmod(0o644)
    with pytest.raises(ServeError, match="chmod 600"):
        RunningOffice(settings, say=lambda _t: None).start()  # before any process is started


def test_start_message_says_where_the_login_is_or_warns(tmp_path: Path) -> None:
    from flows.serve import auth_note

    own = Settings(home=tmp_path)
    assert str(runtime.auth_file(own)) in auth_note(own, "x")
    ext = Settings(home=tmp_path, prefect_api_url="http://prefect.kantor:4200/api")
    assert auth_note(ext, "x") == ""
    assert "PERINGATAN" in auth_note(ext, None)
