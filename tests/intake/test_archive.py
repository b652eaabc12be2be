"""The content-addressed archive of originals."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from loket.intake import archive


def test_store_copies_verifies_and_leaves_source(tmp_path: Path) -> None:
    src = tmp_path / "scan.jpg"
    data = b"\xff\xd8\xff" + bytes(range(256)) * 1000
    src.write_bytes(data)
    sha, size = archive.store(tmp_path / "arc", src)
    assert sha == hashlib.sha256(data).hexdigest() and size == len(data)
    stored = archive.path_for(tmp_path / "arc", sha)
    assert stored.read_bytes() == data
    assert src.read_bytes() == data  # the original is untouched
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert archive.verify(tmp_path / "arc", sha)


def test_same_content_is_stored_once(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"same")
    (tmp_path / "b").write_bytes(b"same")
    assert archive.store(tmp_path / "arc", tmp_path / "a") == archive.store(
        tmp_path / "arc", tmp_path / "b"
    )
    assert len([p for p in (tmp_path / "arc").rglob("*") if p.is_file()]) == 1


def test_corrupted_archive_copy_fails_verification(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"content")
    sha, _ = archive.store(tmp_path / "arc", tmp_path / "a")
    stored = archive.path_for(tmp_path / "arc", sha)
    stored.chmod(0o640)
    stored.write_bytes(b"tampered")
    assert not archive.verify(tmp_path / "arc", sha)
    # storing again repairs the copy from the original
    assert archive.store(tmp_path / "arc", tmp_path / "a")[0] == sha
    assert archive.verify(tmp_path / "arc", sha)


def test_source_changing_while_copied_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that grows between the start and the end of its copy is not taken."""
    src = tmp_path / "growing.pdf"
    src.write_bytes(b"%PDF-1.4 " * 1000)
    real_read = os.read
    grown = []

    def read_and_grow(fd: int, n: int) -> bytes:
        chunk = real_read(fd, n)
        if not grown:  # another process keeps writing while the copy runs
            grown.append(True)
            with src.open("ab") as fh:
                fh.write(b"more data")
        return chunk

    monkeypatch.setattr(os, "read", read_and_grow)
    with pytest.raises(archive.ArchiveError, match="changed while"):
        archive.store(tmp_path / "arc", src)
    assert not [p for p in (tmp_path / "arc").rglob("*") if p.is_file()]
    assert src.exists()
