"""The schema of the calendar files under ``rules/calendar/``, and the units they are written in.

* ``rules/calendar/office-hours.yaml`` (:class:`OfficeHours`): the weekly office hours
  (default Monday–Friday 07:30–16:00, Asia/Jakarta) and the length of one working day.
* ``rules/calendar/YYYY.yaml`` (:class:`YearOverrides`): the office's overrides for one
  year — days ``added`` (a decree the package does not know yet, the office's own
  closures), days ``removed`` (a cancelled cuti bersama, a day the office stays open),
  ``hours`` periods (Ramadan hours, a half day) and ``confirmed_by`` (the decree the year's
  package dates were checked against, which turns the estimates into confirmed dates).

How these combine with the ``holidays`` package is told in :mod:`loket.calendar.holidays`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

MIN_PER_DAY = 1440
MIN_YEAR, MAX_YEAR = 1970, 2100  # the holidays package has no Indonesian data after 2100

CALENDAR_DIR = "calendar"
OFFICE_HOURS_FILE = "office-hours.yaml"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Kind = Literal["libur_nasional", "cuti_bersama", "kantor"]

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

# ---------------------------------------------------------------------------------------
# office-hours.yaml: time ranges, the week, the office hours

Span = tuple[int, int]  # minutes from midnight, [start, end)

_RANGE_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*$")
_RANGE_FIX = "write a time range as HH:MM-HH:MM, e.g. 07:30-16:00 (24:00 for midnight)"


def _parse_range(value: Any) -> Any:
    if isinstance(value, str):
        m = _RANGE_RE.match(value)
        if m:
            h1, m1, h2, m2 = (int(g) for g in m.groups())
            start, end = h1 * 60 + m1, h2 * 60 + m2
            if h1 < 24 and m1 < 60 and m2 < 60 and end <= MIN_PER_DAY and start < end:
                return (start, end)
            raise ValueError(f"{value!r} is not a time range within one day; {_RANGE_FIX}")
    elif isinstance(value, list | tuple) and len(value) == 2:
        return tuple(value)
    raise ValueError(_RANGE_FIX)


def _fmt_span(span: Span) -> str:
    return f"{span[0] // 60:02d}:{span[0] % 60:02d}-{span[1] // 60:02d}:{span[1] % 60:02d}"


def _check_spans(spans: list[Span]) -> tuple[Span, ...]:
    ordered = sorted(spans)
    for a, b in pairwise(ordered):
        if b[0] < a[1]:
            raise ValueError(
                f"time ranges {_fmt_span(a)} and {_fmt_span(b)} overlap; "
                "write them one after the other"
            )
    return tuple(ordered)


TimeRange = Annotated[tuple[int, int], BeforeValidator(_parse_range)]
DayHours = Annotated[list[TimeRange], AfterValidator(_check_spans)]

_WORKDAY: tuple[Span, ...] = ((7 * 60 + 30, 16 * 60),)


class WeekHours(BaseModel):
    """Open periods of each weekday (a list of ``HH:MM-HH:MM``; ``[]`` = closed)."""

    model_config = ConfigDict(extra="forbid")

    monday: DayHours = list(_WORKDAY)
    tuesday: DayHours = list(_WORKDAY)
    wednesday: DayHours = list(_WORKDAY)
    thursday: DayHours = list(_WORKDAY)
    friday: DayHours = list(_WORKDAY)
    saturday: DayHours = []
    sunday: DayHours = []

    def spans(self, weekday: int) -> tuple[Span, ...]:
        return tuple(getattr(self, WEEKDAYS[weekday]))


def total_minutes(spans: Iterable[Span]) -> int:
    """Open minutes of a day's spans."""
    return sum(end - start for start, end in spans)


class OfficeHours(BaseModel):
    """Schema of ``rules/calendar/office-hours.yaml``."""

    model_config = ConfigDict(extra="forbid")

    timezone: str = "Asia/Jakarta"
    week: WeekHours = Field(default_factory=WeekHours)
    working_day_minutes: int | None = Field(default=None, gt=0, le=MIN_PER_DAY)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; write an IANA name such as Asia/Jakarta"
            ) from None
        return value

    @model_validator(mode="after")
    def _some_hours(self) -> OfficeHours:
        if not any(self.week.spans(i) for i in range(7)):
            raise ValueError("week: no day has office hours; give at least one day hours")
        return self

    @property
    def day_minutes(self) -> int:
        """Working minutes in one working day (the unit of 'N working days')."""
        if self.working_day_minutes:
            return self.working_day_minutes
        lengths = Counter(total_minutes(self.week.spans(i)) for i in range(7))
        lengths.pop(0, None)
        return max(lengths, key=lambda n: (lengths[n], n))


# ---------------------------------------------------------------------------------------
# YYYY.yaml: added and removed days, hours periods, checked against the file's year


@dataclass
class _YearCheck:
    """Validation context of one year file: its year and the dates and periods seen."""

    year: int | None
    dates: dict[date, str] = field(default_factory=dict)
    periods: list[tuple[date, date, str]] = field(default_factory=list)


_YEAR_CHECK: ContextVar[_YearCheck | None] = ContextVar("loket_calendar_year", default=None)


def _check_date(value: date, where: str) -> date:
    ctx = _YEAR_CHECK.get()
    if ctx is None:
        return value
    if ctx.year is not None and value.year != ctx.year:
        raise ValueError(
            f"{value.isoformat()} is not in {ctx.year}: write a date in {ctx.year} "
            f"or put it in {value.year}.yaml"
        )
    if where:
        if value in ctx.dates:
            raise ValueError(
                f"{value.isoformat()} is already listed under {ctx.dates[value]}; "
                "list each date once"
            )
        ctx.dates[value] = where
    return value


class AddedDay(BaseModel):
    """A day the office is closed that the package does not list (or lists differently)."""

    model_config = ConfigDict(extra="forbid")

    date: date
    name: str = Field(min_length=1)
    name_en: str | None = None
    kind: Kind
    reason: str = Field(min_length=1)
    decree: str | None = None

    @model_validator(mode="after")
    def _checked(self) -> AddedDay:
        _check_date(self.date, "added")
        if self.kind != "kantor" and not (self.decree or "").strip():
            raise ValueError(
                f"a {self.kind} day needs its decree: add decree: 'SKB ... Nomor ... Tahun ...'"
            )
        return self


class RemovedDay(BaseModel):
    """A day the package lists as closed but on which the office is open."""

    model_config = ConfigDict(extra="forbid")

    date: date
    reason: str = Field(min_length=1)
    decree: str = Field(min_length=1)

    @model_validator(mode="after")
    def _checked(self) -> RemovedDay:
        _check_date(self.date, "removed")
        return self


class HoursPeriod(BaseModel):
    """Different office hours from ``from`` to ``to`` (inclusive): Ramadan, a half day."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1)
    start: date = Field(alias="from")
    end: date = Field(alias="to")
    week: dict[Weekday, DayHours]
    decree: str | None = None

    @model_validator(mode="after")
    def _ordered_and_apart(self) -> HoursPeriod:
        _check_date(self.start, "")
        _check_date(self.end, "")
        if self.end < self.start:
            raise ValueError(
                f"period {self.name!r} ends ({self.end}) before it starts ({self.start}); "
                "swap from and to"
            )
        ctx = _YEAR_CHECK.get()
        if ctx is not None:
            for start, end, name in ctx.periods:
                if self.start <= end and start <= self.end:
                    raise ValueError(
                        f"period {self.name!r} overlaps period {name!r} ({start}..{end}); "
                        "make the periods disjoint"
                    )
            ctx.periods.append((self.start, self.end, self.name))
        return self

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


class YearOverrides(BaseModel):
    """Schema of ``rules/calendar/YYYY.yaml`` (see the header comment of those files)."""

    model_config = ConfigDict(extra="forbid")

    #: the year the file name promises (set by :func:`year_schema`); None: not checked
    expected_year: ClassVar[int | None] = None

    year: int = Field(ge=MIN_YEAR, le=MAX_YEAR)
    confirmed_by: str | None = None
    added: list[AddedDay] = Field(default_factory=list)
    removed: list[RemovedDay] = Field(default_factory=list)
    hours: list[HoursPeriod] = Field(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _with_year_context(cls, data: Any, handler: Any) -> YearOverrides:
        year = data.get("year") if isinstance(data, dict) else None
        if not isinstance(year, int) or isinstance(year, bool):
            year = cls.expected_year
        token = _YEAR_CHECK.set(_YearCheck(year))
        try:
            return handler(data)
        finally:
            _YEAR_CHECK.reset(token)

    @field_validator("year")
    @classmethod
    def _matches_file_name(cls, value: int) -> int:
        if cls.expected_year is not None and value != cls.expected_year:
            raise ValueError(
                f"the file is named {cls.expected_year}.yaml but says year {value}; "
                f"write year: {cls.expected_year} or rename the file"
            )
        return value


@cache
def year_schema(year: int) -> type[YearOverrides]:
    """The schema of ``YYYY.yaml`` that also checks ``year:`` against the file name."""

    class YearFile(YearOverrides):
        expected_year: ClassVar[int | None] = year

    YearFile.__name__ = YearFile.__qualname__ = f"YearOverrides{year}"
    return YearFile


def schema_for_file(path: Path) -> type[YearOverrides] | type[OfficeHours] | None:
    """For ``loket.office.rulesets``: the schema of a file under ``rules/calendar/``."""
    if path.parent.name != CALENDAR_DIR or path.suffix not in (".yaml", ".yml"):
        return None
    if path.name == OFFICE_HOURS_FILE:
        return OfficeHours
    if re.fullmatch(r"\d{4}", path.stem):
        return year_schema(int(path.stem))
    return None
