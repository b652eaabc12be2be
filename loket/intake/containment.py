"""Failures of one input kept to that input: the steps the flows run, contained (see
:mod:`loket.intake.faults`).

Every attempt at a stage of one submission or application is logged before it starts
(:func:`loket.intake.faults.begin`); a failure is recorded with an error id; an item a run died on
is worked on alone, first; an item that failed three times, counting runs that died while it
was alone, is parked and left alone until an officer retries it. The run goes on. A fault of
the office itself (database, disk, rules) is raised as :class:`loket.common.errors.OfficeBroken`.
No Prefect here: ``flows/intake.py``, ``flows/checks.py`` and ``flows/distributed.py`` call
these steps.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from loket.common.errors import OfficeBroken, office_fault
from loket.common.settings import Settings
from loket.intake import faults, register
from loket.intake import steps as intake
from loket.intake.inbox import Submission

log = logging.getLogger("loket.containment")


def raise_if_office_fault(exc: BaseException) -> None:
    """A fault of the office itself (database, disk) stops the run with what is wrong."""
    why = office_fault(exc)
    if why:
        raise OfficeBroken(why) from exc


def _source_of(db: sessionmaker[Session], reg_no: str) -> str:
    with db() as session:
        app = register.get(session, reg_no)
        return app.source if app else reg_no


def start_application(
    settings: Settings, db: sessionmaker[Session], reg_no: str, stage: str, *, alone: bool = False
) -> bool:
    """Log an attempt at ``stage`` of one application (``alone``: nothing else is worked on
    meanwhile); False, and the application parked with a notice, when its earlier attempts
    there reached the limit."""
    source = _source_of(db, reg_no)
    failure = faults.park_if_exhausted(db, stage=stage, source=source, reg_no=reg_no)
    if failure is not None:
        intake.write_park_notice(settings, reg_no, failure)
        log.error("%s: %s / %s", reg_no, failure.alasan, failure.reason)
        return False
    faults.begin(db, stage=stage, source=source, reg_no=reg_no, alone=alone)
    return True


def suspect_application(db: sessionmaker[Session], reg_no: str, stage: str) -> bool:
    """Whether a run died while ``reg_no`` was being worked on at ``stage``."""
    return faults.suspect(db, stage=stage, source=_source_of(db, reg_no), reg_no=reg_no)


def suspect_submission(db: sessionmaker[Session], sub: Submission) -> bool:
    """Whether a run died while this version of ``sub`` was being taken."""
    return faults.suspect(db, stage="accept", source=sub.name, key=intake.version_key(sub))


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
    sub: Submission, settings: Settings, db: sessionmaker[Session], *, alone: bool = False
) -> intake.Accepted:
    """:func:`loket.intake.steps.accept` for one submission, its failures kept to it: a parked
    version is left alone, a failing one recorded and parked on its third attempt."""
    if intake.is_empty_folder(sub):  # nothing to fail on; reported once, not logged per run
        return intake.accept(sub, settings, db, prefix=settings.registration_prefix)
    key = intake.version_key(sub)
    if faults.is_parked(db, sub.name, key):
        return intake.Accepted(sub.name, "parked", message="parked: loket retry")
    failure = faults.park_if_exhausted(db, stage="accept", source=sub.name, reg_no=None, key=key)
    if failure is None:
        faults.begin(db, stage="accept", source=sub.name, key=key, alone=alone)
        try:
            result = intake.accept(sub, settings, db, prefix=settings.registration_prefix)
        except Exception as exc:
            raise_if_office_fault(exc)
            failure = faults.record(db, exc, stage="accept", source=sub.name, key=key)
        else:
            faults.done(db, stage="accept", source=sub.name, detail={"outcome": result.outcome})
            return result
    if failure.parked:
        intake.write_park_notice(settings, sub.name, failure)
    outcome = "parked" if failure.parked else "failed"
    return intake.Accepted(sub.name, outcome, message=f"{failure.alasan} / {failure.reason}")
