"""The office's working-day calendar: office hours, national holidays, cuti bersama, closures.

Pure (no Prefect, no database). Sources, in increasing precedence:

1. the ``holidays`` package: Indonesian national holidays (``public``) and the government's
   cuti bersama (``government``). Far-future Islamic (and some Chinese/Buddhist) dates are
   *estimates*; a year of estimates is reported in every result's ``warnings`` (and logged
   once), never silently trusted;
2. ``rules/calendar/YYYY.yaml``: the office's overrides for one year — days ``added``
   (a decree the package does not know yet, the office's own closures), days ``removed``
   (a cancelled cuti bersama, a day the office stays open), ``hours`` periods (Ramadan
   hours, a half day) and ``confirmed_by`` (the decree the year's package dates were checked
   against, which turns the estimates into confirmed dates);
3. ``rules/calendar/office-hours.yaml``: the weekly office hours (default Monday–Friday
   07:30–16:00, Asia/Jakarta) and the length of one working day.

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

Speed: working minutes since the start of the covered range are a step-free piecewise
linear function ``W(t)`` tabulated per day (cumulative minutes) and per minute of a day
profile, so an interval costs O(1) and a million intervals are a few numpy operations
(:meth:`WorkCalendar.working_time_many`, :meth:`WorkCalendar.due_many`).
"""

from __future__ import annotations

import logging
import re
import threading
from collections import Counter
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from loket.common.rulesfile import RulesError, load_model

if TYPE_CHECKING:
    import pandas as pd

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # shown where the application configures logging

US_PER_MIN = 60_000_000
US_PER_DAY = 86_400_000_000
MIN_PER_DAY = 1440
MIN_YEAR, MAX_YEAR = 1970, 2100  # the holidays package has no Indonesian data after 2100
_ROW = 10**11  # > MIN_PER_DAY * US_PER_MIN: separates day profiles in one sorted array
_ONE_US = timedelta(microseconds=1)
_EPOCH = date(1970, 1, 1)

CALENDAR_DIR = "calendar"
OFFICE_HOURS_FILE = "office-hours.yaml"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Kind = Literal["libur_nasional", "cuti_bersama", "kantor"]
Source = Literal["package", "override", "estimated"]

HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
KIND_LABELS: dict[str, str] = {
    "libur_nasional": "Libur nasional / public holiday",
    "cuti_bersama": "Cuti bersama / collective leave",
    "kantor": "Kantor tutup / office closure",
}
SOURCE_LABELS: dict[str, str] = {
    "package": "paket holidays / package",
    "override": "override (rules/calendar)",
    "estimated": "PERKIRAAN / estimated",
}


class CalendarError(ValueError):
    """A calendar question that cannot be answered (year out of range, no working time)."""


# ---------------------------------------------------------------------------------------
# schemas: rules/calendar/office-hours.yaml and rules/calendar/YYYY.yaml

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


def _minutes(spans: Iterable[Span]) -> int:
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
        lengths = Counter(_minutes(self.week.spans(i)) for i in range(7))
        lengths.pop(0, None)
        return max(lengths, key=lambda n: (lengths[n], n))


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


# ---------------------------------------------------------------------------------------
# closures and warnings


@dataclass(frozen=True)
class Closure:
    """A day the office is closed (or, with ``closed=False``, opened by an override)."""

    date: date
    name: str
    name_en: str
    kind: Kind
    source: Source
    closed: bool = True
    decree: str | None = None
    reason: str | None = None
    in_package: bool = False

    @property
    def estimated(self) -> bool:
        return self.source == "estimated"


WarningCode = Literal["estimated", "no_cuti_bersama", "removed_unknown"]


@dataclass(frozen=True)
class CalendarWarning:
    """Something about a year's dates an officer must know; ``str()`` is one bilingual line."""

    year: int
    code: WarningCode
    dates: tuple[date, ...]
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class _PackageDay:
    name: str
    name_en: str
    kind: Kind
    estimated: bool


def _strip_label(name: str, label: str) -> tuple[str, bool]:
    suffix = label % ""
    parts = name.split("; ")
    estimated = any(p.endswith(suffix) for p in parts)
    return "; ".join(p.removesuffix(suffix) for p in parts), estimated


@cache
def package_days(year: int) -> dict[date, _PackageDay]:
    """What the ``holidays`` package says about ``year``: public holidays and cuti bersama."""
    import holidays

    out: dict[date, _PackageDay] = {}
    for category, kind in (("public", "libur_nasional"), ("government", "cuti_bersama")):
        en = holidays.country_holidays("ID", years=year, categories=(category,), language="en_US")
        idn = holidays.country_holidays("ID", years=year, categories=(category,), language="id")
        for day, raw_en in sorted(en.items()):
            name_en, est_en = _strip_label(raw_en, en.tr(en.estimated_label))
            name_id, est_id = _strip_label(idn.get(day, raw_en), idn.tr(idn.estimated_label))
            entry = _PackageDay(name_id, name_en, kind, est_en or est_id)  # type: ignore[arg-type]
            if day in out:  # a cuti bersama on a public holiday: keep both names
                old = out[day]
                entry = _PackageDay(
                    f"{old.name}; {name_id}",
                    f"{old.name_en}; {name_en}",
                    old.kind,
                    old.estimated or entry.estimated,
                )
            out[day] = entry
    return out


@dataclass(frozen=True)
class _Year:
    closures: dict[date, Closure]
    opened: tuple[Closure, ...]
    periods: tuple[HoursPeriod, ...]
    warnings: tuple[CalendarWarning, ...]


@dataclass(frozen=True)
class _Table:
    """Compiled working minutes of the years ``y0..y1`` (a snapshot; never mutated)."""

    y0: int
    y1: int
    epoch_day: int  # days from 1970-01-01 to y0-01-01
    day_profile: np.ndarray  # (n_days,) profile index of each day
    day_cum_us: np.ndarray  # (n_days + 1,) working µs before each day
    prof_cum_us: np.ndarray  # (P, 1441) working µs before each minute of a profile
    prof_open: np.ndarray  # (P, 1440) 1 if the minute is open
    prof_flat: np.ndarray  # prof_cum_us + p * _ROW, flattened (sorted)

    @property
    def first(self) -> date:
        return date(self.y0, 1, 1)


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


@dataclass(frozen=True)
class WorkingTimes:
    """Vectorised :class:`WorkingTime`: float arrays, NaN where an instant is missing."""

    minutes: np.ndarray
    days: np.ndarray
    warnings: tuple[CalendarWarning, ...] = ()


@dataclass(frozen=True)
class DueTimes:
    """Vectorised :class:`Due`: aware instants in the office's zone, NaT where missing."""

    at: pd.DatetimeIndex
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
        self._years: dict[int, _Year] = {}
        self._table: _Table | None = None
        self._profiles: dict[tuple[Span, ...], int] = {(): 0}
        self._lock = threading.RLock()
        self._logged: set[int] = set()

    # -- days ---------------------------------------------------------------------------

    def _file(self, year: int) -> str:
        path = self.files.get(year)
        return str(path) if path else f"rules/calendar/{year}.yaml"

    def _year(self, year: int) -> _Year:
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
                found = self._build_year(year)
                self._years[year] = found
                if found.warnings and year not in self._logged:
                    self._logged.add(year)
                    for w in found.warnings:
                        log.warning("%s", w)
        return found

    def _build_year(self, year: int) -> _Year:
        pkg = package_days(year) if self.use_package else {}
        ov = self.overrides.get(year)
        confirmed = ov.confirmed_by if ov and ov.confirmed_by else None
        closures: dict[date, Closure] = {}
        for day, p in pkg.items():
            closures[day] = Closure(
                date=day,
                name=p.name,
                name_en=p.name_en,
                kind=p.kind,
                source="estimated" if p.estimated and not confirmed else "package",
                decree=confirmed if p.estimated else None,
                in_package=True,
            )
        opened: list[Closure] = []
        warnings: list[CalendarWarning] = []
        if ov is not None:
            unknown = []
            for r in ov.removed:
                old = closures.pop(r.date, None)
                if old is None and self.use_package:
                    unknown.append(r.date)
                opened.append(
                    Closure(
                        date=r.date,
                        name=old.name if old else "(tidak ada di paket)",
                        name_en=old.name_en if old else "(not in the package)",
                        kind=old.kind if old else "kantor",
                        source="override",
                        closed=False,
                        decree=r.decree,
                        reason=r.reason,
                        in_package=old is not None,
                    )
                )
            for a in ov.added:
                closures[a.date] = Closure(
                    date=a.date,
                    name=a.name,
                    name_en=a.name_en or a.name,
                    kind=a.kind,
                    source="override",
                    decree=a.decree,
                    reason=a.reason,
                    in_package=a.date in pkg,
                )
            if unknown:
                listed = ", ".join(d.isoformat() for d in unknown)
                warnings.append(
                    CalendarWarning(
                        year,
                        "removed_unknown",
                        tuple(unknown),
                        f"{self._file(year)}: removed: {listed} bukan hari libur menurut paket "
                        f"holidays — periksa tanggalnya / not a holiday in the package — "
                        "check the date",
                    )
                )
        estimated = sorted(d for d, c in closures.items() if c.estimated)
        if estimated:
            listed = ", ".join(f"{d.isoformat()} {closures[d].name_en}" for d in estimated)
            warnings.append(
                CalendarWarning(
                    year,
                    "estimated",
                    tuple(estimated),
                    f"PERHATIAN {year}: tanggal libur berikut masih PERKIRAAN, belum dipastikan "
                    f"keputusan pemerintah / WARNING {year}: these holiday dates are ESTIMATES, "
                    f"not confirmed by decree: {listed} — periksa SKB/Keputusan Menteri Agama "
                    f"dan catat di {self._file(year)} (added/removed, confirmed_by) / check "
                    "the decree and record it there",
                )
            )
        if (
            self.use_package
            and year >= datetime.now(self.tz).year  # past years are as the package says
            and not confirmed
            and not any(c.kind == "cuti_bersama" for c in closures.values())
            and not any(c.kind == "cuti_bersama" for c in opened)
        ):
            warnings.append(
                CalendarWarning(
                    year,
                    "no_cuti_bersama",
                    (),
                    f"PERHATIAN {year}: belum ada cuti bersama yang diketahui (SKB belum "
                    f"terbit atau belum dicatat) / WARNING {year}: no cuti bersama known "
                    f"(decree not out or not recorded) — catat di / record it in "
                    f"{self._file(year)}",
                )
            )
        periods = tuple(sorted(ov.hours, key=lambda p: p.start)) if ov else ()
        return _Year(closures, tuple(opened), periods, tuple(warnings))

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

    def _ensure(self, first_year: int, last_year: int) -> _Table:
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
            table = self._compile(y0, y1)
            self._table = table
            return table

    def _compile(self, y0: int, y1: int) -> _Table:
        first = date(y0, 1, 1)
        n = (date(y1 + 1, 1, 1) - first).days
        profile = np.empty(n, dtype=np.int64)
        lengths = np.empty(n, dtype=np.int64)
        day = first
        for i in range(n):
            spans = self.spans_on(day)
            pid = self._profiles.setdefault(spans, len(self._profiles))
            profile[i] = pid
            lengths[i] = _minutes(spans)
            day += timedelta(days=1)
        n_prof = len(self._profiles)
        opened = np.zeros((n_prof, MIN_PER_DAY), dtype=np.int64)
        for spans, pid in self._profiles.items():
            for s, e in spans:
                opened[pid, s:e] = 1
        cum_min = np.zeros((n_prof, MIN_PER_DAY + 1), dtype=np.int64)
        np.cumsum(opened, axis=1, out=cum_min[:, 1:])
        prof_cum_us = cum_min * US_PER_MIN
        day_cum_us = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths * US_PER_MIN, out=day_cum_us[1:])
        flat = (prof_cum_us + np.arange(n_prof, dtype=np.int64)[:, None] * _ROW).ravel()
        return _Table(
            y0=y0,
            y1=y1,
            epoch_day=(first - _EPOCH).days,
            day_profile=profile,
            day_cum_us=day_cum_us,
            prof_cum_us=prof_cum_us,
            prof_open=opened,
            prof_flat=flat,
        )

    def _extend_for(self, table: _Table, target_us: int) -> _Table:
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
            table = self._ensure(table.y0, min(MAX_YEAR, table.y1 + step))
        return table

    # -- conversions --------------------------------------------------------------------

    def _local(self, value: datetime) -> datetime:
        """Office-local naive wall-clock time (naive input is taken as local already)."""
        if value.tzinfo is None:
            return value
        return value.astimezone(self.tz).replace(tzinfo=None)

    def _aware(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.tz)

    @staticmethod
    def _w(table: _Table, local: datetime) -> int:
        """Working µs from the table's first day to the local instant."""
        day = local.date()
        i = (day - table.first).days
        us = (local - datetime.combine(day, time())) // _ONE_US
        m = us // US_PER_MIN
        p = int(table.day_profile[i])
        return (
            int(table.day_cum_us[i])
            + int(table.prof_cum_us[p, m])
            + int(table.prof_open[p, m]) * (us - m * US_PER_MIN)
        )

    @staticmethod
    def _at(table: _Table, target_us: int) -> datetime:
        """The earliest local instant with ``W >= target_us`` (``0 < target_us <= end``)."""
        i = int(np.searchsorted(table.day_cum_us, target_us, side="left")) - 1
        rem = target_us - int(table.day_cum_us[i])
        p = int(table.day_profile[i])
        j = int(np.searchsorted(table.prof_cum_us[p], rem, side="left"))
        m = j - 1
        offset = rem - int(table.prof_cum_us[p, m])
        return datetime.combine(table.first + timedelta(days=i), time()) + timedelta(
            minutes=m, microseconds=offset
        )

    def _target(self, table: _Table, local: datetime, add_us: int) -> tuple[_Table, int]:
        """Make the table hold ``W(local) + add_us``; return it and the target."""
        target = self._w(table, local) + add_us
        if target > int(table.day_cum_us[-1]):
            table = self._extend_for(table, target)
            target = self._w(table, local) + add_us
        return table, target

    # -- scalar API ---------------------------------------------------------------------

    def working_minutes(self, start: datetime, end: datetime) -> float:
        """Working minutes from ``start`` to ``end`` (negative if ``end`` is earlier)."""
        a, b = self._local(start), self._local(end)
        table = self._ensure(min(a.year, b.year), max(a.year, b.year))
        return (self._w(table, b) - self._w(table, a)) / US_PER_MIN

    def next_working_moment(self, value: datetime) -> datetime:
        """``value`` if the office is open then, else the next opening (aware, office zone)."""
        local = self._local(value)
        table = self._ensure(local.year, local.year)
        table, target = self._target(table, local, 1)
        return self._aware(self._at(table, target) - _ONE_US)

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
        table = self._ensure(local.year, local.year)
        if add_us == 0:
            at = local
        else:
            table, target = self._target(table, local, add_us)
            at = self._at(table, target)
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
        return sign * (total // _ONE_US) / US_PER_MIN

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
                avail = (hi - lo) // _ONE_US
                if left <= avail:
                    return self._aware(lo + timedelta(microseconds=left))
                left -= avail
            day += timedelta(days=1)
            if day.year > MAX_YEAR:
                raise CalendarError(f"the due date falls after {MAX_YEAR}")

    # -- vectorised API -----------------------------------------------------------------

    def _local_us(
        self, values: Any, naive: Literal["local", "utc"]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Office-local wall-clock µs since 1970 (int64) and the missing-value mask."""
        import pandas as pd

        try:
            idx = pd.DatetimeIndex(values)
        except (TypeError, ValueError):
            idx = pd.DatetimeIndex(pd.to_datetime(values, utc=True))
        if idx.tz is None:
            if naive == "utc":
                idx = idx.tz_localize("UTC").tz_convert(self.tz).tz_localize(None)
        else:
            idx = idx.tz_convert(self.tz).tz_localize(None)
        mask = np.asarray(idx.isna())
        us = np.asarray(idx.as_unit("us").asi8, dtype=np.int64)
        return us, mask

    @staticmethod
    def _fill(table: _Table, us: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Missing values replaced by the table's first instant (their results are masked)."""
        return np.where(mask, table.epoch_day * US_PER_DAY, us) if mask.any() else us

    def _table_for_us(self, *arrays: tuple[np.ndarray, np.ndarray]) -> tuple[_Table, int, int]:
        lo, hi = None, None
        for us, mask in arrays:
            valid = us[~mask]
            if valid.size:
                a, b = int(valid.min()), int(valid.max())
                lo = a if lo is None else min(lo, a)
                hi = b if hi is None else max(hi, b)
        if lo is None or hi is None:
            y = datetime.now(self.tz).year
            return self._ensure(y, y), y, y
        y_lo = (_EPOCH + timedelta(days=lo // US_PER_DAY)).year
        y_hi = (_EPOCH + timedelta(days=hi // US_PER_DAY)).year
        return self._ensure(y_lo, y_hi), y_lo, y_hi

    @staticmethod
    def _w_many(table: _Table, us: np.ndarray) -> np.ndarray:
        days = us // US_PER_DAY
        i = days - table.epoch_day
        tod = us - days * US_PER_DAY
        m = tod // US_PER_MIN
        p = table.day_profile[i]
        return (
            table.day_cum_us[i]
            + table.prof_cum_us[p, m]
            + table.prof_open[p, m] * (tod - m * US_PER_MIN)
        )

    def working_time_many(
        self, starts: Any, ends: Any, *, naive: Literal["local", "utc"] = "local"
    ) -> WorkingTimes:
        """Vectorised :meth:`working_time` over arrays/Series/lists of instants (O(1) each).

        ``naive`` says how naive values are read: office-local wall clock or UTC.
        Results are float64 arrays (NaN where a start or end is missing).
        """
        a, ma = self._local_us(starts, naive)
        b, mb = self._local_us(ends, naive)
        if a.shape != b.shape:
            raise ValueError(f"starts and ends differ in length ({a.size} vs {b.size})")
        table, y_lo, y_hi = self._table_for_us((a, ma), (b, mb))
        a, b = self._fill(table, a, ma), self._fill(table, b, mb)
        diff = (self._w_many(table, b) - self._w_many(table, a)).astype(np.float64)
        minutes = diff / US_PER_MIN
        minutes[ma | mb] = np.nan
        return WorkingTimes(minutes, minutes / self.day_minutes, self.warnings(y_lo, y_hi))

    def due_many(
        self,
        starts: Any,
        days: float | np.ndarray = 0,
        *,
        minutes: float | np.ndarray = 0,
        naive: Literal["local", "utc"] = "local",
    ) -> DueTimes:
        """Vectorised :meth:`due`: ``days``/``minutes`` are scalars or arrays like ``starts``."""
        import pandas as pd

        us, mask = self._local_us(starts, naive)
        total = np.asarray(days, dtype=np.float64) * self.day_minutes + np.asarray(
            minutes, dtype=np.float64
        )
        add = np.broadcast_to(np.rint(total * US_PER_MIN).astype(np.int64), us.shape).copy()
        add[mask] = 0
        if (add < 0).any():
            raise ValueError("working time to add must not be negative")
        table, y_lo, y_hi = self._table_for_us((us, mask))
        us = self._fill(table, us, mask)
        target = self._w_many(table, us) + add
        if target.size and int(target.max()) > int(table.day_cum_us[-1]):
            table = self._extend_for(table, int(target.max()))
            target = self._w_many(table, us) + add
        k = np.searchsorted(table.day_cum_us, target, side="left")
        i = np.maximum(k - 1, 0)
        rem = target - table.day_cum_us[i]
        p = table.day_profile[i]
        j = np.searchsorted(table.prof_flat, p * _ROW + rem, side="left") - p * (MIN_PER_DAY + 1)
        m = np.clip(j - 1, 0, MIN_PER_DAY - 1)
        at = (table.epoch_day + i) * US_PER_DAY + m * US_PER_MIN + (rem - table.prof_cum_us[p, m])
        at = np.where(add == 0, us, at)
        result = pd.DatetimeIndex(at.astype("datetime64[us]")).tz_localize(self.tz)
        if mask.any():
            result = result.where(~mask)
        last = y_hi
        if (~mask).any():
            last = max(y_hi, int(result[~mask].max().year))
        return DueTimes(result, self.warnings(y_lo, last))


# ---------------------------------------------------------------------------------------
# loading


def default_dir() -> Path:
    """``<rules>/calendar`` of the current settings (``LOKET_RULES`` / ``LOKET_HOME``)."""
    from loket.common.settings import load_settings

    return load_settings().rules_dir / CALENDAR_DIR


def _bad_timestamp_line(path: Path) -> int:
    """Line of the first scalar PyYAML reads as a date but cannot build (``2026-02-30``)."""
    import yaml

    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return 0
    constructor = yaml.SafeLoader("")
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.MappingNode):
            stack[:0] = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack[:0] = list(node.value)
        elif node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except ValueError:
                return node.start_mark.line + 1
    return 0


def _load(path: Path, model: type[M]) -> M:
    """:func:`loket.common.rulesfile.load_model`, plus dates PyYAML cannot build as a RulesError."""
    try:
        return load_model(path, model)
    except RulesError:
        raise
    except ValueError as exc:  # raised by PyYAML's constructors, e.g. for 2026-13-01
        raise RulesError(
            path,
            [
                (
                    _bad_timestamp_line(path),
                    f"not a valid date ({exc}) — fix: write a real date as YYYY-MM-DD",
                )
            ],
        ) from None


def load_calendar(directory: Path | None = None, *, use_package: bool = True) -> WorkCalendar:
    """The calendar of ``directory`` (default ``rules/calendar``): ``office-hours.yaml``
    (defaults if absent) and every ``YYYY.yaml``. Raises :class:`loket.common.rulesfile.RulesError`
    (file:line: what — fix: how) for a file with a mistake. A missing directory gives the
    default hours and the package's dates."""
    folder = directory if directory is not None else default_dir()
    hours_file = folder / OFFICE_HOURS_FILE
    hours = _load(hours_file, OfficeHours) if hours_file.is_file() else OfficeHours()
    years: dict[int, YearOverrides] = {}
    files: dict[int, Path] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yaml", ".yml") and re.fullmatch(r"\d{4}", path.stem):
                year = int(path.stem)
                years[year] = _load(path, year_schema(year))
                files[year] = path
    return WorkCalendar(hours, years, use_package=use_package, files=files)


_OFFICE: dict[Path, tuple[tuple[tuple[str, int, int], ...], WorkCalendar]] = {}
_OFFICE_LOCK = threading.Lock()


def office_calendar(directory: Path | None = None) -> WorkCalendar:
    """:func:`load_calendar`, cached until a file in the directory changes."""
    folder = (directory if directory is not None else default_dir()).resolve()
    signature: tuple[tuple[str, int, int], ...] = ()
    if folder.is_dir():
        signature = tuple(
            (p.name, p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(folder.iterdir())
            if p.suffix in (".yaml", ".yml")
        )
    with _OFFICE_LOCK:
        hit = _OFFICE.get(folder)
        if hit is not None and hit[0] == signature:
            return hit[1]
    calendar = load_calendar(folder)
    with _OFFICE_LOCK:
        _OFFICE[folder] = (signature, calendar)
    return calendar
