"""The intake flow: inbox -> archive + register -> pages read in parallel -> pages.json.

A thin Prefect shell over :mod:`loket.intake.steps`. One flow run handles every submission that is
ready; each application's pages are read by one task, on page readers shared by the whole
run: as many threads as the machine has cores, each with its own single-threaded tesseract.
(One Prefect task per page cost the ephemeral server ~45 ms of CPU per page, 7 % of the OCR.)
Each application's requirement checks start as soon as its pages are read, while the next
application is being read.

``loket intake`` from the shell has no Prefect server yet: Prefect starts an ephemeral one for
the run, 7-12 s of a second process starting. :func:`intake_flow` starts it in the background
and meanwhile takes the submissions and starts reading their pages (the *head start*, through
the same contained steps as the flow's tasks); the ``intake`` flow run then takes over the
readings under way (issue #16: the user waits for the slower of the two, not their sum).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows import memory, readers
from flows.checks import CheckBatch
from loket.common.db import open_database
from loket.common.errors import describe_error, new_error_id
from loket.common.settings import Settings, load_settings
from loket.intake import register
from loket.intake import steps as intake
from loket.intake.classify import load_classification_rules
from loket.intake.containment import (
    accept_contained,
    application_failed,
    raise_if_office_fault,
    start_application,
    suspect_application,
    suspect_submission,
)
from loket.intake.inbox import Submission, stable_submissions
from loket.intake.ocr import OcrCache
from loket.intake.pages import PageRef
from loket.intake.tesseract import use_engine
from loket.requirements import Verdict

#: Called with (pages done, pages total) as pages are read: the CLI draws its progress bar.
ProgressCallback = Callable[[int, int], None]
log = logging.getLogger("loket.intake")
memory.limit_arenas()  # before the run's threads start: see flows.memory


def _settings(inbox: str | None, outbox: str | None, stable_seconds: float | None) -> Settings:
    settings = load_settings(
        inbox=Path(inbox) if inbox else None,
        outbox=Path(outbox) if outbox else None,
        stable_seconds=stable_seconds,
    )
    use_engine(settings.ocr_engine)  # loket.toml's ocr_engine, or LOKET_OCR_ENGINE
    return settings


@task(name="accept-submission", cache_policy=NO_CACHE, retries=0)
def accept_submission(sub: Submission, settings: Settings, alone: bool = False) -> intake.Accepted:
    """Archive, probe and register one submission; whatever goes wrong with it stays with it
    (recorded with an error id, parked after three failures) unless the office is broken."""
    result = accept_contained(sub, settings, open_database(settings.db_url), alone=alone)
    _log_accepted(result, get_run_logger())
    return result


def _log_accepted(result: intake.Accepted, logger: Any) -> None:
    if result.outcome in ("failed", "parked"):
        logger.error("%s: %s", result.source, result.message)
        return
    for problem in result.problems:
        logger.warning("quarantined %s/%s: %s", result.source, problem.relpath, problem.english)
    logger.info("%s: %s %s", result.source, result.outcome, result.reg_no or "")


class _Progress:
    """Pages read so far in this run, of those known so far, reported to ``callback``."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.total, self.done, self.lock = 0, 0, threading.Lock()

    def add(self, pages: int) -> None:
        with self.lock:
            self.total += pages
            if self.callback:
                self.callback(self.done, self.total)

    def step(self) -> None:
        with self.lock:
            self.done += 1
            if self.callback:
                self.callback(self.done, self.total)


def _read_pages(
    reg_no: str,
    refs: list[PageRef],
    cache_dir: str,
    psm: int,
    workers: int,
    timeout: float,
    on_page: Callable[[], None] | None = None,
) -> list[intake.PageResult]:
    """Every page of one application (text layer or OCR, faces), in page order; a page that
    hangs gives a page error (see :mod:`flows.readers`)."""
    cache = OcrCache(Path(cache_dir))

    def one(ref: PageRef) -> intake.PageResult:
        return intake.read(ref, cache, psm=psm, timeout=timeout)

    return readers.read_all(refs, one, workers, timeout, on_page=on_page or (lambda: None))


read_pages = task(name="read-pages", cache_policy=NO_CACHE)(_read_pages)


def _assemble_application(reg_no: str, results: list[intake.PageResult], settings: Settings) -> str:
    db = open_database(settings.db_url)
    rules = load_classification_rules(settings.rules_dir / intake.CLASSIFICATION_RULES)
    with db() as session:
        app = register.get(session, reg_no)
        assert app is not None
        source = app.source
    doc = intake.assemble(source, reg_no, results, rules)
    folder = intake.finish(db, settings, reg_no, doc)
    return str(folder)


assemble_application = task(name="assemble-application", cache_policy=NO_CACHE)(
    _assemble_application
)


def _prefect_starts_here() -> bool:
    """Whether this process's first flow run starts Prefect's ephemeral server (no API URL,
    no server started here yet): ``loket intake`` from the shell, not ``loket serve``."""
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return False
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer._instances.get(None)
    return server is None or not server.running


def _start_ephemeral_server() -> None:
    """Start the server the flow run would start (the same instance: Prefect's client finds
    it running). A failure is left for the flow run to meet and report; the server process
    that did not answer is stopped first (the flow run's attempt starts its own)."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    try:
        server.start()
    except Exception as exc:
        log.warning("Prefect server start in the background failed: %s", describe_error(exc))
        server.stop()


def intake_flow(
    inbox: str | None = None,
    outbox: str | None = None,
    stable_seconds: float | None = None,
    psm: int = 3,
    lock_wait_seconds: float = 600.0,
    check: bool = True,
    progress: ProgressCallback | None = None,
) -> dict[str, object]:
    """Take every ready submission in the inbox through archive, register, OCR and sorting
    (and the requirement checks): one run of the ``intake`` flow (:func:`intake_run`).

    One run at a time per inbox: a second run waits up to ``lock_wait_seconds`` for the
    first, then fails with a clear message. ``progress`` is called with (pages done, pages
    total) as pages are read. In a process whose run starts Prefect's ephemeral server, the
    submissions are taken and their pages read while it starts (see the module's docstring).
    """
    args = (inbox, outbox, stable_seconds, psm, lock_wait_seconds, check, progress)
    if not _prefect_starts_here():
        return intake_run(*args)
    settings = _settings(inbox, outbox, stable_seconds)
    load_classification_rules(settings.rules_dir / intake.CLASSIFICATION_RULES)
    with intake.exclusive(settings, wait_seconds=lock_wait_seconds):
        server = threading.Thread(target=_start_ephemeral_server, name="prefect-start")
        server.start()
        head = _HeadStart(settings, psm, _Progress(progress))
        waited = time.perf_counter()
        server.join()
        head.prefect_wait = time.perf_counter() - waited
        try:
            return intake_run(*args, head=head)
        except Exception:
            head.finish_alone()  # no Prefect: the pages being read still reach the outbox
            raise


@flow(
    name="intake",
    task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1),  # type: ignore[arg-type]
    log_prints=True,
)
def intake_run(
    inbox: str | None = None,
    outbox: str | None = None,
    stable_seconds: float | None = None,
    psm: int = 3,
    lock_wait_seconds: float = 600.0,
    check: bool = True,
    progress: ProgressCallback | None = None,
    head: Any = None,
) -> dict[str, object]:
    """The ``intake`` flow (see :func:`intake_flow`). ``head``: the head start of
    :func:`intake_flow`, whose submissions are taken and readings under way (it holds the
    inbox's lock)."""
    settings = _settings(inbox, outbox, stable_seconds)
    load_classification_rules(
        settings.rules_dir / intake.CLASSIFICATION_RULES
    )  # fail early on bad rules
    lock = (
        contextlib.nullcontext()
        if head is not None
        else intake.exclusive(settings, wait_seconds=lock_wait_seconds)
    )
    with lock:
        started = head.started if head is not None else time.perf_counter()
        cpu_started = head.cpu_started if head is not None else time.process_time()
        with CheckBatch(settings) if check else contextlib.nullcontext() as checks:
            summary = _run(settings, psm, progress, head, checks)
            read, cpu_read = time.perf_counter(), time.process_time()
            if checks is not None:
                summary["verdicts"] = check_and_start(settings, checks=checks)
        # where the run's time went (the benchmark sets it beside the process's wall time)
        summary["seconds"] = {
            "read": round(read - started, 3),
            "checks": round(time.perf_counter() - read, 3),
        }
        if head is not None:
            summary["seconds"]["prefect_wait"] = round(head.prefect_wait, 3)
        # and the CPU this process spent (all its threads; its Prefect server is another
        # process): before the run (interpreter, imports), reading, the checks left after
        summary["cpu_seconds"] = {
            "start": round(cpu_started, 3),
            "read": round(cpu_read - cpu_started, 3),
            "checks": round(time.process_time() - cpu_read, 3),
        }
        return summary


def check_and_start(
    settings: Settings, reg_nos: list[str] | None = None, checks: CheckBatch | None = None
) -> dict[str, str]:
    """SOP step 2, the front-office check of ``reg_nos`` (default: every application read and
    not checked yet); complete files then enter the approval chain (steps 3-9). The same stage
    for the single-machine intake and for each application a scale-out worker reads.
    ``checks``: the checks this run started already (as pages were read)."""
    from flows.approval import start_approval_task
    from flows.checks import check_batch, unchecked

    todo = unchecked(settings) if reg_nos is None else reg_nos
    verdicts = check_batch(todo, settings, checks=checks) if todo or checks else {}
    memory.trim()  # before LibreOffice starts for the permits (see flows.memory)
    started = {
        reg_no: start_approval_task.submit(reg_no)
        for reg_no, verdict in verdicts.items()
        if verdict == Verdict.COMPLETE
    }
    for reg_no, future in started.items():
        try:
            future.result()
        except Exception as exc:  # logged with an error id; the other files go on
            raise_if_office_fault(exc)
            error_id = new_error_id()
            get_run_logger().error(
                "%s: approval chain not started (%s): %s", reg_no, error_id, describe_error(exc),
                exc_info=exc,
            )  # fmt: skip
    return verdicts


class _Readings:
    """The applications whose pages this run reads: each started once, each failure kept to
    its application. One a run died on is read alone first, so that a death can be pinned
    on it (see :func:`loket.intake.faults.tally`). Outside a flow run (the head start) the
    steps are called as they are; inside, as Prefect tasks (:meth:`in_flow`)."""

    def __init__(self, settings: Settings, db: Any, psm: int, progress: _Progress) -> None:
        self.settings, self.db, self.psm, self.progress = settings, db, psm, progress
        #: registration number -> its reading, None once assembled
        self.futures: dict[str, Any] = {}
        self.pages = 0  # of the applications started
        self.failed: dict[str, str] = {}
        self.folders: dict[str, str] = {}
        self.cached = 0
        self.flow = False
        self.checks: CheckBatch | None = None
        self._apps: ThreadPoolExecutor | None = None

    def in_flow(self, checks: CheckBatch | None) -> None:
        """From now on inside the flow run: steps as tasks, and each application read is
        handed to ``checks`` at once."""
        self.flow, self.checks = True, checks
        if self._apps is not None:
            self._apps.shutdown(wait=False)

    def read_suspects(self) -> None:
        """Each application a run died on, read and assembled alone, one after another."""
        for reg_no in intake.pending(self.db):
            if suspect_application(self.db, reg_no, "read") and self._submit(reg_no, alone=True):
                self._assemble(reg_no)

    def start(self) -> None:
        """Every application waiting to be read (taken now, or left by an earlier run)."""
        for reg_no in intake.pending(self.db):
            if reg_no not in self.futures and reg_no not in self.failed:
                self._submit(reg_no, alone=False)

    def _submit(self, reg_no: str, *, alone: bool) -> bool:
        if not start_application(self.settings, self.db, reg_no, "read", alone=alone):
            self.failed[reg_no] = "parked"
            return False
        try:
            refs = intake.page_refs(self.db, self.settings, reg_no)
        except Exception as exc:
            self._fail(reg_no, exc)
            return False
        self.pages += len(refs)
        self.progress.add(len(refs))
        args = (
            reg_no, refs, str(self.settings.cache_dir), self.psm, self.settings.workers,
            self.settings.page_timeout, self.progress.step,
        )  # fmt: skip
        if self.flow:
            self.futures[reg_no] = read_pages.submit(*args)
        else:  # one thread per application waiting on its pages (read by the page readers)
            self._apps = self._apps or ThreadPoolExecutor(thread_name_prefix="application")
            self.futures[reg_no] = self._apps.submit(_read_pages, *args)
        return True

    def _fail(self, reg_no: str, exc: BaseException) -> None:
        failure = application_failed(self.settings, self.db, reg_no, "read", exc)
        self.failed[reg_no] = "parked" if failure.parked else failure.error_id

    def _assemble(self, reg_no: str) -> None:
        assemble = assemble_application if self.flow else _assemble_application
        try:
            results = self.futures[reg_no].result()
            self.folders[reg_no] = assemble(reg_no, results, self.settings)
        except Exception as exc:
            self._fail(reg_no, exc)
            return
        self.cached += sum(r.cached for r in results)
        self.futures[reg_no] = None  # its readings are in pages.json now: not held to the end
        del results
        memory.trim()
        if self.checks is not None:
            self.checks.add(reg_no)

    def finish(self, *, done_only: bool = False) -> None:
        """Assemble every application read and not assembled yet, in the order taken
        (``done_only``: those whose pages are all read by now, waiting for none)."""
        for reg_no, future in list(self.futures.items()):
            if reg_no in self.folders or reg_no in self.failed:
                continue
            if not done_only or getattr(future, "wrapped_future", future).done():
                self._assemble(reg_no)


def _accept_ready(
    settings: Settings, db: Any, readings: _Readings, logger: Any
) -> tuple[list[intake.Accepted], list[str]]:
    """Take every ready submission, one at a time (duplicates are told apart in order),
    reading pages meanwhile; a parked submission is left alone until it changes. First, each
    submission a run died on is taken alone, and each application a run died on read alone."""

    def accept(sub: Submission, alone: bool = False) -> intake.Accepted:
        if readings.flow:
            return accept_submission(sub, settings, alone=alone)
        result = accept_contained(sub, settings, db, alone=alone)
        _log_accepted(result, logger)
        return result

    ready, waiting = stable_submissions(settings.inbox_dir, settings.stable_seconds)
    for sub in waiting:
        logger.info("%s: still changing, left for the next run", sub.name)
    suspects = [sub for sub in ready if suspect_submission(db, sub)]
    accepted = [accept(sub, alone=True) for sub in suspects]
    readings.read_suspects()
    readings.start()
    for sub in ready:
        if sub in suspects:
            continue
        accepted.append(accept(sub))
        if accepted[-1].reg_no and accepted[-1].outcome in ("registered", "resumed"):
            readings.start()
        if readings.flow:  # an application read by now is checked while others are taken
            readings.finish(done_only=True)
    # an empty folder reported by an earlier run is not news
    return [a for a in accepted if a.outcome != "empty_reported"], [s.name for s in waiting]


class _LaterLog:
    """Log lines kept until the flow run's logger can take them (the head start's)."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str, tuple[Any, ...]]] = []

    def info(self, msg: str, *args: Any) -> None:
        self.lines.append((logging.INFO, msg, args))

    def warning(self, msg: str, *args: Any) -> None:
        self.lines.append((logging.WARNING, msg, args))

    def error(self, msg: str, *args: Any) -> None:
        self.lines.append((logging.ERROR, msg, args))

    def replay(self, logger: Any) -> None:
        lines, self.lines = self.lines, []
        for level, msg, args in lines:
            logger.log(level, msg, *args)


class _HeadStart:
    """What :func:`intake_flow` does while Prefect's server starts: every ready submission
    taken and its pages being read, outside any flow run (logged in the run when it starts)."""

    def __init__(self, settings: Settings, psm: int, progress: _Progress) -> None:
        self.started, self.cpu_started = time.perf_counter(), time.process_time()
        self.db = open_database(settings.db_url)
        self.readings = _Readings(settings, self.db, psm, progress)
        self.log = _LaterLog()
        self.accepted, self.waiting = _accept_ready(settings, self.db, self.readings, self.log)
        self.prefect_wait = 0.0

    def finish_alone(self) -> None:
        """The run could not go on in Prefect (its server did not start): the applications
        being read are assembled here, so that none is left with an open attempt (which the
        next run would count against it); their checks are left to the next run."""
        self.log.replay(log)
        self.readings.flow, self.readings.checks = False, None
        self.readings.finish()


def _run(
    settings: Settings,
    psm: int,
    callback: ProgressCallback | None,
    head: _HeadStart | None,
    checks: CheckBatch | None,
) -> dict[str, object]:
    if head is not None:
        db, readings = head.db, head.readings
        accepted, waiting = head.accepted, head.waiting
        head.log.replay(get_run_logger())
        readings.in_flow(checks)
    else:
        db = open_database(settings.db_url)
        readings = _Readings(settings, db, psm, _Progress(callback))
        readings.in_flow(checks)
        accepted, waiting = _accept_ready(settings, db, readings, get_run_logger())
    readings.start()
    readings.finish()
    folders, cached = readings.folders, readings.cached
    total = readings.pages
    summary = {
        "submissions": [asdict(a) | {"problems": [p.line() for p in a.problems]} for a in accepted],
        "waiting": waiting,
        "processed": folders,
        "failed": readings.failed,
        "pages": total,
        "pages_cached": cached,
        "outbox": str(settings.outbox_dir),
    }
    get_run_logger().info(
        "intake: %d submission(s), %d application(s) processed, %d failed, %d page(s) "
        "(%d from cache)",
        len(accepted), len(folders), len(readings.failed), total, cached,
    )  # fmt: skip
    return summary
