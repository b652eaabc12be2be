"""Helpers for tests that act as officials: cheap argon2 parameters, credentials, sign-in.

Tests authenticate for real (argon2id hash in the database, passphrase checked); only the
hash's cost is lowered, through the settings (never in production defaults).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

#: argon2 cost for tests: 1 pass, 8 KiB (the smallest argon2 allows).
CHEAP = {"LOKET_ARGON2_TIME_COST": "1", "LOKET_ARGON2_MEMORY_KIB": "8"}


def cheap_argon2(monkeypatch: Any) -> None:
    """Point the settings at the cheap argon2 parameters (pytest's ``monkeypatch``)."""
    for k, v in CHEAP.items():
        monkeypatch.setenv(k, v)


def passphrase(nip: str) -> str:
    """The test passphrase of ``nip``."""
    return f"sandi-uji-{nip[-6:]}"


def enrol(gate, nip: str) -> str:  # type: ignore[no-untyped-def]
    """Give ``nip`` a credential (as if set and already changed), returns its passphrase."""
    from loket.identity import Credential
    from loket.identity.credentials import hasher

    secret = passphrase(nip)
    with gate.db.begin() as session:
        if session.scalars(select(Credential).where(Credential.nip == nip)).first() is None:
            session.add(
                Credential(
                    nip=nip,
                    hash=hasher(gate).hash(secret),
                    must_change=False,
                    failures=0,
                    set_at=gate.now(),
                    set_by="test",
                )
            )
    return secret


def sign_in(desk, nip: str, channel: str = "cli"):  # type: ignore[no-untyped-def]
    """The authenticated Actor of ``nip`` (enrolled first if needed)."""
    from loket.identity import authenticate

    gate = desk.gate()
    return authenticate(gate, nip, enrol(gate, nip), channel)


def log_in_everyone(desk, nips) -> None:  # type: ignore[no-untyped-def]
    """A ``loket login`` session for each NIP, so that CLI acts need no passphrase input."""
    from loket.identity import open_session

    for nip in nips:
        open_session(desk.gate(), sign_in(desk, nip))


def env_gate(officials):  # type: ignore[no-untyped-def]
    """The identity gate of the loket home of the environment (cheap argon2 parameters)."""
    from loket.approval.desk import gate_for
    from loket.common.db import open_database
    from loket.common.settings import load_settings

    settings = load_settings(argon2_time_cost=1, argon2_memory_kib=8)
    return gate_for(settings, open_database(settings.db_url), officials)


def actor_for(officials, nip: str, channel: str = "cli"):  # type: ignore[no-untyped-def]
    """The authenticated Actor of ``nip`` in the loket home of the environment, for tests
    without a desk (the complaint register): enrolled first."""
    from loket.identity import authenticate

    gate = env_gate(officials)
    return authenticate(gate, nip, enrol(gate, nip), channel)


def log_in(officials, nips) -> None:  # type: ignore[no-untyped-def]
    """A ``loket login`` session for each NIP in the loket home of the environment."""
    from loket.identity import open_session

    for nip in nips:
        open_session(env_gate(officials), actor_for(officials, nip))
