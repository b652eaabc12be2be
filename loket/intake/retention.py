"""Retention of personal data kept for reading (issue #18, part 5).

Reading an application leaves two copies of every page's text, NIKs, names and addresses
included: the OCR cache (``var/ocr-cache/<2 hex>/<page key>.json``, see
:class:`loket.intake.ocr.OcrCache`) and ``outbox/<reg no>/pages.json``, plus small page images
(``outbox/<reg no>/thumbnails``) made for the desks. They serve while the file is worked on;
once it is **closed** — the permit collected, or an incomplete file returned to the applicant
(the checklist's verdict ``incomplete`` and never put into the chain) — they only duplicate
what the archive of originals keeps, so a configurable number of days after closing
(``retention_days``) they go. Kept: the archive of originals (the record), ``checklist.json``
and its documents, the permit and the control card; ``pages.json`` keeps its structure (which
page is which document, errors) with the texts emptied and the date of the purge.

The module decides with pure functions over plain records (:func:`closed_at`,
:func:`plan`); :func:`list_cache`, :func:`pages_with_text` look, :func:`execute` removes —
never through a link. What counts as closed comes from the register and the approval chain,
which the caller (``flows/retention.py``) reads: intake sits below the chain.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from loket.common.clock import as_utc
from loket.common.safefs import UnsafePath, directory, open_beneath, unlink_beneath, write_bytes
from loket.intake.ocr import page_key

#: The checklist's verdict of a file returned to the applicant (``Verdict.INCOMPLETE`` of
#: ``loket.requirements``, which sits above intake).
RETURNED_VERDICT = "incomplete"
#: Tesseract's page segmentation modes: a cache key holds the one a page was read with.
PSMS = range(14)
PAGES_JSON = "pages.json"
THUMBNAILS = "thumbnails"
#: The key ``pages.json`` gets when its texts are emptied.
PURGED_KEY = "text_purged_at"


@dataclass(frozen=True)
class FileState:
    """One application as retention sees it: when it was closed (None: still open) and the
    (SHA-256, page count) of each archived file, which name its OCR cache entries."""

    reg_no: str
    closed_at: datetime | None
    files: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class CacheEntry:
    key: str
    relpath: str  # below the cache folder
    mtime: datetime


@dataclass
class Plan:
    """What one purge removes (and, with ``--dry-run``, only says)."""

    cutoff: datetime
    closed: list[str] = field(default_factory=list)  # closed before the cutoff
    cache: list[CacheEntry] = field(default_factory=list)  # of those files
    orphans: list[CacheEntry] = field(default_factory=list)  # of no file, older than cutoff
    page_texts: list[str] = field(default_factory=list)  # reg nos whose pages.json has text
    thumbnails: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.cache or self.orphans or self.page_texts or self.thumbnails)


def closed_at(
    *,
    verdict: str | None,
    updated_at: datetime | None,
    in_chain: bool,
    collected_at: datetime | None,
) -> datetime | None:
    """When a file was closed: its permit collected, or — returned as incomplete and never
    put into the chain — its last update (the verdict). None while it is open: in the chain
    and not collected, in review, parked, or still being read. Always aware, in UTC (SQLite
    gives naive UTC values back)."""
    if collected_at is not None:
        return as_utc(collected_at)
    if verdict == RETURNED_VERDICT and not in_chain and updated_at is not None:
        return as_utc(updated_at)
    return None


def cache_keys(files: Iterable[tuple[str, int]]) -> set[str]:
    """The OCR cache keys the pages of these files may have (any segmentation mode)."""
    return {
        page_key(sha, index, psm)
        for sha, pages in files
        for index in range(max(pages, 1))
        for psm in PSMS
    }


def plan(
    states: Iterable[FileState],
    cache: Iterable[CacheEntry],
    outbox_has: Mapping[str, set[str]],
    *,
    now: datetime,
    days: int,
) -> Plan:
    """What to purge at ``now``: of every file closed more than ``days`` days ago, its cache
    entries, page texts and thumbnails (``outbox_has[reg_no]``: which of ``pages.json``-with-
    text and ``thumbnails`` its folder still holds); plus cache entries of no known file
    older than that. An entry that a file still open (or closed recently) may read is kept,
    whoever else read the same scan."""
    cutoff = now - timedelta(days=days)
    out = Plan(cutoff=cutoff)
    keep: list[tuple[str, int]] = []
    gone: list[tuple[str, int]] = []
    for state in sorted(states, key=lambda s: s.reg_no):
        if state.closed_at is not None and state.closed_at <= cutoff:
            out.closed.append(state.reg_no)
            gone += state.files
            held = outbox_has.get(state.reg_no, set())
            if PAGES_JSON in held:
                out.page_texts.append(state.reg_no)
            if THUMBNAILS in held:
                out.thumbnails.append(state.reg_no)
        else:
            keep += state.files
    kept, closed_keys = cache_keys(keep), cache_keys(gone) - cache_keys(keep)
    for entry in sorted(cache, key=lambda e: e.relpath):
        if entry.key in kept:
            continue
        if entry.key in closed_keys:
            out.cache.append(entry)
        elif entry.mtime <= cutoff:
            out.orphans.append(entry)
    return out


# ---------------------------------------------------------------------------------------
# looking and removing (never through a link)


def list_cache(cache_dir: Path) -> list[CacheEntry]:
    """Every file of the OCR cache (entries and temporaries left by a crash), links skipped."""
    found: list[CacheEntry] = []
    if not cache_dir.is_dir():
        return found
    with os.scandir(cache_dir) as shards:
        for shard in shards:
            if not shard.is_dir(follow_symlinks=False):
                continue
            with os.scandir(shard.path) as files:
                for entry in files:
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    st = entry.stat(follow_symlinks=False)
                    found.append(
                        CacheEntry(
                            key=entry.name.split(".", 1)[0],
                            relpath=f"{shard.name}/{entry.name}",
                            mtime=datetime.fromtimestamp(st.st_mtime, UTC),
                        )
                    )
    return found


def _read_pages(outbox: Path, reg_no: str) -> dict | None:
    try:
        fd = open_beneath(outbox, Path(reg_no) / PAGES_JSON)
    except (FileNotFoundError, NotADirectoryError, UnsafePath):
        return None
    with os.fdopen(fd, "rb") as fh:
        try:
            data = json.loads(fh.read().decode("utf-8"))
        except ValueError:
            return None
    return data if isinstance(data, dict) else None


def outbox_holds(outbox: Path, reg_nos: Iterable[str]) -> dict[str, set[str]]:
    """For each file, which of its purgeable outputs its outbox folder still holds:
    ``pages.json`` with some page text, ``thumbnails`` (a real folder, not a link)."""
    held: dict[str, set[str]] = {}
    for reg_no in reg_nos:
        mine: set[str] = set()
        doc = _read_pages(outbox, reg_no)
        if doc and any(p.get("text") for p in doc.get("pages") or () if isinstance(p, dict)):
            mine.add(PAGES_JSON)
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(os.lstat(outbox / reg_no / THUMBNAILS).st_mode):
                mine.add(THUMBNAILS)
        held[reg_no] = mine
    return held


def empty_texts(doc: dict, now: datetime) -> dict:
    """``pages.json`` without its page texts, marked with the date they were removed."""
    pages = [dict(p, text="") if isinstance(p, dict) else p for p in doc.get("pages") or ()]
    return {**doc, "pages": pages, PURGED_KEY: now.isoformat(timespec="seconds")}


def execute(the_plan: Plan, *, cache_dir: Path, outbox: Path, now: datetime) -> None:
    """Remove what :func:`plan` chose. ``pages.json`` is rewritten in place (0640),
    atomically; a file that vanished meanwhile is not an error.

    The cache's shard folders stay, even emptied: an intake writing a page makes the shard
    folder, then the file in it (:meth:`loket.intake.ocr.OcrCache.put`), and a folder
    removed in between would fail that page's reading. They are 256 names at most (the
    first two hex digits of a page key) and hold no personal data once empty."""
    for entry in the_plan.cache + the_plan.orphans:
        with contextlib.suppress(FileNotFoundError):
            unlink_beneath(cache_dir, entry.relpath)
    for reg_no in the_plan.page_texts:
        doc = _read_pages(outbox, reg_no)
        if doc is None:
            continue
        body = json.dumps(empty_texts(doc, now), ensure_ascii=False, indent=2).encode("utf-8")
        with directory(outbox, [reg_no]) as fd:
            write_bytes(fd, PAGES_JSON, body, mode=0o640)
    for reg_no in the_plan.thumbnails:
        with directory(outbox, [reg_no]) as fd, contextlib.suppress(FileNotFoundError):
            if stat.S_ISDIR(os.stat(THUMBNAILS, dir_fd=fd, follow_symlinks=False).st_mode):
                shutil.rmtree(THUMBNAILS, dir_fd=fd)
