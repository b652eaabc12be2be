"""Anchors: the heads of all control cards, signed, in files an auditor can keep.

An HMAC chain stops whoever lacks the key from forging entries, but not from *removing* them:
with the database alone one can drop a card's last entries and fix ``card_heads``, or delete a
whole card. Once a day (:mod:`flows.evidence`) and after every numbering
(:mod:`loket.approval.numbering`) loket therefore writes ``outbox/anchors/anchor-<time>.json``:

    {"body": {"format": "loket-anchor/1", "time": ..., "reason": ...,
              "cards": {"<reg no>": {"seq": n, "hash": "<head hash>"}, ...},
              "disputed": ["<reg no of a card that contradicts the previous anchor>", ...],
              "previous": {"file": ..., "sha256": ...} | null,
              "public_key": "<SHA-256 of the raw Ed25519 public key>"},
     "signature": "<base64 Ed25519 signature of the canonical body>"}

A card that no longer extends its head in the previous anchor keeps that head in the new one
(and is listed as disputed): an anchor never blesses a card deleted or cut back since the last.
The canonical body is its JSON with sorted keys, no spaces, ASCII only (``jq -cjS .body``).
The signing key lives in the keys folder (:mod:`loket.approval.cardkeys`); its public half is
copied beside the anchors (``anchor-public-key.pem``). ``loket card verify`` holds every card to
the latest valid anchor: a card shorter than, different from, or missing against its anchored
head was tampered with. An anchor counts only if its file name's time is its body's time (an
old anchor copied under a newer name is refused); the ``previous`` links are followed from the
newest back, and the keys folder remembers the newest anchor written (``anchor-latest.json``),
so a deleted newest anchor, or an old one put back in its place, is reported. An auditor who
keeps the files and the public key can check them without loket (``openssl pkeyutl -verify
-rawin``, see docs/control-card.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import and_, event, func, select
from sqlalchemy.orm import Session

from loket.approval.cardkeys import Keyring, KeyringError, key_fingerprint, keyring_for, public_pem
from loket.approval.cardkeys import canonical as canonical
from loket.approval.models import CardEntry
from loket.common.clock import as_utc, utcnow
from loket.common.safefs import directory, open_regular, write_bytes
from loket.common.settings import Settings

FORMAT = "loket-anchor/1"
FOLDER = "anchors"
PUBLIC_COPY = "anchor-public-key.pem"
_NAME = re.compile(r"^anchor-(\d{8}T\d{12})Z-[0-9a-f]{6}\.json$")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    """A signed anchor as read back: every card's (seq, head hash) at ``time``."""

    name: str
    time: datetime
    cards: dict[str, tuple[int, str]]
    sha256: str
    previous: tuple[str, str] | None = None


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key (what an anchor's ``public_key`` names)."""
    return key_fingerprint(key)


def current_heads(session: Session) -> dict[str, tuple[int, str]]:
    """Every card's last entry (seq, hash), read from the entries themselves."""
    last = (
        select(CardEntry.reg_no, func.max(CardEntry.seq).label("seq"))
        .group_by(CardEntry.reg_no)
        .subquery()
    )
    rows = session.execute(
        select(CardEntry.reg_no, CardEntry.seq, CardEntry.hash).join(
            last, and_(CardEntry.reg_no == last.c.reg_no, CardEntry.seq == last.c.seq)
        )
    )
    return {reg: (seq, digest) for reg, seq, digest in rows}


def make_body(
    heads: dict[str, tuple[int, str]],
    *,
    at: datetime,
    reason: str,
    previous: tuple[str, str] | None,
    public_key: Ed25519PublicKey,
    disputed: list[str] | None = None,
) -> dict[str, object]:
    """The anchor's content (pure): time, every card's head, the previous anchor's digest,
    and the cards whose present state contradicts the previous anchor (kept at its head)."""
    return {
        "format": FORMAT,
        "time": as_utc(at).isoformat(),
        "reason": reason,
        "cards": {reg: {"seq": seq, "hash": h} for reg, (seq, h) in sorted(heads.items())},
        "disputed": sorted(disputed or []),
        "previous": {"file": previous[0], "sha256": previous[1]} if previous else None,
        "public_key": fingerprint(public_key),
    }


def check_document(raw: bytes, public_key: Ed25519PublicKey) -> list[str]:
    """What is wrong with an anchor file's bytes under ``public_key`` (empty: valid)."""
    try:
        doc = json.loads(raw)
        body, signature = doc["body"], base64.b64decode(doc["signature"], validate=True)
    except (ValueError, KeyError, TypeError) as exc:
        return [f"berkas anchor tidak terbaca: {exc}"]
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        return ["bukan berkas anchor loket"]
    if body.get("public_key") != fingerprint(public_key):
        return ["anchor ditandatangani dengan kunci lain"]
    try:
        public_key.verify(signature, canonical(body))
    except InvalidSignature:
        return ["tanda tangan anchor tidak sah (isi diubah atau dipalsukan)"]
    return []


def _names(folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(n for n in os.listdir(folder) if _NAME.match(n))


def _read(folder: Path, name: str) -> bytes:
    with directory(folder, []) as fd, os.fdopen(open_regular(fd, name), "rb") as fh:
        return fh.read()


def _parse(name: str, raw: bytes) -> Anchor:
    body = json.loads(raw)["body"]
    cards = {reg: (int(v["seq"]), str(v["hash"])) for reg, v in body["cards"].items()}
    prev = body.get("previous")
    return Anchor(
        name,
        datetime.fromisoformat(body["time"]),
        cards,
        hashlib.sha256(raw).hexdigest(),
        (str(prev["file"]), str(prev["sha256"])) if prev else None,
    )


def name_time(name: str) -> datetime | None:
    """The moment an anchor's file name states (it is written from the body's time)."""
    m = _NAME.match(name)
    if m is None:
        return None
    return datetime.strptime(m.group(1), "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)


def check_file(name: str, raw: bytes, public_key: Ed25519PublicKey) -> list[str]:
    """:func:`check_document`, and the file's name must state the body's time: an old anchor
    copied under a newer name (a replay) is refused."""
    found = check_document(raw, public_key)
    if found:
        return found
    stated = name_time(name)
    if stated is None or stated != as_utc(_parse(name, raw).time):
        return ["nama berkas tidak sesuai dengan waktu di dalamnya (anchor lama disalin ulang?)"]
    return []


def latest(outbox: Path, keys: Keyring, *, tries: int = 50) -> tuple[Anchor | None, list[str]]:
    """The newest anchor in ``outbox/anchors`` whose signature holds, and the problems found:
    a forged or damaged newer anchor is reported and passed over (up to ``tries`` files)."""
    folder = outbox / FOLDER
    names = _names(folder)
    if not names:
        return None, []
    public = keys.public_key()
    if public is None:
        return None, [f"anchor ada di {folder} tetapi kunci tanda tangan anchor tidak ada"]
    problems: list[str] = []
    for name in reversed(names[-tries:]):
        try:
            raw = _read(folder, name)
        except OSError as exc:  # a link or a folder planted under an anchor's name
            problems.append(f"anchor {name}: tidak terbaca ({exc})")
            continue
        found = check_file(name, raw, public)
        if not found:
            return _parse(name, raw), problems
        problems += [f"anchor {name}: {p}" for p in found]
    return None, problems


def _walk(folder: Path, newest: Anchor) -> tuple[set[tuple[str, str]], list[str]]:
    """Follow the ``previous`` links from ``newest`` back: every anchor named must be there
    with the SHA-256 named and an earlier time. The signature of ``newest`` vouches for the
    whole chain through those digests. Returns the (name, SHA-256) of every link and the
    problems found (the walk stops at the first break)."""
    chain = {(newest.name, newest.sha256)}
    current = newest
    while current.previous is not None:
        name, digest = current.previous
        try:
            raw = _read(folder, name)
        except OSError:
            return chain, [f"anchor {name} (disebut oleh {current.name}) hilang atau tidak terbaca"]
        if hashlib.sha256(raw).hexdigest() != digest:
            return chain, [f"anchor {name} diubah sejak {current.name} ditulis (SHA-256 berbeda)"]
        try:
            earlier = _parse(name, raw)
        except (ValueError, KeyError, TypeError) as exc:
            return chain, [f"anchor {name}: tidak terbaca ({exc})"]
        if as_utc(earlier.time) >= as_utc(current.time) or (name, digest) in chain:
            return chain, [f"anchor {name}: urutan waktu rantai anchor rusak"]
        chain.add((name, digest))
        current = earlier
    return chain, []


def _against_record(folder: Path, recorded: tuple[str, str] | None) -> list[str]:
    """The anchor the keys folder says was written last must still be there, unchanged: a
    deleted newest anchor, or an old one put back in its place, is reported. (Two anchorings
    at once may leave the record on the older of the two; that one is still there.)"""
    if recorded is None:
        return []
    name, digest = recorded
    try:
        ok = hashlib.sha256(_read(folder, name)).hexdigest() == digest
    except OSError:
        ok = False
    if ok:
        return []
    return [
        f"anchor terbaru yang dicatat di folder kunci, {name} (SHA-256 {digest[:16]}), "
        "hilang, diubah atau diganti anchor lama"
    ]


def in_office(outbox: Path, anchor: Anchor, chain: set[tuple[str, str]]) -> bool:
    """Whether the office still holds ``anchor`` (an auditor's copy): in the chain from the
    newest back, or, written beside another at the same moment, as the same file."""
    if (anchor.name, anchor.sha256) in chain:
        return True
    try:
        raw = _read(outbox / FOLDER, anchor.name)
    except OSError:
        return False
    return hashlib.sha256(raw).hexdigest() == anchor.sha256


def audit(outbox: Path, keys: Keyring) -> tuple[Anchor | None, list[str], set[tuple[str, str]]]:
    """What ``loket card verify`` holds the cards to: the newest valid anchor, the problems of
    the anchors (forged or replayed files, a broken chain, a deleted newest anchor) and the
    chain's (name, SHA-256) links."""
    folder = outbox / FOLDER
    found, problems = latest(outbox, keys)
    chain: set[tuple[str, str]] = set()
    if found is not None:
        chain, broken = _walk(folder, found)
        problems += broken
    try:
        problems += _against_record(folder, keys.latest_anchor())
    except KeyringError as exc:
        problems.append(str(exc))
    return found, problems, chain


def read_kept(path: Path, keys: Keyring) -> tuple[Anchor | None, list[str]]:
    """An anchor an auditor kept (any path), checked under the keys folder's public key."""
    public = keys.public_key()
    if public is None:
        return None, ["kunci tanda tangan anchor tidak ada di folder kunci"]
    try:
        with directory(path.parent, []) as fd, os.fdopen(open_regular(fd, path.name), "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        return None, [f"anchor {path.name}: tidak terbaca ({exc})"]
    found = check_file(path.name, raw, public)
    if found:
        return None, [f"anchor {path.name}: {p}" for p in found]
    return _parse(path.name, raw), []


def carry_forward(
    session: Session, heads: dict[str, tuple[int, str]], previous: Anchor | None
) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """The heads to sign: the present ones, except for a card that no longer extends its head
    in ``previous`` (deleted, cut back, rewritten): that card keeps the anchored head and is
    listed as disputed, so that a new anchor never blesses a tampering."""
    if previous is None:
        return heads, []
    out = dict(heads)
    grown = {
        reg: seq
        for reg, (seq, h) in previous.cards.items()
        if reg in heads and heads[reg] != (seq, h) and heads[reg][0] > seq
    }
    at_seq: dict[tuple[str, int], str] = {}
    if grown:
        rows = session.execute(
            select(CardEntry.reg_no, CardEntry.seq, CardEntry.hash).where(
                CardEntry.reg_no.in_(grown)
            )
        )
        at_seq = {(r, q): h for r, q, h in rows if grown[r] == q}
    disputed = []
    for reg, (seq, h) in previous.cards.items():
        now = heads.get(reg)
        if now == (seq, h) or (reg in grown and at_seq.get((reg, seq)) == h):
            continue
        out[reg] = (seq, h)
        disputed.append(reg)
    return out, sorted(disputed)


def heads_to_sign(
    session: Session, *, settings: Settings, keys: Keyring | None = None
) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Every card's head as it stands, carried forward from the latest valid anchor
    (``keys``: those of ``settings`` unless given)."""
    previous, _ = latest(settings.outbox_dir, keys or keyring_for(settings))
    return carry_forward(session, current_heads(session), previous)


def write_anchor(
    session: Session,
    *,
    reason: str,
    settings: Settings,
    keys: Keyring | None = None,
) -> Path:
    """Sign the heads of all cards (carried forward) and write the anchor; returns its path."""
    heads, disputed = heads_to_sign(session, settings=settings, keys=keys)
    return write_heads(heads, reason=reason, settings=settings, keys=keys, disputed=disputed)


def write_heads(
    heads: dict[str, tuple[int, str]],
    *,
    reason: str,
    settings: Settings,
    keys: Keyring | None = None,
    disputed: list[str] | None = None,
) -> Path:
    """Sign ``heads`` with the anchor key (of ``settings`` unless ``keys`` are given) and
    write them to ``outbox/anchors/``."""
    s = settings
    keys = keys or keyring_for(s)
    private = keys.signing_key()
    last, _ = latest(s.outbox_dir, keys)  # chained to the newest valid one, not to a planted file
    previous = (last.name, last.sha256) if last else None
    now = utcnow()
    body = make_body(
        heads,
        at=now,
        reason=reason,
        previous=previous,
        public_key=private.public_key(),
        disputed=disputed,
    )
    signature = base64.b64encode(private.sign(canonical(body))).decode()
    data = json.dumps({"body": body, "signature": signature}, indent=1, ensure_ascii=True)
    name = f"anchor-{as_utc(now):%Y%m%dT%H%M%S%f}Z-{secrets.token_hex(3)}.json"
    pem = public_pem(private.public_key())
    raw = (data + "\n").encode()
    with directory(s.outbox_dir, [FOLDER], create=True) as fd:
        write_bytes(fd, name, raw)
        write_bytes(fd, PUBLIC_COPY, pem)
    keys.record_latest_anchor(name, hashlib.sha256(raw).hexdigest())
    return s.outbox_dir / FOLDER / name


def anchor_after_commit(session: Session, *, reason: str, settings: Settings) -> None:
    """Anchor the cards as ``session``'s transaction commits (a numbering): the heads are
    read inside the transaction, just before it commits (its own new entries included, no
    second connection needed), and signed and written once it has committed, so a rolled-back
    numbering writes none. A failure to write is logged, not raised: the permit is numbered
    already, and the daily anchor follows."""
    heads: dict[str, tuple[int, str]] = {}
    disputed: list[str] = []

    def _read_heads(sess: Session) -> None:
        sess.flush()
        found, contested = heads_to_sign(sess, settings=settings)
        heads.update(found)
        disputed.extend(contested)

    def _write(_sess: Session) -> None:
        try:
            write_heads(heads, reason=reason, settings=settings, disputed=disputed)
        except Exception:
            log.exception("anchor after %s not written", reason)

    event.listen(session, "before_commit", _read_heads, once=True)
    event.listen(session, "after_commit", _write, once=True)
