"""Tables of the officials' identity (migration ``0005``).

- ``official_credentials``: one argon2id hash per official (never the passphrase), whether it
  must be changed at first use (set by someone else), failures in a row and the lock;
- ``identity_events``: every sign-in, refusal, lock, password change and session, so that an
  auditor can see who tried to act as whom;
- ``official_sessions``: sessions opened by ``loket login`` (only a digest of the secret is
  kept, so a copy of the database does not open them), revoked by ``loket logout``;
- ``decision_tokens``: single-use tokens that let a Prefect flow run resume with a decision
  an official made after authenticating (only their digest is kept).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from loket.common.db import Base, UtcDateTime


class Credential(Base):
    __tablename__ = "official_credentials"

    nip: Mapped[str] = mapped_column(String(32), primary_key=True)
    hash: Mapped[str] = mapped_column(Text)
    must_change: Mapped[bool] = mapped_column(Boolean, default=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)
    set_by: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class IdentityEvent(Base):
    __tablename__ = "identity_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    nip: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)


class OfficialSession(Base):
    __tablename__ = "official_sessions"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    nip: Mapped[str] = mapped_column(String(32), index=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class DecisionToken(Base):
    __tablename__ = "decision_tokens"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_id: Mapped[int] = mapped_column(Integer, index=True)
    nip: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
