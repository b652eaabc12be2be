"""Scheduled purge of personal data kept for reading (issue #18): OCR cache and page texts of
closed files, ``retention_days`` after closing (:mod:`loket.intake.retention` decides).

:func:`purge` is the whole of it for the CLI (``loket purge [--dry-run]``) and for the daily
flow run that ``loket serve`` schedules (:func:`deployments`): it reads which files are closed
from the register and the approval chain, plans, and (unless a dry run) removes, noting each
purged file in the register's events (``retensi``).
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron
from sqlalchemy import select

from loket.approval import Approval
from loket.common.clock import TIMEZONE, utcnow
from loket.common.db import open_database
from loket.common.settings import Settings
from loket.intake import Application, log_event
from loket.intake import retention as ret
from loket.office import Office

FLOW_NAME = "retensi-data-pribadi"
#: Daily at 01:30 office time, when nothing else runs.
DAILY_CRON = "30 1 * * *"


def file_states(settings: Settings) -> list[ret.FileState]:
    """Every application with its closing time (None: open) and its archived files."""
    db = open_database(settings.db_url)
    with db() as session:
        chain = {
            reg_no: collected
            for reg_no, collected in session.execute(select(Approval.reg_no, Approval.collected_at))
        }
        states = []
        for app in session.scalars(select(Application)):
            closed = ret.closed_at(
                verdict=app.verdict,
                updated_at=app.updated_at,
                in_chain=app.reg_no in chain,
                collected_at=chain.get(app.reg_no),
            )
            files = tuple((f.sha256, f.page_count) for f in app.files)
            states.append(ret.FileState(app.reg_no, closed, files))
    return states


def purge(
    settings: Settings | None = None, *, dry_run: bool = False, now: datetime | None = None
) -> ret.Plan:
    """Plan the purge at ``now`` and, unless ``dry_run``, carry it out; returns the plan."""
    settings = settings or Office.from_environment().settings
    now = now or utcnow()
    states = file_states(settings)
    closed = [s.reg_no for s in states if s.closed_at is not None]
    the_plan = ret.plan(
        states,
        ret.list_cache(settings.cache_dir),
        ret.outbox_holds(settings.outbox_dir, closed),
        now=now,
        days=settings.retention_days,
    )
    if dry_run or the_plan.empty:
        return the_plan
    ret.execute(the_plan, cache_dir=settings.cache_dir, outbox=settings.outbox_dir, now=now)
    touched = sorted(set(the_plan.page_texts) | set(the_plan.thumbnails))
    if touched or the_plan.cache:
        with open_database(settings.db_url)() as session:
            for reg_no in touched:
                log_event(
                    session, "retensi", "loket purge", reg_no, {"days": settings.retention_days}
                )
            session.commit()
    return the_plan


def summary(the_plan: ret.Plan) -> str:
    """One line for a log or the officer."""
    return (
        f"{len(the_plan.closed)} berkas ditutup sebelum {the_plan.cutoff:%Y-%m-%d}: "
        f"{len(the_plan.cache)} entri cache OCR, {len(the_plan.orphans)} entri cache tanpa "
        f"berkas, {len(the_plan.page_texts)} pages.json, {len(the_plan.thumbnails)} folder "
        "thumbnails"
    )


@flow(name=FLOW_NAME, log_prints=False)
def retention_flow() -> str:
    """Purge the OCR cache and page texts of files closed longer than ``retention_days``."""
    line = summary(purge())
    get_run_logger().info("retensi: %s", line)
    return line


def deployments() -> list[RunnerDeployment]:
    """The daily purge."""
    return [
        retention_flow.to_deployment(
            name="harian",
            description="Retensi data pribadi: hapus cache OCR dan teks halaman berkas yang "
            "sudah ditutup (izin diambil / berkas dikembalikan) lebih dari retention_days.",
            tags=["retensi"],
            schedule=Cron(DAILY_CRON, timezone=TIMEZONE),
        )
    ]
