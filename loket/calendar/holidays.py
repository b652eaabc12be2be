"""The closed days of a year: the ``holidays`` package's dates, the office's overrides on
top, and the warnings an officer must see about them.

Sources, in increasing precedence:

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

The files' schema is in :mod:`loket.calendar.schema`; :func:`build_year` applies 1 and 2,
:meth:`loket.calendar.work_calendar.WorkCalendar.spans_on` adds 3.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cache
from typing import Literal

from loket.calendar.schema import AddedDay, HoursPeriod, Kind, RemovedDay, YearOverrides

Source = Literal["package", "override", "estimated"]

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


# ---------------------------------------------------------------------------------------
# one year: the package's days with the year file's overrides applied


@dataclass(frozen=True)
class YearDays:
    """A year's closed days, the package days an override opened, its hours periods and
    warnings (built once per year by :func:`build_year`)."""

    closures: dict[date, Closure]
    opened: tuple[Closure, ...]
    periods: tuple[HoursPeriod, ...]
    warnings: tuple[CalendarWarning, ...]


def build_year(
    year: int,
    ov: YearOverrides | None,
    *,
    use_package: bool,
    file: str,
    tz: tzinfo,
) -> YearDays:
    """The package's days of ``year`` with the overrides ``ov`` applied, and the warnings;
    ``file`` names the year file in warnings, ``tz`` tells which year is the current one."""
    pkg = package_days(year) if use_package else {}
    confirmed = ov.confirmed_by if ov and ov.confirmed_by else None
    closures = _package_closures(pkg, confirmed)
    opened: list[Closure] = []
    warnings: list[CalendarWarning] = []
    if ov is not None:
        opened, unknown = _open_removed(closures, ov.removed, use_package=use_package)
        _close_added(closures, ov.added, pkg)
        if unknown:
            warnings.append(_removed_unknown_warning(year, unknown, file))
    estimated = sorted(d for d, c in closures.items() if c.estimated)
    if estimated:
        warnings.append(_estimated_warning(year, closures, estimated, file))
    if (
        use_package
        and year >= datetime.now(tz).year  # past years are as the package says
        and not confirmed
        and not any(c.kind == "cuti_bersama" for c in closures.values())
        and not any(c.kind == "cuti_bersama" for c in opened)
    ):
        warnings.append(_no_cuti_bersama_warning(year, file))
    periods = tuple(sorted(ov.hours, key=lambda p: p.start)) if ov else ()
    return YearDays(closures, tuple(opened), periods, tuple(warnings))


def _package_closures(pkg: dict[date, _PackageDay], confirmed: str | None) -> dict[date, Closure]:
    """The package's days as closures (estimated unless ``confirmed`` names a decree)."""
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
    return closures


def _open_removed(
    closures: dict[date, Closure], removed: Iterable[RemovedDay], *, use_package: bool
) -> tuple[list[Closure], list[date]]:
    """Take the ``removed`` days out of ``closures``; return them as opened days, and the
    removed dates the package did not list."""
    opened: list[Closure] = []
    unknown = []
    for r in removed:
        old = closures.pop(r.date, None)
        if old is None and use_package:
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
    return opened, unknown


def _close_added(
    closures: dict[date, Closure], added: Iterable[AddedDay], pkg: dict[date, _PackageDay]
) -> None:
    """Put the ``added`` days into ``closures`` (replacing the package's entry)."""
    for a in added:
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


def _removed_unknown_warning(year: int, unknown: list[date], file: str) -> CalendarWarning:
    listed = ", ".join(d.isoformat() for d in unknown)
    return CalendarWarning(
        year,
        "removed_unknown",
        tuple(unknown),
        f"{file}: removed: {listed} bukan hari libur menurut paket "
        f"holidays — periksa tanggalnya / not a holiday in the package — "
        "check the date",
    )


def _estimated_warning(
    year: int, closures: dict[date, Closure], estimated: list[date], file: str
) -> CalendarWarning:
    listed = ", ".join(f"{d.isoformat()} {closures[d].name_en}" for d in estimated)
    return CalendarWarning(
        year,
        "estimated",
        tuple(estimated),
        f"PERHATIAN {year}: tanggal libur berikut masih PERKIRAAN, belum dipastikan "
        f"keputusan pemerintah / WARNING {year}: these holiday dates are ESTIMATES, "
        f"not confirmed by decree: {listed} — periksa SKB/Keputusan Menteri Agama "
        f"dan catat di {file} (added/removed, confirmed_by) / check "
        "the decree and record it there",
    )


def _no_cuti_bersama_warning(year: int, file: str) -> CalendarWarning:
    return CalendarWarning(
        year,
        "no_cuti_bersama",
        (),
        f"PERHATIAN {year}: belum ada cuti bersama yang diketahui (SKB belum "
        f"terbit atau belum dicatat) / WARNING {year}: no cuti bersama known "
        f"(decree not out or not recorded) — catat di / record it in "
        f"{file}",
    )
