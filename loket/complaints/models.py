"""The tables of the complaint register and of its monthly report.

Register: complaints, their attachments and their append-only steps. Report: each drafted
version of a monthly report and every approve/return attempt on it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loket.common.clock import utcnow
from loket.common.db import Base, UtcDateTime

STATUS_NEW = "baru"  # received, weight not yet confirmed
STATUS_IN_PROGRESS = "diproses"  # weight confirmed, coordination/answer pending
STATUS_ANSWERED = "dijawab"
STATUS_LABELS = {
    STATUS_NEW: "Baru",
    STATUS_IN_PROGRESS: "Dalam Proses",
    STATUS_ANSWERED: "Sudah Dijawab",
}

# the monthly report: its kind, and the status of each version
KIND = "pengaduan_bulanan"
DRAFT, RETURNED, APPROVED, SUPERSEDED = "draft", "dikembalikan", "disetujui", "diganti"


class Complaint(Base):
    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_phone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    complainant_email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    complainant_address: Mapped[str | None] = mapped_column(Text, nullable=True)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))
    weight_suggested: Mapped[str] = mapped_column(String(16))
    weight_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    weight: Mapped[str | None] = mapped_column(String(16), nullable=True)  # confirmed
    weight_confirmed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    related_reg_no: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    handler_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    handler_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_NEW)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    answered_by_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    answered_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    source_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    attachments: Mapped[list[ComplaintAttachment]] = relationship(
        back_populates="complaint", order_by="ComplaintAttachment.id"
    )
    steps: Mapped[list[ComplaintStep]] = relationship(
        back_populates="complaint", order_by="ComplaintStep.id"
    )


class ComplaintAttachment(Base):
    """A file kept with a complaint: e-mail attachments, the original message, the control
    card snapshot, reply drafts."""

    __tablename__ = "complaint_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # lampiran|pesan_asli|kartu_kendali|balasan
    filename: Mapped[str] = mapped_column(String(512))
    relpath: Mapped[str] = mapped_column(String(1024))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    complaint: Mapped[Complaint] = relationship(back_populates="attachments")


class ComplaintStep(Base):
    """Append-only log: received, weight confirmed, each coordination step, the answer."""

    __tablename__ = "complaint_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))  # diterima|bobot|koordinasi|jawaban
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    party_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    party_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    by_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    complaint: Mapped[Complaint] = relationship(back_populates="steps")


class ReportRecord(Base):
    """One drafted version of a periodic report and its review (Sekretaris)."""

    __tablename__ = "report_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # pengaduan_bulanan
    period: Mapped[str] = mapped_column(String(16), index=True)  # YYYY-MM
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # draft|dikembalikan|disetujui|diganti
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    data: Mapped[dict] = mapped_column(JSON)
    draft_dir: Mapped[str] = mapped_column(String(1024))
    final_dir: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reviewed_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_as: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ReviewAttempt(Base):
    """Every approve/return attempt on a report, allowed or refused."""

    __tablename__ = "report_review_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report_versions.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(16))  # approve|return
    actor_nip: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    acting_as: Mapped[str | None] = mapped_column(String(64), nullable=True)
    allowed: Mapped[bool] = mapped_column(Boolean)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
