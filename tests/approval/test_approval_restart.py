"""A pending approval survives a restart of the Prefect server and of loket's runner.

This test runs its own ``prefect server start`` (the shared test harness cannot be
restarted): the file waits at the back office, the runner and the server are stopped, the
server is started again on the same database, the run is still suspended on the same task
key without any timeout, and after a new runner starts a CLI approval resumes it to the next
desk.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from loket.office import Office
from samples.runner import run_state, start_runner, stop, wait_for, wait_paused
from tests.approval.approval_helpers import make_application, make_home
from tests.identity.helpers import cheap_argon2, enrol, passphrase

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(prefect_home: Path, port: int, log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    env = {
        **os.environ,
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_API_URL": "",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def healthy() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(healthy, 90, "the Prefect server", proc=proc, log=log)
    return proc


def test_pending_approval_survives_restarts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.approval import start_approvals
    from loket.approval.waiting import waiting_for
    from loket.cli.approval import mount

    cheap_argon2(monkeypatch)
    home = make_home(tmp_path / "home", monkeypatch)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    prefect_home = tmp_path / "prefect"
    prefect_home.mkdir()
    slog, rlog = tmp_path / "server.log", tmp_path / "runner.log"
    env = {**home.env(), "PREFECT_API_URL": url, "PREFECT_HOME": str(prefect_home)}
    server = _server(prefect_home, port, slog)
    runner = None
    try:
        with temporary_settings({PREFECT_API_URL: url}):
            desk = Office.from_environment().desk(
                pdf=False
            )  # migrated before the runner starts (both would race)
            runner = start_runner(env, rlog)
            bo, muda = home.people["back_office"], home.people["analis_ahli_muda"]
            enrol(desk.gate(), bo), enrol(desk.gate(), muda)
            reg_no = make_application(desk.settings, seed=201)
            start_approvals([reg_no], desk)
            run_id = wait_paused(desk, reg_no, log=rlog)
            key = waiting_for(desk, reg_no).key
            # the suspended run's process has exited (a runner stopped while a run's process
            # is still alive cancels that run: the second half of this test covers that)
            wait_for(lambda: f"flow run '{run_id}' is paused" in rlog.read_text(), 30, "exit")
            time.sleep(1.5)

            t0 = time.perf_counter()
            stop(runner)
            stop(server)
            server = _server(prefect_home, port, slog)
            restarted = time.perf_counter() - t0
            state = run_state(run_id)
            assert state.is_paused() and state.state_details.pause_key == key
            assert state.state_details.pause_timeout is None  # waits a weekend, or a month
            runner = start_runner(env, rlog)

            typer_app = typer.Typer()
            mount(typer_app)
            r = CliRunner().invoke(
                typer_app, ["approve", reg_no, "--as", bo], input=passphrase(bo) + "\n"
            )
            # the restarted runner may re-attach the run first: then it already waits for
            # the next desk; either way the same run goes on (checked below)
            assert r.exit_code == 0, r.output
            assert "dilanjutkan" in r.output or "menunggu langkah berikutnya" in r.output
            assert wait_paused(desk, reg_no, log=rlog) == run_id
            assert waiting_for(desk, reg_no).step.code == "paraf_ahli_muda"
            print(f"\nserver + runner stopped and the server restarted in {restarted:.1f} s")

            # loket stopped in the middle of a step (the run is cancelled or left scheduled):
            # the next start re-attaches the file from the database
            r = CliRunner().invoke(
                typer_app, ["approve", reg_no, "--as", muda], input=passphrase(muda) + "\n"
            )
            assert r.exit_code == 0, r.output
            stop(runner)
            runner = start_runner(env, rlog)
            wait_paused(desk, reg_no, log=rlog)
            assert waiting_for(desk, reg_no).step.code == "paraf_ahli_madya"
    finally:
        if runner is not None:
            stop(runner)
        stop(server)
