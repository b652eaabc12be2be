"""Times of the register: stored in UTC, shown in WIB (Asia/Jakarta); a report month's bounds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from loket.common.clock import WIB
from loket.complaints.errors import ComplaintError


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """UTC bounds of the WIB calendar month ``YYYY-MM``."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", period.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ComplaintError(f"bulan {period!r} tidak valid; tulis YYYY-MM, misalnya 2026-11")
    year, month = int(m.group(1)), int(m.group(2))
    start = datetime(year, month, 1, tzinfo=WIB)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=WIB)
    return start.astimezone(UTC), end.astimezone(UTC)
