"""The intake flow: inbox -> archive + register -> pages read in parallel -> pages.json.

A thin Prefect shell over :mod:`loket.intake`. One flow run handles every submission that is
ready; each application's pages are read by one task, on page readers shared by the whole
run: as many threads as the machine has cores, each with its own single-threaded tesseract.
(One Prefect task per page cost the ephemeral server ~45 ms of CPU per page, 7 % of the OCR.)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from loket import intake
from loket.classify import load_rules
from loket.config import Settings, load_settings
from loket.db import open_database
from loket.inbox import Submission, stable_submissions
from loket.ocr import OcrCache
from loket.pages import PageRef

#: Set by the CLI to draw a progress bar: called with (pages done, pages total).
progress_hook: Callable[[int, int], None] | None = None


def _settings(inbox: str | None, outbox: str | None, stable_seconds: float | None) -> Settings:
    return load_settings(
        inbox=Path(inbox) if inbox else None,
        outbox=Path(outbox) if outbox else None,
        stable_seconds=stable_seconds,
    )


@task(name="accept-submission", cache_policy=NO_CACHE, retries=0)
def accept_submission(sub: Submission, settings: Settings) -> intake.Accepted:
    db = open_database(settings.db_url)
    result = intake.accept(sub, settings, db, prefix=settings.registration_prefix)
    logger = get_run_logger()
    for problem in result.problems:
        logger.warning("quarantined %s/%s: %s", sub.name, problem.relpath, problem.english)
    logger.info("%s: %s %s", sub.name, result.outcome, result.reg_no or "")
    return result


class _Progress:
    """Pages read so far in this run, of those known so far, reported to ``progress_hook``."""

    def __init__(self) -> None:
        self.total, self.done, self.lock = 0, 0, threading.Lock()

    def add(self, pages: int) -> None:
        with self.lock:
            self.total += pages
            if progress_hook:
                progress_hook(self.done, self.total)

    def step(self) -> None:
        with self.lock:
            self.done += 1
            if progress_hook:
                progress_hook(self.done, self.total)


_readers: ThreadPoolExecutor | None = None
_readers_lock = threading.Lock()
_progress = _Progress()


def _page_readers(workers: int) -> ThreadPoolExecutor:
    """The run's page readers (``ocr_workers`` threads, default one per CPU)."""
    global _readers
    with _readers_lock:
        if _readers is None or _readers._max_workers != workers:
            if _readers is not None:
                _readers.shutdown(wait=False)
            _readers = ThreadPoolExecutor(workers, thread_name_prefix="page-reader")
        return _readers


@task(name="read-pages", cache_policy=NO_CACHE)
def read_pages(
    reg_no: str, refs: list[PageRef], cache_dir: str, psm: int, workers: int
) -> list[intake.PageResult]:
    """Every page of one application (text layer or OCR, faces), in page order."""
    cache = OcrCache(Path(cache_dir))

    def one(ref: PageRef) -> intake.PageResult:
        try:
            return intake.read(ref, cache, psm=psm)
        finally:
            _progress.step()

    return list(_page_readers(workers).map(one, refs))


@task(name="assemble-application", cache_policy=NO_CACHE)
def assemble_application(reg_no: str, results: list[intake.PageResult], settings: Settings) -> str:
    db = open_database(settings.db_url)
    rules = load_rules(settings.rules_dir / intake.CLASSIFICATION_RULES)
    with db() as session:
        from loket import register

        app = register.get(session, reg_no)
        assert app is not None
        source = app.source
    doc = intake.assemble(source, reg_no, results, rules)
    folder = intake.finish(db, settings, reg_no, doc)
    return str(folder)


@flow(
    name="intake",
    task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1),  # type: ignore[arg-type]
    log_prints=True,
)
def intake_flow(
    inbox: str | None = None,
    outbox: str | None = None,
    stable_seconds: float | None = None,
    psm: int = 3,
    lock_wait_seconds: float = 600.0,
    check: bool = True,
) -> dict[str, object]:
    """Take every ready submission in the inbox through archive, register, OCR and sorting.

    One run at a time per inbox: a second run waits up to ``lock_wait_seconds`` for the
    first, then fails with a clear message.
    """
    settings = _settings(inbox, outbox, stable_seconds)
    load_rules(settings.rules_dir / intake.CLASSIFICATION_RULES)  # fail early on bad rules
    with intake.exclusive(settings, wait_seconds=lock_wait_seconds):
        summary = _run(settings, psm)
        if check:
            summary["verdicts"] = _check_and_start(settings)
        return summary


def _check_and_start(settings: Settings) -> dict[str, str]:
    """SOP step 2, the front-office check of every application not checked yet; complete
    files then enter the approval chain (steps 3-9)."""
    from flows.approval import start_approval_task
    from flows.checks import check_batch, unchecked

    todo = unchecked(settings)
    verdicts = check_batch(todo, settings) if todo else {}
    started = [
        start_approval_task.submit(reg_no)
        for reg_no, verdict in verdicts.items()
        if verdict == "complete"
    ]
    for future in started:
        future.result()
    return verdicts


def _run(settings: Settings, psm: int) -> dict[str, object]:
    logger = get_run_logger()
    db = open_database(settings.db_url)
    ready, waiting = stable_submissions(settings.inbox_dir, settings.stable_seconds)
    for sub in waiting:
        logger.info("%s: still changing, left for the next run", sub.name)
    global _progress
    _progress = progress = _Progress()
    futures: dict[str, PrefectFuture[list[intake.PageResult]]] = {}
    refs: dict[str, list[PageRef]] = {}

    def start_reading() -> None:
        """Every application waiting to be read (taken now, or left by an earlier run)."""
        for reg_no in intake.pending(db):
            if reg_no not in futures:
                refs[reg_no] = intake.page_refs(db, settings, reg_no)
                progress.add(len(refs[reg_no]))
                futures[reg_no] = read_pages.submit(
                    reg_no, refs[reg_no], str(settings.cache_dir), psm, settings.workers
                )

    start_reading()
    accepted = []
    for sub in ready:  # one at a time (duplicates are told apart in order); pages meanwhile
        accepted.append(accept_submission(sub, settings))
        if accepted[-1].reg_no and accepted[-1].outcome in ("registered", "resumed"):
            start_reading()
    start_reading()

    total = sum(len(v) for v in refs.values())
    folders: dict[str, str] = {}
    cached = 0
    for reg_no, future in futures.items():
        results = future.result()
        cached += sum(r.cached for r in results)
        folders[reg_no] = assemble_application(reg_no, results, settings)
    summary = {
        "submissions": [asdict(a) | {"problems": [p.line() for p in a.problems]} for a in accepted],
        "waiting": [s.name for s in waiting],
        "processed": folders,
        "pages": total,
        "pages_cached": cached,
        "outbox": str(settings.outbox_dir),
    }
    logger.info(
        "intake: %d submission(s), %d application(s) processed, %d page(s) (%d from cache)",
        len(accepted),
        len(folders),
        total,
        cached,
    )
    return summary
