"""Cross-checks of the control card against the rest of the register.

Every closed desk task (``approval_tasks``) and every numbered permit (``permits``) was written
in the same transaction as its card entry; a file in ``approvals`` always has a card. So a
decision, a number or a file without its entry means the card was cut down or deleted, even
when what is left of it is a consistent chain. Messages are in Bahasa Indonesia.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval.models import OPEN, Approval, ApprovalTask, CardEntry, Permit
from loket.common.clock import as_utc

#: the card entry of the numbering step (``Action.penomoran``)
NUMBERING = "penomoran"


def reg_nos_in_chain(session: Session) -> set[str]:
    """Registration numbers that reached the chain: each must have a card."""
    names = set(session.scalars(select(Approval.reg_no)))
    names |= set(session.scalars(select(ApprovalTask.reg_no).distinct()))
    names |= set(session.scalars(select(Permit.reg_no)))
    return names


def _key(role: str, nip: str | None, at: object) -> tuple[str, str | None, object]:
    return role, nip, as_utc(at).replace(microsecond=0)  # type: ignore[arg-type]


def missing_entries(session: Session, reg_no: str, rows: list[CardEntry]) -> list[str]:
    """What the approvals, tasks and permits of ``reg_no`` say the card must hold but lacks."""
    problems: list[str] = []
    if not rows and session.scalars(select(Approval.id).where(Approval.reg_no == reg_no)).first():
        problems.append("berkas ada dalam alur persetujuan tetapi kartu kendalinya tidak ada")
    recorded = {_key(e.role, e.actor_nip, e.handed_over_at) for e in rows}
    closed = session.scalars(
        select(ApprovalTask)
        .where(ApprovalTask.reg_no == reg_no, ApprovalTask.status != OPEN)
        .order_by(ApprovalTask.id)
    )
    for task in closed:
        if task.closed_at is None:
            continue
        if _key(task.role, task.actor_nip, task.closed_at) not in recorded:
            problems.append(
                f"keputusan tugas #{task.id} ({task.step_code}, NIP {task.actor_nip}) "
                "tidak ada di kartu kendali"
            )
    permit = session.scalars(select(Permit).where(Permit.reg_no == reg_no)).first()
    if permit is not None and not any(
        e.action == NUMBERING and permit.number in e.outcome for e in rows
    ):
        problems.append(f"izin bernomor {permit.number} tanpa entri penomoran di kartu kendali")
    return problems
