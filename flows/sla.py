"""SLA monitoring and SLA reports on a schedule (Prefect shell over :mod:`loket.sla.escalation`
and :mod:`loket.sla.report`).

- ``pemantauan-sla`` (every ``interval_minutes`` of ``rules/sla.yaml``, default 15; override
  with ``LOKET_SLA_INTERVAL_MINUTES``): late steps and files nearing/past 2 working days are
  escalated, once per threshold;
- ``laporan-sla-bulanan`` (daily 07:00 WIB): on the first working day of a month (office
  calendar: holidays and cuti bersama skipped) the previous month's report is written to
  ``outbox/reports/YYYY-MM/``; on other days the run does nothing;
- ``laporan-sla-mingguan`` (daily 07:00 WIB): on the first working day of an ISO week the
  previous week's report is written to ``outbox/reports/YYYY-Www/``.

:func:`deployments` returns all three for ``loket serve``.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

from prefect import flow, get_run_logger
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Interval

from loket.common.clock import TIMEZONE, WIB, as_utc, utcnow
from loket.office import Office
from loket.sla.escalation import SLA_RULES, escalate, load_sla_rules
from loket.sla.periods import previous_month, previous_week

REPORT_CRON = "0 7 * * *"  # daily 07:00 WIB; acts on the first working day only
INTERVAL_ENV = "LOKET_SLA_INTERVAL_MINUTES"


def first_working_day(first: date, last: date) -> date | None:
    """The first working day of the office between ``first`` and ``last`` (inclusive)."""
    cal = Office.from_environment().calendar
    day = first
    while day <= last:
        if cal.is_working_day(day):
            return day
        day += timedelta(days=1)
    return None


def first_working_day_of_month(day: date) -> date | None:
    start = day.replace(day=1)
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return first_working_day(start, nxt - timedelta(days=1))


def first_working_day_of_week(day: date) -> date | None:
    monday = day - timedelta(days=day.weekday())
    return first_working_day(monday, monday + timedelta(days=6))


@flow(name="pemantauan-sla")
def sla_monitor(now: datetime | None = None) -> dict[str, object]:
    """Escalate late steps and files (each threshold once)."""
    desk = Office.from_environment().desk(pdf=False)
    sent = escalate(desk, now)
    logger = get_run_logger()
    for e in sent:
        logger.info(
            "%s: %s (%s) -> %s", e.reg_no, e.threshold, e.step, ", ".join(e.recipients) or "-"
        )
    return {"sent": len(sent), "escalations": [f"{e.reg_no}:{e.threshold}" for e in sent]}


def _report(period: str, now: datetime, pdf: bool) -> dict[str, object]:
    from loket.sla.report import write_report

    report, files = write_report(Office.from_environment().settings, period, cutoff=now, pdf=pdf)
    return {
        "period": period,
        "files": [str(f) for f in files],
        "covered": report.files_covered,
        "on_time_pct": report.summary["persen_tepat"],
    }


@flow(name="laporan-sla-bulanan")
def monthly_sla_report(
    month: str | None = None, now: datetime | None = None, pdf: bool = True, force: bool = False
) -> dict[str, object]:
    """The previous month's SLA report, on the first working day of the month (or
    ``month``/``force`` when run by hand)."""
    at = as_utc(now or utcnow())
    today = at.astimezone(WIB).date()
    if month is None and not force and first_working_day_of_month(today) != today:
        get_run_logger().info("%s is not the first working day of the month: nothing to do", today)
        return {"skipped": True, "day": today.isoformat()}
    period = month or previous_month(today).code
    result = _report(period, at, pdf)
    get_run_logger().info("SLA report %s written: %s", period, result["files"])
    return result


@flow(name="laporan-sla-mingguan")
def weekly_sla_report(
    week: str | None = None, now: datetime | None = None, pdf: bool = True, force: bool = False
) -> dict[str, object]:
    """The previous ISO week's SLA report, on the first working day of the week."""
    at = as_utc(now or utcnow())
    today = at.astimezone(WIB).date()
    if week is None and not force and first_working_day_of_week(today) != today:
        get_run_logger().info("%s is not the first working day of the week: nothing to do", today)
        return {"skipped": True, "day": today.isoformat()}
    period = week or previous_week(today).code
    result = _report(period, at, pdf)
    get_run_logger().info("SLA weekly report %s written: %s", period, result["files"])
    return result


def interval_minutes() -> int:
    raw = os.environ.get(INTERVAL_ENV)
    if raw:
        return max(1, int(raw))
    rules_dir = Office.from_environment().settings.rules_dir
    return load_sla_rules(rules_dir / SLA_RULES).interval_minutes


def deployments() -> list[RunnerDeployment]:
    """Scheduled deployments of SLA monitoring and reports, for ``prefect.serve(...)``."""
    return [
        sla_monitor.to_deployment(
            name="pemantauan-sla",
            schedule=Interval(timedelta(minutes=interval_minutes()), timezone=TIMEZONE),
            description="Peringatan keterlambatan langkah dan berkas (sekali per ambang).",
            tags=["sla"],
        ),
        monthly_sla_report.to_deployment(
            name="laporan-sla-bulanan",
            schedule=Cron(REPORT_CRON, timezone=TIMEZONE),
            description="Laporan SLA bulan lalu, dibuat pada hari kerja pertama setiap bulan.",
            tags=["sla", "laporan"],
        ),
        weekly_sla_report.to_deployment(
            name="laporan-sla-mingguan",
            schedule=Cron(REPORT_CRON, timezone=TIMEZONE),
            description="Laporan SLA minggu lalu, dibuat pada hari kerja pertama setiap minggu.",
            tags=["sla", "laporan"],
        ),
    ]
