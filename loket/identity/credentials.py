"""Passphrases: set by an administrator, changed at first use, checked with a lockout.

Only an argon2id hash is stored (argon2-cffi; its cost from the settings, so that tests can
use cheap parameters and an office can raise them). A passphrase set by an administrator
must be changed by its official before the first act (:class:`MustChange`); after
``login_max_failures`` wrong passphrases in a row the credential is locked for
``login_lockout_minutes``. Every outcome is written to the identity log.

Bootstrapping: while no administrator has a passphrase, the passphrase of an administrator
may be set without one (the first ``loket officials set-password`` on a new installation).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from loket.common.clock import as_utc, to_wib
from loket.identity import events
from loket.identity.actor import Actor, AuthError, Gate, MustChange, Person, _actor
from loket.identity.models import Credential

MIN_LENGTH = 10
BOOTSTRAP = "bootstrap"


@cache
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def hasher(gate: Gate) -> PasswordHasher:
    """The argon2id hasher with the cost from the settings."""
    s = gate.settings
    return _hasher(s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism)


def _check_new(nip: str, passphrase: str) -> None:
    if len(passphrase) < MIN_LENGTH:
        raise AuthError(f"kata sandi terlalu pendek: paling sedikit {MIN_LENGTH} karakter")
    if nip in passphrase.replace(" ", ""):
        raise AuthError("kata sandi tidak boleh memuat NIP")


def has_credential(gate: Gate, nip: str) -> bool:
    with gate.db() as session:
        return session.get(Credential, nip) is not None


def bootstrap_open(gate: Gate) -> bool:
    """True while no administrator has a passphrase (the first one may then be set freely)."""
    admins = gate.administrators()
    with gate.db() as session:
        found = session.scalars(select(Credential.nip).where(Credential.nip.in_(admins))).first()
    return found is None


def set_password(
    gate: Gate, admin: Actor | None, nip: str, passphrase: str, channel: str = "cli"
) -> bool:
    """Set the passphrase of ``nip`` (an administrator's act; returns whether the official
    must change it at first use). ``admin`` None is the bootstrap: allowed only for an
    administrator while no administrator has a passphrase."""
    nip = nip.replace(" ", "")
    person = gate.person(nip)
    if person is None:
        raise AuthError(f"NIP {nip} tidak terdaftar atau tidak aktif di daftar pejabat.")
    if admin is None:
        if not (bootstrap_open(gate) and nip in gate.administrators()):
            raise AuthError(
                "hanya administrator yang dapat menetapkan kata sandi (--admin NIP); tanpa "
                "administrator hanya kata sandi administrator pertama yang dapat ditetapkan"
            )
    elif admin.nip not in gate.administrators():
        events.record(gate, admin.nip, events.REFUSED, channel, f"bukan administrator ({nip})")
        raise AuthError(f"{admin.name} bukan administrator; kata sandi tidak diubah")
    _check_new(nip, passphrase)
    must_change = admin is not None and admin.nip != nip
    now = gate.now()
    with gate.db.begin() as session:
        row = session.get(Credential, nip)
        if row is None:
            row = Credential(nip=nip, hash="", set_at=now, set_by="")
            session.add(row)
        row.hash = hasher(gate).hash(passphrase)
        row.must_change, row.failures, row.locked_until = must_change, 0, None
        row.set_at, row.set_by = now, admin.nip if admin else BOOTSTRAP
    by = admin.name if admin else "pemasangan awal"
    events.record(gate, nip, events.PASSWORD_SET, channel, f"ditetapkan oleh {by}")
    return must_change


def authenticate(
    gate: Gate, nip: str, passphrase: str, channel: str = "cli", *, allow_change: bool = False
) -> Actor:
    """The :class:`Actor` for ``nip`` if ``passphrase`` is theirs; otherwise
    :class:`AuthError` (recorded). A passphrase set by an administrator raises
    :class:`MustChange` unless ``allow_change`` (the change itself)."""
    nip = nip.replace(" ", "")
    person = gate.person(nip)
    if person is None:
        hasher(gate).hash(passphrase)  # as slow as a known NIP: no probing who exists
        return _refuse(gate, nip, events.REFUSED, channel, f"NIP {nip} tidak terdaftar/aktif.")
    with gate.db.begin() as session:
        kind, message, must_change = _check(gate, person, session.get(Credential, nip), passphrase)
    if kind != events.LOGIN:
        return _refuse(gate, nip, kind, channel, message)
    if must_change and not allow_change:
        message = f"{person.name}: kata sandi dari administrator wajib diganti sebelum bertindak."
        events.record(gate, nip, events.MUST_CHANGE, channel, message)
        raise MustChange(message)
    events.record(gate, nip, events.LOGIN, channel, "kata sandi benar")
    return _actor(person, "kata sandi")


def _check(
    gate: Gate, person: Person, row: Credential | None, passphrase: str
) -> tuple[str, str, bool]:
    """(event kind, message, must change) of one try; counts failures and locks at the
    limit (the caller's transaction keeps the count)."""
    now = gate.now()
    if row is None:
        return (
            events.REFUSED,
            f"{person.name} belum memiliki kata sandi; minta administrator menetapkannya "
            f"('loket officials set-password {person.nip}').",
            False,
        )
    if row.locked_until is not None and as_utc(row.locked_until) > now:
        return events.REFUSED, _locked_message(person, row.locked_until), False
    if _verify(gate, row, passphrase):
        row.failures, row.locked_until = 0, None
        return events.LOGIN, "", row.must_change
    row.failures += 1
    limit = gate.settings.login_max_failures
    if row.failures >= limit:
        row.failures = 0
        row.locked_until = now + timedelta(minutes=gate.settings.login_lockout_minutes)
        return (
            events.LOCKED,
            f"{limit} kali salah: {_locked_message(person, row.locked_until)}",
            False,
        )
    left = limit - row.failures
    message = f"kata sandi salah untuk NIP {person.nip} (sisa {left} percobaan sebelum dikunci)."
    return events.REFUSED, message, False


def change_password(gate: Gate, nip: str, old: str, new: str, channel: str = "cli") -> Actor:
    """The official changes their own passphrase (required after an administrator set it)."""
    actor = authenticate(gate, nip, old, channel, allow_change=True)
    if new == old:
        raise AuthError("kata sandi baru harus berbeda dari yang lama")
    _check_new(actor.nip, new)
    with gate.db.begin() as session:
        row = session.get(Credential, actor.nip)
        assert row is not None
        row.hash = hasher(gate).hash(new)
        row.must_change, row.changed_at = False, gate.now()
    events.record(gate, actor.nip, events.PASSWORD_CHANGED, channel, "diganti sendiri")
    return actor


def _verify(gate: Gate, row: Credential, passphrase: str) -> bool:
    """Check against the stored hash; a hash made with older costs is upgraded."""
    ph = hasher(gate)
    try:
        ph.verify(row.hash, passphrase)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if ph.check_needs_rehash(row.hash):
        row.hash = ph.hash(passphrase)
    return True


def _locked_message(person: Person, until: datetime) -> str:
    return f"akun {person.name} dikunci sampai {to_wib(until):%d-%m-%Y %H.%M} WIB."


def _refuse(gate: Gate, nip: str, kind: str, channel: str, message: str) -> Actor:
    events.record(gate, nip, kind, channel, message)
    raise AuthError(message)
