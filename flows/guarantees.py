"""Delivery guarantees on a schedule (Prefect shell over :mod:`loket.approval.delivery` and
:mod:`loket.approval.notify`).

- ``pemeriksaan-jaminan-harian`` (07:00 WIB daily): the uncollected-permit letters (once per
  permit), a retry of every queued message, and a re-attach of waiting approval runs;
- ``kirim-pemberitahuan`` (every 10 minutes): the retry queue of messages to applicants.

:func:`deployments` returns both for ``loket serve``.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from loket.approval import notify
from loket.approval.delivery import issue_uncollected_letters
from loket.common.clock import TIMEZONE
from loket.office import Office

DAILY_CRON = "0 7 * * *"
DISPATCH_CRON = "*/10 * * * *"


@flow(name="kirim-pemberitahuan")
def dispatch_notifications() -> dict[str, int]:
    """Send every due message of the outbox (retries included)."""
    desk = Office.from_environment().desk()
    notifier = notify.make_notifier(desk.notify_rules, desk.settings.outbox_dir)
    sent = notify.dispatch(desk.db, notifier, desk.notify_rules)
    ok = sum(s.ok for s in sent)
    for s in sent:
        if not s.ok:
            get_run_logger().warning("message %s (%s) failed: %s", s.id, s.reg_no, s.detail)
    return {"sent": ok, "failed": len(sent) - ok}


@flow(name="pemeriksaan-jaminan-harian")
def daily_guarantee_check(now: datetime | None = None, pdf: bool = True) -> dict[str, object]:
    """Letters for permits uncollected a month after completion; messages; re-attach."""
    logger = get_run_logger()
    desk = Office.from_environment().desk(pdf=pdf)
    letters = issue_uncollected_letters(desk, now)
    for letter in letters:
        logger.info(
            "%s: surat pemberitahuan %s %s",
            letter.reg_no,
            letter.number,
            "dibuat" if letter.new else "dibuat ulang",
        )
    messages = dispatch_notifications()
    from flows.approval import reattach

    reattached = reattach(desk)
    return {
        "letters": [{"reg_no": x.reg_no, "number": x.number, "new": x.new} for x in letters],
        "messages": messages,
        "reattached": reattached,
    }


def deployments() -> list[RunnerDeployment]:
    """Scheduled deployments of the guarantees, for ``prefect.serve(*deployments())``."""
    return [
        daily_guarantee_check.to_deployment(
            name="pemeriksaan-jaminan-harian",
            schedule=Cron(DAILY_CRON, timezone=TIMEZONE),
            description="Surat pemberitahuan izin belum diambil (1 bulan), kirim ulang SMS.",
            tags=["jaminan"],
        ),
        dispatch_notifications.to_deployment(
            name="kirim-pemberitahuan",
            schedule=Cron(DISPATCH_CRON, timezone=TIMEZONE),
            description="Kirim pesan pemberitahuan kepada pemohon yang masih antre.",
            tags=["jaminan"],
        ),
    ]
