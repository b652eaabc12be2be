"""Crash anywhere: ``kill -9`` the intake flow (a subprocess running
``flows.intake.intake_flow``) inside a randomly chosen phase — copying to the archive, before
and inside the registration, after it, while clearing the inbox, during OCR, while writing
the outbox — over many trials, then restart it: every submission is processed exactly once,
every original is in the archive unaltered, registration numbers are neither duplicated nor
skipped.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.faults.helpers import PY, REPO, clean_env, make_home, sha, small_scan

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

TRIALS = int(os.environ.get("LOKET_FAULT_TRIALS", "16"))
PHASES = (
    "archive-copy",
    "before-register",
    "register-uncommitted",
    "registered",
    "clearing-inbox",
    "ocr",
    "writing-outbox",
    "outbox-written",
)
NEW_PER_TRIAL = 2  # submissions dropped before each trial (so every phase keeps occurring)


def _drop(inbox: Path, n: int, originals: dict[str, dict[str, str]]) -> None:
    """Submission ``n``: a folder of two small scans (even n) or a single scan (odd n)."""
    if n % 2:
        path = inbox / f"pemohon-{n:03d}.jpg"
        path.write_bytes(small_scan(f"Pemohon nomor {n} tunggal"))
        originals[path.name] = {path.name: sha(path)}
        return
    folder = inbox / f"pemohon-{n:03d}"
    folder.mkdir()
    for page in (1, 2):
        (folder / f"hal-{page}.jpg").write_bytes(small_scan(f"Pemohon nomor {n} halaman {page}"))
    originals[folder.name] = {p.name: sha(p) for p in folder.iterdir()}


def _run(
    home: Path, api_url: str, rng: random.Random, phase: str = "", pause: float = 0.0
) -> tuple[str, float]:
    """One intake run; killed with SIGKILL inside ``phase`` when given. Returns how it ended."""
    markers = home / "markers.txt"
    markers.write_text("")
    env = clean_env(LOKET_HOME=str(home), LOKET_STABLE_SECONDS="0", PREFECT_API_URL=api_url,
                    LOKET_FAULT_MARKERS=str(markers), LOKET_FAULT_PHASE=phase,
                    LOKET_FAULT_PAUSE=str(pause))  # fmt: skip
    started = time.monotonic()
    proc = subprocess.Popen(
        [PY, str(REPO / "tests" / "faults" / "crashing_intake.py")], env=env, cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    while proc.poll() is None:
        if phase and phase in markers.read_text().split():
            time.sleep(rng.uniform(0, pause))
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return "killed", time.monotonic() - started
        assert time.monotonic() - started < 180, "intake run hangs"
        time.sleep(0.02)
    out = proc.stdout.read().decode() if proc.stdout else ""
    assert proc.returncode == 0, out[-3000:]
    return "finished", time.monotonic() - started


def test_crash_anywhere_then_restart(tmp_path: Path, api_url: str) -> None:
    from loket.common.db import open_database
    from loket.intake import archive, faults, register

    rng = random.Random(7)
    home = make_home(tmp_path / "kantor")
    inbox = home / "inbox"
    originals: dict[str, dict[str, str]] = {}
    n = 0
    kills: dict[str, int] = {}
    for trial in range(TRIALS):
        for _ in range(NEW_PER_TRIAL):
            n += 1
            _drop(inbox, n, originals)
        phase = PHASES[trial % len(PHASES)]  # every phase, in turn; the moment is random
        ended, _ = _run(home, api_url, rng, phase, pause=0.3)
        if ended == "killed":
            kills[phase] = kills.get(phase, 0) + 1
    ended, _ = _run(home, api_url, rng)  # the restart
    assert ended == "finished"
    assert sum(kills.values()) >= TRIALS * 3 // 4, kills

    # A run killed three times while one item was being worked on alone looks exactly like
    # an input that crashes the process: the item is parked and an officer retries it
    # (`loket retry`); an item killed among others is never parked; nothing is lost.
    db = open_database(f"sqlite:///{home / 'var' / 'loket.db'}")
    parked = faults.parked_items(db)
    assert all("proses mati" in p.error for p in parked), parked
    for item in parked:
        assert faults.retry(db, item.reg_no or item.source) is not None
    if parked:
        assert _run(home, api_url, rng)[0] == "finished"
    assert not faults.parked_items(db)
    print(f"crash trials: {TRIALS}, kills by phase: {kills}, parked then retried: "
          f"{[p.reg_no or p.source for p in parked]}")  # fmt: skip
    with db() as session:
        apps = list(session.scalars(select(register.Application)))
        by_source = {a.source: a for a in apps}
        # exactly once: one application per submission, all processed, nothing else
        assert len(apps) == len(originals) == len(by_source), sorted(a.source for a in apps)
        assert set(by_source) == set(originals)
        assert {a.status for a in apps} == {"processed"}
        # numbers neither duplicated nor skipped
        numbers = sorted(int(a.reg_no[-6:]) for a in apps)
        assert numbers == list(range(1, len(apps) + 1))
        assert session.scalar(select(func.max(register.Counter.value))) == len(apps)
        # every original archived unaltered and registered with its submission
        for source, files in originals.items():
            app = by_source[source]
            assert {(f.relpath, f.sha256) for f in app.files} == set(files.items()), source
            for digest in files.values():
                assert archive.verify(home / "var" / "archive", digest)
            pages = json.loads((home / "outbox" / app.reg_no / "pages.json").read_text())
            assert pages["source"] == source and len(pages["pages"]) == len(files)
    assert not [p for p in inbox.rglob("*")], list(inbox.rglob("*"))
    assert not list((home / "outbox").glob("_duplikat/*")), "a crash made a false duplicate"
