"""Requirement checks as Prefect tasks: one per application, one data-quality report per batch.

Thin shell over :mod:`loket.requirements.engine` (the engine), :mod:`loket.requirements.checklist`
(writers) and :mod:`loket.requirements.quality` (great-expectations). The intake flow calls
:func:`check_batch` on the applications it assembled; ``check_flow`` runs the same on its own
(re-checks, tests).
"""

from __future__ import annotations

import json
import os
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from sqlalchemy import select

from flows import memory
from loket.common.clock import WIB
from loket.common.db import open_database
from loket.common.settings import Settings, load_settings
from loket.intake import PagesDocument, register, second_reader
from loket.intake.containment import application_failed, start_application, suspect_application
from loket.intake.ocr import OcrCache
from loket.intake.pages import PageImages
from loket.intake.steps import page_refs
from loket.intake.tesseract import ENGINES, use_engine
from loket.requirements import UNMET, Checklist, Verdict, carry_confirmations

DATA_DOCS = "_data-docs"


def rules_path(settings: Settings, service: str) -> Path:
    """The requirement rules of a service: ``rules/<service>.yaml``."""
    return settings.rules_dir / f"{service}.yaml"


def received_date(value: datetime) -> date:
    """The local (Asia/Jakarta) day an application was received."""
    return (value.astimezone(WIB) if value.tzinfo else value).date()


@task(name="check-application", cache_policy=NO_CACHE)
def check_application_task(reg_no: str, settings: Settings) -> Checklist:
    """Check one processed application: checklist.json/.pdf, return letter, register verdict."""
    from loket.requirements.checklist import write_outputs
    from loket.requirements.engine import check_application_details

    cpu = time.thread_time()  # this check's own CPU: checks run side by side, on threads
    db = open_database(settings.db_url)
    folder = settings.outbox_dir / reg_no
    pages_doc = PagesDocument.from_json(
        json.loads((folder / "pages.json").read_text(encoding="utf-8"))
    )
    with db() as session:
        app = register.get(session, reg_no)
        if app is None:
            raise KeyError(reg_no)
        received = received_date(app.received_at)
        service = app.service
    # page images, and their re-readings kept in the OCR cache (a re-check reads none again)
    image_for = PageImages(page_refs(db, settings, reg_no), OcrCache(settings.cache_dir))

    checked = check_application_details(
        pages_doc, image_for, rules_path(settings, service), received
    )
    before = folder / "checklist.json"
    checklist = carry_confirmations(
        checked.checklist,
        json.loads(before.read_text(encoding="utf-8")) if before.is_file() else None,
    )  # a re-check keeps what an officer decided
    started = time.perf_counter()
    write_outputs(
        folder,
        checklist,
        checked.rules,
        reg_no=reg_no,
        received=received,
        address=checked.address,
        today=datetime.now(WIB).date(),
        image_for=image_for,
    )
    seconds = {
        **checked.seconds,
        "outputs": round(time.perf_counter() - started, 3),
        "cpu": round(time.thread_time() - cpu, 3),
    }
    failed = {c.id: c.status for c in checklist.requirements if c.status in UNMET}
    review = [c.id for c in checklist.open_reviews()]
    with db.begin() as session:
        app = register.get(session, reg_no)
        assert app is not None
        app.verdict = checklist.verdict
        detail = {"verdict": checklist.verdict, **failed, "seconds": seconds}
        if review:
            detail["review"] = review
        register.log(session, "checked", app.source, reg_no, detail)
    get_run_logger().info("%s: %s %s", reg_no, checklist.verdict, failed or "")
    del checked, pages_doc
    memory.trim()  # its page images and re-readings: freed, given back (see flows.memory)
    return checklist


@task(name="data-quality-report", cache_policy=NO_CACHE)
def quality_report_task(
    reg_nos: list[str], settings: Settings, batch: str | None = None
) -> list[str]:
    """great-expectations over the applicant fields of a batch; Data Docs under
    ``outbox/_data-docs/<batch>/index.html`` (one site per service when a batch mixes them)."""
    from loket.requirements.quality import quality_row, write_data_docs_apart
    from loket.requirements.rules import load_service_rules

    if not reg_nos:
        return []
    batch = batch or datetime.now(WIB).strftime("%Y%m%dT%H%M%S")
    db = open_database(settings.db_url)
    groups: dict[str, list[dict[str, Any]]] = {}
    with db() as session:
        for reg_no in reg_nos:
            path = settings.outbox_dir / reg_no / "checklist.json"
            app = register.get(session, reg_no)
            if app is None or not path.is_file():
                continue
            checklist = json.loads(path.read_text(encoding="utf-8"))
            rules = load_service_rules(rules_path(settings, app.service))
            row = quality_row(checklist, rules, received_date(app.received_at))
            row["registration_number"] = reg_no
            groups.setdefault(app.service, []).append(row)
    written = []
    for service, rows in groups.items():
        rules = load_service_rules(rules_path(settings, service))
        if rules.quality is None or not rules.quality.expectations:
            continue
        parts = [DATA_DOCS, batch, *([service] if len(groups) > 1 else [])]
        # in a child process: great-expectations is not kept by this one (issue #17)
        written.append(str(write_data_docs_apart(rows, rules.quality, settings.outbox_dir, parts)))
    get_run_logger().info("data docs: %s", ", ".join(written) or "-")
    return written


def unchecked(settings: Settings) -> list[str]:
    """Processed applications without a verdict yet (oldest first)."""
    db = open_database(settings.db_url)
    with db() as session:
        rows = session.scalars(
            select(register.Application.reg_no)
            .where(register.Application.status == "processed")
            .where(register.Application.verdict.is_(None))
            .order_by(register.Application.id)
        )
        return list(rows)


class CheckBatch:
    """The checks of one batch, each submitted as soon as its application is ready: the
    intake submits an application's check when its pages are read, so that it runs while
    the next application's pages are read instead of after all of them (issue #16)."""

    def __init__(self, settings: Settings, batch: str | None = None) -> None:
        self.settings, self.batch = settings, batch
        self.db = open_database(settings.db_url)
        self.futures: dict[str, Any] = {}
        self.verdicts: dict[str, str] = {}
        # the checks' own threads: the flow's are held by tasks waiting on the page readers
        self.runner = ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1)
        self.runner.__enter__()

    def __enter__(self) -> CheckBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.runner.__exit__(*exc)

    def __contains__(self, reg_no: str) -> bool:
        return reg_no in self.futures or reg_no in self.verdicts

    def __len__(self) -> int:
        return len(self.futures) + len(self.verdicts)

    def add(self, reg_no: str, *, alone: bool = False) -> None:
        """Start checking ``reg_no``; ``alone`` (one a run died on): after the checks already
        started are done, and nothing else until it is, so that a death can be pinned on it.
        The checks done by now give their verdicts (and their futures go: issue #17)."""
        self._collect(done_only=not alone)
        if not start_application(self.settings, self.db, reg_no, "check", alone=alone):
            self.verdicts[reg_no] = "parked"
            return
        self.futures[reg_no] = self.runner.submit(
            check_application_task, {"reg_no": reg_no, "settings": self.settings}
        )
        if alone:
            self._collect()

    def _collect(self, *, done_only: bool = False) -> None:
        for reg_no, future in list(self.futures.items()):
            if done_only and not future.wrapped_future.done():
                continue
            try:
                self.verdicts[reg_no] = future.result().verdict
            except Exception as exc:  # one bad application must not stop the batch
                failure = application_failed(self.settings, self.db, reg_no, "check", exc)
                self.verdicts[reg_no] = "parked" if failure.parked else f"error: {failure.error_id}"
            del self.futures[reg_no]

    def finish(self) -> dict[str, str]:
        """Every verdict (see :func:`check_batch`), then the batch's data-quality report.
        The OCR engines (the second one; tesseract's idle ones) are dropped once every check
        is done: nothing reads with them until the next batch, and the Data Docs' child and
        the approval chain's LibreOffice start next (issue #17)."""
        self._collect()
        second_reader.release()
        ENGINES.release_idle()  # tesseract's, ~24 MiB each
        memory.trim()
        checked = [r for r, v in self.verdicts.items() if v in tuple(Verdict)]
        try:
            quality_report_task(checked, self.settings, self.batch)
        except Exception as exc:  # the report is an aid; the verdicts stand without it
            get_run_logger().error("data-quality report failed: %s: %s", type(exc).__name__, exc)
        return dict(self.verdicts)


def check_batch(
    reg_nos: list[str],
    settings: Settings,
    batch: str | None = None,
    checks: CheckBatch | None = None,
) -> dict[str, str]:
    """Inside a flow: check applications in parallel, then the batch's data-quality report.

    Returns registration number -> verdict ("complete" | "incomplete" | "review": cells an
    officer must confirm with ``loket checklist confirm``; "error: …" when a
    check failed: that application keeps no verdict and is retried by the next run, or
    "parked" on its third failure). A fault of the office itself stops the batch.
    ``checks``: a batch some of whose checks were started already (they are not repeated).
    """
    if checks is None:
        with CheckBatch(settings, batch) as checks:
            return check_batch(reg_nos, settings, batch, checks)
    todo = [r for r in reg_nos if r not in checks]
    # one a run died on is checked alone first, so that a death can be pinned on it
    suspects = [r for r in todo if suspect_application(checks.db, r, "check")]
    for reg_no in suspects + [r for r in todo if r not in suspects]:
        checks.add(reg_no, alone=reg_no in suspects)
    return checks.finish()


@flow(
    name="check-requirements",
    task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1),  # type: ignore[arg-type]
)
def check_flow(
    reg_nos: list[str] | None = None, outbox: str | None = None, batch: str | None = None
) -> dict[str, str]:
    """Check the given applications (default: every processed one without a verdict)."""
    settings = load_settings(outbox=Path(outbox) if outbox else None)
    use_engine(settings.ocr_engine)  # loket.toml's ocr_engine, or LOKET_OCR_ENGINE
    todo = list(reg_nos) if reg_nos is not None else unchecked(settings)
    return check_batch(todo, settings, batch)
