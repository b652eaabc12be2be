"""The content-addressed archive of original files (SHA-256).

``archive/ab/cd/<sha256>`` holds each distinct content once, read-only. A file is stored by
copying it to a temporary name while hashing, fsyncing, renaming into place and re-reading
the stored copy to verify its hash; only then may the inbox copy be removed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from loket.common import safefs

CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive could not store or verify a file; the original stays where it is."""


def path_for(archive_dir: Path, sha256: str) -> Path:
    return archive_dir / sha256[:2] / sha256[2:4] / sha256


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(archive_dir: Path, sha256: str) -> bool:
    target = path_for(archive_dir, sha256)
    try:
        return target.is_file() and sha256_file(target) == sha256
    except OSError:  # a link or something unreadable where the copy should be
        return False


#: What identifies the file that was scanned: (device, inode, size, mtime in ns).
Identity = tuple[int, int, int, int]


def _open_source(source: Path, base: Path | None) -> int:
    """A read handle on ``source``: no link followed (anywhere below ``base``, when given),
    no blocking on a FIFO, nothing but a regular file."""
    try:
        return safefs.open_file(source, base)
    except safefs.UnsafePath as exc:
        raise ArchiveError(f"{source} is no longer the regular file scanned: {exc}") from exc


def store(
    archive_dir: Path, source: Path, *, base: Path | None = None, expected: Identity | None = None
) -> tuple[str, int]:
    """Copy ``source`` into the archive; return (sha256, size). Never touches ``source``.

    The file opened must be the one scanned (``expected``: device, inode, size, mtime): a
    file swapped for a link, a FIFO or another file after the scan is refused, never
    archived. Raises :class:`ArchiveError` if the source is not that file, changed while
    being copied, or the stored copy does not verify.
    """
    src = _open_source(source, base)
    try:
        before = os.fstat(src)
        seen = (before.st_dev, before.st_ino, before.st_size, before.st_mtime_ns)
        if expected is not None and seen != expected:
            raise ArchiveError(f"{source} is not the file that was scanned (replaced?)")
        return _copy_in(archive_dir, src, before, source)
    finally:
        os.close(src)


def _copy_in(archive_dir: Path, src: int, before: os.stat_result, source: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    archive_dir.mkdir(parents=True, exist_ok=True)
    tmp = archive_dir / f".incoming-{os.getpid()}-{before.st_ino}-{before.st_mtime_ns}"
    size = 0
    try:
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o640)
        with os.fdopen(out, "wb") as dst:
            while chunk := os.read(src, CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        after = os.fstat(src)
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or (
            size != before.st_size
        ):
            raise ArchiveError(f"{source} changed while it was being archived")
        sha = digest.hexdigest()
        target = path_for(archive_dir, sha)
        if target.is_file() and not target.is_symlink() and sha256_file(target) == sha:
            return sha, size
        with safefs.directory(archive_dir, [sha[:2], sha[2:4]], create=True):
            pass  # the two fan-out folders, made without following a link
        os.chmod(tmp, 0o440)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        if tmp.exists():
            tmp.unlink()
    if sha256_file(target) != sha:
        raise ArchiveError(f"archived copy of {source} does not verify")
    return sha, size


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
