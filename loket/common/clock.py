"""The office's clock: its time zone (WIB, Asia/Jakarta) and aware UTC datetimes.

Times are stored in UTC and shown in WIB. SQLite hands datetimes back naive: :func:`as_utc`
takes those to be UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload
from zoneinfo import ZoneInfo

#: The office's time zone, by name (Prefect schedules, reports).
TIMEZONE = "Asia/Jakarta"
#: Waktu Indonesia Barat: the time every page, letter and report shows.
WIB = ZoneInfo(TIMEZONE)


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Aware UTC datetime; naive values (as SQLite returns them) are taken to be UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@overload
def to_wib(value: datetime) -> datetime: ...
@overload
def to_wib(value: None) -> None: ...
def to_wib(value: datetime | None) -> datetime | None:
    """``value`` in WIB, as pages, letters and reports show it (naive values taken as UTC);
    None stays None (a step not taken yet)."""
    return as_utc(value).astimezone(WIB) if value else None
