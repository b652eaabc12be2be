"""The Sekretaris' review of a monthly complaint report: approve or return the latest draft.

Only the Sekretaris or her configured delegate (recorded as Plh.) may; every approve/return
attempt is recorded, refused ones included. Only the approved version is written to
``outbox/reports/YYYY-MM/`` for the Kepala Dinas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval import Authority, NotAuthorized, Official, OfficialsFile, Role, authorize
from loket.common.clock import as_utc, to_wib, utcnow
from loket.complaints.models import APPROVED, KIND, RETURNED, ReportRecord, ReviewAttempt
from loket.complaints.report import versions
from loket.complaints.report_files import render_monthly_report
from loket.complaints.times import month_bounds
from loket.documents import tanggal
from loket.identity import Actor


@dataclass
class ReviewOutcome:
    allowed: bool
    message: str
    report: ReportRecord | None = None
    files: list[Path] | None = None


def _attempt(
    session: Session,
    period: str,
    action: str,
    nip: str,
    *,
    allowed: bool,
    message: str,
    official: Official | None = None,
    acting_as: str | None = None,
    report: ReportRecord | None = None,
) -> None:
    session.add(
        ReviewAttempt(
            kind=KIND,
            period=period,
            report_id=report.id if report else None,
            action=action,
            actor_nip=nip,
            actor_name=official.name if official else None,
            acting_as=acting_as,
            allowed=allowed,
            message=message,
        )
    )
    session.flush()


def _review_target(session: Session, period: str) -> ReportRecord | str:
    found = versions(session, period)
    if not found:
        return f"Belum ada draf laporan pengaduan bulan {period}."
    latest = found[-1]
    if latest.status == APPROVED:
        return f"Laporan {period} versi {latest.version} sudah disetujui."
    if latest.status == RETURNED:
        return f"Laporan {period} versi {latest.version} sudah dikembalikan; tunggu draf perbaikan."
    return latest


def _return_draft(target: ReportRecord, period: str, auth: Authority, note: str) -> str:
    """Mark ``target`` returned with the note; the message for the officer."""
    target.status = RETURNED
    target.review_note = note.strip()
    return (
        f"Laporan {period} versi {target.version} dikembalikan oleh {auth.label} "
        f"{auth.official.name} untuk diperbaiki."
    )


def _approve_draft(
    target: ReportRecord,
    period: str,
    auth: Authority,
    note: str | None,
    *,
    outbox: Path,
    when: datetime,
    pdf: bool,
) -> tuple[str, list[Path]]:
    """Write the approved version to ``outbox/reports/YYYY-MM/``; the message and the files."""
    final_dir = outbox / "reports" / period
    files = render_monthly_report(
        target.data,
        final_dir,
        version=target.version,
        approval={
            "jabatan": auth.label,
            "nama": auth.official.name,
            "nip": auth.official.nip,
            "tanggal": tanggal(to_wib(when)),
        },
        pdf=pdf,
    )
    target.status = APPROVED
    target.final_dir = str(final_dir)
    target.review_note = note.strip() if note else None
    message = (
        f"Laporan {period} versi {target.version} disetujui oleh {auth.label} "
        f"{auth.official.name}; dikirim ke {final_dir}."
    )
    return message, files


def _authorize_review(
    session: Session, officials: OfficialsFile, period: str, nip: str, action: str
) -> Authority | ReviewOutcome:
    """The reviewer's authority, or the recorded refusal of anyone but the Sekretaris or Plh."""
    try:
        return authorize(officials, nip, Role.sekretaris, to_wib(utcnow()).date())
    except NotAuthorized as exc:
        message = (
            f"Ditolak: {exc} Hanya Sekretaris atau Plh. Sekretaris yang dapat "
            f"{'menyetujui' if action == 'approve' else 'mengembalikan'} laporan."
        )
        _attempt(
            session, period, action, nip, allowed=False, message=message, official=exc.official
        )
        return ReviewOutcome(False, message)


def review(
    session: Session,
    officials: OfficialsFile,
    period: str,
    actor: Actor,
    action: str,
    *,
    outbox: Path,
    note: str | None = None,
    now: datetime | None = None,
    pdf: bool = True,
) -> ReviewOutcome:
    """Approve (``action="approve"``) or return (``"return"``) the latest draft.

    Only the Sekretaris or her delegate (Plh.), authenticated (``actor``), may; anyone else
    is refused, nothing changes, and the attempt is recorded. The caller commits in every case.
    """
    if not isinstance(actor, Actor):
        raise TypeError(f"an authenticated loket.identity.Actor is required, not {actor!r}")
    nip = actor.nip
    month_bounds(period)
    if action not in {"approve", "return"}:
        raise ValueError(action)
    auth = _authorize_review(session, officials, period, nip, action)
    if isinstance(auth, ReviewOutcome):
        return auth
    acting = {"official": auth.official, "acting_as": auth.label}
    target = _review_target(session, period)
    if isinstance(target, str):
        _attempt(session, period, action, nip, allowed=False, message=target, **acting)
        return ReviewOutcome(False, target)
    when = as_utc(now or utcnow())
    if action == "return":
        if not note or not note.strip():
            message = "Catatan perbaikan wajib diisi saat mengembalikan laporan."
            _attempt(
                session,
                period,
                action,
                nip,
                allowed=False,
                message=message,
                report=target,
                **acting,
            )
            return ReviewOutcome(False, message)
        files: list[Path] = []
        message = _return_draft(target, period, auth, note)
    else:
        message, files = _approve_draft(
            target, period, auth, note, outbox=outbox, when=when, pdf=pdf
        )
    target.reviewed_by_nip = auth.official.nip
    target.reviewed_by_name = auth.official.name
    target.reviewed_as = auth.label
    target.reviewed_at = when
    _attempt(session, period, action, nip, allowed=True, message=message, report=target, **acting)
    return ReviewOutcome(True, message, target, files)


def attempts(session: Session, period: str) -> list[ReviewAttempt]:
    return list(
        session.scalars(
            select(ReviewAttempt)
            .where(ReviewAttempt.kind == KIND, ReviewAttempt.period == period)
            .order_by(ReviewAttempt.id)
        )
    )
