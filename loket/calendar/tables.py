"""The compiled working-time tables behind the calendar's O(1) arithmetic.

Working minutes since the start of the covered range are a step-free piecewise linear
function ``W(t)`` tabulated per day (cumulative minutes) and per minute of a day profile
(the distinct open periods a day can have), so an interval costs O(1) and a million
intervals are a few numpy operations (:mod:`loket.calendar.vectorised`). A
:class:`WorkTable` covers whole years ``y0..y1``; :class:`loket.calendar.work_calendar.
WorkCalendar` builds and widens them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np

from loket.calendar.schema import MIN_PER_DAY, Span, total_minutes

US_PER_MIN = 60_000_000
US_PER_DAY = 86_400_000_000
ROW = 10**11  # > MIN_PER_DAY * US_PER_MIN: separates day profiles in one sorted array
ONE_US = timedelta(microseconds=1)
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class WorkTable:
    """Compiled working minutes of the years ``y0..y1`` (a snapshot; never mutated)."""

    y0: int
    y1: int
    epoch_day: int  # days from 1970-01-01 to y0-01-01
    day_profile: np.ndarray  # (n_days,) profile index of each day
    day_cum_us: np.ndarray  # (n_days + 1,) working µs before each day
    prof_cum_us: np.ndarray  # (P, 1441) working µs before each minute of a profile
    prof_open: np.ndarray  # (P, 1440) 1 if the minute is open
    prof_flat: np.ndarray  # prof_cum_us + p * ROW, flattened (sorted)

    @property
    def first(self) -> date:
        return date(self.y0, 1, 1)


def compile_table(
    spans_on: Callable[[date], tuple[Span, ...]],
    profiles: dict[tuple[Span, ...], int],
    y0: int,
    y1: int,
) -> WorkTable:
    """The table of the years ``y0..y1`` from each day's open periods ``spans_on(day)``;
    new day profiles are added to ``profiles`` (shared by all tables of one calendar)."""
    first = date(y0, 1, 1)
    n = (date(y1 + 1, 1, 1) - first).days
    profile = np.empty(n, dtype=np.int64)
    lengths = np.empty(n, dtype=np.int64)
    day = first
    for i in range(n):
        spans = spans_on(day)
        pid = profiles.setdefault(spans, len(profiles))
        profile[i] = pid
        lengths[i] = total_minutes(spans)
        day += timedelta(days=1)
    n_prof = len(profiles)
    opened = np.zeros((n_prof, MIN_PER_DAY), dtype=np.int64)
    for spans, pid in profiles.items():
        for s, e in spans:
            opened[pid, s:e] = 1
    cum_min = np.zeros((n_prof, MIN_PER_DAY + 1), dtype=np.int64)
    np.cumsum(opened, axis=1, out=cum_min[:, 1:])
    prof_cum_us = cum_min * US_PER_MIN
    day_cum_us = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths * US_PER_MIN, out=day_cum_us[1:])
    flat = (prof_cum_us + np.arange(n_prof, dtype=np.int64)[:, None] * ROW).ravel()
    return WorkTable(
        y0=y0,
        y1=y1,
        epoch_day=(first - EPOCH).days,
        day_profile=profile,
        day_cum_us=day_cum_us,
        prof_cum_us=prof_cum_us,
        prof_open=opened,
        prof_flat=flat,
    )


def working_us(table: WorkTable, local: datetime) -> int:
    """Working µs from the table's first day to the local instant."""
    day = local.date()
    i = (day - table.first).days
    us = (local - datetime.combine(day, time())) // ONE_US
    m = us // US_PER_MIN
    p = int(table.day_profile[i])
    return (
        int(table.day_cum_us[i])
        + int(table.prof_cum_us[p, m])
        + int(table.prof_open[p, m]) * (us - m * US_PER_MIN)
    )


def instant_at(table: WorkTable, target_us: int) -> datetime:
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
