"""Monthly complaint report (Laporan Pengaduan Pelayanan Publik) and its review.

Flow (standard §6 j–k): the register's month is drafted (DOCX/PDF + XLSX, kept under
``var/reports/drafts/YYYY-MM/vN/``); the Sekretaris — or her configured delegate, recorded
as Plh. — approves it or returns it with a note; only the approved version is written to
``outbox/reports/YYYY-MM/`` for the Kepala Dinas. Each draft stores the data it shows, so the
approved document carries exactly the figures that were reviewed. Every approve/return
attempt is recorded, refused ones included.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval import Official, load_officials
from loket.common.clock import as_utc, to_wib, utcnow
from loket.common.db import open_database
from loket.common.settings import Settings
from loket.complaints.errors import ComplaintError
from loket.complaints.models import DRAFT, KIND, RETURNED, SUPERSEDED, ReportRecord
from loket.complaints.report_data import build_data
from loket.complaints.report_files import render_monthly_report
from loket.complaints.rules import ComplaintRules, load_complaint_rules
from loket.complaints.times import month_bounds
from loket.documents import tanggal_jam


def versions(session: Session, period: str) -> list[ReportRecord]:
    return list(
        session.scalars(
            select(ReportRecord)
            .where(ReportRecord.kind == KIND, ReportRecord.period == period)
            .order_by(ReportRecord.version)
        )
    )


def draft(
    session: Session,
    rules: ComplaintRules,
    period: str,
    *,
    drafts_root: Path,
    maker: Official | None = None,
    now: datetime | None = None,
    pdf: bool = True,
) -> tuple[ReportRecord, list[Path]]:
    """Draft a new version of the month's report (caller commits)."""
    month_bounds(period)  # validates
    previous = versions(session, period)
    notes = [
        f"Versi {r.version} dikembalikan oleh {r.reviewed_as} {r.reviewed_by_name} pada "
        f"{tanggal_jam(to_wib(r.reviewed_at))}: {r.review_note}"
        for r in previous
        if r.status == RETURNED and r.reviewed_at is not None
    ]
    for r in previous:
        if r.status == DRAFT:
            r.status = SUPERSEDED
    data = build_data(session, rules, period, now=now, maker=maker, notes=notes)
    version = (previous[-1].version + 1) if previous else 1
    out_dir = drafts_root / period / f"v{version}"
    files = render_monthly_report(data, out_dir, version=version, pdf=pdf)
    record = ReportRecord(
        kind=KIND,
        period=period,
        version=version,
        status=DRAFT,
        created_at=as_utc(now or utcnow()),
        created_by=maker.nip if maker else None,
        data=data,
        draft_dir=str(out_dir),
    )
    session.add(record)
    session.flush()
    return record, files


def previous_month(now: datetime | None = None) -> str:
    """``YYYY-MM`` of the month before ``now`` (WIB)."""
    local = to_wib(now or utcnow())
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def draft_month(
    settings: Settings, period: str, *, maker_nip: str | None = None, pdf: bool = True
) -> tuple[int, list[Path]]:
    """Open the database and rules of ``settings``, draft ``period`` and commit.

    Shared by ``loket complaints report`` and the scheduled Prefect flow. Returns the
    version number and the draft files.
    """
    rules = load_complaint_rules(settings.rules_dir / "complaints.yaml")
    officials = load_officials(settings.rules_dir / "officials.yaml")
    maker = officials.by_nip(maker_nip) if maker_nip else None
    if maker_nip and maker is None:
        raise ComplaintError(f"NIP {maker_nip} tidak terdaftar di daftar pejabat.")
    factory = open_database(settings.db_url)
    with factory() as session:
        record, files = draft(
            session, rules, period, drafts_root=drafts_root(settings), maker=maker, pdf=pdf
        )
        session.commit()
        return record.version, files


def drafts_root(settings: Settings) -> Path:
    return settings.var_dir / "reports" / "drafts"
