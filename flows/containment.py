"""Failures of one input kept to that input, for the flows (see :mod:`loket.faults`).

A flow calls :func:`application_failed` where one application's step raised: the failure is
recorded with an error id (parked after three), and the run goes on. A fault of the office
itself (database, disk) is raised as :class:`loket.faults.OfficeBroken` instead.
"""

from __future__ import annotations

from prefect import get_run_logger
from sqlalchemy.orm import Session, sessionmaker

from loket import faults, intake, register
from loket.config import Settings


def raise_if_office_fault(exc: BaseException) -> None:
    """A fault of the office itself (database, disk) stops the run with what is wrong."""
    why = faults.office_fault(exc)
    if why:
        raise faults.OfficeBroken(why) from exc


def application_failed(
    settings: Settings, db: sessionmaker[Session], reg_no: str, stage: str, exc: BaseException
) -> faults.Failure:
    """Record a failure of one application at ``stage`` (parked on the third, with a notice
    in ``outbox/_parkir/``) and let the run go on."""
    raise_if_office_fault(exc)
    with db() as session:
        app = register.get(session, reg_no)
        source = app.source if app else reg_no
    failure = faults.record(db, exc, stage=stage, source=source, reg_no=reg_no)
    if failure.parked:
        intake.write_park_notice(settings, reg_no, failure)
    get_run_logger().error("%s: %s / %s", reg_no, failure.alasan, failure.reason)
    return failure
