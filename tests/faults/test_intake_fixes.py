"""Regression tests of the intake bugs found by the fault suite (each fixed minimally)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from tests.faults.helpers import process, small_scan


def _count_apps(settings) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from loket.common.db import open_database
    from loket.intake import register

    with open_database(settings.db_url)() as session:
        return int(session.scalar(select(func.count(register.Application.id))) or 0)


@pytest.mark.ocr
def test_crash_while_clearing_a_folder_is_not_a_second_application(
    office, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Bug: killed after removing some files of a registered folder, the rest came back as a
    new application (fingerprint of fewer files). Also for the rest of a duplicate."""
    from loket.intake import steps as intake

    home, settings = office
    for name in ("pemohon", "pemohon-lagi"):
        (home / "inbox" / name).mkdir()
        for page in (1, 2):
            (home / "inbox" / name / f"hal-{page}.jpg").write_bytes(small_scan(f"hal {page}"))

    def crash_after_first(sub, settings, shas):  # type: ignore[no-untyped-def]
        sub.files[0].path.unlink()
        raise SystemExit("killed")

    monkeypatch.setattr(intake, "_remove_from_inbox", crash_after_first)
    with pytest.raises(SystemExit):
        process(settings)
    monkeypatch.undo()
    monkeypatch.setenv("LOKET_HOME", str(home))
    monkeypatch.setenv("LOKET_STABLE_SECONDS", "0")
    first = process(settings)["accepted"]
    assert first["pemohon"].outcome == "resumed"
    second = process(settings)["accepted"]  # the duplicate folder's own crash and restart
    assert second == {} or all(a.outcome in ("duplicate", "resumed") for a in second.values())
    assert _count_apps(settings) == 1
    assert not list((home / "inbox").rglob("*.jpg"))


@pytest.mark.ocr
def test_read_only_inbox_folder_does_not_fail_the_run(office, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Bug: an inbox copy that could not be removed (read-only share) raised out of accept()
    and failed the whole run; now it stays, and the next run knows it was taken."""
    home, settings = office
    (home / "inbox" / "baca").mkdir()
    (home / "inbox" / "baca" / "scan.jpg").write_bytes(small_scan("hanya baca"))
    from loket.common import safefs

    real_unlink = safefs.unlink_if_same

    def refuse(base: Path, relpath: Path | str, identity: tuple[int, int, int, int]) -> bool:
        if Path(relpath).parent.name == "baca":
            raise PermissionError(errno.EACCES, "Permission denied", str(relpath))
        return real_unlink(base, relpath, identity)

    monkeypatch.setattr(safefs, "unlink_if_same", refuse)
    first = process(settings)["accepted"]["baca"]
    again = process(settings)["accepted"]["baca"]
    assert first.outcome == "registered" and again.outcome == "resumed"
    assert again.reg_no == first.reg_no and _count_apps(settings) == 1
    assert not list((home / "outbox").glob("_duplikat/*"))


def test_quarantine_copies_are_not_world_readable(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Bug: shutil.copy2 copied the inbox file's mode (0644) into quarantine."""
    from loket.intake.quarantine import Problem, quarantine_copy

    _home, settings = office
    src = tmp_path / "x.pdf"
    src.write_bytes(b"")
    src.chmod(0o644)
    old = os.umask(0o027)
    try:
        quarantine_copy(settings.quarantine_dir, "s", Problem("x.pdf", "empty"), src)
    finally:
        os.umask(old)
    copy = settings.quarantine_dir / "s" / "x.pdf"
    assert copy.stat().st_mode & 0o007 == 0
    assert copy.stat().st_mtime_ns == src.stat().st_mtime_ns


def test_quarantine_index_written_once_per_submission(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Bug: karantina.json was re-read and rewritten per file: O(n²), 34 s for 2,000 files."""
    import time

    from loket.intake.quarantine import Problem, quarantine_all

    _home, settings = office
    src = tmp_path / "n.txt"
    src.write_text("x")
    started = time.monotonic()
    items = [(Problem(f"n{i}.txt", "unsupported", "x"), src) for i in range(2000)]
    quarantine_all(settings.quarantine_dir, "s", items)  # type: ignore[arg-type]
    assert time.monotonic() - started < 10
    index = json.loads((settings.quarantine_dir / "s" / "karantina.json").read_text())
    assert len(index) == 2000


def test_disk_full_leaves_no_half_written_pages_json(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from loket.intake import steps as intake

    real = Path.write_text

    def full(self: Path, data: str, *a, **k):  # type: ignore[no-untyped-def]
        real(self, data[:3])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(OSError):
        intake.write_json(tmp_path / "r" / "pages.json", {"a": 1})
    monkeypatch.undo()
    assert not list((tmp_path / "r").iterdir())


def test_names_starting_with_two_dots_are_taken_not_hidden() -> None:
    """Bug: '..\\\\..\\\\x.pdf' (a traversal attempt from a Windows share) started with a dot
    and was ignored for ever, its submission never taken or quarantined."""
    from loket.intake.inbox import is_temporary

    assert not is_temporary("..\\..\\keluar.pdf")
    assert is_temporary(".~lock.doc#") and is_temporary(".DS_Store")
