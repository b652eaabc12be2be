"""The vectorised (numpy/pandas) working-time computations used by the SLA reports.

:meth:`loket.calendar.work_calendar.WorkCalendar.working_time_many` and
:meth:`~loket.calendar.work_calendar.WorkCalendar.due_many` call the functions here: each
instant is converted to office-local wall-clock µs and looked up in the calendar's compiled
:class:`loket.calendar.tables.WorkTable`, a few numpy operations for a million intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np

from loket.calendar.holidays import CalendarWarning
from loket.calendar.schema import MIN_PER_DAY
from loket.calendar.tables import EPOCH, ROW, US_PER_DAY, US_PER_MIN, WorkTable

if TYPE_CHECKING:
    import pandas as pd


class TabledCalendar(Protocol):
    """What the computations here need of a :class:`~loket.calendar.work_calendar.WorkCalendar`
    (a protocol, so that this module does not import the one that calls it)."""

    day_minutes: int

    @property
    def tz(self) -> tzinfo: ...

    def compiled_table(self, first_year: int, last_year: int) -> WorkTable: ...

    def extend_table(self, table: WorkTable, target_us: int) -> WorkTable: ...

    def warnings(
        self, first_year: int, last_year: int | None = None
    ) -> tuple[CalendarWarning, ...]: ...


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


def _local_us(
    tz: tzinfo, values: Any, naive: Literal["local", "utc"]
) -> tuple[np.ndarray, np.ndarray]:
    """Office-local wall-clock µs since 1970 (int64) and the missing-value mask."""
    import pandas as pd

    try:
        idx = pd.DatetimeIndex(values)
    except (TypeError, ValueError):
        idx = pd.DatetimeIndex(pd.to_datetime(values, utc=True))
    if idx.tz is None:
        if naive == "utc":
            idx = idx.tz_localize("UTC").tz_convert(tz).tz_localize(None)
    else:
        idx = idx.tz_convert(tz).tz_localize(None)
    mask = np.asarray(idx.isna())
    us = np.asarray(idx.as_unit("us").asi8, dtype=np.int64)
    return us, mask


def _fill(table: WorkTable, us: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Missing values replaced by the table's first instant (their results are masked)."""
    return np.where(mask, table.epoch_day * US_PER_DAY, us) if mask.any() else us


def _table_for_us(
    calendar: TabledCalendar, *arrays: tuple[np.ndarray, np.ndarray]
) -> tuple[WorkTable, int, int]:
    lo, hi = None, None
    for us, mask in arrays:
        valid = us[~mask]
        if valid.size:
            a, b = int(valid.min()), int(valid.max())
            lo = a if lo is None else min(lo, a)
            hi = b if hi is None else max(hi, b)
    if lo is None or hi is None:
        y = datetime.now(calendar.tz).year
        return calendar.compiled_table(y, y), y, y
    y_lo = (EPOCH + timedelta(days=lo // US_PER_DAY)).year
    y_hi = (EPOCH + timedelta(days=hi // US_PER_DAY)).year
    return calendar.compiled_table(y_lo, y_hi), y_lo, y_hi


def _working_us_many(table: WorkTable, us: np.ndarray) -> np.ndarray:
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
    calendar: TabledCalendar, starts: Any, ends: Any, *, naive: Literal["local", "utc"] = "local"
) -> WorkingTimes:
    """See :meth:`loket.calendar.work_calendar.WorkCalendar.working_time_many`."""
    a, ma = _local_us(calendar.tz, starts, naive)
    b, mb = _local_us(calendar.tz, ends, naive)
    if a.shape != b.shape:
        raise ValueError(f"starts and ends differ in length ({a.size} vs {b.size})")
    table, y_lo, y_hi = _table_for_us(calendar, (a, ma), (b, mb))
    a, b = _fill(table, a, ma), _fill(table, b, mb)
    diff = (_working_us_many(table, b) - _working_us_many(table, a)).astype(np.float64)
    minutes = diff / US_PER_MIN
    minutes[ma | mb] = np.nan
    return WorkingTimes(minutes, minutes / calendar.day_minutes, calendar.warnings(y_lo, y_hi))


def due_many(
    calendar: TabledCalendar,
    starts: Any,
    days: float | np.ndarray = 0,
    *,
    minutes: float | np.ndarray = 0,
    naive: Literal["local", "utc"] = "local",
) -> DueTimes:
    """See :meth:`loket.calendar.work_calendar.WorkCalendar.due_many`."""
    import pandas as pd

    us, mask = _local_us(calendar.tz, starts, naive)
    total = np.asarray(days, dtype=np.float64) * calendar.day_minutes + np.asarray(
        minutes, dtype=np.float64
    )
    add = np.broadcast_to(np.rint(total * US_PER_MIN).astype(np.int64), us.shape).copy()
    add[mask] = 0
    if (add < 0).any():
        raise ValueError("working time to add must not be negative")
    table, y_lo, y_hi = _table_for_us(calendar, (us, mask))
    us = _fill(table, us, mask)
    target = _working_us_many(table, us) + add
    if target.size and int(target.max()) > int(table.day_cum_us[-1]):
        table = calendar.extend_table(table, int(target.max()))
        target = _working_us_many(table, us) + add
    at = np.where(add == 0, us, _local_us_at(table, target))
    result = pd.DatetimeIndex(at.astype("datetime64[us]")).tz_localize(calendar.tz)
    if mask.any():
        result = result.where(~mask)
    last = y_hi
    if (~mask).any():
        last = max(y_hi, int(result[~mask].max().year))
    return DueTimes(result, calendar.warnings(y_lo, last))


def _local_us_at(table: WorkTable, target: np.ndarray) -> np.ndarray:
    """The earliest local µs with ``W >= target``, element-wise (vectorised ``instant_at``)."""
    k = np.searchsorted(table.day_cum_us, target, side="left")
    i = np.maximum(k - 1, 0)
    rem = target - table.day_cum_us[i]
    p = table.day_profile[i]
    j = np.searchsorted(table.prof_flat, p * ROW + rem, side="left") - p * (MIN_PER_DAY + 1)
    m = np.clip(j - 1, 0, MIN_PER_DAY - 1)
    return (table.epoch_day + i) * US_PER_DAY + m * US_PER_MIN + (rem - table.prof_cum_us[p, m])
