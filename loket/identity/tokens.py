"""Decision tokens: how a Prefect flow run learns a decision without trusting Prefect.

Prefect's resume API takes any input from anyone who can reach it, so a decision typed into
a form (or forged in ``POST /api/flow_runs/<id>/resume``) proves nothing. loket mints a token
only after the official authenticated: ``<id>.<hmac>``, the HMAC (key ``var/keys/decision.key``,
which Prefect never sees) binding the id to the task, the official and the decision. The
database keeps the digest of the id, the binding, the expiry (``decision_token_minutes``) and
when it was used: a token opens one decision, once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import update

from loket.common.clock import as_utc
from loket.identity import events
from loket.identity.actor import Actor, AuthError, Gate, _actor
from loket.identity.keys import key
from loket.identity.models import DecisionToken


def _mac(gate: Gate, ident: str, task_id: int, nip: str, decision: str) -> str:
    text = f"{ident}|{task_id}|{nip}|{decision}".encode()
    return hmac.new(key(gate.settings.var_dir, "decision"), text, "sha256").hexdigest()


def _digest(ident: str) -> str:
    return hashlib.sha256(ident.encode()).hexdigest()


def mint(gate: Gate, actor: Actor, task_id: int, decision: str, channel: str = "cli") -> str:
    """A single-use token for ``actor``'s ``decision`` on task ``task_id``."""
    ident = secrets.token_urlsafe(18)
    now = gate.now()
    with gate.db.begin() as session:
        session.add(
            DecisionToken(
                digest=_digest(ident),
                task_id=task_id,
                nip=actor.nip,
                decision=decision,
                issued_at=now,
                expires_at=now + timedelta(minutes=gate.settings.decision_token_minutes),
            )
        )
    events.record(gate, actor.nip, events.TOKEN_MINTED, channel, f"tugas {task_id}: {decision}")
    return f"{ident}.{_mac(gate, ident, task_id, actor.nip, decision)}"


def redeem(
    gate: Gate, token: str, task_id: int, nip: str, decision: str, channel: str = "prefect"
) -> Actor:
    """The :class:`Actor` a valid token stands for, spending it; :class:`AuthError`
    (recorded) when it is forged, bound to another task, official or decision, expired or
    used."""
    nip = nip.replace(" ", "")
    ident, _, mac = (token or "").strip().partition(".")
    problem = None
    if not ident or not mac:
        problem = "tanpa token keputusan"
    elif not hmac.compare_digest(_mac(gate, ident, task_id, nip, decision), mac):
        problem = "token keputusan palsu atau untuk tugas/pejabat/keputusan lain"
    else:
        now = gate.now()
        with gate.db.begin() as session:
            spent = session.execute(
                update(DecisionToken)
                .where(
                    DecisionToken.digest == _digest(ident),
                    DecisionToken.used_at.is_(None),
                    DecisionToken.expires_at > as_utc(now),
                )
                .values(used_at=now)
            ).rowcount
        if not spent:
            problem = "token keputusan sudah dipakai, kedaluwarsa atau tidak dikenal"
    person = gate.person(nip)
    if problem or person is None:
        message = f"tugas {task_id}: {problem or 'NIP tidak terdaftar'}"
        events.record(gate, nip or "-", events.TOKEN_REFUSED, channel, message)
        raise AuthError(message)
    return _actor(person, "token")
