"""The content-addressed archive of original files (SHA-256).

``archive/ab/cd/<sha256>`` holds each distinct content once, read-only. A file is stored by
copying it to a temporary name while hashing, fsyncing, renaming into place and re-reading
the stored copy to verify its hash; only then may the inbox copy be removed.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive could not store or verify a file; the original stays where it is."""


def path_for(archive_dir: Path, sha256: str) -> Path:
    return archive_dir / sha256[:2] / sha256[2:4] / sha256


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(archive_dir: Path, sha256: str) -> bool:
    target = path_for(archive_dir, sha256)
    return target.is_file() and sha256_file(target) == sha256


def store(archive_dir: Path, source: Path) -> tuple[str, int]:
    """Copy ``source`` into the archive; return (sha256, size). Never touches ``source``.

    Raises :class:`ArchiveError` if the source changed while being copied or the stored
    copy does not verify.
    """
    before = source.stat()
    digest = hashlib.sha256()
    archive_dir.mkdir(parents=True, exist_ok=True)
    tmp = archive_dir / f".incoming-{os.getpid()}-{before.st_ino}-{before.st_mtime_ns}"
    size = 0
    try:
        with source.open("rb") as src, tmp.open("wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        after = source.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or (
            size != before.st_size
        ):
            raise ArchiveError(f"{source} changed while it was being archived")
        sha = digest.hexdigest()
        target = path_for(archive_dir, sha)
        if target.exists() and sha256_file(target) == sha:
            return sha, size
        target.parent.mkdir(parents=True, exist_ok=True)
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
