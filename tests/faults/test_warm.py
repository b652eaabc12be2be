"""The warm intake process of `loket serve` (flows/warm.py): it gets ready while the office is
idle, runs one real intake flow run when told to, exits, and its successor warms up; a run
that cannot get ready falls back to the deployment path."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.faults.helpers import small_scan

pytestmark = pytest.mark.e2e  # a real Prefect flow run in a spawned process


def test_warm_process_runs_one_intake_and_its_successor_warms_up(
    home: Path, prefect_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import get_current_settings

    from flows.warm import WarmIntake

    monkeypatch.setenv("PREFECT_API_URL", str(get_current_settings().api.url))
    warm = WarmIntake()
    warm.prepare()
    proc = None
    try:
        time.sleep(1)  # the office is idle: the process imports and loads its engines
        sub = home / "inbox" / "pemohon-hangat"
        sub.mkdir()
        (sub / "scan.jpg").write_bytes(small_scan("Pemohon hangat, Jalan Sudirman 9"))
        started = time.monotonic()
        proc = warm.go()
        assert proc is not None
        proc.join(180)
        if proc.is_alive():
            _where_it_hangs(proc.pid)
        assert proc.exitcode == 0 and time.monotonic() - started < 180
        assert list((home / "outbox").glob("SIKR-*/pages.json"))
        assert not sub.exists()
        deadline = time.monotonic() + 30
        while (
            warm._waiting is None or not warm._waiting[0].is_alive()
        ) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert warm._waiting is not None and warm._waiting[1].poll(120)  # the successor is ready
    finally:
        if proc is not None and proc.is_alive():  # a run that overstayed ends with the test
            proc.terminate()
            proc.join(10)
        warm.stop()


def _where_it_hangs(pid: int | None) -> None:
    """A run that overstays: its threads' stacks (flows.warm registers SIGUSR1) and its
    child processes go into the test's captured output, so that a failure in CI says why."""
    assert pid is not None
    try:  # it may have ended since it was seen alive
        os.kill(pid, signal.SIGUSR1)
        time.sleep(3)
        tree = subprocess.run(["ps", "-o", "pid,etime,time,rss,args", "--ppid", str(pid)],
                              capture_output=True, text=True, check=False).stdout  # fmt: skip
    except OSError as exc:  # gone, or no ps on a bare machine
        tree = repr(exc)
    print(f"the intake process {pid} overstayed; its children:\n{tree}", flush=True)


def test_a_process_that_never_gets_ready_is_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.warm as warm_module

    monkeypatch.setattr(warm_module, "READY_TIMEOUT", 0.5)
    monkeypatch.setattr(warm_module, "_prepare", lambda: time.sleep(60))  # spawn pickles by name
    warm = warm_module.WarmIntake()
    warm._ctx = warm_module.multiprocessing.get_context("fork")  # keeps the patched _prepare
    proc_holder = []
    real_prepare = warm.prepare

    def prepare() -> None:
        real_prepare()
        proc_holder.append(warm._waiting[0])

    warm.prepare = prepare  # type: ignore[method-assign]
    assert warm.go() is None
    proc_holder[0].join(5)
    assert not proc_holder[0].is_alive()
