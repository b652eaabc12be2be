"""CLI of the office's working-day calendar: when is it due, how much working time, closures.

Mounted by ``loket/cli/main.py``::

    app.add_typer(calendar_app, name="calendar")

Output for officers is bilingual, Indonesian first. Date-times are ISO 8601
(``2026-03-17T10:00``, ``2026-03-17 10:00``, ``2026-03-17T03:00Z``); without a time-zone
offset they are office-local time (WIB). Warnings about estimated dates go to stderr.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from loket.calendar.holidays import KIND_LABELS, SOURCE_LABELS, CalendarWarning, Closure
from loket.calendar.loading import load_calendar
from loket.calendar.schema import HARI, WEEKDAYS, HoursPeriod
from loket.calendar.work_calendar import CalendarError, WorkCalendar
from loket.common.rulesfile import RulesError
from loket.documents.officedocs import angka, tanggal

calendar_app = typer.Typer(
    help="Kalender hari kerja / working-day calendar: batas waktu, waktu kerja, hari libur.",
    no_args_is_help=True,
)

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

CalendarDir = Annotated[
    Path | None,
    typer.Option(
        "--calendar-dir",
        help="Folder kalender / calendar folder (default: rules/calendar of LOKET_RULES).",
    ),
]


def _calendar(directory: Path | None) -> WorkCalendar:
    from loket.office import Office

    try:
        return load_calendar(directory or Office.from_environment().calendar_dir)
    except RulesError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1) from None


def _instant(text: str, what: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r}: tulis tanggal-jam ISO, mis. 2026-03-17T10:00 / "
            "write an ISO date-time such as 2026-03-17T10:00",
            param_hint=what,
        ) from None


def _when(value: datetime) -> str:
    """``Kamis, 26 Maret 2026 10.00 WIB (Thu 2026-03-26 10:00 +07:00)``."""
    clock = f"{value:%H.%M}" if not (value.second or value.microsecond) else f"{value:%H.%M.%S}"
    english = value.strftime("%a %Y-%m-%d %H:%M")
    if value.second or value.microsecond:
        english += value.strftime(":%S")
    offset = value.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}" if offset else ""
    return (
        f"{HARI[value.weekday()]}, {tanggal(value)} {clock} {value.tzname() or ''}".rstrip()
        + f" ({english} {offset})".rstrip()
    )


def _number(value: float, digits: int) -> tuple[str, str]:
    """Indonesian and English renderings: ``1.020,5`` / ``1,020.5``; integers without decimals."""
    places = 0 if float(value).is_integer() else digits
    return angka(value, places), f"{value:,.{places}f}"


def _duration(minutes: float) -> str:
    sign = "-" if minutes < 0 else ""
    whole = round(abs(minutes))
    return f"{sign}{whole // 60} jam {whole % 60} menit / {sign}{whole // 60} h {whole % 60} min"


def _warn(warnings: Iterable[CalendarWarning]) -> None:
    for w in warnings:
        err.print(str(w), style="bold yellow", markup=False, highlight=False)


def _hours_text(calendar: WorkCalendar, day: datetime) -> str:
    spans = calendar.hours_on(day.date())
    if not spans:
        return "tutup / closed"
    return ", ".join(f"{s:%H.%M}–{e:%H.%M}" if e else f"{s:%H.%M}–24.00" for s, e in spans)


@calendar_app.command("due")
def due_command(
    start: Annotated[str, typer.Argument(help="Mulai / start, ISO date-time (WIB if no offset).")],
    days: Annotated[float, typer.Argument(help="Hari kerja / working days (may be 0.5).")],
    minutes: Annotated[
        float, typer.Option("--minutes", "--menit", help="Menit kerja tambahan / extra minutes.")
    ] = 0.0,
    calendar_dir: CalendarDir = None,
) -> None:
    """Batas waktu: START + N hari kerja / due date-time: START + N working days."""
    calendar = _calendar(calendar_dir)
    when = _instant(start, "START")
    if days < 0 or minutes < 0:
        raise typer.BadParameter("tidak boleh negatif / must not be negative")
    try:
        due = calendar.due(when, days, minutes=minutes)
    except CalendarError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    _warn(due.warnings)
    n_id, n_en = _number(days, 2)
    m_id, m_en = _number(due.working_minutes, 1)
    unit_id, unit_en = _number(calendar.day_minutes, 0)
    console.print(f"Mulai / start:                   {_when(due.start)}", highlight=False)
    if due.clock_starts != due.start:
        console.print(
            f"Mulai dihitung / clock starts:   {_when(due.clock_starts)}"
            "  (di luar jam kerja / outside office hours)",
            highlight=False,
        )
    console.print(f"[bold]Batas waktu / due:               {_when(due.at)}[/]", highlight=False)
    extra = ""
    if minutes:
        e_id, e_en = _number(minutes, 1)
        extra = f" + {e_id} menit"
        extra_en = f" + {e_en} min"
    else:
        extra_en = ""
    console.print(
        f"({n_id} hari kerja{extra} = {m_id} menit kerja; 1 hari kerja = {unit_id} menit / "
        f"{n_en} working day{'' if days == 1 else 's'}{extra_en} = {m_en} working minutes; "
        f"1 working day = {unit_en} "
        "min)",
        highlight=False,
    )


@calendar_app.command("between")
def between_command(
    start: Annotated[str, typer.Argument(help="Dari / from, ISO date-time.")],
    end: Annotated[str, typer.Argument(help="Sampai / to, ISO date-time.")],
    calendar_dir: CalendarDir = None,
) -> None:
    """Waktu kerja antara dua saat / working days and minutes between two instants."""
    calendar = _calendar(calendar_dir)
    a, b = _instant(start, "START"), _instant(end, "END")
    try:
        result = calendar.working_time(a, b)
    except CalendarError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    _warn(result.warnings)
    d_id, d_en = _number(result.days, 2)
    m_id, m_en = _number(result.minutes, 1)
    console.print(f"Dari / from:                     {_when(result.start)}", highlight=False)
    if result.clock_starts != result.start and result.minutes > 0:
        console.print(
            f"Mulai dihitung / clock starts:   {_when(result.clock_starts)}", highlight=False
        )
    console.print(f"Sampai / to:                     {_when(result.end)}", highlight=False)
    console.print(
        f"[bold]Waktu kerja / working time:      {d_id} hari kerja / {d_en} working days[/]",
        highlight=False,
    )
    console.print(
        f"                                 {m_id} menit kerja / {m_en} working minutes "
        f"({_duration(result.minutes)}; 1 hari kerja / working day = {calendar.day_minutes} "
        "menit / min)",
        highlight=False,
    )


def _closures_table(year: int, closures: list[Closure]) -> Table:
    """The year's closures, with their kind, source and decree, one row each."""
    table = Table(title=f"Hari libur dan kantor tutup / closures {year}", show_lines=False)
    table.add_column("Tanggal / date", no_wrap=True)
    table.add_column("Hari", no_wrap=True)
    for column in ("Nama", "Name", "Jenis / kind", "Sumber / source", "Dasar / decree"):
        table.add_column(column)
    for c in closures:
        kind = KIND_LABELS[c.kind]
        source = SOURCE_LABELS[c.source]
        style = "yellow" if c.estimated else None
        if not c.closed:
            kind = f"BUKA / OPEN (dihapus / removed: {c.reason})"
            style = "green"
        elif c.reason:
            source += f" — {c.reason}"
        if c.source == "override" and c.in_package and c.closed:
            source += " (juga di paket / also in package)"
        table.add_row(
            c.date.isoformat(),
            HARI[c.date.weekday()] + (" *" if c.date.weekday() >= 5 else ""),
            c.name,
            c.name_en,
            kind,
            source,
            c.decree or "",
            style=style,
        )
    return table


def _print_office_hours(calendar: WorkCalendar) -> None:
    week = calendar.hours.week
    hours = "; ".join(
        f"{HARI[i]} "
        + (", ".join(f"{s // 60:02d}.{s % 60:02d}–{e // 60:02d}.{e % 60:02d}" for s, e in spans))
        for i, name in enumerate(WEEKDAYS)
        if (spans := getattr(week, name))
    )
    console.print(
        f"Jam kerja / office hours ({calendar.hours.timezone}): {hours}; "
        f"1 hari kerja / working day = {calendar.day_minutes} menit / min",
        highlight=False,
    )


def _print_special_hours(periods: Iterable[HoursPeriod]) -> None:
    for period in periods:
        detail = "; ".join(
            f"{HARI[WEEKDAYS.index(day)]} "
            + (
                ", ".join(f"{s // 60:02d}.{s % 60:02d}–{e // 60:02d}.{e % 60:02d}" for s, e in sp)
                or "tutup"
            )
            for day, sp in period.week.items()
        )
        console.print(
            f"Jam khusus / special hours: {period.name} {period.start}..{period.end}: {detail}"
            + (f" ({period.decree})" if period.decree else ""),
            highlight=False,
        )


@calendar_app.command("holidays")
def holidays_command(
    year: Annotated[
        int | None, typer.Option("--year", "--tahun", help="Tahun / year (default: this year).")
    ] = None,
    calendar_dir: CalendarDir = None,
) -> None:
    """Hari libur dan hari kantor tutup, dengan sumbernya / closures with their source."""
    calendar = _calendar(calendar_dir)
    year = year or datetime.now(calendar.tz).year
    try:
        closures = calendar.closures(year, include_opened=True)
        warnings = calendar.warnings(year)
    except CalendarError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    console.print(_closures_table(year, closures))
    closed = [c for c in closures if c.closed and c.date.weekday() < 5]
    console.print(
        f"{len(closed)} hari kerja (Senin–Jumat) tutup / weekdays closed; "
        "* = akhir pekan / weekend",
        highlight=False,
    )
    _print_office_hours(calendar)
    _print_special_hours(calendar.hours_periods(year))
    _warn(warnings)
