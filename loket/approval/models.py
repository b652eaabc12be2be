"""Tables of the approval chain, the control card, numbering and the delivery guarantees.

One module so that the Alembic environment imports them all (migration ``0003``):

- ``approvals``: one row per application in the chain (state, applicant contact, permit);
- ``approval_tasks``: one row per step instance (a review task), closed by approve/return;
- ``approval_attempts``: refused attempts (wrong person), recorded and otherwise ignored;
- ``card_entries`` / ``card_heads``: the append-only, hash-chained control card (HMAC'd
  under a key id, :mod:`loket.approval.cardkeys`);
- ``permits``: the number of each signed permit (unique, per-year sequence);
- ``notifications``: the outbox / retry queue of applicant messages;
- ``delivery_letters``: letters sent once per permit (e.g. the uncollected reminder).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from loket.common.clock import utcnow
from loket.common.db import Base, UtcDateTime

# approval status values
IN_PROGRESS = "diproses"
READY = "selesai"  # signed and numbered, waiting for the applicant
COLLECTED = "diambil"

# task status values
OPEN = "terbuka"
DONE = "selesai"
RETURNED = "dikembalikan"


class Approval(Base):
    """An application on its way through the chain (SOP steps 3-9)."""

    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), unique=True)
    service: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=IN_PROGRESS, index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    applicant_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    bap_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: corrections entered by the back office (field -> value), applied over the checklist
    overrides: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    flow_run_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    signer_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    signer_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    signer_acting: Mapped[str | None] = mapped_column(String(16), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    collected_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    collected_by: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ApprovalTask(Base):
    """One review task: a step of the chain waiting at one desk (one round of it)."""

    __tablename__ = "approval_tasks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    step_index: Mapped[int] = mapped_column(Integer)
    step_code: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=OPEN, index=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: the note of the return that sent the file to this desk, if any
    incoming_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    actor_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    actor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    acting: Mapped[str | None] = mapped_column(String(16), nullable=True)  # "Plh." or None
    principal_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)  # cli | prefect


class ApprovalAttempt(Base):
    """A refused attempt to act on a task (wrong person, task already closed, ...)."""

    __tablename__ = "approval_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor_nip: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decision: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)


class CardEntry(Base):
    """One line of the control card; never updated, chained by hash to the line before."""

    __tablename__ = "card_entries"
    __table_args__ = (UniqueConstraint("reg_no", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sop_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    activity: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(32))
    actor_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    acting: Mapped[str | None] = mapped_column(String(16), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    handed_over_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    outcome: Mapped[str] = mapped_column(String(32))
    handed_to: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    norm: Mapped[str | None] = mapped_column(String(32), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: the id of the card key the hash is an HMAC under; None: a plain SHA-256 entry recorded
    #: before the card had keys (migration ``0006``), verified as "lama"
    key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)


class CardHead(Base):
    """The last sequence number and hash of each card: detects a deleted last entry."""

    __tablename__ = "card_heads"
    reg_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class Permit(Base):
    """The number given to a signed permit."""

    __tablename__ = "permits"
    __table_args__ = (UniqueConstraint("counter", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), unique=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    counter: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    numbered_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    numbered_by: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Notification(Base):
    """A message to an applicant: the outbox row is written with the event that causes it,
    sent afterwards, retried until it goes through; never deleted."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(96), unique=True)  # e.g. "<reg-no>:siap"
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(16), nullable=True)
    receipt: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class DeliveryLetter(Base):
    """A letter generated once per permit and kind (e.g. ``belum_diambil``)."""

    __tablename__ = "delivery_letters"
    __table_args__ = (UniqueConstraint("reg_no", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    path: Mapped[str] = mapped_column(String(1024))
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
