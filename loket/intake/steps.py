"""Intake, step by step: accept a submission (archive, probe, register or quarantine), read
its pages (text layer or OCR, faces) and assemble ``pages.json``.

Pure domain logic: the Prefect flow in ``flows/intake.py`` decides what runs when and in
parallel. Every step is idempotent, so a crash anywhere is repaired by running intake again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.common import safefs
from loket.common.clock import WIB
from loket.common.errors import describe_error, new_error_id, office_fault
from loket.common.jsonfile import write_json
from loket.common.settings import PAGE_TIMEOUT, Settings
from loket.intake import archive, faults, register
from loket.intake.classify import (
    ClassificationRules,
    ClassifiedPage,
    apply_continuations,
    classify,
    group,
    letters,
)
from loket.intake.inbox import Submission
from loket.intake.ocr import (
    OcrCache,
    OcrResult,
    descreen,
    page_key,
    read_page,
    to_gray,
)
from loket.intake.pages import PageRef, probe, render_page, text_layer
from loket.intake.photos import read_cards, search_photos
from loket.intake.quarantine import Problem, Unusable, quarantine_all
from loket.intake.reading import PageReading, PagesDocument

log = logging.getLogger("loket.intake")
CLASSIFICATION_RULES = "document-types.yaml"
#: Pages with more letters and digits than this are documents, not photo sheets: no face
#: search (it costs ~0.1 s per orientation tried).
FACE_SEARCH_MAX_CHARS = 400
#: A page with less ink than this (fraction of dark pixels) holds no photograph.
FACE_SEARCH_MIN_INK = 0.01


@dataclass
class Accepted:
    """What happened to one submission."""

    source: str
    # registered | resumed | duplicate | quarantined | deferred | empty_reported (an empty
    # folder reported before) | failed | parked (see loket.intake.faults)
    outcome: str
    reg_no: str | None = None
    problems: list[Problem] = field(default_factory=list)
    message: str = ""


def _remove_from_inbox(sub: Submission, settings: Settings, shas: dict[str, str]) -> None:
    """Delete inbox files whose verified copy is in the archive, each only if it is still the
    file scanned; then the submission's empty folders. No link below the inbox is followed."""
    inbox = settings.inbox_dir
    for f in sub.files:
        sha = shas.get(f.relpath)
        if sha and archive.verify(settings.archive_dir, sha):
            try:
                rel = f.path.relative_to(inbox)
                if f.ino:
                    safefs.unlink_if_same(inbox, rel, f.identity)
                else:
                    safefs.unlink_beneath(inbox, rel)
            except OSError:  # gone, or a read-only folder: recognised next time as taken
                continue
    if sub.is_dir and not is_empty_folder(sub):
        safefs.remove_empty_folders(inbox, sub.path.name)


#: Problems of inbox entries that hold no content of their own: removed once reported.
CONTENTLESS = ("symlink", "not_regular")


def _quarantine_problems(settings: Settings, sub: Submission, problems: list[Problem]) -> None:
    real = {f.relpath: f.path for f in sub.files}  # names as shown -> paths as they are
    items = [
        (p, real.get(p.relpath) or ((sub.path / p.relpath) if sub.is_dir else sub.path))
        for p in problems
    ]
    quarantine_all(settings.quarantine_dir, sub.name, items, inbox=settings.inbox_dir)  # type: ignore[arg-type]
    for problem, original in items:
        if problem.code in CONTENTLESS:
            # a link (its target untouched) or a FIFO/device node, named in the reason
            with contextlib.suppress(OSError):
                safefs.unlink_beneath(settings.inbox_dir, original.relative_to(settings.inbox_dir))


def is_empty_folder(sub: Submission) -> bool:
    """A submission folder with nothing in it (reported once, see accept)."""
    return sub.is_dir and not sub.files and [p.code for p in sub.problems] == ["empty_folder"]


def _report_empty_folder(
    sub: Submission, settings: Settings, db: sessionmaker[Session]
) -> Accepted:
    """An empty submission folder is reported once (per folder modification time) and left
    where it is: someone may be about to fill it."""
    stamp = str(sub.folder_mtime_ns)
    with db.begin() as session:
        seen = session.scalars(
            select(register.IntakeEvent.id).where(
                register.IntakeEvent.kind == "empty_folder",
                register.IntakeEvent.source == sub.name,
                register.IntakeEvent.detail == json.dumps(stamp),
            )
        ).first()
        if seen is None:
            register.log(session, "empty_folder", sub.name, None, stamp)
    if seen is not None:
        return Accepted(sub.name, "empty_reported")
    _quarantine_problems(settings, sub, list(sub.problems))
    return Accepted(sub.name, "quarantined", problems=list(sub.problems))


def accept(
    sub: Submission, settings: Settings, db: sessionmaker[Session], *, prefix: str
) -> Accepted:
    """Originals first: archive and verify every file, then register, then clear the inbox.

    A file whose content was registered before as usable is not probed again (its kind and
    page count are in the register): a submission dropped twice costs little."""
    if is_empty_folder(sub):
        return _report_empty_folder(sub, settings, db)
    problems = list(sub.problems)
    stored = _archive_files(sub, settings, problems)
    if isinstance(stored, Accepted):
        return stored
    shas, sizes = stored
    records = _file_records(sub, settings, db, shas, sizes, problems)
    outcome, reg_no = _register(sub, settings, db, records, problems, prefix=prefix)
    if outcome != "duplicate":
        _quarantine_problems(settings, sub, problems)
        if outcome == "quarantined" and not problems:
            _quarantine_problems(settings, sub, [Problem(sub.name, "no_usable_files")])
    else:
        _note_duplicate(settings, sub.name, reg_no or "")
    _remove_from_inbox(sub, settings, shas)
    return Accepted(sub.name, outcome, reg_no, problems if outcome != "duplicate" else [])


def _archive_files(
    sub: Submission, settings: Settings, problems: list[Problem]
) -> tuple[dict[str, str], dict[str, int]] | Accepted:
    """Every file of ``sub`` copied into the archive: (sha by path, size by path), or the
    submission deferred when a file vanished or could not be stored; an unreadable file is
    added to ``problems``."""
    shas: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for f in sub.files:
        try:
            shas[f.relpath], sizes[f.relpath] = archive.store(
                settings.archive_dir,
                f.path,
                base=settings.inbox_dir,
                expected=f.identity if f.ino else None,
            )
        except FileNotFoundError:
            return Accepted(sub.name, "deferred", message=f"{f.relpath} vanished; retry later")
        except archive.ArchiveError as exc:
            return Accepted(sub.name, "deferred", message=str(exc))
        except PermissionError as exc:
            problems.append(Problem(f.relpath, "unreadable", exc.strerror or str(exc)))
    return shas, sizes


def _file_records(
    sub: Submission,
    settings: Settings,
    db: sessionmaker[Session],
    shas: dict[str, str],
    sizes: dict[str, int],
    problems: list[Problem],
) -> list[register.FileRecord]:
    """The register's record of each archived file: probed (or known from an earlier
    probe of the same content), or with the problem that makes it unusable."""
    records: list[register.FileRecord] = []
    probed = _probed_before(db, set(shas.values()))
    for f in sub.files:
        if f.relpath not in shas:
            continue
        sha, size = shas[f.relpath], sizes[f.relpath]
        stored = archive.path_for(settings.archive_dir, sha)
        known = {p.relpath: p for p in problems}
        if f.relpath in known:
            records.append(register.FileRecord(f.relpath, sha, size, problem=known[f.relpath].code))
            continue
        if sha in probed:
            records.append(register.FileRecord(f.relpath, sha, size, *probed[sha]))
            continue
        try:
            kind, count = probe(
                stored,
                max_bytes=settings.max_file_bytes,
                max_pixels=settings.max_image_pixels,
                max_pages=settings.max_pdf_pages,
            )
            records.append(register.FileRecord(f.relpath, sha, size, kind, count))
        except Unusable as exc:
            problems.append(Problem(f.relpath, exc.code, exc.detail))
            records.append(register.FileRecord(f.relpath, sha, size, problem=exc.code))
    return records


def _register(
    sub: Submission,
    settings: Settings,
    db: sessionmaker[Session],
    records: list[register.FileRecord],
    problems: list[Problem],
    *,
    prefix: str,
) -> tuple[str, str | None]:
    """(outcome, registration number) of ``sub``, in one transaction: resumed, a duplicate
    of an earlier application, the rest of an interrupted one, quarantined, or registered."""
    fp = register.fingerprint(records) if records else None
    with db.begin() as session:
        existing = register.find_by_fingerprint(session, fp) if fp else None
        leftover = _leftover_of(session, sub.name, records) if existing is None else None
        if existing is not None:
            if existing.source == sub.name:
                # taken before (still received, or its inbox copy could not be removed)
                return "resumed", existing.reg_no
            register.log(session, "duplicate", sub.name, existing.reg_no, {"of": existing.source})
            return "duplicate", existing.reg_no
        if leftover is not None:
            # the rest of a folder whose clearing was interrupted (crash): not a new application
            return leftover
        if not any(r.problem is None for r in records):
            register.log(session, "quarantined", sub.name, None, [p.line() for p in problems])
            return "quarantined", None
        app = register.register(
            session,
            prefix=prefix,
            service=settings.service,
            source=sub.name,
            files=records,
            received_at=datetime.now(WIB),
        )
        for p in problems:
            register.log(session, "quarantined", sub.name, app.reg_no, p.line())
        return "registered", app.reg_no


def _probed_before(db: sessionmaker[Session], shas: set[str]) -> dict[str, tuple[str, int]]:
    """(kind, page count) of the contents among ``shas`` registered before as usable."""
    if not shas:
        return {}
    with db() as session:
        rows = session.execute(
            select(
                register.ArchivedFile.sha256,
                register.ArchivedFile.kind,
                register.ArchivedFile.page_count,
            ).where(
                register.ArchivedFile.sha256.in_(shas),
                register.ArchivedFile.status == "ok",
                register.ArchivedFile.kind.is_not(None),
            )
        )
        return {sha: (str(kind), int(count)) for sha, kind, count in rows}


def _leftover_of(
    session: Session, name: str, records: list[register.FileRecord]
) -> tuple[str, str] | None:
    """(outcome, reg_no) when every file of submission ``name`` already belongs to what was
    taken earlier from a submission of the same name: files left in the inbox by a crash
    while it was being cleared. None for anything new."""
    if not records:
        return None
    mine = {(r.relpath, r.sha256) for r in records}
    for app in session.scalars(
        select(register.Application).where(register.Application.source == name)
    ):
        if mine <= {(f.relpath, f.sha256) for f in app.files}:
            return "resumed", app.reg_no
    for reg_no in session.scalars(
        select(register.IntakeEvent.reg_no).where(
            register.IntakeEvent.kind == "duplicate", register.IntakeEvent.source == name
        )
    ):
        app = register.get(session, reg_no) if reg_no else None
        if app is not None and {r.sha256 for r in records} <= {f.sha256 for f in app.files}:
            return "duplicate", app.reg_no
    return None


def _note_duplicate(settings: Settings, source: str, reg_no: str) -> None:
    stamp = datetime.now(WIB).strftime("%Y%m%dT%H%M%S")
    name = safefs.fit_name(f"{stamp}-{safefs.safe_parts(source)[-1]}", reserve=len(".txt"))
    safefs.write_text(
        settings.outbox_dir,
        ["_duplikat", f"{name}.txt"],
        f"Pengajuan '{source}' berisi berkas yang sama persis dengan permohonan {reg_no}; "
        f"tidak diproses ulang.\nSubmission '{source}' has exactly the same files as "
        f"application {reg_no}; not processed again.\n",
    )


def version_key(sub: Submission) -> str:
    """Which version of a submission this is (names, sizes, times of its files): failures
    are counted per version, so a submission dropped again in a new form starts afresh."""
    digest = hashlib.sha256(json.dumps(sub.signature, ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


PARKED_DIR = "_parkir"


def write_park_notice(settings: Settings, item: str, failure: faults.Failure) -> Path:
    """``outbox/_parkir/<item>.alasan.txt``: why an item is parked and how to retry it."""
    name = safefs.fit_name(safefs.safe_parts(item)[-1], reserve=len(".alasan.txt"))
    return safefs.write_text(
        settings.outbox_dir,
        [PARKED_DIR, f"{name}.alasan.txt"],
        f"Berkas / item: {item}\n"
        f"Alasan: {failure.alasan} Gagal {failure.attempts} kali: {failure.error}\n"
        f"Reason: {failure.reason} Failed {failure.attempts} times: {failure.error}\n"
        f"Coba lagi / retry: loket retry {item!r}\n",
    )


class Busy(RuntimeError):
    """Another intake run holds the inbox."""


@contextlib.contextmanager
def exclusive(settings: Settings, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the intake lock (``var/intake.lock``): one intake run per inbox at a time.

    Raises :class:`Busy` when another run keeps it longer than ``wait_seconds``.
    """
    import fcntl
    import time

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    with (settings.var_dir / "intake.lock").open("a+") as handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy("another intake run is processing this inbox") from None
                time.sleep(0.5)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pending(db: sessionmaker[Session]) -> list[str]:
    """Registration numbers of applications received but not yet processed (oldest first)."""
    with db() as session:
        rows = session.scalars(
            select(register.Application.reg_no)
            .where(register.Application.status == "received")
            .order_by(register.Application.id)
        )
        return list(rows)


def page_refs(db: sessionmaker[Session], settings: Settings, reg_no: str) -> list[PageRef]:
    with db() as session:
        app = register.get(session, reg_no)
        if app is None:
            raise KeyError(reg_no)
        refs = []
        for f in app.files:
            if f.status != "ok" or not f.kind:
                continue
            path = archive.path_for(settings.archive_dir, f.sha256)
            refs += [PageRef(f.relpath, path, f.sha256, f.kind, i) for i in range(f.page_count)]
        return refs


@dataclass(frozen=True)
class PageResult:
    ref: PageRef
    text: OcrResult | None
    cached: bool
    error: str | None = None
    error_id: str | None = None

    @property
    def faces(self) -> int:
        return self.text.faces if self.text else 0

    @property
    def prints(self) -> int:
        return self.text.prints if self.text else 0


def read(
    ref: PageRef, cache: OcrCache, *, psm: int = 3, timeout: float = PAGE_TIMEOUT
) -> PageResult:
    """Text of one page: the PDF's own text layer when real, else OCR (cached); faces.

    Whatever the page's pixels do (a decoder error, a degenerate image, tesseract past
    ``timeout``), the failure stays with this page: it is reported with an error id and
    the application's other pages go on. A full disk or exhausted memory is the office's
    fault, not the page's, and is raised."""
    key = page_key(ref.sha256, ref.index, psm)
    hit = cache.get(key)
    if hit is not None:
        return PageResult(ref, hit, True)
    try:
        result = _read_page(ref, psm, timeout)
    except Exception as exc:
        if office_fault(exc):
            raise
        error_id = new_error_id()
        log.warning("%s page %d unreadable (%s)", ref.relpath, ref.page, error_id, exc_info=exc)
        return PageResult(ref, None, False, describe_error(exc), error_id)
    cache.put(key, result)
    return PageResult(ref, result, False)


def _read_page(ref: PageRef, psm: int, timeout: float) -> OcrResult:
    layer = text_layer(ref)
    # OCR and faces need no colour (a third of the memory), and one array of the page's
    # pixels serves them all; a dithered scan is melted into grey once, for all of them
    image, dithered = descreen(to_gray(render_page(ref, grayscale=True)))
    if layer is not None:
        result = OcrResult(layer, 0, 0.0, "text-layer", 1.0)
    else:
        result = read_page(image, psm=psm, timeout=timeout, descreened=dithered)
    if letters(result.text) < FACE_SEARCH_MAX_CHARS and result.ink >= FACE_SEARCH_MIN_INK:
        found = search_photos(image, result.rotation)
        if found.boxes and found.rotation != result.rotation and result.source == "ocr":
            result = read_page(
                image, psm=psm, rotation=found.rotation, timeout=timeout, descreened=dithered
            )
        # no face anywhere: the photo-shaped prints still say what the page is
        result = replace(result, faces=len(found.boxes), prints=found.faceless)
    if result.source == "ocr" and letters(result.text) < FACE_SEARCH_MAX_CHARS:
        # an ID card copied at real size reads as little or nothing with the whole page:
        # the cards on the page are read again on their own (photos.read_cards)
        cards = read_cards(image, result.rotation, timeout=timeout)
        if cards:
            result = replace(result, text=f"{result.text}\n\n{cards}".strip())
    return result


def assemble(
    source: str, reg_no: str, results: list[PageResult], rules: ClassificationRules
) -> PagesDocument:
    """The ``pages.json`` document of one application: each page read, sorted and numbered."""
    classified: list[ClassifiedPage] = []
    for r in results:
        text = r.text.text if r.text else ""
        ink = r.text.ink if r.text else 0.0
        classified.append(
            ClassifiedPage(
                r.ref.relpath,
                r.ref.page,
                classify(text, rules, faces=r.faces, ink=ink, prints=r.prints),
            )
        )
    classified = apply_continuations(classified, rules)
    groups = group(classified)
    pages = [_page_reading(r, c, g) for r, c, g in zip(results, classified, groups, strict=True)]
    return PagesDocument(
        source, reg_no, datetime.now(UTC).isoformat(timespec="seconds"), tuple(pages)
    )


def _page_reading(r: PageResult, c: ClassifiedPage, document: int) -> PageReading:
    """One page's entry: its reading (none when unreadable), its sorting and its document."""
    failure: dict[str, str | None] = {}
    if r.error:
        failure = {
            "error": r.error,
            "error_id": r.error_id,
            "alasan": f"Halaman tidak dapat dibaca ({r.error_id}); diperiksa petugas.",
            "reason": f"The page could not be read ({r.error_id}); an officer checks it.",
        }
    return PageReading(
        file=r.ref.relpath,
        page=r.ref.page,
        doc_type=c.sort.doc_type,
        confidence=c.sort.confidence,
        rotation=r.text.rotation if r.text else 0,
        text_source=r.text.source if r.text else "ocr",
        text=r.text.text if r.text else "",
        document=document,
        faces=r.faces,
        ink=round(r.text.ink, 4) if r.text else 0.0,
        skew=r.text.skew if r.text else 0.0,
        matched=tuple(c.sort.matched),
        scores=best_scores(c.sort.scores),
        **failure,
    )


#: How many page types' scores ``pages.json`` keeps per page.
KEPT_SCORES = 3


def best_scores(scores: dict[str, float]) -> tuple[tuple[str, float], ...]:
    """The few highest positive scores of a page's sorting, highest first."""
    ranked = sorted(((k, v) for k, v in scores.items() if v > 0), key=lambda kv: -kv[1])
    return tuple((k, round(v, 2)) for k, v in ranked[:KEPT_SCORES])


def finish(
    db: sessionmaker[Session],
    settings: Settings,
    reg_no: str,
    doc: PagesDocument,
) -> Path:
    """Write the application's outbox folder and mark it processed."""
    folder = settings.outbox_dir / reg_no
    write_json(folder / "pages.json", doc.to_json())
    pages = doc.pages
    counts: dict[str, int] = {}
    for p in pages:
        counts[p.doc_type] = counts.get(p.doc_type, 0) + 1
    with db.begin() as session:
        app = register.get(session, reg_no)
        assert app is not None
        app.status = "processed"
        app.pages = len(pages)
        app.summary = {"doc_types": counts}
        register.log(session, "processed", app.source, reg_no, {"pages": len(pages)})
    return folder
