"""The approval chain (SOP steps 3-9): draft, paraf, signature, number, hand-over.

Functional core, no Prefect: the database is the source of truth. Each step of
``rules/alur-persetujuan.yaml`` becomes a review task (``approval_tasks``) at the desk of its
role; :func:`loket.approval.acts.act` closes it (approve or return) for an authenticated
:class:`~loket.identity.Actor` who holds the role or is its delegate (Plh.) on that day and has
given no other decision on the file, appends the hand-over to the control card, and opens the
next task. Anyone else is refused with a message in Bahasa Indonesia; the attempt is
recorded in ``approval_attempts`` and nothing else changes. Approving the ``penomoran`` step
gives the permit its number, renders ``permit.docx``/``permit.pdf`` and queues the SMS to the
applicant.

Both the CLI (``loket approve``/``loket return``, after the passphrase or a session) and the
Prefect flow (:mod:`flows.approval`, on input carrying a decision token) call
:func:`~loket.approval.acts.act`; the flow only waits and re-reads the state from here, so a
pending approval survives any restart. :meth:`Desk.gate` is where officials authenticate.

This module holds the :class:`Desk` (settings, database, rules, officials, clock), the
:class:`DeskOutcome` of an action and the queries of a file's approval rows. The actions live in
:mod:`loket.approval.start` (entering the chain, redrafting) and :mod:`loket.approval.acts`
(approve, return, hand-over); refusals in :mod:`loket.approval.refusal`; the open tasks in
:mod:`loket.approval.tasks`; the documents in :mod:`loket.approval.documents` and
:mod:`loket.approval.packets`; what the flow waits for in :mod:`loket.approval.waiting`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from loket.approval import notify
from loket.approval.chain import CHAIN_RULES, ChainFile, ServiceChain, load_chain
from loket.approval.models import OPEN, Approval, ApprovalAttempt, ApprovalTask, Permit
from loket.approval.officials import OfficialsFile, Role
from loket.approval.officials import load_officials as _load_officials
from loket.calendar import CALENDAR_DIR, WorkCalendar, office_calendar
from loket.common.clock import as_utc, utcnow
from loket.common.db import open_database
from loket.common.settings import Settings
from loket.identity import Gate

SYSTEM = "loket (otomatis)"
APPROVE = "setuju"
RETURN = "kembalikan"


@dataclass
class Desk:
    """Everything the chain needs: settings, database, rules, officials, the clock."""

    settings: Settings
    db: sessionmaker[Session]
    chains: ChainFile
    officials: OfficialsFile
    notify_rules: notify.NotifyRules
    pdf: bool = True
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def load(
        cls,
        settings: Settings,
        *,
        pdf: bool = True,
        db: sessionmaker[Session] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> Desk:
        """The desk of ``settings``: its chains, officials and notification rules read from
        the rules folder; ``db``: the office's session factory (default: opened from the
        settings' database URL)."""
        s = settings
        return cls(
            settings=s,
            db=db if db is not None else open_database(s.db_url),
            chains=load_chain(s.rules_dir / CHAIN_RULES),
            officials=_load_officials(s.rules_dir / "officials.yaml"),
            notify_rules=notify.load_notify_rules(s.rules_dir / notify.NOTIFY_RULES),
            pdf=pdf,
            clock=clock,
        )

    @property
    def calendar(self) -> WorkCalendar:
        """The office's working days and hours (``rules/calendar/``), by which every norm of
        the chain is timed."""
        return office_calendar(self.settings.rules_dir / CALENDAR_DIR)

    def now(self) -> datetime:
        return as_utc(self.clock()).replace(microsecond=0)

    def folder(self, reg_no: str) -> Path:
        return self.settings.outbox_dir / reg_no

    def chain(self, service: str) -> ServiceChain:
        return self.chains.for_service(service)

    def gate(self) -> Gate:
        """Where the officials of this desk authenticate (:mod:`loket.identity`)."""
        return gate_for(self.settings, self.db, self.officials, self.clock)


def gate_for(
    settings: Settings,
    db: sessionmaker[Session],
    officials: OfficialsFile,
    clock: Callable[[], datetime] = utcnow,
) -> Gate:
    """The identity gate of ``officials`` (the administrators are those with that role)."""
    return Gate(
        db=db,
        settings=settings,
        people=officials.by_nip,
        administrators=lambda: [o.nip for o in officials.with_role(Role.administrator)],
        clock=clock,
    )


@dataclass(frozen=True)
class DeskOutcome:
    """What an action did, for the CLI and the flow."""

    reg_no: str
    message: str
    closed_task: int | None = None
    next_task: int | None = None
    next_role: str | None = None
    number: str | None = None
    files: list[Path] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# queries


def get(session: Session, reg_no: str) -> Approval | None:
    return session.scalars(select(Approval).where(Approval.reg_no == reg_no)).first()


def open_task(session: Session, reg_no: str) -> ApprovalTask | None:
    return session.scalars(
        select(ApprovalTask)
        .where(ApprovalTask.reg_no == reg_no, ApprovalTask.status == OPEN)
        .order_by(ApprovalTask.id.desc())
    ).first()


def tasks_of(session: Session, reg_no: str) -> list[ApprovalTask]:
    return list(
        session.scalars(
            select(ApprovalTask).where(ApprovalTask.reg_no == reg_no).order_by(ApprovalTask.id)
        )
    )


def attempts_of(session: Session, reg_no: str, task_id: int | None = None) -> list[ApprovalAttempt]:
    q = select(ApprovalAttempt).where(ApprovalAttempt.reg_no == reg_no)
    if task_id is not None:
        q = q.where(ApprovalAttempt.task_id == task_id)
    return list(session.scalars(q.order_by(ApprovalAttempt.id)))


def permit_of(session: Session, reg_no: str) -> Permit | None:
    return session.scalars(select(Permit).where(Permit.reg_no == reg_no)).first()
