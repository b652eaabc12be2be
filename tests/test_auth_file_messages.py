"""An unsafe ``var/prefect-api-auth`` (readable by others, another user's, a link, not
text) is said in one line of Bahasa Indonesia, with the fix, on every path that reads it:
``loket serve`` refuses to start, a ``loket`` command that imports the flows warns and goes
on without it (the served API then refuses that process) — never a traceback."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import runtime
from loket.common.safefs import UnsafePath
from loket.common.settings import Settings
from tests.faults.helpers import clean_env, free_port, make_home

LOKET = str(Path(sys.executable).with_name("loket"))


def _unsafe(settings: Settings, how: str) -> Path:
    path = runtime.auth_file(settings)
    if how == "readable":
        runtime.ensure_auth_string(settings)
        path.chmod(0o644)
    elif how == "garbage":
        path.write_bytes(b"\xff\xfe\x00")
        path.chmod(0o600)
    else:  # a link to a string someone else chose
        (settings.var_dir / "planted").write_text("dipilih-orang-lain\n")
        path.symlink_to(settings.var_dir / "planted")
    return path


@pytest.mark.parametrize(
    ("how", "said"),
    [
        ("readable", "bisa dibaca pengguna lain; jalankan chmod 600"),
        ("link", "bukan berkas biasa"),
        ("garbage", "isinya bukan auth string"),
    ],
)
def test_the_error_is_one_line_with_the_fix(tmp_path: Path, how: str, said: str) -> None:
    from flows.serve import RunningOffice, ServeError

    settings = Settings(home=tmp_path, server_port=1)
    settings.var_dir.mkdir()
    path = _unsafe(settings, how)
    with pytest.raises(UnsafePath) as caught:
        runtime.read_auth_string(settings)
    text = str(caught.value)
    assert said in text and str(path) in text and "\n" not in text and "[Errno" not in text
    with pytest.raises(ServeError) as refused:
        RunningOffice(settings, say=lambda _t: None).start()  # before any process is started
    assert said in str(refused.value) and "\n" not in str(refused.value)


def test_another_users_file_is_said_in_bahasa(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's 0600 file cannot be opened (EACCES; simulated: these tests run as root)."""
    settings = Settings(home=tmp_path)
    runtime.ensure_auth_string(settings)

    def denied(path: Path, base: Path | None = None) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(runtime, "open_file", denied)
    with pytest.raises(UnsafePath, match="tidak bisa dibaca pengguna ini"):
        runtime.read_auth_string(settings)


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = clean_env(LOKET_HOME=str(home), LOKET_SERVER_PORT=str(free_port()))
    return subprocess.run([LOKET, *args], env=env, cwd=home, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


@pytest.mark.e2e  # starts a fresh interpreter (issue #15: not a unit test)
def test_loket_serve_refuses_in_one_line(tmp_path: Path) -> None:
    home = make_home(tmp_path / "kantor")
    path = _unsafe(Settings(home=home), "readable")
    done = _run(home, "serve")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Traceback" not in out
    said = [line for line in out.splitlines() if "chmod 600" in line]
    assert len(said) >= 1 and all(str(path) in line for line in said), out
    assert not (home / "var" / "prefect" / "prefect.db").exists()  # nothing was started


@pytest.mark.e2e  # starts a fresh interpreter (issue #15: not a unit test)
def test_a_command_that_imports_the_flows_warns_in_one_line(tmp_path: Path) -> None:
    home = make_home(tmp_path / "kantor")
    path = _unsafe(Settings(home=home), "readable")
    done = _run(home, "purge", "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    warned = [line for line in done.stderr.splitlines() if "tidak dipakai" in line]
    assert len(warned) == 1 and "chmod 600" in warned[0] and str(path) in warned[0], done.stderr


@pytest.fixture
def refusing_api() -> Iterator[str]:
    """An API that answers 401 to everything, as a Prefect server behind an auth string
    answers a process without it."""

    class Refuse(http.server.BaseHTTPRequestHandler):
        def _refuse(self) -> None:
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"detail": "Unauthorized"}')

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _refuse

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()


@pytest.mark.e2e  # starts a fresh interpreter (issue #15: not a unit test)
def test_a_command_refused_by_the_api_says_it_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refusing_api: str
) -> None:
    """``loket approval start`` with the served API's string in an unsafe file (so not
    sent): the warning says why, the refusal is one line (exit 3), no traceback."""
    from loket.common.settings import load_settings
    from samples.office import make_application
    from samples.office import make_home as make_office

    home = make_office(tmp_path, monkeypatch)
    reg_no = make_application(load_settings(), seed=4)
    path = _unsafe(Settings(home=tmp_path), "readable")
    env = clean_env(**home.env(), PREFECT_API_URL=refusing_api)
    done = subprocess.run([LOKET, "approval", "start", reg_no], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=180)  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert "Traceback" not in out
    refused = [line for line in done.stderr.splitlines() if "API Prefect menolak" in line]
    assert len(refused) == 1 and "(401)" in refused[0] and str(path) in refused[0], out
    assert any("tidak dipakai" in line and "chmod 600" in line for line in out.splitlines())
