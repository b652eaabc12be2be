"""Table of the SLA escalations (migration ``0004``).

``sla_escalations``: one row per file, scope (a review task or the whole file) and threshold;
the unique constraint makes each escalation happen once, however often and however
concurrently the monitor runs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from loket.common.clock import utcnow
from loket.common.db import Base, UtcDateTime


class SlaEscalation(Base):
    """An escalation sent: who was told that a file (or one of its steps) is late."""

    __tablename__ = "sla_escalations"
    __table_args__ = (UniqueConstraint("reg_no", "scope", "threshold"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    #: ``task:<id>`` for one step (one round of it), ``berkas`` for the whole file
    scope: Mapped[str] = mapped_column(String(32))
    #: threshold code, e.g. ``langkah_lewat_norma`` (see rules/sla.yaml)
    threshold: Mapped[str] = mapped_column(String(48))
    step_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    working_minutes: Mapped[float] = mapped_column(Float)
    limit_minutes: Mapped[float] = mapped_column(Float)
    #: NIPs told, comma-separated (holder, superior)
    recipients: Mapped[str] = mapped_column(Text)
    card_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
