"""Outputs with personal data come out 0640 from ``loket`` commands (issue #18, part 5), not
only from flow processes: the command line sets loket's umask before any command, so that a
command started from a shell with the usual umask 022 writes nothing world-readable."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from loket.common.settings import UMASK
from loket.office import Office
from tests.approval.approval_helpers import make_application, make_home
from tests.faults.helpers import clean_env
from tests.identity.helpers import CHEAP, cheap_argon2, log_in_everyone

CHAIN = ["back_office", "analis_ahli_muda", "analis_ahli_madya", "sekretaris", "kepala_dinas",
         "petugas_penomoran"]  # fmt: skip
LOKET = str(Path(sys.executable).with_name("loket"))


def _files(root: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.mark.e2e  # starts a fresh interpreter (issue #15: not a unit test)
def test_approve_from_a_shell_with_umask_022_writes_no_world_readable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last step of the chain, ``loket approve`` by the numbering officer (through
    ``act()``; ``--no-resume``: no flow imported), renders permit.docx/pdf and the control
    card's PDF (docxtpl, LibreOffice): none may be readable by other users of the machine.
    (Checked to fail, 0644 files, when the process's umask is left at 022.)"""
    from loket.approval.acts import act
    from loket.approval.start import start
    from tests.identity.helpers import sign_in

    cheap_argon2(monkeypatch)
    home = make_home(tmp_path, monkeypatch)
    old = os.umask(UMASK)  # what the office had before is not what is tested
    try:
        desk = Office.from_environment().desk(pdf=False)
        log_in_everyone(desk, home.people.by_role.values())
        reg_no = make_application(desk.settings, seed=21)
        start(desk, reg_no)
        for role in CHAIN[:-1]:
            act(desk, reg_no, sign_in(desk, home.people[role]), "setuju")
    finally:
        os.umask(old)
    before = _files(home.outbox)
    done = subprocess.run(
        ["sh", "-c", 'umask 022 && exec "$@"', "sh", LOKET, "approve", reg_no,
         "--as", home.people[CHAIN[-1]], "--no-resume"],
        env=clean_env(**home.env(), **CHEAP),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    written = [p for p, seen in _files(home.outbox).items() if before.get(p) != seen]
    folder = desk.folder(reg_no)
    for name in ("permit.docx", "permit.pdf", "kartu-kendali.pdf"):
        assert folder / name in written, name
    readable = {
        str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode))
        for p in written
        if p.stat().st_mode & 0o007
    }
    assert readable == {}


def test_every_command_sets_the_umask_when_it_runs(tmp_path: Path) -> None:
    """The umask is set by the app callback that every command passes, not only as a side
    effect of importing the command line (which a program embedding it may undo)."""
    code = (
        "import os\n"
        "from loket.cli.main import app\n"
        "os.umask(0o022)\n"
        "try:\n    app(['config', '--json'])\nexcept SystemExit:\n    pass\n"
        "print('umask', oct(os.umask(0o022)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(LOKET_HOME=str(tmp_path)),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"umask {oct(UMASK)}" in done.stdout
