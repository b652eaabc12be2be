"""Finding submissions and taking only stable ones."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from loket.intake.inbox import is_temporary, scan, stable_submissions


def _write(path: Path, data: bytes = b"x", age: float = 0.0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if age:
        t = time.time() - age
        os.utime(path, (t, t))
    return path


@pytest.mark.parametrize(
    "name", ["scan1.jpg.part", "a.pdf.filepart", "~$surat.docx", ".DS_Store", "Thumbs.db", "x~"]
)
def test_temporary_names_are_ignored(name: str) -> None:
    assert is_temporary(name)


@pytest.mark.parametrize("name", ["scan0003.jpg", "app-018.pdf", "KTP (1).png"])
def test_ordinary_names_are_taken(name: str) -> None:
    assert not is_temporary(name)


def test_scan_finds_folders_single_files_and_nested(tmp_path: Path) -> None:
    _write(tmp_path / "app-1" / "scan0001.jpg")
    _write(tmp_path / "app-1" / "sub" / "deep" / "scan0002.png")
    _write(tmp_path / "app-1" / "scan0003.jpg.part")
    _write(tmp_path / "app-2.pdf")
    _write(tmp_path / "notes.docx")
    _write(tmp_path / ".hidden")
    subs = {s.name: s for s in scan(tmp_path)}
    assert set(subs) == {"app-1", "app-2.pdf", "notes.docx"}
    assert [f.relpath for f in subs["app-1"].files] == ["scan0001.jpg", "sub/deep/scan0002.png"]
    assert [f.relpath for f in subs["app-1"].temp_files] == ["scan0003.jpg.part"]
    assert subs["notes.docx"].problems[0].code == "unsupported"
    assert not subs["app-2.pdf"].problems


def test_symlinks_are_problems_not_followed(tmp_path: Path) -> None:
    outside = _write(tmp_path.parent / f"{tmp_path.name}-outside.jpg")
    inbox = tmp_path / "inbox"
    _write(inbox / "app" / "real.jpg")
    os.symlink(outside, inbox / "app" / "link.jpg")
    os.symlink(outside, inbox / "top.pdf")
    subs = {s.name: s for s in scan(inbox)}
    assert [p.code for p in subs["app"].problems] == ["symlink"]
    assert [f.relpath for f in subs["app"].files] == ["real.jpg"]
    assert subs["top.pdf"].problems[0].code == "symlink" and not subs["top.pdf"].files


def test_unreadable_folder_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "app" / "ok.jpg")
    _write(tmp_path / "app" / "locked" / "x.jpg")
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    (sub,) = scan(tmp_path)
    assert [f.relpath for f in sub.files] == ["ok.jpg"]
    assert sub.problems[0].code == "unreadable" and sub.problems[0].relpath == "locked"


def test_fresh_files_wait_old_files_are_taken(tmp_path: Path) -> None:
    _write(tmp_path / "old" / "a.jpg", age=60)
    _write(tmp_path / "fresh" / "a.jpg", age=60)
    _write(tmp_path / "fresh" / "b.jpg")  # still being copied
    ready, waiting = stable_submissions(tmp_path, 5.0, recheck=0)
    assert [s.name for s in ready] == ["old"]
    assert [s.name for s in waiting] == ["fresh"]


def test_active_temp_file_holds_back_its_folder(tmp_path: Path) -> None:
    _write(tmp_path / "app" / "a.jpg", age=60)
    _write(tmp_path / "app" / "b.jpg.part")  # a copy in progress
    ready, waiting = stable_submissions(tmp_path, 5.0, recheck=0)
    assert not ready and [s.name for s in waiting] == ["app"]


def test_a_file_growing_during_the_recheck_is_not_taken(tmp_path: Path) -> None:
    path = _write(tmp_path / "app" / "a.jpg", b"x", age=60)
    import threading

    def grow() -> None:
        time.sleep(0.1)
        with path.open("ab") as fh:
            fh.write(b"more")
        t = time.time() - 60  # a copy tool that preserves old mtimes
        os.utime(path, (t, t))

    threading.Thread(target=grow).start()
    ready, waiting = stable_submissions(tmp_path, 5.0, recheck=0.5)
    assert not ready and [s.name for s in waiting] == ["app"]


def test_zero_delay_takes_everything(tmp_path: Path) -> None:
    _write(tmp_path / "app" / "a.jpg")
    ready, waiting = stable_submissions(tmp_path, 0)
    assert [s.name for s in ready] == ["app"] and not waiting


def test_one_intake_at_a_time(settings) -> None:  # type: ignore[no-untyped-def]
    from loket.intake.steps import Busy, exclusive

    with exclusive(settings), pytest.raises(Busy), exclusive(settings, wait_seconds=0.6):
        pass
    with exclusive(settings):  # released: free again
        pass
