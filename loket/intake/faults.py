"""Failures contained to their input: an error id, a reason, and parking after three tries.

Whatever goes wrong with one page, file, submission or application stays with it: the error
gets an id (in the log with its traceback, and in the reason an officer reads), the failure
is recorded in the register's intake log, and the rest of the run goes on. An item that has
failed :data:`MAX_ATTEMPTS` times is *parked*: left alone by later runs until an officer
asks for a retry (``loket retry``), so a poisoned item never blocks the office.

Only a fault of the office itself (database unreachable, disk full or read-only, rules
invalid) stops a run: :func:`loket.common.errors.office_fault` tells the two apart.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.common.errors import describe_error, new_error_id
from loket.intake import register

log = logging.getLogger("loket.faults")

#: Failures after which an item is parked instead of being tried again.
MAX_ATTEMPTS = 3
PARKED = "parked"


@dataclass(frozen=True)
class Failure:
    """One recorded failure of an item, and whether it is now parked."""

    error_id: str
    stage: str
    error: str
    attempts: int
    parked: bool

    @property
    def alasan(self) -> str:
        state = "diparkir" if self.parked else f"dicoba lagi ({self.attempts}/{MAX_ATTEMPTS})"
        return f"Gagal pada tahap {self.stage} ({self.error_id}); {state}."

    @property
    def reason(self) -> str:
        state = "parked" if self.parked else f"will retry ({self.attempts}/{MAX_ATTEMPTS})"
        return f"Failed at stage {self.stage} ({self.error_id}); {state}."


ATTEMPT, FAILED, RETRY = "attempt", "failed", "retry"
#: Events that say an item got through a stage, closing its attempts there.
DONE = {"accepted": "accept", "processed": "read", "checked": "check"}


def _item_events(session: Session, *, source: str, reg_no: str | None) -> list[Any]:
    query = select(register.IntakeEvent).where(
        register.IntakeEvent.kind.in_((ATTEMPT, FAILED, RETRY, PARKED, *DONE))
    )
    if reg_no is not None:
        query = query.where(register.IntakeEvent.reg_no == reg_no)
    else:
        query = query.where(register.IntakeEvent.source == source)
    return list(session.scalars(query.order_by(register.IntakeEvent.id)))


@dataclass
class Tally:
    """An item's record at one stage since it last got through it or was retried."""

    failures: int = 0  # attempts that raised and were recorded
    deaths: int = 0  # attempts made alone that never ended: the process died or hung on it
    parked: bool = False
    unfinished: bool = False  # its last attempt never ended (a run died while it was open)

    @property
    def attempts(self) -> int:
        return self.failures + self.deaths


def tally(
    session: Session, *, stage: str, source: str, reg_no: str | None = None, key: str = ""
) -> Tally:
    """Count an item's failures at ``stage``. A run that dies (killed, a decoder crash, a
    hang ended by a restart) leaves its attempts open; such an attempt counts against the
    item only when it was made *alone* (see :func:`begin`): a run dying while many items
    were open says nothing about any one of them."""
    found, last_open = Tally(), None
    for row in _item_events(session, source=source, reg_no=reg_no):
        detail = json.loads(row.detail or "{}") if row.kind != "processed" else {}
        if row.kind == RETRY or DONE.get(row.kind) == stage:
            found, last_open = Tally(), None
        elif detail.get("stage") != stage or detail.get("key", "") != key:
            continue
        elif row.kind == ATTEMPT:
            found.deaths += bool(last_open and last_open.get("alone"))
            last_open = detail
        elif row.kind == FAILED:
            found.failures, last_open = found.failures + 1, None
        elif row.kind == PARKED:
            found.parked = True
    found.deaths += bool(last_open and last_open.get("alone"))
    found.unfinished = last_open is not None
    return found


def begin(
    db: sessionmaker[Session],
    *,
    stage: str,
    source: str,
    reg_no: str | None = None,
    key: str = "",
    alone: bool = False,
) -> None:
    """Log the start of an attempt at ``stage`` (``alone``: nothing else is being worked on
    in this process meanwhile). Call :func:`park_if_exhausted` first: an item whose
    attempts reached :data:`MAX_ATTEMPTS` is parked, not tried."""
    with db.begin() as session:
        register.log(session, ATTEMPT, source, reg_no, {"stage": stage, "key": key, "alone": alone})


def suspect(
    db: sessionmaker[Session], *, stage: str, source: str, reg_no: str | None = None, key: str = ""
) -> bool:
    """Whether the item's last attempt at ``stage`` never ended: a run died while it was
    being worked on. A suspect is worked on alone, so that a death can be pinned on it."""
    with db() as session:
        return tally(session, stage=stage, source=source, reg_no=reg_no, key=key).unfinished


def done(db: sessionmaker[Session], *, stage: str, source: str, detail: object = None) -> None:
    """Log that a submission got through ``stage`` (applications log ``processed`` and
    ``checked`` themselves)."""
    kind = next(k for k, v in DONE.items() if v == stage)
    with db.begin() as session:
        register.log(session, kind, source, None, detail)


def record(
    db: sessionmaker[Session],
    exc: BaseException,
    *,
    stage: str,
    source: str,
    reg_no: str | None = None,
    key: str = "",
) -> Failure:
    """Record a failure of the attempt :func:`begin` started, for an application
    (``reg_no``) or a submission not registered (``source``, ``key`` saying which version of
    it: a changed submission starts afresh); park the item on its :data:`MAX_ATTEMPTS`-th."""
    error_id = new_error_id()
    error = describe_error(exc)
    log.error("%s: %s failed at %s (%s)", source, reg_no or "-", stage, error_id, exc_info=exc)
    detail = {"stage": stage, "error_id": error_id, "error": error, "key": key}
    with db.begin() as session:
        register.log(session, FAILED, source, reg_no, detail)
    return _maybe_park(db, stage=stage, source=source, reg_no=reg_no, key=key, detail=detail)


def park_if_exhausted(
    db: sessionmaker[Session], *, stage: str, source: str, reg_no: str | None, key: str = ""
) -> Failure | None:
    """Park an item whose attempts at ``stage`` reached :data:`MAX_ATTEMPTS` (failures, and
    runs that died while it was being worked on alone); None if not (yet)."""
    with db() as session:
        found = tally(session, stage=stage, source=source, reg_no=reg_no, key=key)
    if found.parked or found.attempts < MAX_ATTEMPTS:
        return None
    detail = {
        "stage": stage, "error_id": new_error_id(), "key": key,
        "error": f"{found.failures} gagal, {found.deaths} kali proses mati tanpa hasil / "
        f"{found.failures} failed, the process died {found.deaths} times on it",
    }  # fmt: skip
    log.error("%s: %s parked at %s: %s", source, reg_no or "-", stage, detail["error"])
    return _maybe_park(db, stage=stage, source=source, reg_no=reg_no, key=key, detail=detail)


def _maybe_park(
    db: sessionmaker[Session], *, stage: str, source: str, reg_no: str | None, key: str,
    detail: dict[str, str],
) -> Failure:  # fmt: skip
    with db.begin() as session:
        found = tally(session, stage=stage, source=source, reg_no=reg_no, key=key)
        parked = found.attempts >= MAX_ATTEMPTS
        if parked and not found.parked:
            register.log(session, PARKED, source, reg_no, detail)
            app = register.get(session, reg_no) if reg_no else None
            if app is not None:
                app.status = PARKED
    return Failure(detail["error_id"], stage, detail["error"], found.attempts, parked)


def is_parked(db: sessionmaker[Session], source: str, key: str, stage: str = "accept") -> bool:
    """Whether the submission ``source`` in the version ``key`` is parked at ``stage``."""
    with db() as session:
        return tally(session, stage=stage, source=source, key=key).parked


@dataclass(frozen=True)
class Parked:
    source: str
    reg_no: str | None
    stage: str
    error_id: str
    error: str


def parked_items(db: sessionmaker[Session]) -> list[Parked]:
    """Every item parked and not retried since, oldest first."""
    with db() as session:
        rows = session.scalars(
            select(register.IntakeEvent)
            .where(register.IntakeEvent.kind.in_((PARKED, RETRY)))
            .order_by(register.IntakeEvent.id)
        ).all()
    items: dict[tuple[str, str | None], Parked] = {}
    for row in rows:
        ident = (row.source, row.reg_no)
        if row.kind == RETRY:
            items.pop(ident, None)
            continue
        detail = json.loads(row.detail or "{}")
        items[ident] = Parked(
            row.source, row.reg_no, detail.get("stage", "?"), detail.get("error_id", "?"),
            detail.get("error", ""),
        )  # fmt: skip
    return list(items.values())


def retry(db: sessionmaker[Session], item: str) -> Parked | None:
    """Give a parked item (a registration number or a submission name) three more tries;
    a parked application goes back to be read again. None when nothing by that name is
    parked."""
    for found in parked_items(db):
        if item in (found.reg_no, found.source):
            with db.begin() as session:
                register.log(session, RETRY, found.source, found.reg_no, {"of": found.error_id})
                app = register.get(session, found.reg_no) if found.reg_no else None
                if app is not None and app.status == PARKED:
                    app.status = "received"
            return found
    return None
