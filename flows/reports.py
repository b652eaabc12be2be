"""Scheduled reports (Prefect shell). The work is done by loket.complaints.report.

``monthly_complaint_report`` drafts the previous month's Laporan Pengaduan Pelayanan Publik
on the first day of each month; the Sekretaris then approves or returns it with
``loket complaints approve|return``. :func:`deployments` returns the deployments that
``loket serve`` registers.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from loket.common.clock import TIMEZONE
from loket.complaints.report import draft_month, previous_month
from loket.office import Office

MONTHLY_CRON = "0 7 1 * *"  # 07:00 WIB on the first day of the month


@task(name="draft-complaint-report")
def draft_complaint_report(period: str, maker_nip: str | None, pdf: bool) -> dict[str, object]:
    settings = Office.from_environment().settings
    version, files = draft_month(settings, period, maker_nip=maker_nip, pdf=pdf)
    return {"period": period, "version": version, "files": [str(f) for f in files]}


@flow(name="laporan-pengaduan-bulanan")
def monthly_complaint_report(
    month: str | None = None, maker_nip: str | None = None, pdf: bool = True
) -> dict[str, object]:
    """Draft the complaint report of ``month`` (YYYY-MM; default: the previous month)."""
    period = month or previous_month()
    result = draft_complaint_report(period, maker_nip, pdf)
    get_run_logger().info(
        "Complaint report %s drafted (version %s); awaiting the Sekretaris' review",
        period,
        result["version"],
    )
    return result


def deployments() -> list[RunnerDeployment]:
    """Deployments of the scheduled reports, for ``prefect.serve(*deployments())``."""
    return [
        monthly_complaint_report.to_deployment(
            name="laporan-pengaduan-bulanan",
            schedule=Cron(MONTHLY_CRON, timezone=TIMEZONE),
            description="Draft the monthly complaint report for the Sekretaris to review.",
            tags=["laporan", "pengaduan"],
        )
    ]
