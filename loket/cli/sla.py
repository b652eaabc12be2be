"""CLI of the SLA reports and the escalation monitor.

Mounted by ``loket/cli/main.py``::

    from loket.cli.sla import report_app, sla_app
    app.add_typer(report_app, name="report")   # loket report sla --month 2026-11
    app.add_typer(sla_app, name="sla")         # loket sla escalate | loket sla escalations

Date-times without an offset are office-local time (WIB). Importing this module also
registers the schema of ``rules/sla.yaml`` with ``loket rules check``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from loket.common.clock import WIB, as_utc
from loket.documents.officedocs import tanggal_jam
from loket.office import rulesets
from loket.sla.periods import PeriodError, parse_period

report_app = typer.Typer(
    help="Laporan untuk pimpinan / management reports (SLA).", no_args_is_help=True
)
sla_app = typer.Typer(
    help="Pemantauan waktu pelayanan / SLA monitoring and escalation.", no_args_is_help=True
)

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _sla_rules_schema(path: Path) -> type[BaseModel] | None:
    """``rules/sla.yaml`` for ``loket rules check`` (registered when this CLI is mounted)."""
    if path.name != "sla.yaml":
        return None
    from loket.sla.escalation import SlaRules

    return SlaRules


if _sla_rules_schema not in rulesets.resolvers:
    rulesets.resolvers.append(_sla_rules_schema)


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        err.print(f"Waktu tidak dikenal: {text} (contoh 2026-12-01T07:00)", markup=False)
        raise typer.Exit(2) from None
    return value if value.tzinfo else value.replace(tzinfo=WIB)


@report_app.command("sla")
def report_sla(
    month: Annotated[
        str | None, typer.Option("--month", help="Bulan / month YYYY-MM (laporan bulanan).")
    ] = None,
    week: Annotated[
        str | None, typer.Option("--week", help="Minggu ISO / ISO week YYYY-Www (mingguan).")
    ] = None,
    year: Annotated[
        str | None, typer.Option("--year", help="Tahun / year YYYY (laporan tahunan).")
    ] = None,
    cutoff: Annotated[
        str | None,
        typer.Option("--cutoff", help="Data per / data cut-off (default: sekarang / now)."),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Buat PDF / make the PDF.")] = True,
) -> None:
    """Laporan capaian waktu pelayanan (SLA): XLSX + PDF di outbox/reports/<periode>/."""
    from loket.office import Office
    from loket.sla.report import write_report
    from loket.sla.wording import measured, on_time_text

    given = [p for p in (month, week, year) if p]
    if len(given) != 1:
        err.print("Pilih tepat satu: --month YYYY-MM, --week YYYY-Www atau --year YYYY.")
        raise typer.Exit(2)
    try:
        period = parse_period(given[0])
    except PeriodError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None
    settings = Office.from_environment().settings
    report, files = write_report(settings, period, cutoff=_instant(cutoff), pdf=pdf)
    s = report.summary
    late = f", terlambat {s['terlambat']}" if measured(report) else ""
    console.print(
        f"Laporan SLA {period.label}: {report.files_covered} berkas; terbit {s['terbit']}, "
        f"tepat waktu {on_time_text(report)}{late}; "
        f"data per {tanggal_jam(report.cutoff.astimezone(WIB))}",
        markup=False,
    )
    for f in files:
        console.print(f"  {f}", markup=False)


@sla_app.command("escalate")
def escalate_cmd(
    now: Annotated[
        str | None, typer.Option("--now", help="Waktu pemeriksaan / check as of (default now).")
    ] = None,
) -> None:
    """Kirim peringatan keterlambatan yang jatuh tempo (sekali per ambang)."""
    from loket.office import Office
    from loket.sla.escalation import THRESHOLD_LABELS, escalate

    sent = escalate(Office.from_environment().desk(pdf=False), _instant(now))
    if not sent:
        console.print("Tidak ada peringatan baru. / No new escalations.")
    for e in sent:
        console.print(
            f"{e.reg_no}: {THRESHOLD_LABELS[e.threshold]} \u2014 {e.step} "
            f"({round(e.minutes)} / {round(e.limit)} menit kerja) -> "
            f"{', '.join(e.recipients) or '-'}",
            markup=False,
        )


@sla_app.command("escalations")
def escalations_cmd(
    reg_no: Annotated[str | None, typer.Argument(help="No. registrasi (opsional).")] = None,
) -> None:
    """Daftar peringatan yang sudah dikirim / escalations sent."""
    from loket.office import Office
    from loket.sla.escalation import THRESHOLD_LABELS, sent_escalations

    desk = Office.from_environment().desk(pdf=False)
    with desk.db() as session:
        rows = sent_escalations(session, reg_no)
    table = Table("Waktu (WIB)", "No. registrasi", "Ambang", "Langkah", "Menit", "Kepada")
    for r in rows:
        table.add_row(
            tanggal_jam(as_utc(r.created_at).astimezone(WIB)),
            r.reg_no,
            THRESHOLD_LABELS.get(r.threshold, r.threshold),
            r.step_code or "-",
            f"{round(r.working_minutes)} / {round(r.limit_minutes)}",
            r.note or "-",
        )
    console.print(table)
