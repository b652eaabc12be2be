"""The SLA report (Laporan Capaian Waktu Pelayanan) of a period, written to the outbox.

:func:`write_report` loads the period (:mod:`loket.sla.loading`), computes its figures
(:mod:`loket.sla.figures`) and writes ``laporan-sla-<period>.xlsx`` (every row,
:mod:`loket.sla.workbook`) and ``.pdf`` (the DOCX of :mod:`loket.sla.document` with the
charts of :mod:`loket.sla.charts`, converted with LibreOffice by
:func:`loket.documents.officedocs.to_pdf`). Shared by ``loket report sla`` and the scheduled
flows of :mod:`flows.sla`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from loket.common.clock import as_utc, utcnow
from loket.common.settings import Settings
from loket.documents import to_pdf
from loket.sla.charts import render_charts
from loket.sla.document import render_docx
from loket.sla.figures import Report, compute
from loket.sla.loading import load_history
from loket.sla.periods import Period, parse_period
from loket.sla.workbook import render_xlsx


def file_stem(report: Report) -> str:
    """``laporan-sla-<period code>``: the name of the report's files."""
    return f"laporan-sla-{report.period.code}"


def render_sla_report(report: Report, folder: Path, *, pdf: bool = True) -> list[Path]:
    """``laporan-sla-<period>.xlsx`` and ``.pdf`` (the DOCX and chart PNGs are kept beside
    them in ``_bahan/``)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(report)
    files = [render_xlsx(report, folder / f"{stem}.xlsx")]
    work = folder / "_bahan"
    charts = render_charts(report, work)
    docx = render_docx(report, work / f"{stem}.docx", charts)
    if pdf:
        files.extend(to_pdf([docx], outdir=folder))
    else:
        files.append(docx)
    return files


def write_report(
    settings: Settings,
    period: str | Period,
    *,
    cutoff: datetime | None = None,
    pdf: bool = True,
    service: str | None = None,
) -> tuple[Report, list[Path]]:
    """Load, compute and write the report of ``period`` to ``outbox/reports/<period>/``.

    Shared by ``loket report sla`` and the scheduled flows of :mod:`flows.sla`.
    """
    from loket.approval import CHAIN_RULES, load_chain
    from loket.calendar import office_calendar
    from loket.common.db import open_database

    per = parse_period(period) if isinstance(period, str) else period
    svc = service or settings.service
    chain = load_chain(settings.rules_dir / CHAIN_RULES).for_service(svc)
    calendar = office_calendar(settings.rules_dir / "calendar")
    cut = as_utc(cutoff) if cutoff else utcnow()
    with open_database(settings.db_url)() as session:
        history = load_history(session, per, cut, service=svc)
    report = compute(history, chain, calendar)
    files = render_sla_report(report, settings.outbox_dir / "reports" / per.code, pdf=pdf)
    return report, files
