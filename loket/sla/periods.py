"""Report periods of the SLA report: a month, an ISO week or a year in office-local days.

``loket report sla --month/--week/--year`` and the scheduled flows (:mod:`flows.sla`) name a
period as ``YYYY-MM``, ``YYYY-Www`` or ``YYYY`` (:func:`parse_period`); its bounds in UTC are
what :mod:`loket.sla.loading` queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from loket.common.clock import WIB
from loket.documents import BULAN


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """A report period in office-local days: ``[first, last]``; ``start``/``end`` in UTC
    (``end`` exclusive)."""

    kind: str  # bulan | minggu | tahun
    code: str  # 2026-11 | 2026-W48 | 2026
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), WIB).astimezone(UTC)

    @property
    def end(self) -> datetime:
        nxt = self.last + timedelta(days=1)
        return datetime.combine(nxt, datetime.min.time(), WIB).astimezone(UTC)

    @property
    def label(self) -> str:
        if self.kind == "bulan":
            return f"{BULAN[self.first.month - 1]} {self.first.year}"
        if self.kind == "tahun":
            return f"Tahun {self.first.year}"
        week = int(self.code.split("W")[1])
        return (
            f"Minggu ke-{week} Tahun {self.first.isocalendar().year} "
            f"({_tgl(self.first)} s.d. {_tgl(self.last)})"
        )

    @property
    def kind_label(self) -> str:
        return {"bulan": "Bulanan", "minggu": "Mingguan", "tahun": "Tahunan"}[self.kind]

    def days(self) -> list[date]:
        n = (self.last - self.first).days + 1
        return [self.first + timedelta(days=i) for i in range(n)]


def _tgl(d: date) -> str:
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def parse_period(text: str) -> Period:
    """``YYYY-MM`` (month), ``YYYY-Www`` (ISO week) or ``YYYY`` (year)."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise PeriodError(f"bulan tidak dikenal: {text} (tulis YYYY-MM, mis. 2026-11)")
        first = date(y, mo, 1)
        last = (date(y + (mo == 12), mo % 12 + 1, 1)) - timedelta(days=1)
        return Period("bulan", f"{y:04d}-{mo:02d}", first, last)
    if m := re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", text):
        y, w = int(m[1]), int(m[2])
        try:
            first = date.fromisocalendar(y, w, 1)
        except ValueError:
            raise PeriodError(f"minggu tidak dikenal: {text} (YYYY-Www, mis. 2026-W48)") from None
        return Period("minggu", f"{y:04d}-W{w:02d}", first, first + timedelta(days=6))
    if re.fullmatch(r"\d{4}", text):
        y = int(text)
        return Period("tahun", text, date(y, 1, 1), date(y, 12, 31))
    raise PeriodError(f"periode tidak dikenal: {text!r} (YYYY-MM, YYYY-Www atau YYYY)")


def previous_month(today: date) -> Period:
    first = today.replace(day=1) - timedelta(days=1)
    return parse_period(f"{first.year:04d}-{first.month:02d}")


def previous_week(today: date) -> Period:
    iso = (today - timedelta(days=7)).isocalendar()
    return parse_period(f"{iso.year:04d}-W{iso.week:02d}")
