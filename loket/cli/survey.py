"""CLI of the SKM survey (PermenPANRB 14/2017): import responses, compute a file, yearly report.

Mounted by ``loket/cli/main.py`` as ``loket skm``. Messages to officers are in Bahasa Indonesia.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from loket.cli.complaints_context import Ctx, NoPdf, console, err, fail
from loket.common.clock import WIB
from loket.common.rulesfile import RulesError
from loket.documents.officedocs import PdfError
from loket.survey.errors import SkmError
from loket.survey.grades import round2
from loket.survey.index import compute
from loket.survey.report import write_report
from loket.survey.responses import read_survey
from loket.survey.rules import load_skm_rules
from loket.survey.sample import minimum_sample
from loket.survey.storage import import_survey

skm_app = typer.Typer(
    help="Community satisfaction survey (SKM, PermenPANRB 14/2017): import and yearly report.",
    no_args_is_help=True,
)


@skm_app.command("import")
def skm_import_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX, one row per respondent, U1..U9.")],
    year: Annotated[int | None, typer.Option(help="Year for rows without a date.")] = None,
) -> None:
    """Import survey responses; bad rows are reported by row number and excluded."""
    ctx = Ctx()
    if not file.is_file():
        raise fail(f"berkas {file} tidak ada.")
    with ctx.factory() as session:
        try:
            record, survey = import_survey(session, file, year=year)
        except SkmError as exc:
            raise fail(str(exc)) from exc
        session.commit()
    for p in survey.problems:
        err.print(f"[yellow]Baris {p.row} dikeluarkan:[/] {p.message}")
    console.print(
        f"{file.name}: {record.accepted} responden sah diimpor, {record.rejected} baris "
        "dikeluarkan."
    )


@skm_app.command("compute")
def skm_compute_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX, one row per respondent, U1..U9.")],
    population: Annotated[
        int | None, typer.Option(help="Service users in the period (for the minimum sample).")
    ] = None,
) -> None:
    """Print the SKM table of a response file (nothing is stored): NRR per element, weighted
    NRR, IKM and grades; bad rows reported by row number and left out."""
    if not file.is_file():
        raise fail(f"berkas {file} tidak ada.")
    try:
        survey = read_survey(file)
    except SkmError as exc:
        raise fail(str(exc)) from exc
    for p in survey.problems:
        err.print(f"[yellow]Baris {p.row} dikeluarkan:[/] {p.message}")
    if not survey.respondents:
        raise fail("tidak ada baris jawaban yang sah.")
    result = compute([r.answers for r in survey.respondents])
    table = Table(title=f"SKM {file.name}: {result.respondents} responden")
    for col in ("Unsur", "Nama unsur", "Jumlah nilai", "NRR", "NRR tertimbang", "Nilai", "Mutu"):
        table.add_column(col)
    for e in result.elements:
        table.add_row(
            e.code,
            e.name,
            str(e.total),
            f"{round2(e.nrr)}",
            f"{float(e.weighted):.4f}",
            f"{round2(e.index)}",
            f"{e.grade.letter} ({e.grade.label})",
        )
    console.print(table)
    console.print(
        f"IKM = {result.ikm_published} — mutu {result.grade.letter} ({result.grade.label})"
    )
    if population:
        need = minimum_sample(population)
        if result.respondents < need:
            err.print(
                f"[yellow]Peringatan:[/] {result.respondents} responden kurang dari sampel "
                f"minimum {need} untuk populasi {population} (Krejcie–Morgan)."
            )
        else:
            console.print(f"Sampel minimum {need} untuk populasi {population}: terpenuhi.")
    for e in result.poor_elements:
        console.print(f"Perlu rencana tindak lanjut: {e.code} {e.name} ({e.grade.label})")


@skm_app.command("report")
def skm_report_cmd(
    year: Annotated[int | None, typer.Option(help="Survey year (default: this year).")] = None,
    population: Annotated[
        int | None, typer.Option(help="Service users in the year (for the minimum sample).")
    ] = None,
    no_pdf: NoPdf = False,
) -> None:
    """Write the yearly SKM report (DOCX/PDF + XLSX) under outbox/reports/YYYY/."""
    ctx = Ctx()
    year = year or datetime.now(WIB).year
    try:
        rules = load_skm_rules(ctx.settings.rules_dir / "skm.yaml")
    except RulesError as exc:
        raise fail(str(exc), 2) from exc
    with ctx.factory() as session:
        try:
            data, files = write_report(
                session,
                year,
                rules=rules,
                officials=ctx.officials,
                outbox=ctx.settings.outbox_dir,
                population=population,
                pdf=not no_pdf,
            )
        except SkmError as exc:
            raise fail(str(exc)) from exc
        except PdfError as exc:
            raise fail(f"{exc} (gunakan --no-pdf)") from exc
    console.print(
        f"IKM {year}: {data['ikm']} \u2014 mutu {data['mutu']} ({data['kinerja']}); "
        f"{data['responden']} responden."
    )
    if data["peringatan_sampel"]:
        err.print(f"[yellow]{data['peringatan_sampel']}[/]")
    for f in files:
        console.print(f"  {f}")
