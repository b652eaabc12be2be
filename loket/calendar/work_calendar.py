"""The office's working-day calendar: :class:`WorkCalendar` and its working-time arithmetic.

Pure (no Prefect, no database). A calendar is office hours (:mod:`loket.calendar.schema`)
minus national holidays, cuti bersama and closures (:mod:`loket.calendar.holidays`);
:mod:`loket.calendar.loading` builds one from ``rules/calendar/``.


Conventions
-----------
* **Instants.** Aware datetimes are converted to the office's time zone; *naive* datetimes
  are taken to be office-local wall-clock time (what an officer types). The vectorised
  functions take ``naive="utc"`` for naive UTC columns (as SQLite returns them).
* **Working time** between two instants is the measure of their overlap with the office's
  open periods, exact to the microsecond, signed (``between(b, a) == -between(a, b)``).
  Time outside office hours, on weekends, holidays, cuti bersama and closures counts zero,
  so a file completed on Friday at 18:00 starts its clock on Monday at 07:30.
* **A working day** is a fixed number of working minutes, ``working_day_minutes``
  (default: the most common daily length of the week, 510 = 07:30–16:00). ``N working
  days`` means ``N × working_day_minutes`` working minutes; working days between two
  instants are their working minutes divided by that length.
* **Due instant.** ``due(start, N)`` is the *earliest* instant at which ``N × working day``
  working minutes have passed since ``start``, i.e. counted from ``start``'s next working
  moment. A deadline that ends exactly at closing time is that closing time (Thursday
  16:00), not the next morning. ``N = 0`` gives ``start`` itself. Thus
  ``between(start, due(start, N)).days == N`` always, and on a regular week
  ``due(Tue 10:00, 2) == Thu 10:00``. Shorter days (Ramadan hours, a half day) hold fewer
  working minutes, so N days may then reach further than N calendar working days.

Speed: working minutes are looked up in compiled tables (:mod:`loket.calendar.tables`), so
an interval costs O(1) and a million intervals are a few numpy operations
(:meth:`WorkCalendar.working_time_many`, :meth:`WorkCalendar.due_many`, computed in
:mod:`loket.calendar.vectorised`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np

from loket.calendar import vectorised
from loket.calendar.holidays import CalendarWarning, Closure, YearDays, build_year
from loket.calendar.schema import (
    MAX_YEAR,
    MIN_PER_DAY,
    MIN_YEAR,
    WEEKDAYS,
    HoursPeriod,
    OfficeHours,
    Span,
    YearOverrides,
)
from loket.calendar.tables import (
    ONE_US,
    US_PER_MIN,
    WorkTable,
    compile_table,
    instant_at,
    working_us,
)
from loket.calendar.vectorised import DueTimes, WorkingTimes

# the name the calendar logged under before the package split (the serve log shows it)
log = logging.getLogger("loket.calendar")
log.addHandler(logging.NullHandler())  # shown where the application configures logging


class CalendarError(ValueError):
    """A calendar question that cannot be answered (year out of range, no working time)."""


# ---------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class WorkingTime:
    """Working time between two instants (``minutes`` and ``days`` are signed)."""

    start: datetime
    end: datetime
    minutes: float
    days: float
    clock_starts: datetime  # the start's next working moment
    warnings: tuple[CalendarWarning, ...] = ()


@dataclass(frozen=True)
class Due:
    """A due instant: ``working_minutes`` after ``start``, counted from ``clock_starts``."""

    start: datetime
    clock_starts: datetime
    at: datetime
    working_minutes: float
    working_days: float
    warnings: tuple[CalendarWarning, ...] = ()


# ---------------------------------------------------------------------------------------
# the calendar


class WorkCalendar:
    """Office hours minus holidays, cuti bersama and closures; see the module docstring.

    Thread-safe: compiled tables are immutable snapshots, built under a lock.
    """

    def __init__(
        self,
        hours: OfficeHours | None = None,
        years: dict[int, YearOverrides] | None = None,
        *,
        use_package: bool = True,
        files: dict[int, Path] | None = None,
    ) -> None:
        self.hours = hours or OfficeHours()
        self.overrides = dict(years or {})
        self.use_package = use_package
        self.files = dict(files or {})
        self.tz = ZoneInfo(self.hours.timezone)
        self.day_minutes = self.hours.day_minutes
        self._years: dict[int, YearDays] = {}
        self._table: WorkTable | None = None
        self._profiles: dict[tuple[Span, ...], int] = {(): 0}
        self._lock = threading.RLock()
        self._logged: set[int] = set()

    # -- days ---------------------------------------------------------------------------

    def _file(self, year: int) -> str:
        path = self.files.get(year)
        return str(path) if path else f"rules/calendar/{year}.yaml"

    def _year(self, year: int) -> YearDays:
        found = self._years.get(year)
        if found is not None:
            return found
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CalendarError(
                f"tahun {year} di luar jangkauan kalender ({MIN_YEAR}-{MAX_YEAR}) / "
                f"year {year} is outside the calendar's range"
            )
        with self._lock:
            found = self._years.get(year)
            if found is None:
                found = build_year(
                    year,
                    self.overrides.get(year),
                    use_package=self.use_package,
                    file=self._file(year),
                    tz=self.tz,
                )
                self._years[year] = found
                if found.warnings and year not in self._logged:
                    self._logged.add(year)
                    for w in found.warnings:
                        log.warning("%s", w)
        return found

    def spans_on(self, day: date) -> tuple[Span, ...]:
        """The office's open periods on ``day`` (minutes from midnight); ``()`` = closed."""
        info = self._year(day.year)
        if day in info.closures:
            return ()
        weekday = day.weekday()
        for period in info.periods:
            if period.covers(day):
                found = period.week.get(WEEKDAYS[weekday])  # type: ignore[call-overload]
                if found is not None:
                    return tuple(found)
                break
        return self.hours.week.spans(weekday)

    def hours_on(self, day: date) -> tuple[tuple[time, time | None], ...]:
        """Open periods on ``day`` as times (``None`` end = midnight)."""

        def t(minute: int) -> time | None:
            return None if minute == MIN_PER_DAY else time(minute // 60, minute % 60)

        return tuple((t(s), t(e)) for s, e in self.spans_on(day))  # type: ignore[misc]

    def is_working_day(self, day: date) -> bool:
        return bool(self.spans_on(day))

    def add_working_dates(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself for ``n <= 0``)."""
        left = n
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def closures(self, year: int, *, include_opened: bool = False) -> list[Closure]:
        """The year's closed days (weekends aside), and with ``include_opened`` the package
        days an override opened; sorted by date."""
        info = self._year(year)
        days = list(info.closures.values())
        if include_opened:
            days += list(info.opened)
        return sorted(days, key=lambda c: (c.date, c.closed))

    def hours_periods(self, year: int) -> tuple[HoursPeriod, ...]:
        return self._year(year).periods

    def warnings(
        self, first_year: int, last_year: int | None = None
    ) -> tuple[CalendarWarning, ...]:
        """Warnings of the years ``first_year..last_year`` (estimated dates, no decree)."""
        last = first_year if last_year is None else last_year
        lo, hi = sorted((first_year, last))
        lo, hi = max(lo, MIN_YEAR), min(hi, MAX_YEAR)
        return tuple(w for y in range(lo, hi + 1) for w in self._year(y).warnings)

    # -- compiled tables ----------------------------------------------------------------

    def compiled_table(self, first_year: int, last_year: int) -> WorkTable:
        """A table covering at least the years ``first_year..last_year`` (widened, and
        compiled under the lock, when the current one is too short)."""
        table = self._table
        if table is not None and table.y0 <= first_year and last_year <= table.y1:
            return table
        with self._lock:
            table = self._table
            y0 = first_year if table is None else min(first_year, table.y0)
            y1 = last_year if table is None else max(last_year, table.y1)
            if table is not None and table.y0 <= y0 and y1 <= table.y1:
                return table
            if y0 < MIN_YEAR or y1 > MAX_YEAR:
                bad = y0 if y0 < MIN_YEAR else y1
                raise CalendarError(
                    f"tahun {bad} di luar jangkauan kalender ({MIN_YEAR}-{MAX_YEAR}) / "
                    f"year {bad} is outside the calendar's range"
                )
            table = compile_table(self.spans_on, self._profiles, y0, y1)
            self._table = table
            return table

    def extend_table(self, table: WorkTable, target_us: int) -> WorkTable:
        """A table reaching far enough forward to hold ``target_us`` working µs."""
        while target_us > int(table.day_cum_us[-1]):
            if table.y1 >= MAX_YEAR:
                raise CalendarError(
                    f"batas waktu jatuh setelah tahun {MAX_YEAR} / the due date falls after "
                    f"{MAX_YEAR}"
                )
            years = table.y1 - table.y0 + 1
            per_year = int(table.day_cum_us[-1]) // years
            missing = target_us - int(table.day_cum_us[-1])
            step = 1 if per_year <= 0 else max(1, -(-missing // per_year))
            table = self.compiled_table(table.y0, min(MAX_YEAR, table.y1 + step))
        return table

    # -- conversions --------------------------------------------------------------------

    def _local(self, value: datetime) -> datetime:
        """Office-local naive wall-clock time (naive input is taken as local already)."""
        if value.tzinfo is None:
            return value
        return value.astimezone(self.tz).replace(tzinfo=None)

    def _aware(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.tz)

    def _target(self, table: WorkTable, local: datetime, add_us: int) -> tuple[WorkTable, int]:
        """Make the table hold ``W(local) + add_us``; return it and the target."""
        target = working_us(table, local) + add_us
        if target > int(table.day_cum_us[-1]):
            table = self.extend_table(table, target)
            target = working_us(table, local) + add_us
        return table, target

    # -- scalar API ---------------------------------------------------------------------

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes from ``start`` to ``end`` (negative if ``end`` is earlier)."""
        a, b = self._local(start), self._local(end)
        table = self.compiled_table(min(a.year, b.year), max(a.year, b.year))
        return (working_us(table, b) - working_us(table, a)) / US_PER_MIN

    def next_working_moment(self, value: datetime) -> datetime:
        """``value`` if the office is open then, else the next opening (aware, office zone)."""
        local = self._local(value)
        table = self.compiled_table(local.year, local.year)
        table, target = self._target(table, local, 1)
        return self._aware(instant_at(table, target) - ONE_US)

    def working_time(self, start: datetime, end: datetime) -> WorkingTime:
        """Working minutes and days between two instants, with the years' warnings."""
        a, b = self._local(start), self._local(end)
        minutes = self.working_minutes(a, b)
        return WorkingTime(
            start=self._aware(a),
            end=self._aware(b),
            minutes=minutes,
            days=minutes / self.day_minutes,
            clock_starts=self.next_working_moment(a),
            warnings=self.warnings(a.year, b.year),
        )

    def due(self, start: datetime, days: float = 0, *, minutes: float = 0) -> Due:
        """The due instant ``days`` working days plus ``minutes`` working minutes after
        ``start``: the earliest instant at which that much working time has passed,
        counted from ``start``'s next working moment (see the module docstring)."""
        total = days * self.day_minutes + minutes
        if total < 0:
            raise ValueError("working time to add must not be negative")
        local = self._local(start)
        add_us = round(total * US_PER_MIN)
        table = self.compiled_table(local.year, local.year)
        if add_us == 0:
            at = local
        else:
            table, target = self._target(table, local, add_us)
            at = instant_at(table, target)
        return Due(
            start=self._aware(local),
            clock_starts=self.next_working_moment(local),
            at=self._aware(at),
            working_minutes=add_us / US_PER_MIN,
            working_days=add_us / US_PER_MIN / self.day_minutes,
            warnings=self.warnings(local.year, at.year),
        )

    # -- reference implementations (simple loops; for tests and the benchmark) ----------

    def working_minutes_loop(self, start: datetime, end: datetime) -> float:
        """Same as :meth:`working_minutes`, by walking the days one by one (slow)."""
        a, b = self._local(start), self._local(end)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        total = timedelta(0)
        day = a.date()
        while day <= b.date():
            midnight = datetime.combine(day, time())
            for s, e in self.spans_on(day):
                lo = max(a, midnight + timedelta(minutes=s))
                hi = min(b, midnight + timedelta(minutes=e))
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return sign * (total // ONE_US) / US_PER_MIN

    def due_loop(self, start: datetime, minutes: float) -> datetime:
        """Same as ``due(start, minutes=minutes).at``, by walking the days (slow)."""
        local = self._local(start)
        left = round(minutes * US_PER_MIN)
        if left <= 0:
            return self._aware(local)
        day = local.date()
        while True:
            midnight = datetime.combine(day, time())
            for s, e in self.spans_on(day):
                lo = max(local, midnight + timedelta(minutes=s))
                hi = midnight + timedelta(minutes=e)
                if hi <= lo:
                    continue
                avail = (hi - lo) // ONE_US
                if left <= avail:
                    return self._aware(lo + timedelta(microseconds=left))
                left -= avail
            day += timedelta(days=1)
            if day.year > MAX_YEAR:
                raise CalendarError(f"the due date falls after {MAX_YEAR}")

    # -- vectorised API -----------------------------------------------------------------

    def working_time_many(
        self, starts: Any, ends: Any, *, naive: Literal["local", "utc"] = "local"
    ) -> WorkingTimes:
        """Vectorised :meth:`working_time` over arrays/Series/lists of instants (O(1) each).

        ``naive`` says how naive values are read: office-local wall clock or UTC.
        Results are float64 arrays (NaN where a start or end is missing).
        """
        return vectorised.working_time_many(self, starts, ends, naive=naive)

    def due_many(
        self,
        starts: Any,
        days: float | np.ndarray = 0,
        *,
        minutes: float | np.ndarray = 0,
        naive: Literal["local", "utc"] = "local",
    ) -> DueTimes:
        """Vectorised :meth:`due`: ``days``/``minutes`` are scalars or arrays like ``starts``."""
        return vectorised.due_many(self, starts, days, minutes=minutes, naive=naive)
