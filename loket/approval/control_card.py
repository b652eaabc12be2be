"""The control card (kartu kendali): every receipt and hand-over of a file, append-only and
tamper-evident.

Each entry carries the hash of the entry before it (``prev_hash``) and its own hash over its
content; ``card_heads`` keeps the last sequence number and hash of each card, so that an
edited, a deleted (also the last) or a re-ordered entry is found by :func:`verify`. With the
environment variable ``LOKET_CARD_KEY`` set, hashes are HMAC-SHA256 under that key: whoever
can write the database but does not know the key cannot forge a consistent chain.
Entries are never updated: a correction is a new entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from loket.approval.models import CardEntry, CardHead
from loket.common.clock import as_utc, utcnow

GENESIS = "0" * 64
KEY_ENV = "LOKET_CARD_KEY"

#: the fields covered by an entry's hash, in this order
HASHED = (
    "reg_no",
    "seq",
    "recorded_at",
    "sop_step",
    "activity",
    "action",
    "role",
    "actor_nip",
    "actor_name",
    "acting",
    "received_at",
    "handed_over_at",
    "due_at",
    "outcome",
    "handed_to",
    "note",
    "norm",
    "channel",
)


def _second(value: datetime) -> datetime:
    return as_utc(value).replace(microsecond=0)


def _canon(value: object) -> object:
    if isinstance(value, datetime):
        return _second(value).isoformat()
    return value


def entry_hash(entry: CardEntry, prev_hash: str) -> str:
    payload = json.dumps(
        {"prev": prev_hash, **{f: _canon(getattr(entry, f)) for f in HASHED}},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    key = os.environ.get(KEY_ENV)
    if key:
        return hmac.new(key.encode(), payload, hashlib.sha256).hexdigest()
    return hashlib.sha256(payload).hexdigest()


@dataclass(frozen=True)
class NewEntry:
    """What a desk records: who, in which role, when the file came and when it went on."""

    activity: str
    action: str
    role: str
    actor_name: str
    received_at: datetime
    handed_over_at: datetime
    outcome: str
    actor_nip: str | None = None
    acting: str | None = None
    sop_step: int | None = None
    due_at: datetime | None = None
    handed_to: str | None = None
    note: str | None = None
    norm: str | None = None
    channel: str | None = None


def append(session: Session, reg_no: str, new: NewEntry) -> CardEntry:
    """Append ``new`` to the card of ``reg_no`` inside the caller's transaction.

    The head row is updated first (a write that serialises concurrent appends to one card on
    SQLite and PostgreSQL alike); then the entry is chained to the previous hash.
    """
    row = session.execute(
        update(CardHead)
        .where(CardHead.reg_no == reg_no)
        .values(last_seq=CardHead.last_seq + 1)
        .returning(CardHead.last_seq, CardHead.last_hash)
    ).first()
    if row is None:
        session.add(CardHead(reg_no=reg_no, last_seq=1, last_hash=GENESIS))
        session.flush()
        seq, prev = 1, GENESIS
    else:
        seq, prev = row
    entry = CardEntry(
        reg_no=reg_no,
        seq=seq,
        recorded_at=_second(utcnow()),
        sop_step=new.sop_step,
        activity=new.activity,
        action=new.action,
        role=new.role,
        actor_nip=new.actor_nip,
        actor_name=new.actor_name,
        acting=new.acting,
        received_at=_second(new.received_at),
        handed_over_at=_second(new.handed_over_at),
        due_at=_second(new.due_at) if new.due_at else None,
        outcome=new.outcome,
        handed_to=new.handed_to,
        note=new.note,
        norm=new.norm,
        channel=new.channel,
        prev_hash=prev,
        hash="",
    )
    entry.hash = entry_hash(entry, prev)
    session.add(entry)
    session.execute(update(CardHead).where(CardHead.reg_no == reg_no).values(last_hash=entry.hash))
    session.flush()
    return entry


def entries(session: Session, reg_no: str) -> list[CardEntry]:
    return list(
        session.scalars(select(CardEntry).where(CardEntry.reg_no == reg_no).order_by(CardEntry.seq))
    )


def head(session: Session, reg_no: str) -> CardHead | None:
    return session.get(CardHead, reg_no)


def verify(session: Session, reg_no: str | None = None) -> dict[str, list[str]]:
    """Problems per card (Bahasa Indonesia); a card without problems maps to ``[]``."""
    if reg_no is not None:
        cards = [reg_no]
    else:
        names = set(session.scalars(select(CardHead.reg_no)))
        names |= set(session.scalars(select(CardEntry.reg_no).distinct()))
        cards = sorted(names)
    report: dict[str, list[str]] = {}
    for card in cards:
        problems: list[str] = []
        rows = entries(session, card)
        prev = GENESIS
        expected = 1
        for e in rows:
            if e.seq != expected:
                missing = ", ".join(f"#{n}" for n in range(expected, e.seq)) or f"#{e.seq}"
                problems.append(f"entri {missing} hilang atau urutan rusak (ditemukan #{e.seq})")
            if e.prev_hash != prev:
                problems.append(
                    f"entri #{e.seq}: tidak tersambung ke entri sebelumnya "
                    "(entri sebelumnya diubah atau dihapus)"
                )
            if entry_hash(e, e.prev_hash) != e.hash:
                problems.append(f"entri #{e.seq}: isi diubah setelah dicatat (hash tidak cocok)")
            prev = e.hash
            expected = e.seq + 1
        h = head(session, card)
        if h is None:
            if rows:
                problems.append("kepala kartu (card_heads) hilang")
        else:
            last_seq = rows[-1].seq if rows else 0
            if h.last_seq != last_seq:
                problems.append(
                    f"kartu seharusnya berisi {h.last_seq} entri sampai #{h.last_seq}, "
                    f"terakhir ditemukan #{last_seq}: entri terakhir dihapus"
                )
            elif h.last_hash != prev:
                problems.append("hash entri terakhir tidak sama dengan kepala kartu")
        report[card] = problems
    return report
