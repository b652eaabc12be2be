"""Deadlines of an answer: the weight's days (working days by the office calendar), overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from loket.calendar import WorkCalendar
from loket.common.clock import WIB, as_utc, to_wib, utcnow
from loket.complaints.models import Complaint
from loket.complaints.rules import ComplaintRules, Deadline


def is_working_day(day: date, calendar: WorkCalendar) -> bool:
    """Whether the office is open on ``day`` (the office calendar, rules/calendar/, handed
    over by the caller: ``Office.calendar``)."""
    return calendar.is_working_day(day)


def add_days(start: date, deadline: Deadline, calendar: WorkCalendar) -> date:
    """``start`` plus the deadline's days (working days: the office calendar's open days,
    i.e. without weekends, holidays, cuti bersama and the office's own closures)."""
    if not deadline.working_days:
        return start + timedelta(days=deadline.days)
    return calendar.add_working_dates(start, deadline.days)


def due_at(
    rules: ComplaintRules, weight: str, received_at: datetime, calendar: WorkCalendar
) -> datetime:
    """End of the last day (WIB) on which a complaint of ``weight`` must be answered
    (working days by ``calendar``, the office's: ``Office.calendar``)."""
    rule = rules.weights[weight]  # type: ignore[index]
    last = add_days(to_wib(received_at).date(), rule.deadline, calendar)
    return datetime.combine(last, time(23, 59, 59), tzinfo=WIB).astimezone(UTC)


def is_overdue(complaint: Complaint, now: datetime | None = None) -> bool:
    """Unanswered after its deadline, or answered after it."""
    due = as_utc(complaint.due_at)
    if complaint.answered_at is not None:
        return as_utc(complaint.answered_at) > due
    return as_utc(now or utcnow()) > due
