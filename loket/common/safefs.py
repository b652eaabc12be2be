"""Files opened and written without ever following a link: the inbox is outside data.

Whoever can write to the inbox can plant a symbolic link, swap a scanned file for one, or
leave a FIFO. Everything that reads from the inbox or writes a path derived from a name found
there therefore goes through this module:

- every path is walked one component at a time from a trusted base folder (a configured
  folder: the inbox, the outbox, ``var/``), each component opened with ``O_NOFOLLOW``
  relative to the handle of the one before, so a link anywhere below the base is refused,
  not followed, even if it appears between a check and the use (no check-then-open race);
- files are opened ``O_NONBLOCK`` and checked with ``fstat`` before a byte is read, so a FIFO
  or device is refused at once instead of blocking ``open()`` forever;
- no link is ever created;
- a name longer than the file system allows is shortened, keeping a hash of the whole name
  so two long names never collide (:func:`fit_name`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

#: Longest file name, in bytes, on the file systems an office uses (ext4, NTFS via CIFS).
NAME_MAX = 255

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class UnsafePath(OSError):
    """A path below a trusted folder is a link, or not the kind of file expected."""


def fit_name(name: str, *, reserve: int = 0, limit: int = NAME_MAX) -> str:
    """``name`` shortened, if needed, so that it and ``reserve`` more bytes (a suffix the
    caller adds, such as ``.alasan.txt``) fit in ``limit`` bytes of UTF-8.

    A shortened name keeps its start, a ``~`` and 12 hex digits of the SHA-256 of the whole
    name, and its extension (when short), so it still says what it was and stays unique."""
    encoded = name.encode("utf-8", "surrogateescape")
    if len(encoded) + reserve <= limit:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:12]
    suffix = Path(name).suffix if len(Path(name).suffix.encode()) <= 10 else ""
    room = limit - reserve - len(digest) - 1 - len(suffix.encode())
    head = encoded[: max(0, room)].decode("utf-8", "ignore")
    return f"{head}~{digest}{suffix}"


def safe_parts(relpath: str | Sequence[str]) -> list[str]:
    """The components of a relative path from outside data, each a plain name that fits:
    no empty, ``.`` or ``..`` component, no NUL byte. (A backslash is an ordinary character
    here: ``..\\x.pdf`` stays one name, and is written as such.)"""
    raw = relpath.split("/") if isinstance(relpath, str) else relpath
    parts = []
    for part in raw:
        if "/" in part:
            raise ValueError(f"a path component holds a separator: {part!r}")
        clean = part.replace("\x00", "")
        if clean in ("", ".", ".."):
            continue
        parts.append(fit_name(clean))
    return parts or ["_"]


def _open_dir(parent: int, name: str, *, create: bool) -> int:
    if create:
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o755, dir_fd=parent)
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            raise UnsafePath(exc.errno, f"not a plain folder (a link?): {name}") from exc
        raise


@contextlib.contextmanager
def directory(base: Path, parts: Sequence[str], *, create: bool = False) -> Iterator[int]:
    """A handle on ``base/parts…``, every component below ``base`` opened without following
    links (and made first with ``create``). ``base`` itself is configuration and trusted."""
    if create:
        base.mkdir(parents=True, exist_ok=True)
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts:
            child = _open_dir(fd, part, create=create)
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def open_regular(dir_fd: int, name: str) -> int:
    """A read handle on the regular file ``name`` in ``dir_fd``; a link, FIFO, device or
    folder raises :class:`UnsafePath` without blocking."""
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise UnsafePath(exc.errno, f"a link, not a file: {name}") from exc
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise UnsafePath(errno.EINVAL, f"not a regular file: {name}")
    os.set_blocking(fd, True)
    return fd


def open_beneath(base: Path, relpath: Path | str) -> int:
    """A read handle on the regular file ``base/relpath`` (see :func:`open_regular`); no
    component below ``base`` may be a link."""
    parts = Path(relpath).parts
    if not parts or any(p in ("", ".", "..") or p.startswith("/") for p in parts):
        raise UnsafePath(errno.EINVAL, f"not a path below {base}: {relpath}")
    with directory(base, parts[:-1]) as fd:
        return open_regular(fd, parts[-1])


def open_file(path: Path, base: Path | None = None) -> int:
    """A read handle on the regular file ``path``: below ``base`` (when ``path`` lies there)
    no component may be a link, elsewhere the file itself may not (see :func:`open_regular`)."""
    if base is not None and path.is_relative_to(base):
        return open_beneath(base, path.relative_to(base))
    with directory(path.parent, []) as parent:
        return open_regular(parent, path.name)


def write_bytes(dir_fd: int, name: str, data: bytes, *, mode: int = 0o644) -> None:
    """Write ``name`` in ``dir_fd`` atomically (a temporary name, then rename over it),
    never through a link: the temporary is created exclusively and the rename replaces a
    link planted at ``name`` rather than following it."""
    tmp = fit_name(f".{name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, _NEW_FLAGS, mode, dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise


def write_text(base: Path, relpath: str | Sequence[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``base/relpath`` as :func:`write_bytes` does, making the
    folders below ``base`` without following links; returns the path written."""
    parts = safe_parts(relpath)
    with directory(base, parts[:-1], create=True) as fd:
        write_bytes(fd, parts[-1], text.encode("utf-8"))
    return base.joinpath(*parts)


def copy_fd(src_fd: int, dir_fd: int, name: str, *, mode: int = 0o640) -> int:
    """Copy an open file into ``dir_fd/name`` (created exclusively, atomically renamed into
    place, never through a link); returns the bytes copied."""
    tmp = fit_name(f".{name}.{secrets.token_hex(6)}.tmp")
    out = os.open(tmp, _NEW_FLAGS, mode, dir_fd=dir_fd)
    copied = 0
    try:
        with os.fdopen(out, "wb") as fh:
            while chunk := os.read(src_fd, 1024 * 1024):
                fh.write(chunk)
                copied += len(chunk)
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
    return copied


def unlink_if_same(base: Path, relpath: Path | str, identity: tuple[int, int, int, int]) -> bool:
    """Remove ``base/relpath`` only if it is still the file with ``identity`` (device,
    inode, size, mtime): a file swapped in after it was archived is never removed unread.
    Returns whether it was removed."""
    parts = Path(relpath).parts
    with directory(base, parts[:-1]) as fd:
        try:
            handle = open_regular(fd, parts[-1])
        except UnsafePath:
            return False
        try:
            st = os.fstat(handle)
        finally:
            os.close(handle)
        if (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) != identity:
            return False
        os.unlink(parts[-1], dir_fd=fd)
        return True


def remove_empty_folders(base: Path, name: str) -> None:
    """Remove the folder ``base/name`` and every empty folder below it, bottom up, without
    following a link (a folder swapped for a link is left, its target untouched); folders
    that still hold something stay."""
    with directory(base, []) as base_fd:
        try:
            top = _open_dir(base_fd, name, create=False)
        except (UnsafePath, FileNotFoundError):
            return
        try:
            for _root, dirs, _files, root_fd in os.fwalk(".", topdown=False, dir_fd=top):
                for folder in dirs:
                    with contextlib.suppress(OSError):
                        os.rmdir(folder, dir_fd=root_fd)  # only succeeds when empty
        finally:
            os.close(top)
        with contextlib.suppress(OSError):
            os.rmdir(name, dir_fd=base_fd)


def unlink_beneath(base: Path, relpath: Path | str) -> None:
    """Remove the file ``base/relpath`` (a link is removed itself, never its target); no
    component below ``base`` is followed if it is a link."""
    parts = Path(relpath).parts
    with directory(base, parts[:-1]) as fd:
        os.unlink(parts[-1], dir_fd=fd)


def publish_tree(src: Path, base: Path, parts: Sequence[str]) -> Path:
    """Copy the tree ``src`` (a private folder this process made, trusted) into
    ``base/parts…``, every folder below ``base`` made and opened without following links and
    every file written as :func:`write_bytes` does; links inside ``src`` are skipped. For what
    another program writes with ordinary opens (great-expectations' Data Docs): it writes
    into a private folder, and only this copies it where outside data could have planted a
    link. The destination's path."""
    target = safe_parts(parts)
    for root, _dirs, files in os.walk(src):
        rel = Path(root).relative_to(src).parts
        with directory(base, [*target, *rel], create=True) as fd:
            for name in files:
                path = Path(root, name)
                if path.is_symlink() or not path.is_file():
                    continue
                write_bytes(fd, name, path.read_bytes())
    return base.joinpath(*target)
