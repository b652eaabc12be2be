"""Orchestration bookkeeping for :mod:`flows.approval` (no Prefect here).

What the flow run of a file waits for now (:func:`waiting_for`): the open task, the wait key
``tugas-<task id>-<n>`` (``n`` counts the refused decisions that came through the Prefect
form, so every consumed input moves the key on) and who may decide; and which flow run waits
for which file.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval.chain import Step
from loket.approval.desk import Desk, attempts_of, get, open_task
from loket.approval.models import IN_PROGRESS, Approval, ApprovalAttempt
from loket.approval.numbering import with_retries
from loket.common.clock import to_wib


def prefect_attempts(session: Session, task_id: int) -> int:
    """Decisions that came through the Prefect form for ``task_id`` and were refused: the
    flow's wait key of a task is ``tugas-<id>-<this count>``."""
    return len(
        session.scalars(
            select(ApprovalAttempt.id).where(
                ApprovalAttempt.task_id == task_id, ApprovalAttempt.channel == "prefect"
            )
        ).all()
    )


def set_flow_run(desk: Desk, reg_no: str, run_id: str | None) -> None:
    """Record the flow run that waits for this file's decisions (the Prefect view of it)."""

    def work(session: Session) -> None:
        appr = get(session, reg_no)
        if appr is not None:
            appr.flow_run_id = run_id

    with_retries(desk.db, work)


def in_progress(desk: Desk, status: str = IN_PROGRESS) -> list[tuple[str, str | None]]:
    """(reg-no, flow run id) of every file in ``status`` (default: in the chain)."""
    with desk.db() as session:
        rows = session.execute(
            select(Approval.reg_no, Approval.flow_run_id)
            .where(Approval.status == status)
            .order_by(Approval.id)
        ).all()
    return [(r, f) for r, f in rows]


@dataclass(frozen=True)
class Waiting:
    """What the flow of ``reg_no`` should wait for now (None: nothing, the chain is through)."""

    reg_no: str
    task_id: int
    key: str
    step: Step
    applicant: str
    incoming_note: str | None
    last_refusal: str | None
    holders: list[str]


def waiting_for(desk: Desk, reg_no: str) -> Waiting | None:
    with desk.db() as session:
        appr = get(session, reg_no)
        if appr is None or appr.status != IN_PROGRESS:
            return None
        task = open_task(session, reg_no)
        if task is None:
            return None
        chain = desk.chain(appr.service)
        step = chain.steps[task.step_index]
        refusals = attempts_of(session, reg_no, task.id)
        key = f"tugas-{task.id}-{prefect_attempts(session, task.id)}"
    holders = []
    today = to_wib(desk.now()).date()
    for o in desk.officials.with_role(step.role):
        holders.append(f"{o.name} (NIP {o.nip})")
        for d in o.delegations:
            plh = desk.officials.by_nip(d.nip)
            if plh is not None and d.covers(today):
                holders.append(f"Plh.: {plh.name} (NIP {plh.nip}, SK {d.decree})")
    return Waiting(
        reg_no=reg_no,
        task_id=task.id,
        key=key,
        step=step,
        applicant=appr.applicant_name or "-",
        incoming_note=task.incoming_note,
        last_refusal=refusals[-1].message if refusals else None,
        holders=holders,
    )
