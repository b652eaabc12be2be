"""The control card (kartu kendali): every receipt and hand-over of a file, append-only and
evidence of who did what when.

Each entry carries the hash of the entry before it (``prev_hash``) and its own hash over its
content; ``card_heads`` keeps the last sequence number and hash of each card, so that an
edited, a deleted (also the last) or a re-ordered entry is found by :func:`verify`.

The hash is an HMAC-SHA256 under a card key kept outside the database
(:mod:`loket.approval.cardkeys`), and the entry records the key's id (``key_id``): whoever can
write the database but does not hold the keys folder cannot recompute a consistent chain, and
after ``loket card rotate-key`` old entries still verify with their own key. Entries recorded
before the card had keys (``key_id`` NULL, plain SHA-256, or an HMAC under the old
``LOKET_CARD_KEY``) verify as "lama" (legacy) and are reported as such, but only as far as the
*legacy closure* goes: when the first key is made, every card's head is signed into the keys
folder, and a keyless entry is accepted only on a card named there, up to that entry and with
that hash (``recorded_at`` proves nothing: whoever writes the row writes it). Any other keyless
entry, or one after a keyed entry, is a forgery; with keys but no closure, every one is. An
entry recorded before the one preceding it is reported too. What an attacker could still do with
the database alone (drop the last entries and fix ``card_heads``, delete a whole card) is found
against the signed anchors (:mod:`loket.approval.anchors`) and by cross-checking the approvals,
tasks and permits (:mod:`loket.approval.card_checks`).
Entries are never updated: a correction is a new entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from loket.approval import anchors, card_checks
from loket.approval.cardkeys import Keyring, KeyringError, keyring_for
from loket.approval.models import CardEntry, CardHead
from loket.common.clock import as_utc, utcnow
from loket.common.settings import Settings

GENESIS = "0" * 64
#: the key of cards made before the keys folder (legacy entries only; new entries ignore it)
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


class UnknownKey(LookupError):
    """An entry names a card key that is not in the keys folder."""


def _second(value: datetime) -> datetime:
    return as_utc(value).replace(microsecond=0)


def _canon(value: object) -> object:
    if isinstance(value, datetime):
        return _second(value).isoformat()
    return value


def _payload(entry: CardEntry, prev_hash: str) -> bytes:
    body = {"prev": prev_hash, **{f: _canon(getattr(entry, f)) for f in HASHED}}
    if entry.key_id is not None:
        body["kid"] = entry.key_id  # the key id is covered too: it cannot be swapped
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def legacy_hash(entry: CardEntry, prev_hash: str) -> str:
    """The hash of an entry made before the card had keys: plain SHA-256, or an HMAC under
    ``LOKET_CARD_KEY`` when that old variable is set."""
    payload = _payload(entry, prev_hash)
    key = os.environ.get(KEY_ENV)
    if key:
        return hmac.new(key.encode(), payload, hashlib.sha256).hexdigest()
    return hashlib.sha256(payload).hexdigest()


def entry_hash(entry: CardEntry, prev_hash: str, keys: Keyring) -> str:
    """The hash ``entry`` must carry: an HMAC under the key it names (legacy: see above)."""
    if entry.key_id is None:
        return legacy_hash(entry, prev_hash)
    key = keys.get(entry.key_id)
    if key is None:
        raise UnknownKey(entry.key_id)
    return hmac.new(key.secret, _payload(entry, prev_hash), hashlib.sha256).hexdigest()


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


def append(session: Session, reg_no: str, new: NewEntry, *, keys: Keyring) -> CardEntry:
    """Append ``new`` to the card of ``reg_no`` inside the caller's transaction, HMAC'd under
    the newest card key of ``keys``.

    The head row is updated first (a write that serialises concurrent appends to one card on
    SQLite and PostgreSQL alike); then the entry is chained to the previous hash.
    """
    kid = keys.current(closure=lambda: anchors.current_heads(session)).kid
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
        key_id=kid,
    )
    entry.hash = entry_hash(entry, prev, keys)
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


# ---------------------------------------------------------------------------------------
# verification


@dataclass
class CardCheck:
    """What verifying one card found: its problems (Bahasa Indonesia; empty: intact), how many
    entries are legacy (no key id), and the anchor it was checked against."""

    reg_no: str
    problems: list[str] = field(default_factory=list)
    legacy: int = 0
    keyed: int = 0
    anchored: int | None = None  # the seq the latest anchor vouches for

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Audit:
    """Every card checked, and what is wrong with the evidence itself (the anchor)."""

    cards: dict[str, CardCheck]
    anchor: anchors.Anchor | None
    problems: list[str] = field(default_factory=list)


#: what a card's keyless entries are held to: None before any card key exists (all are legacy),
#: else the signed legacy closure's heads (empty: there is none, no keyless entry is accepted)
Closure = dict[str, tuple[int, str]] | None


def _legacy_problem(e: CardEntry, closure: Closure, check: CardCheck) -> str | None:
    """Why the keyless entry ``e`` cannot be a legacy one (None: it may be)."""
    if check.keyed:
        return f"entri #{e.seq}: tanpa kunci setelah entri berkunci (dipalsukan)"
    if closure is None:
        return None
    closed = closure.get(e.reg_no)
    if closed is None or e.seq > closed[0]:
        return (
            f"entri #{e.seq}: tanpa kunci padahal tidak tercatat di penutupan entri lama "
            "(dipalsukan)"
        )
    if e.seq == closed[0] and not hmac.compare_digest(e.hash, closed[1]):
        return (
            f"entri #{e.seq}: berbeda dari penutupan entri lama yang ditandatangani "
            "(entri lama ditulis ulang)"
        )
    return None


def _check_entry(e: CardEntry, keys: Keyring, closure: Closure, check: CardCheck) -> None:
    """The entry's own hash: under its key, or as a legacy entry where one may still be (no
    keyed entry before it on the card, within the legacy closure)."""
    if e.key_id is None:
        problem = _legacy_problem(e, closure, check)
        if problem:
            check.problems.append(problem)
            return
        check.legacy += 1
    else:
        check.keyed += 1
    try:
        good = hmac.compare_digest(entry_hash(e, e.prev_hash, keys), e.hash)
    except UnknownKey:
        check.problems.append(f"entri #{e.seq}: kunci {e.key_id} tidak ada di folder kunci")
        return
    if not good:
        check.problems.append(f"entri #{e.seq}: isi diubah setelah dicatat (hash tidak cocok)")


def _check_chain(
    rows: list[CardEntry], h: CardHead | None, keys: Keyring, closure: Closure, check: CardCheck
) -> None:
    """Sequence, links, times, hashes and the head row of one card."""
    prev = GENESIS
    expected = 1
    before: CardEntry | None = None
    for e in rows:
        if e.seq != expected:
            missing = ", ".join(f"#{n}" for n in range(expected, e.seq)) or f"#{e.seq}"
            check.problems.append(f"entri {missing} hilang atau urutan rusak (ditemukan #{e.seq})")
        if e.prev_hash != prev:
            check.problems.append(
                f"entri #{e.seq}: tidak tersambung ke entri sebelumnya "
                "(entri sebelumnya diubah atau dihapus)"
            )
        if before is not None and _second(e.recorded_at) < _second(before.recorded_at):
            check.problems.append(
                f"entri #{e.seq}: dicatat lebih awal dari entri #{before.seq} (waktu mundur)"
            )
        _check_entry(e, keys, closure, check)
        prev = e.hash
        expected = e.seq + 1
        before = e
    closed = (closure or {}).get(check.reg_no)
    if closed is not None and (not rows or rows[-1].seq < closed[0]):
        check.problems.append(
            f"entri lama sampai #{closed[0]} (penutupan entri lama) tidak ada lagi: entri dihapus"
        )
    if h is None:
        if rows:
            check.problems.append("kepala kartu (card_heads) hilang")
        return
    last_seq = rows[-1].seq if rows else 0
    if h.last_seq != last_seq:
        check.problems.append(
            f"kartu seharusnya berisi {h.last_seq} entri sampai #{h.last_seq}, "
            f"terakhir ditemukan #{last_seq}: entri terakhir dihapus"
        )
    elif h.last_hash != prev:
        check.problems.append("hash entri terakhir tidak sama dengan kepala kartu")


def _check_anchor(rows: list[CardEntry], anchor: anchors.Anchor, check: CardCheck) -> None:
    """The card against its head in the latest anchor: not shorter, not different."""
    vouched = anchor.cards.get(check.reg_no)
    if vouched is None:
        return
    seq, digest = vouched
    check.anchored = seq
    by_seq = {e.seq: e for e in rows}
    if not rows:
        check.problems.append(
            f"kartu dihapus: anchor {anchor.name} mencatat {seq} entri (kepala {digest[:16]})"
        )
    elif seq not in by_seq:
        check.problems.append(
            f"kartu lebih pendek dari anchor {anchor.name}: tercatat #{seq}, "
            f"tersisa sampai #{rows[-1].seq} (entri dihapus)"
        )
    elif by_seq[seq].hash != digest:
        check.problems.append(
            f"entri #{seq} berbeda dari kepala kartu di anchor {anchor.name} (kartu ditulis ulang)"
        )


def _load(
    session: Session, reg_no: str | None
) -> tuple[dict[str, list[CardEntry]], dict[str, CardHead]]:
    """The entries (by card, in order) and the heads of ``reg_no``'s card, or of all cards,
    in two queries."""
    q = select(CardEntry).order_by(CardEntry.reg_no, CardEntry.seq)
    hq = select(CardHead)
    if reg_no is not None:
        q, hq = q.where(CardEntry.reg_no == reg_no), hq.where(CardHead.reg_no == reg_no)
    rows: dict[str, list[CardEntry]] = defaultdict(list)
    for e in session.scalars(q):
        rows[e.reg_no].append(e)
    return rows, {h.reg_no: h for h in session.scalars(hq)}


def _closure(keys: Keyring, problems: list[str]) -> Closure:
    """The legacy closure the keyless entries are held to (see :data:`Closure`)."""
    if keys.newest() is None:
        return None
    try:
        found = keys.legacy_closure()
    except KeyringError as exc:
        problems.append(str(exc))
        return {}
    return found or {}


def examine(
    session: Session,
    reg_no: str | None = None,
    *,
    settings: Settings,
    keys: Keyring | None = None,
    kept: Path | None = None,
) -> Audit:
    """Check the cards (``reg_no``: only that one): each chain under its keys, against the
    latest signed anchor (and an anchor an auditor ``kept``), and against the approvals, tasks
    and permits that need an entry."""
    s = settings
    keys = keys or keyring_for(s)
    anchor, anchor_problems, chain = anchors.audit(s.outbox_dir, keys)
    held = [anchor] if anchor else []
    if kept is not None:
        old, found = anchors.read_kept(kept, keys)
        anchor_problems += found
        if old is not None and not anchors.in_office(s.outbox_dir, old, chain):
            anchor_problems.append(
                f"anchor {old.name} yang disimpan tidak ada dalam rantai anchor kantor "
                "(anchor dihapus atau rantai diganti)"
            )
        held += [old] if old is not None else []
    closure = _closure(keys, anchor_problems)
    rows, heads = _load(session, reg_no)
    register = card_checks.load_register(session, reg_no)
    names = set(rows) | set(heads) | register.reg_nos()
    for a in held:
        names |= set(a.cards)
    cards = [reg_no] if reg_no is not None else sorted(names)
    report: dict[str, CardCheck] = {}
    for card in cards:
        check = CardCheck(card)
        card_rows = rows.get(card, [])
        _check_chain(card_rows, heads.get(card), keys, closure, check)
        for a in held:
            _check_anchor(card_rows, a, check)
        check.problems += card_checks.missing_entries(register, card, card_rows)
        report[card] = check
    return Audit(report, anchor, anchor_problems)


#: the key under which :func:`verify` reports what is wrong with the anchors themselves
ANCHORS = "anchor"


def verify(
    session: Session, reg_no: str | None = None, *, settings: Settings
) -> dict[str, list[str]]:
    """Problems per card (Bahasa Indonesia); a card without problems maps to ``[]``. A broken,
    forged or missing anchor is a problem of every card it should vouch for, and is reported
    under :data:`ANCHORS` too, so that it shows even when there are no cards."""
    audit = examine(session, reg_no, settings=settings)
    report = {k: audit.problems + v.problems for k, v in audit.cards.items()}
    if audit.problems:
        report[ANCHORS] = list(audit.problems)
    return report


def find_code(rows: list[CardEntry], code: str) -> CardEntry | None:
    """The entry whose hash starts with the printed verification ``code`` (at least 8 hex
    digits): a card printed at any time shows the hash of its then last entry."""
    code = code.strip().lower()
    if len(code) < 8:
        return None
    return next((e for e in reversed(rows) if e.hash.startswith(code)), None)
