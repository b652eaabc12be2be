"""Permit numbers: a per-service, per-year sequence that is never duplicated and never skipped.

The sequence lives in the register's ``counters`` table (row ``izin:<service>:<year>``) and is
incremented by an ``UPDATE ... RETURNING`` inside the transaction that records the permit, so
that concurrent numberings queue on the row lock (PostgreSQL) or the write lock (SQLite) and a
rolled-back transaction gives its number back. ``permits.number`` and ``(counter, seq)`` are
unique: a duplicate cannot be stored even by a buggy caller.

Every numbering also anchors the control cards (:mod:`loket.approval.anchors`): once its
transaction commits, the heads of all cards, with the new permit's, are signed and written to
``outbox/anchors/``, so that a numbered permit's card cannot afterwards be cut down or deleted
unnoticed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from loket.approval.anchors import anchor_after_commit
from loket.approval.chain import ServiceChain
from loket.approval.models import Permit
from loket.common.clock import WIB, as_utc
from loket.common.settings import Settings
from loket.intake import Counter

T = TypeVar("T")


def next_value(session: Session, name: str) -> int:
    """The next value of counter ``name`` (created at 1), inside the caller's transaction."""
    value = session.execute(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one_or_none()
    if value is None:
        session.add(Counter(name=name, value=1))
        session.flush()  # a concurrent first insert fails here: the caller retries
        value = 1
    return value


def counter_name(service: str, year: int) -> str:
    return f"izin:{service}:{year}"


def assign_number(
    session: Session,
    chain: ServiceChain,
    *,
    service: str,
    reg_no: str,
    at: datetime,
    by_nip: str | None = None,
    settings: Settings,
) -> Permit:
    """The permit number of ``reg_no`` (caller commits); the same permit is numbered once.
    The commit also writes an anchor of all cards (to the outbox and with the keys of
    ``settings``)."""
    existing = session.scalars(select(Permit).where(Permit.reg_no == reg_no)).first()
    if existing is not None:
        return existing
    local = as_utc(at).astimezone(WIB)
    counter = counter_name(service, local.year)
    seq = next_value(session, counter)
    permit = Permit(
        reg_no=reg_no,
        number=chain.format_number(year=local.year, seq=seq, month=local.month, reg_no=reg_no),
        counter=counter,
        year=local.year,
        seq=seq,
        numbered_at=as_utc(at),
        numbered_by=by_nip,
    )
    session.add(permit)
    session.flush()
    anchor_after_commit(session, reason=f"penomoran {reg_no}", settings=settings)
    return permit


def _transient(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # e.g. two first numberings of a year inserting the counter row at once
    text = str(exc).lower()
    return any(
        s in text for s in ("locked", "busy", "deadlock", "could not serialize", "serialization")
    )


def with_retries(
    db: sessionmaker[Session], work: Callable[[Session], T], *, attempts: int = 40
) -> T:
    """Run ``work`` in its own transaction, again on lock timeouts and insert races."""
    for attempt in range(attempts):
        try:
            with db.begin() as session:
                return work(session)
        except (OperationalError, IntegrityError) as exc:
            if attempt == attempts - 1 or not _transient(exc):
                raise
            time.sleep(min(0.5, 0.01 * (attempt + 1)) * (1 + random.random()))
    raise AssertionError("unreachable")
