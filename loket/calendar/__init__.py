"""The office's working-day calendar: office hours, holidays, cuti bersama, closures."""

from __future__ import annotations

from loket.calendar.loading import office_calendar
from loket.calendar.schema import CALENDAR_DIR, schema_for_file
from loket.calendar.work_calendar import WorkCalendar

__all__ = ["CALENDAR_DIR", "WorkCalendar", "office_calendar", "schema_for_file"]
