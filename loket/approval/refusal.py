"""Refusals of the approval chain: the two errors and the one way to refuse an attempt.

:class:`ApprovalError` is a request that cannot be carried out (nothing is recorded);
:class:`Refused` is an attempt that was refused *and recorded* in ``approval_attempts`` (wrong
person, task already decided, ...), so the control card lists it. :class:`Attempt` names who
tried what through which channel, and refuses it with a reason (:meth:`Attempt.refused`) or
checks the actor's authority for a role first (:meth:`Attempt.authorize`). Messages are for the
officer, in Bahasa Indonesia.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from loket.approval.desk import Desk
from loket.approval.models import ApprovalAttempt
from loket.approval.numbering import with_retries
from loket.approval.officials import Authority, NotAuthorized, Role, authorize
from loket.common.clock import to_wib
from loket.identity import Actor


class ApprovalError(ValueError):
    """A request that cannot be carried out; the message is for the officer (Indonesian)."""


class Refused(PermissionError):
    """An attempt refused and recorded (wrong person, task already decided, ...)."""


def not_in_chain(reg_no: str) -> ApprovalError:
    """The error for a file that has not entered the approval chain."""
    return ApprovalError(f"{reg_no} belum masuk alur persetujuan")


def refuse(
    desk: Desk,
    reg_no: str,
    task_id: int | None,
    nip: str,
    name: str | None,
    decision: str,
    channel: str,
    message: str,
) -> Refused:
    """Record the refused attempt (its own transaction); returns the error to raise."""

    def work(session: Session) -> None:
        session.add(
            ApprovalAttempt(
                at=desk.now(),
                reg_no=reg_no,
                task_id=task_id,
                actor_nip=nip,
                actor_name=name,
                decision=decision,
                channel=channel,
                message=message,
            )
        )

    with_retries(desk.db, work)
    return Refused(message)


@dataclass(frozen=True)
class Attempt:
    """One official's attempt at a file: what a refusal of it records."""

    desk: Desk
    reg_no: str
    nip: str
    name: str | None
    decision: str
    channel: str

    def refused(self, task_id: int | None, message: str) -> Refused:
        """Record this attempt on ``task_id`` as refused with ``message``; the error to raise."""
        return refuse(
            self.desk,
            self.reg_no,
            task_id,
            self.nip,
            self.name,
            self.decision,
            self.channel,
            message,
        )

    @classmethod
    def of(cls, desk: Desk, reg_no: str, actor: Actor, decision: str, channel: str) -> Attempt:
        """The attempt of an authenticated ``actor`` (anything else is a programming error:
        no act is recorded for a NIP someone merely typed)."""
        if not isinstance(actor, Actor):
            raise TypeError(f"an authenticated loket.identity.Actor is required, not {actor!r}")
        return cls(desk, reg_no, actor.nip, actor.name, decision, channel)

    def authorize(self, task_id: int | None, role: Role | str, why: str = "") -> Authority:
        """The actor's authority for ``role`` today (a delegation must cover the day), or a
        recorded refusal ``Ditolak: <reason><why>``."""
        try:
            return authorize(self.desk.officials, self.nip, role, to_wib(self.desk.now()).date())
        except NotAuthorized as exc:
            raise self.refused(task_id, f"Ditolak: {exc}{why}") from None
