"""Review tasks: opening the task of a step at its desk, and the list of open tasks.

A task (``approval_tasks``) is one step of the chain waiting at the desk of its role, due
after the step's norm in working time; the list shows each official what they may act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval.chain import ServiceChain, Step
from loket.approval.desk import APPROVE, RETURN, Desk, get, tasks_of
from loket.approval.models import OPEN, ApprovalTask
from loket.approval.officials import NotAuthorized, authorize
from loket.approval.packets import packet_dir
from loket.calendar import WorkCalendar
from loket.common.clock import as_utc, to_wib, utcnow
from loket.identity import PriorDecision, conflict


def add_task(
    session: Session,
    reg_no: str,
    index: int,
    step: Step,
    now: datetime,
    note: str | None,
    *,
    calendar: WorkCalendar,
) -> ApprovalTask:
    """Open the task of step ``index`` at its desk, due after the step's norm (counted in
    the office's working time, ``calendar``)."""
    task = ApprovalTask(
        reg_no=reg_no,
        step_index=index,
        step_code=step.code,
        role=step.role.value,
        action=step.action.value,
        status=OPEN,
        opened_at=now,
        due_at=step.norm.due(now, calendar),
        incoming_note=note,
    )
    session.add(task)
    session.flush()
    return task


@dataclass(frozen=True)
class TaskView:
    id: int
    reg_no: str
    step: Step
    step_no: int
    steps: int
    applicant: str
    opened_at: datetime
    due_at: datetime
    incoming_note: str | None
    packet: Path | None
    may_act_as: str | None  # None: the holder; "Plh." for a delegate

    @property
    def overdue(self) -> bool:
        return utcnow() > as_utc(self.due_at)


def _barred(session: Session, chain: ServiceChain, task: ApprovalTask, nip: str) -> bool:
    """Whether ``nip`` already decided another step of the task's file (separation of
    duties: they may not act on this one)."""
    prior = [
        PriorDecision(t.step_index, chain.steps[t.step_index].title, t.actor_nip)
        for t in tasks_of(session, task.reg_no)
        if t.actor_nip and t.decision in (APPROVE, RETURN)
    ]
    return conflict(prior, nip.replace(" ", ""), task.step_index) is not None


def list_tasks(desk: Desk, nip: str | None = None) -> list[TaskView]:
    """Open tasks, oldest first; with ``nip`` only those this official may act on (their
    role or a delegation covering today, and no other decision of theirs on the file)."""
    views: list[TaskView] = []
    today = to_wib(desk.now()).date()
    with desk.db() as session:
        rows = session.scalars(
            select(ApprovalTask).where(ApprovalTask.status == OPEN).order_by(ApprovalTask.opened_at)
        ).all()
        for t in rows:
            appr = get(session, t.reg_no)
            if appr is None:
                continue
            chain = desk.chain(appr.service)
            step = chain.steps[t.step_index]
            acting: str | None = None
            if nip is not None:
                try:
                    acting = authorize(desk.officials, nip, step.role, today).acting
                except NotAuthorized:
                    continue
                if _barred(session, chain, t, nip):
                    continue
            packet = packet_dir(desk, t.role, t.reg_no)
            views.append(
                TaskView(
                    id=t.id,
                    reg_no=t.reg_no,
                    step=step,
                    step_no=t.step_index + 1,
                    steps=len(chain.steps),
                    applicant=appr.applicant_name or "-",
                    opened_at=as_utc(t.opened_at),
                    due_at=as_utc(t.due_at),
                    incoming_note=t.incoming_note,
                    packet=packet if packet.is_dir() else None,
                    may_act_as=acting,
                )
            )
    return views
