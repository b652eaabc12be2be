"""The office's working-day calendar: office hours, holidays, cuti bersama, closures."""

from __future__ import annotations

from loket.calendar.loading import office_calendar
from loket.calendar.schema import schema_for_file
from loket.calendar.work_calendar import WorkCalendar

__all__ = ["WorkCalendar", "office_calendar", "schema_for_file"]
