"""`loket serve` in a subprocess, as an office runs it: it starts, its UI answers on loopback
only, a dropped submission is processed, a second instance is refused, Ctrl-C stops it and
every child process within a bound; invalid rules files stop it from starting at all."""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.faults.helpers import PY, clean_env, free_port, healthy, make_home, small_scan

pytestmark = pytest.mark.e2e  # `loket serve` in a subprocess

START_TIMEOUT = 150
STOP_BOUND = 40  # seconds from SIGINT to every process gone


def _serve(home: Path, port: int, out: Path | None = None) -> subprocess.Popen[str]:
    env = clean_env(LOKET_HOME=str(home), LOKET_SERVER_PORT=str(port), LOKET_POLL_SECONDS="1",
                    LOKET_STABLE_SECONDS="1")  # fmt: skip
    target = out.open("w") if out else subprocess.PIPE
    return subprocess.Popen(
        [PY, "-m", "loket.cli.serve", "serve"], env=env, cwd=home,
        stdout=target, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _wait_line(proc: subprocess.Popen[str], out: Path, needle: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = out.read_text("utf-8") if out.exists() else ""
        if needle in seen or proc.poll() is not None:
            break
        time.sleep(0.3)
    seen = out.read_text("utf-8") if out.exists() else ""
    assert needle in seen, f"{needle!r} not printed; output:\n{seen}"
    return seen


@pytest.mark.ocr
def test_serve_lifecycle(tmp_path: Path) -> None:
    home = make_home(tmp_path / "kantor")
    port = free_port()
    log = tmp_path / "serve.out"
    proc = _serve(home, port, log)
    try:
        out = _wait_line(proc, log, "Tekan Ctrl-C", START_TIMEOUT)
        assert f"http://127.0.0.1:{port}" in out
        assert healthy(f"http://127.0.0.1:{port}/api")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
            assert resp.status == 200 and b"<html" in resp.read(4096).lower()  # the UI

        # bound to loopback only
        listeners = [
            c for c in psutil.net_connections("inet")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port
        ]  # fmt: skip
        assert listeners and {c.laddr.ip for c in listeners} == {"127.0.0.1"}

        # a dropped submission is processed by the intake deployment, files not world-readable
        sub = home / "inbox" / "pemohon-1"
        sub.mkdir()
        (sub / "scan.jpg").write_bytes(small_scan("Pemohon satu, Jalan Sudirman 1"))
        deadline = time.monotonic() + 120
        while not list((home / "outbox").glob("SIKR-*/pages.json")):
            assert time.monotonic() < deadline, (home / "var/logs/runner.log").read_text()[-3000:]
            assert proc.poll() is None
            time.sleep(1)
        (pages,) = list((home / "outbox").glob("SIKR-*/pages.json"))
        assert pages.stat().st_mode & 0o007 == 0, oct(pages.stat().st_mode)
        assert pages.parent.stat().st_mode & 0o007 == 0
        assert not (home / "inbox" / "pemohon-1").exists()

        # a second instance on the same data is refused, quickly, with exit code 3
        second = _serve(home, free_port())
        try:
            out2, _ = second.communicate(timeout=60)
        finally:
            if second.poll() is None:
                second.kill()
        assert second.returncode == 3, out2
        assert "sudah berjalan" in out2

        # Ctrl-C stops the server, the runner and flow runs: all gone within the bound
        family = psutil.Process(proc.pid).children(recursive=True)
        assert len(family) >= 2
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(STOP_BOUND)
        _gone, alive = psutil.wait_procs(
            family, timeout=max(1, STOP_BOUND - (time.monotonic() - started))
        )
        assert not alive, [p.cmdline() for p in alive]
        assert time.monotonic() - started < STOP_BOUND
        assert proc.returncode == 0
        assert not healthy(f"http://127.0.0.1:{port}/api")
    finally:
        if proc.poll() is None:
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()


def test_serve_refuses_invalid_rules(tmp_path: Path) -> None:
    home = make_home(tmp_path / "kantor")
    officials = home / "rules" / "officials.yaml"
    officials.write_text(officials.read_text("utf-8") + "\n  - name: Tanpa NIP\n", "utf-8")
    proc = _serve(home, free_port())
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2, out
    assert "officials.yaml" in out and "tidak dijalankan" in out
    assert not (home / "var" / "prefect" / "prefect.db").exists()


@pytest.mark.parametrize("mode", ["poll"])
def test_serve_refuses_bad_config(tmp_path: Path, mode: str) -> None:
    home = make_home(tmp_path / "kantor")
    (home / "loket.toml").write_text(f'watch = "{mode}"\npoll_secnds = 3\n', "utf-8")
    proc = _serve(home, free_port())
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "poll_secnds" in out, out
