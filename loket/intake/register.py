"""The application register: one row per application, its archived files and intake events.

Registration numbers are sortable and readable: ``SIKR-2026-000123`` (prefix, year of
receipt, a per-prefix-and-year sequence that never repeats and never skips).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Integer,
    String,
    Text,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from loket.common.clock import utcnow
from loket.common.db import Base, UtcDateTime


class Counter(Base):
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Application(Base):
    __tablename__ = "applications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(32), unique=True)
    service: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(512))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(32), default="received")
    pages: Mapped[int] = mapped_column(Integer, default=0)
    verdict: Mapped[str | None] = mapped_column(String(32), nullable=True)
    summary: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    files: Mapped[list[ArchivedFile]] = relationship(
        back_populates="application", order_by="ArchivedFile.relpath"
    )


class ArchivedFile(Base):
    __tablename__ = "archived_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    relpath: Mapped[str] = mapped_column(String(1024))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(32), default="ok")
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    application: Mapped[Application] = relationship(back_populates="files")


class IntakeEvent(Base):
    """Append-only log of what intake did: registered, duplicate, quarantined, processed."""

    __tablename__ = "intake_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(512))
    reg_no: Mapped[str | None] = mapped_column(String(32), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


def next_number(session: Session, prefix: str, year: int) -> str:
    """Allocate the next registration number for ``prefix`` and ``year``.

    The counter row is incremented inside the caller's transaction, so a rolled-back
    registration gives its number back and numbers are never skipped.
    """
    name = f"{prefix}-{year}"
    value = session.execute(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one_or_none()
    if value is None:
        session.add(Counter(name=name, value=1))
        session.flush()
        value = 1
    return f"{name}-{value:06d}"


@dataclass(frozen=True)
class FileRecord:
    relpath: str
    sha256: str
    size: int
    kind: str | None = None
    page_count: int = 0
    problem: str | None = None  # quarantine reason code, None when usable


def fingerprint(files: Iterable[FileRecord]) -> str:
    """Content identity of a submission: independent of file names, order and packaging."""
    import hashlib

    digest = hashlib.sha256()
    for sha in sorted(f.sha256 for f in files):
        digest.update(sha.encode())
    return digest.hexdigest()


def find_by_fingerprint(session: Session, fp: str) -> Application | None:
    return session.scalars(select(Application).where(Application.fingerprint == fp)).first()


def get(session: Session, reg_no: str) -> Application | None:
    return session.scalars(select(Application).where(Application.reg_no == reg_no)).first()


def register(
    session: Session,
    *,
    prefix: str,
    service: str,
    source: str,
    files: list[FileRecord],
    received_at: datetime | None = None,
) -> Application:
    """Create the application and its file rows (caller commits)."""
    received = received_at or utcnow()
    app = Application(
        reg_no=next_number(session, prefix, received.year),
        service=service,
        source=source,
        fingerprint=fingerprint(files),
        received_at=received,
    )
    session.add(app)
    session.flush()
    for f in files:
        session.add(
            ArchivedFile(
                application_id=app.id,
                relpath=f.relpath,
                sha256=f.sha256,
                size=f.size,
                kind=f.kind,
                page_count=f.page_count,
                status="quarantined" if f.problem else "ok",
                reason=f.problem,
            )
        )
    log(session, "registered", source, app.reg_no, {"files": len(files)})
    return app


def log(session: Session, kind: str, source: str, reg_no: str | None, detail: object) -> None:
    session.add(
        IntakeEvent(
            kind=kind,
            source=source,
            reg_no=reg_no,
            detail=json.dumps(detail, ensure_ascii=False, default=str),
        )
    )
