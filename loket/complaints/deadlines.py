"""Deadlines of an answer: the weight's days (working days by the office calendar), overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from loket.calendar import CALENDAR_DIR, WorkCalendar, office_calendar
from loket.common.clock import WIB, as_utc, to_wib, utcnow
from loket.complaints.models import Complaint
from loket.complaints.rules import ComplaintRules, Deadline


def _calendar() -> WorkCalendar:
    """The office calendar of the current settings. The complaint register does not take
    its calendar from the caller yet (issue #15, the composition root): one of the two
    places it reads the settings itself (the other: the control card it attaches)."""
    from loket.common.settings import load_settings

    return office_calendar(load_settings().rules_dir / CALENDAR_DIR)


def is_working_day(day: date) -> bool:
    """Whether the office is open on ``day`` (the office calendar, rules/calendar/)."""
    return _calendar().is_working_day(day)


def add_days(start: date, deadline: Deadline) -> date:
    """``start`` plus the deadline's days (working days: the office calendar's open days,
    i.e. without weekends, holidays, cuti bersama and the office's own closures)."""
    if not deadline.working_days:
        return start + timedelta(days=deadline.days)
    return _calendar().add_working_dates(start, deadline.days)


def due_at(rules: ComplaintRules, weight: str, received_at: datetime) -> datetime:
    """End of the last day (WIB) on which a complaint of ``weight`` must be answered."""
    rule = rules.weights[weight]  # type: ignore[index]
    last = add_days(to_wib(received_at).date(), rule.deadline)
    return datetime.combine(last, time(23, 59, 59), tzinfo=WIB).astimezone(UTC)


def is_overdue(complaint: Complaint, now: datetime | None = None) -> bool:
    """Unanswered after its deadline, or answered after it."""
    due = as_utc(complaint.due_at)
    if complaint.answered_at is not None:
        return as_utc(complaint.answered_at) > due
    return as_utc(now or utcnow()) > due
