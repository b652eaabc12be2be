"""Burst: hundreds of small submissions dropped at once, some still being copied while intake
runs (stability delay > 0). Every one is processed exactly once; none is taken half-copied."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.faults.helpers import make_home, sha, small_scan

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

BURST = int(os.environ.get("LOKET_FAULT_BURST", "500"))
SLOW = 12  # of which: copied slowly, chunk by chunk, while the first run is going
STABLE = 2.0


def _slow_copy(inbox: Path, names: list[str], data: dict[str, bytes], started: threading.Event):
    """Write each slow submission in pieces over ~STABLE*3 s, as a network copy would."""
    started.wait(30)
    for name in names:
        folder = inbox / name
        folder.mkdir()
        payload = data[name]
        with (folder / "scan.jpg").open("wb") as fh:
            for i in range(0, len(payload), len(payload) // 4 + 1):
                fh.write(payload[i : i + len(payload) // 4 + 1])
                fh.flush()
                time.sleep(STABLE * 3 / (4 * len(names)))


@pytest.fixture
def burst_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = make_home(tmp_path / "kantor")
    monkeypatch.setenv("LOKET_HOME", str(home))
    monkeypatch.setenv("LOKET_STABLE_SECONDS", str(STABLE))
    for key in ("LOKET_RULES", "LOKET_DATABASE_URL", "LOKET_INBOX", "LOKET_OUTBOX", "LOKET_VAR"):
        monkeypatch.delenv(key, raising=False)
    return home


def test_burst_exactly_once(burst_home: Path, prefect_server: None) -> None:
    from flows.intake import intake_flow
    from loket.common.db import open_database
    from loket.intake import register

    home = burst_home
    inbox = home / "inbox"
    expected: dict[str, str] = {}
    for i in range(BURST - SLOW):
        path = inbox / f"b{i:04d}.jpg"
        path.write_bytes(small_scan(f"Pemohon burst {i}"))
        expected[path.name] = sha(path)
    old = time.time() - 3600  # dropped a while ago: stable
    for p in inbox.iterdir():
        os.utime(p, (old, old))
    slow_names = [f"lambat-{i:02d}" for i in range(SLOW)]
    slow_data = {n: small_scan(f"Pemohon lambat {n}") for n in slow_names}
    started = threading.Event()
    copier = threading.Thread(target=_slow_copy, args=(inbox, slow_names, slow_data, started))
    copier.start()
    t0 = time.monotonic()
    started.set()
    first = intake_flow(check=False)
    copier.join()
    time.sleep(STABLE + 0.5)
    second = intake_flow(check=False)
    elapsed = time.monotonic() - t0
    for n in slow_names:
        expected[n] = sha(inbox / n / "scan.jpg") if (inbox / n).exists() else expected.get(n, "")
    for n, data in slow_data.items():
        import hashlib

        expected[n] = hashlib.sha256(data).hexdigest()

    outcomes = [s["outcome"] for s in first["submissions"] + second["submissions"]]
    print(f"burst {BURST}: {elapsed:.0f} s, first run took {len(first['submissions'])}, "
          f"waiting {len(first['waiting'])}, second took {len(second['submissions'])}")  # fmt: skip
    assert outcomes.count("registered") == BURST, outcomes
    db = open_database(f"sqlite:///{home / 'var' / 'loket.db'}")
    with db() as session:
        apps = list(session.scalars(select(register.Application)))
        assert len(apps) == BURST
        assert {a.status for a in apps} == {"processed"}
        by_source = {a.source: a for a in apps}
        assert set(by_source) == set(expected)
        for source, digest in expected.items():
            # never taken half-copied: what was registered is the complete file
            assert [f.sha256 for f in by_source[source].files] == [digest], source
        numbers = sorted(int(a.reg_no[-6:]) for a in apps)
        assert numbers == list(range(1, BURST + 1))
    assert not list(inbox.rglob("*"))
    for a in apps:
        doc = json.loads((home / "outbox" / a.reg_no / "pages.json").read_text())
        assert doc["source"] == a.source
