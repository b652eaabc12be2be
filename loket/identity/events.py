"""The identity log: every sign-in, refusal, lock, password change and session.

Written in its own transaction, so that a refusal is kept even though the act it refused
changes nothing. Kinds are short Indonesian words shown as they are by
``loket officials log``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.identity.actor import Gate
from loket.identity.models import IdentityEvent

LOGIN = "masuk"
REFUSED = "ditolak"
LOCKED = "terkunci"
MUST_CHANGE = "wajib-ganti"
PASSWORD_SET = "sandi-ditetapkan"
PASSWORD_CHANGED = "sandi-diganti"
SESSION_OPENED = "sesi-dibuka"
SESSION_CLOSED = "sesi-ditutup"
SESSION_REFUSED = "sesi-ditolak"
TOKEN_MINTED = "token-dibuat"
TOKEN_REFUSED = "token-ditolak"


def record(gate: Gate, nip: str, kind: str, channel: str, message: str) -> None:
    """Append one event (own transaction)."""
    person = gate.person(nip) or gate.people(nip)
    with gate.db.begin() as session:
        session.add(
            IdentityEvent(
                at=gate.now(),
                nip=nip,
                name=person.name if person else None,
                kind=kind,
                channel=channel,
                message=message,
            )
        )


def recent(session: Session, nip: str | None = None, limit: int = 50) -> list[IdentityEvent]:
    """The newest ``limit`` events, newest first (of one NIP when given)."""
    q = select(IdentityEvent)
    if nip:
        q = q.where(IdentityEvent.nip == nip.replace(" ", ""))
    return list(session.scalars(q.order_by(IdentityEvent.id.desc()).limit(limit)))
