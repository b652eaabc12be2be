"""A sample office's Prefect runner: a process serving the approval deployment, and waits on
flow-run states (the approval tests, the documentation screenshots)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def start_runner(env: dict[str, str], log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    """``serve`` the approval deployment in its own process group (the runner starts each
    flow run as a subprocess of its own)."""
    full = {
        **os.environ,
        **env,
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", "from flows.approval import serve_forever; serve_forever()"],
        cwd=REPO,
        env=full,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    from flows.approval import FULL_NAME

    def deployed() -> bool:
        from prefect import get_client

        with get_client(sync_client=True) as client:
            try:
                client.read_deployment_by_name(FULL_NAME)
                return True
            except Exception:
                return False

    wait_for(deployed, 90, "the approval deployment", proc=proc, log=log)
    time.sleep(1.5)  # the runner polls for runs once it has registered the deployment
    return proc


def stop(proc: subprocess.Popen, timeout: float = 20) -> None:  # type: ignore[type-arg]
    """Stop a process group started by these tests (SIGTERM, then SIGKILL)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def wait_for(
    check: Callable[[], Any],
    timeout: float,
    what: str,
    *,
    proc: subprocess.Popen | None = None,  # type: ignore[type-arg]
    log: Path | None = None,
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log else ""
            raise AssertionError(f"process ended while waiting for {what}:\n{tail}")
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{tail}")
        time.sleep(0.3)


def run_state(run_id: str):  # type: ignore[no-untyped-def]
    from prefect import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(run_id).state  # type: ignore[arg-type]


def wait_paused(desk, reg_no: str, timeout: float = 90, log: Path | None = None) -> str:  # type: ignore[no-untyped-def]
    """Wait until the flow run of ``reg_no`` is suspended on the key of the open task;
    returns the run id."""
    from loket.approval import desk as approval
    from loket.approval.waiting import waiting_for

    def ready() -> str | None:
        waiting = waiting_for(desk, reg_no)
        with desk.db() as session:
            appr = approval.get(session, reg_no)
            run_id = appr.flow_run_id if appr else None
        if waiting is None or run_id is None:
            return None
        state = run_state(run_id)
        if state is not None and state.is_paused() and state.state_details.pause_key == waiting.key:
            return run_id
        return None

    return wait_for(ready, timeout, f"{reg_no} to wait at its open task", log=log)
