"""Failures of one input kept to that input, for the flows (see :mod:`loket.faults`).

Every attempt at a stage of one submission or application is logged before it starts
(:func:`loket.faults.begin`); a failure is recorded with an error id; an item whose last three
attempts at a stage failed, or never finished (the process was killed, crashed or hung), is
parked and left alone until an officer retries it. The run goes on. A fault of the office
itself (database, disk) is raised as :class:`loket.faults.OfficeBroken` instead.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from loket import faults, intake, register
from loket.config import Settings
from loket.inbox import Submission

log = logging.getLogger("loket.flows")


def raise_if_office_fault(exc: BaseException) -> None:
    """A fault of the office itself (database, disk) stops the run with what is wrong."""
    why = faults.office_fault(exc)
    if why:
        raise faults.OfficeBroken(why) from exc


def _source_of(db: sessionmaker[Session], reg_no: str) -> str:
    with db() as session:
        app = register.get(session, reg_no)
        return app.source if app else reg_no


def start_application(
    settings: Settings, db: sessionmaker[Session], reg_no: str, stage: str
) -> bool:
    """Log an attempt at ``stage`` of one application; False (and the application parked,
    with a notice) when its last three attempts there never got through."""
    source = _source_of(db, reg_no)
    if faults.begin(db, stage=stage, source=source, reg_no=reg_no) < faults.MAX_ATTEMPTS:
        return True
    failure = faults.park_if_exhausted(db, stage=stage, source=source, reg_no=reg_no)
    if failure is not None:
        intake.write_park_notice(settings, reg_no, failure)
        log.error("%s: %s / %s", reg_no, failure.alasan, failure.reason)
    return False


def application_failed(
    settings: Settings, db: sessionmaker[Session], reg_no: str, stage: str, exc: BaseException
) -> faults.Failure:
    """Record a failure of one application at ``stage`` (parked on the third, with a notice
    in ``outbox/_parkir/``) and let the run go on."""
    raise_if_office_fault(exc)
    failure = faults.record(db, exc, stage=stage, source=_source_of(db, reg_no), reg_no=reg_no)
    if failure.parked:
        intake.write_park_notice(settings, reg_no, failure)
    log.error("%s: %s / %s", reg_no, failure.alasan, failure.reason)
    return failure


def accept_contained(
    sub: Submission, settings: Settings, db: sessionmaker[Session]
) -> intake.Accepted:
    """:func:`loket.intake.accept` for one submission, its failures kept to it: a parked
    version is left alone, a failing one recorded and parked on its third attempt."""
    if intake.is_empty_folder(sub):  # nothing to fail on; reported once, not logged per run
        return intake.accept(sub, settings, db, prefix=settings.registration_prefix)
    key = intake.version_key(sub)
    if faults.is_parked(db, sub.name, key):
        return intake.Accepted(sub.name, "parked", message="parked: loket retry")
    earlier = faults.begin(db, stage="accept", source=sub.name, key=key)
    failure = None
    if earlier >= faults.MAX_ATTEMPTS:
        failure = faults.park_if_exhausted(
            db, stage="accept", source=sub.name, reg_no=None, key=key
        )
    else:
        try:
            result = intake.accept(sub, settings, db, prefix=settings.registration_prefix)
        except Exception as exc:
            raise_if_office_fault(exc)
            failure = faults.record(db, exc, stage="accept", source=sub.name, key=key)
        else:
            faults.done(db, stage="accept", source=sub.name, detail={"outcome": result.outcome})
            return result
    if failure is None:  # parked meanwhile by another run
        return intake.Accepted(sub.name, "parked", message="parked: loket retry")
    if failure.parked:
        intake.write_park_notice(settings, sub.name, failure)
    outcome = "parked" if failure.parked else "failed"
    return intake.Accepted(sub.name, outcome, message=f"{failure.alasan} / {failure.reason}")
