"""Permit numbers under crashes: ``kill -9`` the numbering desk inside the numbering
transaction, right after the number was taken, or after the commit, over many trials; after a
restart every permit has exactly one number and the numbers are neither duplicated nor
skipped."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from loket.office import Office
from tests.approval.approval_helpers import Home, make_application, make_home
from tests.faults.helpers import PY, REPO, clean_env
from tests.identity.helpers import CHEAP, cheap_argon2, sign_in

pytestmark = pytest.mark.e2e

APPS = 10
PHASES = ("numbering", "numbered-uncommitted", "committed")
CHAIN = ["back_office", "analis_ahli_muda", "analis_ahli_madya", "sekretaris", "kepala_dinas"]


@pytest.fixture
def ahome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)
    return make_home(tmp_path, monkeypatch)


def _run(home: Home, nip: str, regs: list[str], rng: random.Random, phase: str = "") -> str:
    markers = home.root / "markers.txt"
    markers.write_text("")
    env = clean_env(**home.env(), **CHEAP, LOKET_FAULT_MARKERS=str(markers),
                    LOKET_FAULT_PHASE=phase, LOKET_FAULT_PAUSE="0.3")  # fmt: skip
    proc = subprocess.Popen(
        [PY, str(REPO / "tests" / "faults" / "crashing_numbering.py"), nip, *regs],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    started = time.monotonic()
    while proc.poll() is None:
        if phase and phase in markers.read_text().split():
            time.sleep(rng.uniform(0, 0.3))
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return "killed"
        assert time.monotonic() - started < 120
        time.sleep(0.02)
    out = proc.stdout.read().decode() if proc.stdout else ""
    assert proc.returncode == 0, out[-3000:]
    return "finished"


def test_numbering_survives_kill_9(ahome: Home) -> None:
    from loket.approval.acts import act
    from loket.approval.desk import APPROVE
    from loket.approval.models import READY, Approval, Permit
    from loket.approval.start import start

    desk = Office.from_environment().desk(pdf=False)
    p = ahome.people
    regs = []
    for seed in range(APPS):
        reg_no = make_application(desk.settings, seed=100 + seed)
        start(desk, reg_no)
        for role in CHAIN:
            act(desk, reg_no, sign_in(desk, p[role]), APPROVE)
        regs.append(reg_no)
    rng = random.Random(11)
    kills = 0
    for trial in range(len(PHASES) * 3):
        kills += _run(ahome, p["petugas_penomoran"], regs, rng, PHASES[trial % len(PHASES)]) == (
            "killed"
        )
    assert _run(ahome, p["petugas_penomoran"], regs, rng) == "finished"
    assert kills >= 6
    with desk.db() as session:
        permits = list(session.scalars(select(Permit)))
        approvals = {a.reg_no: a for a in session.scalars(select(Approval))}
    assert sorted(x.reg_no for x in permits) == sorted(regs)  # one permit each
    numbers = [x.number for x in permits]
    assert len(set(numbers)) == APPS
    seqs = sorted(x.seq for x in permits)
    assert seqs == list(range(seqs[0], seqs[0] + APPS))  # none skipped
    assert all(approvals[r].status == READY for r in regs)
    print(f"numbering: {len(PHASES) * 3} trials, {kills} kills, {APPS} permits numbered once")
