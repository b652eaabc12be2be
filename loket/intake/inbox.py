"""Finding submissions in the inbox and deciding when they are safe to take.

A submission is a folder ``inbox/<name>/`` (any files, any depth) or a single file
``inbox/<name>.pdf|.tif|.tiff|.jpg|.png``. It is taken only once all its files (temporary
ones included) have kept their size and mtime for ``stable_seconds``: a half-copied
submission is never taken. Temporary names (``.part``, ``~$x``, dot-files…) are ignored.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from loket.common.settings import TEMP_SUFFIXES
from loket.intake.quarantine import Problem

SINGLE_FILE_SUFFIXES = (".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png")
IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".gitkeep"}


def shown(name: str) -> str:
    """A name as people, the register and reason files see it: bytes that are not UTF-8 (a
    Latin-1 or CP437 name from an unzipped Windows folder) shown as U+FFFD. The file itself
    is still reached through its real path (``InboxFile.path``, ``Submission.path``)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def is_temporary(name: str) -> bool:
    """Names that copy tools, editors and OSes use for incomplete or private files."""
    low = name.lower()
    return (
        (name.startswith(".") and not name.startswith(".."))  # "..\\x.pdf": taken, not hidden
        or name.startswith(("~$", "~"))
        or low.endswith(TEMP_SUFFIXES)
        or low.endswith("~")
        or low in IGNORED_NAMES
    )


@dataclass(frozen=True)
class InboxFile:
    path: Path
    relpath: str
    size: int
    mtime_ns: int
    dev: int = 0
    ino: int = 0

    @property
    def identity(self) -> tuple[int, int, int, int]:
        """What the archive checks the opened file against: the file scanned, not a link or
        another file swapped in since."""
        return (self.dev, self.ino, self.size, self.mtime_ns)


@dataclass(frozen=True)
class Submission:
    """A snapshot of one submission as it lies in the inbox."""

    name: str
    path: Path
    is_dir: bool
    files: tuple[InboxFile, ...]
    problems: tuple[Problem, ...] = ()
    temp_files: tuple[InboxFile, ...] = field(default=())
    folder_mtime_ns: int = 0  # of the submission's folder: an empty one waits like a file

    @property
    def signature(self) -> tuple[tuple[str, int, int], ...]:
        return tuple((f.relpath, f.size, f.mtime_ns) for f in self.files + self.temp_files)

    @property
    def newest_mtime(self) -> float:
        times = [f.mtime_ns for f in self.files + self.temp_files] or [self.folder_mtime_ns]
        return max(times) / 1e9


def _walk(root: Path) -> tuple[list[InboxFile], list[InboxFile], list[Problem]]:
    files: list[InboxFile] = []
    temps: list[InboxFile] = []
    problems: list[Problem] = []
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            rel = shown(current.relative_to(root).as_posix() or ".")
            problems.append(Problem(rel, "unreadable", exc.strerror or str(exc)))
            continue
        for entry in entries:
            rel = shown(Path(entry.path).relative_to(root).as_posix())
            if entry.is_symlink():
                problems.append(Problem(rel, "symlink", shown(os.readlink(entry.path))))
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                problems.append(Problem(rel, "unreadable", exc.strerror or str(exc)))
                continue
            item = InboxFile(
                Path(entry.path), rel, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino
            )
            if is_temporary(entry.name):
                if stat.S_ISREG(st.st_mode):
                    temps.append(item)
                continue
            if stat.S_ISDIR(st.st_mode):
                stack.append(Path(entry.path))
            elif stat.S_ISREG(st.st_mode):
                files.append(item)
            else:
                problems.append(Problem(rel, "not_regular", _kind_of(st.st_mode)))
    files.sort(key=lambda f: f.relpath)
    return files, temps, problems


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "perangkat / device"
    return oct(stat.S_IFMT(mode))


def scan(inbox: Path) -> list[Submission]:
    """Every submission now in ``inbox`` (stable or not), sorted by name."""
    subs: list[Submission] = []
    if not inbox.is_dir():
        return subs
    for entry in sorted(os.scandir(inbox), key=lambda e: e.name):
        if is_temporary(entry.name):
            continue
        path, name = Path(entry.path), shown(entry.name)
        if entry.is_symlink():
            problem = Problem(name, "symlink", shown(os.readlink(entry.path)))
            subs.append(Submission(name, path, False, (), (problem,)))
        elif entry.is_dir(follow_symlinks=False):
            files, temps, problems = _walk(path)
            if not (files or problems or temps):  # empty: reported once it stays so
                problems = [Problem(name, "empty_folder")]
            if files or problems:
                mtime = entry.stat(follow_symlinks=False).st_mtime_ns
                subs.append(
                    Submission(name, path, True, tuple(files), tuple(problems), tuple(temps), mtime)
                )
        elif entry.is_file(follow_symlinks=False):
            st = entry.stat(follow_symlinks=False)
            item = InboxFile(path, name, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino)
            problems = ()
            if not name.lower().endswith(SINGLE_FILE_SUFFIXES):
                problems = (Problem(name, "unsupported", Path(name).suffix or "-"),)
            subs.append(Submission(name, path, False, (item,), problems))
        else:  # a FIFO, socket or device dropped into the inbox: reported, never opened
            kind = _kind_of(entry.stat(follow_symlinks=False).st_mode)
            subs.append(Submission(name, path, False, (), (Problem(name, "not_regular", kind),)))
    return subs


def stable_submissions(
    inbox: Path, stable_seconds: float, *, now: float | None = None, recheck: float = 1.0
) -> tuple[list[Submission], list[Submission]]:
    """Split the inbox into (ready, still-changing) submissions.

    Ready: every file's mtime is at least ``stable_seconds`` old and a second look after
    ``min(recheck, stable_seconds)`` seconds finds the same sizes and mtimes (catches copies
    that preserve old mtimes). With ``stable_seconds == 0`` everything present is ready.
    """
    first = scan(inbox)
    if stable_seconds <= 0:
        return first, []
    current = now if now is not None else time.time()
    candidates = [s for s in first if current - s.newest_mtime >= stable_seconds]
    waiting = [s for s in first if s not in candidates]
    if candidates and recheck > 0:
        time.sleep(min(recheck, stable_seconds))
        again = {s.name: s.signature for s in scan(inbox)}
        ready = [s for s in candidates if again.get(s.name) == s.signature]
        waiting += [s for s in candidates if s not in ready]
        return ready, waiting
    return candidates, waiting
