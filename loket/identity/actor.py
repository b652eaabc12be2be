"""Who acts: an :class:`Actor` is proof that an official authenticated, and the :class:`Gate`
through which every authentication goes.

The domain's acts (approve, return, sign, confirm a checklist cell, review a complaint report)
take an ``Actor`` instead of a NIP string, so that no code path can record a decision for a
NIP that someone merely typed. An ``Actor`` is made only here, after a passphrase, a session
or a decision token was checked: its constructor demands a seal private to this package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from loket.common.clock import as_utc, utcnow
from loket.common.settings import Settings

_SEAL = object()


class Person(Protocol):
    """What identity needs to know of an official (``loket.approval.Official`` is one)."""

    @property
    def nip(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def active(self) -> bool: ...


@dataclass(frozen=True)
class Actor:
    """An official who proved who they are, ``via`` a passphrase, a session or a token."""

    nip: str
    name: str
    via: str
    seal: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.seal is not _SEAL:
            raise TypeError("an Actor is made only by loket.identity, after authentication")


def _actor(person: Person, via: str) -> Actor:
    return Actor(nip=person.nip, name=person.name, via=via, seal=_SEAL)


class AuthError(PermissionError):
    """Authentication refused (and recorded); the message is for the officer (Indonesian)."""


class MustChange(AuthError):
    """The passphrase was right but was set by an administrator: it must be changed first."""


@dataclass
class Gate:
    """Everything authentication needs: the database, the settings (argon2 parameters,
    lockout, session length, where the keys live), the officials and the clock."""

    db: sessionmaker[Session]
    settings: Settings
    people: Callable[[str], Person | None]
    administrators: Callable[[], list[str]]
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        return as_utc(self.clock())

    def person(self, nip: str) -> Person | None:
        found = self.people(nip.replace(" ", ""))
        return found if found is not None and found.active else None
