"""Distributed intake for scale-out: one coordinator, N workers on a Prefect work pool.

The coordinator (flow ``intake-koordinator``, one at a time: it holds the intake lock)
accepts the submissions of the inbox exactly as ``flows/intake.py`` does — archive, register,
quarantine — and then starts one ``proses-permohonan`` flow run per pending application with
``run_deployment``, unless one is already waiting or running (a restarted coordinator starts
no second run; a crashed or failed run is replaced). Workers of the work pool
(``prefect worker start --pool loket``) pick those runs up: read the pages (OCR), classify,
write ``pages.json``, mark the application processed, then check it (checklist, verdict, and
the approval chain for a complete file), as the single-machine intake does. Every step is
idempotent (an application already processed is skipped, one read but not checked is checked),
so a worker killed mid-run is repaired by Prefect's retry or by the next coordinator run.

All machines share the register (``LOKET_DATABASE_URL``, PostgreSQL), the Prefect server
(``PREFECT_API_URL``, PostgreSQL) and the folders ``inbox``, ``outbox`` and ``var/archive``,
``var/ocr-cache`` (a network share). See docs/scale-out.md.
"""

from __future__ import annotations

import os
import socket
from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows.intake import check_and_start
from loket.intake import register
from loket.intake import steps as intake
from loket.intake.classify import load_classification_rules
from loket.intake.containment import accept_contained, start_application
from loket.intake.inbox import stable_submissions
from loket.intake.ocr import OcrCache
from loket.intake.pages import PageRef
from loket.office import Office

PROCESS_FLOW = "proses-permohonan"
PROCESS_DEPLOYMENT = f"{PROCESS_FLOW}/{PROCESS_FLOW}"


@task(name="read-page", cache_policy=NO_CACHE, retries=1)
def read_page(ref: PageRef, cache_dir: str, psm: int) -> intake.PageResult:
    return intake.read(ref, OcrCache(Path(cache_dir)), psm=psm)


def worker_name() -> str:
    return os.environ.get("LOKET_WORKER_NAME") or f"{socket.gethostname()}:{os.getpid()}"


@flow(
    name=PROCESS_FLOW,
    task_runner=ThreadPoolTaskRunner(max_workers=os.cpu_count() or 1),  # type: ignore[arg-type]
    retries=2,
    retry_delay_seconds=10,
)
def process_application(reg_no: str, psm: int = 3) -> dict[str, object]:
    """Read, classify, finish and check one registered application (idempotent): the
    stages of the single-machine intake, for one application."""
    office = Office.from_environment()
    settings, db = office.settings, office.db
    with db() as session:
        app = register.get(session, reg_no)
        if app is None:
            raise KeyError(reg_no)
        source, status, verdict = app.source, app.status, app.verdict
    if status == "processed" and verdict is None:  # read by a run that died before its check
        verdicts = check_and_start(settings, [reg_no])
        return {"reg_no": reg_no, "verdict": verdicts.get(reg_no), "worker": worker_name()}
    if status != "received":
        return {"reg_no": reg_no, "skipped": status, "worker": worker_name()}
    refs = intake.page_refs(db, settings, reg_no)
    futures = [read_page.submit(ref, str(settings.cache_dir), psm) for ref in refs]
    results = [f.result() for f in futures]
    rules = load_classification_rules(settings.rules_dir / intake.CLASSIFICATION_RULES)
    worker = worker_name()
    doc = replace(intake.assemble(source, reg_no, results, rules), extra={"worker": worker})
    folder = intake.finish(db, settings, reg_no, doc)
    get_run_logger().info("%s: %d page(s) by %s", reg_no, len(results), worker)
    verdicts = check_and_start(settings, [reg_no])
    return {
        "reg_no": reg_no, "pages": len(results), "folder": str(folder),
        "verdict": verdicts.get(reg_no), "worker": worker,
    }  # fmt: skip


def _runs_of(reg_no: str) -> list:  # type: ignore[type-arg]
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName

    with get_client(sync_client=True) as client:
        return list(
            client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[f"proses-{reg_no}"]))
            )
        )


@flow(name="intake-koordinator")
def coordinate(stable_seconds: float | None = None, lock_wait_seconds: float = 60.0) -> dict:
    """Accept every ready submission, then start one processing run per pending application."""
    from prefect.deployments import run_deployment

    office = Office.from_environment(stable_seconds=stable_seconds)
    settings = office.settings
    load_classification_rules(settings.rules_dir / intake.CLASSIFICATION_RULES)
    db = office.db
    with intake.exclusive(settings, wait_seconds=lock_wait_seconds):
        ready, waiting = stable_submissions(settings.inbox_dir, settings.stable_seconds)
        accepted = [accept_contained(sub, settings, db) for sub in ready]
        started = {}
        for reg_no in intake.pending(db):
            earlier = _runs_of(reg_no)
            if any(r.state is not None and not r.state.is_final() for r in earlier):
                continue  # waiting for a worker or being processed
            # none yet, or every earlier one crashed/failed: a new run (parked after three
            # that never got through); the key makes two coordinators that race here create
            # only one
            if not start_application(settings, db, reg_no, "read", alone=True):  # one per run
                continue
            run = run_deployment(
                PROCESS_DEPLOYMENT,
                parameters={"reg_no": reg_no},
                timeout=0,
                as_subflow=False,
                idempotency_key=f"proses-{reg_no}-{len(earlier)}",
                flow_run_name=f"proses-{reg_no}",
            )
            started[reg_no] = str(run.id)
    return {
        "accepted": {a.source: a.outcome for a in accepted},
        "waiting": [s.name for s in waiting],
        "started": started,
    }
