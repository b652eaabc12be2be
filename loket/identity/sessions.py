"""Sessions of ``loket login``: a working day of acts without typing the passphrase again.

A session is a file ``var/sessions/<NIP>.json`` (mode 0600, written without following links)
holding the NIP, a random secret, the issue and expiry times and an HMAC of all of them with
loket's session key (``var/keys/session.key``). The database keeps only a digest of the secret
(``official_sessions``), so that ``loket logout`` (or a new ``loket login``) revokes it even
if the file was copied.
Editing the file (another NIP, a later expiry) breaks the HMAC; a file readable by others, an
expired, revoked or unknown session, or a credential locked or to be changed since, opens
nothing. A session ends at ``session_hours`` or at midnight WIB, whichever comes first.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import update

from loket.common.clock import WIB, as_utc, to_wib
from loket.common.safefs import UnsafePath, directory, open_regular, write_bytes
from loket.identity import events
from loket.identity.actor import Actor, Gate, _actor
from loket.identity.keys import key
from loket.identity.models import Credential, OfficialSession

FOLDER = "sessions"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _mac(gate: Gate, body: dict[str, str]) -> str:
    text = "|".join(body[k] for k in ("nip", "secret", "issued", "expires"))
    return hmac.new(key(gate.settings.var_dir, "session"), text.encode(), "sha256").hexdigest()


def session_path(gate: Gate, nip: str) -> Path:
    return gate.settings.var_dir / FOLDER / f"{nip}.json"


def expiry(gate: Gate, issued: datetime) -> datetime:
    """``session_hours`` after ``issued``, but never past the end of that day (WIB)."""
    local = issued.astimezone(WIB)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), WIB)
    return min(issued + timedelta(hours=gate.settings.session_hours), as_utc(midnight))


def open_session(gate: Gate, actor: Actor, channel: str = "cli") -> Path:
    """Write the session file of an authenticated official; returns its path."""
    issued = gate.now().replace(microsecond=0)
    expires = expiry(gate, issued)
    secret = secrets.token_urlsafe(32)
    with gate.db.begin() as session:  # one session per official: a new login ends the old
        session.execute(
            update(OfficialSession)
            .where(OfficialSession.nip == actor.nip, OfficialSession.revoked_at.is_(None))
            .values(revoked_at=issued)
        )
        session.add(
            OfficialSession(
                digest=_digest(secret), nip=actor.nip, issued_at=issued, expires_at=expires
            )
        )
    body = {
        "nip": actor.nip,
        "secret": secret,
        "issued": issued.isoformat(),
        "expires": expires.isoformat(),
    }
    body["mac"] = _mac(gate, body)
    with directory(gate.settings.var_dir, [FOLDER], create=True) as fd:
        os.fchmod(fd, 0o700)
        write_bytes(fd, f"{actor.nip}.json", json.dumps(body).encode(), mode=0o600)
    until = f"sampai {to_wib(expires):%d-%m-%Y %H.%M} WIB"
    events.record(gate, actor.nip, events.SESSION_OPENED, channel, until)
    return session_path(gate, actor.nip)


def _read(gate: Gate, nip: str) -> dict[str, str] | None:
    try:
        with directory(gate.settings.var_dir, [FOLDER]) as fd:
            file = open_regular(fd, f"{nip}.json")
    except FileNotFoundError:
        return None
    try:
        if os.fstat(file).st_mode & 0o077:
            raise UnsafePath(0, "session file readable by others")
        return json.loads(os.read(file, 65536))
    finally:
        os.close(file)


def session_actor(gate: Gate, nip: str, channel: str = "cli") -> Actor | None:
    """The :class:`Actor` of a valid session of ``nip``; None when there is none (a session
    that exists but does not hold is recorded and also gives None: ask the passphrase)."""
    nip = nip.replace(" ", "")
    try:
        body = _read(gate, nip)
    except (OSError, ValueError) as exc:
        return _refuse(gate, nip, channel, f"berkas sesi tidak dapat dibaca: {exc}")
    if body is None:
        return None
    problem = _problem(gate, nip, body)
    if problem:
        return _refuse(gate, nip, channel, problem)
    person = gate.person(nip)
    return _actor(person, "sesi") if person else None


def _problem(gate: Gate, nip: str, body: dict[str, str]) -> str | None:
    """Why the session ``body`` does not authenticate ``nip`` (None: it does)."""
    fields = ("nip", "secret", "issued", "expires", "mac")
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in fields):
        return "berkas sesi rusak"
    if not hmac.compare_digest(_mac(gate, body), body["mac"]):
        return "berkas sesi diubah (tanda HMAC tidak cocok)"
    if body["nip"] != nip or gate.person(nip) is None:
        return "sesi milik NIP lain"
    now = gate.now()
    if datetime.fromisoformat(body["expires"]) <= now:
        return "sesi sudah berakhir; masuk lagi dengan 'loket login'"
    with gate.db() as session:
        row = session.get(OfficialSession, _digest(body["secret"]))
        cred = session.get(Credential, nip)
    if row is None or row.nip != nip or row.revoked_at is not None:
        return "sesi tidak dikenal atau sudah ditutup"
    if as_utc(row.expires_at) <= now:
        return "sesi sudah berakhir; masuk lagi dengan 'loket login'"
    if cred is None or cred.must_change:
        return "kata sandi harus ditetapkan/diganti dulu"
    if cred.locked_until is not None and as_utc(cred.locked_until) > now:
        return "akun sedang dikunci"
    return None


def close_session(gate: Gate, nip: str, channel: str = "cli") -> bool:
    """``loket logout``: revoke the session in the database and remove its file."""
    nip = nip.replace(" ", "")
    with contextlib.suppress(OSError, ValueError):
        body = _read(gate, nip)
        if body and isinstance(body.get("secret"), str):
            with gate.db.begin() as session:
                row = session.get(OfficialSession, _digest(body["secret"]))
                if row is not None and row.revoked_at is None:
                    row.revoked_at = gate.now()
    try:
        with directory(gate.settings.var_dir, [FOLDER]) as fd:
            os.unlink(f"{nip}.json", dir_fd=fd)
    except FileNotFoundError:
        return False
    events.record(gate, nip, events.SESSION_CLOSED, channel, "keluar")
    return True


def _refuse(gate: Gate, nip: str, channel: str, message: str) -> None:
    events.record(gate, nip, events.SESSION_REFUSED, channel, message)
    return None
