"""Cross-checks of the control card against the rest of the register.

Every closed desk task (``approval_tasks``) and every numbered permit (``permits``) was written
in the same transaction as its card entry; a file in ``approvals`` always has a card. So a
decision, a number or a file without its entry means the card was cut down or deleted, even
when what is left of it is a consistent chain. Messages are in Bahasa Indonesia.

The register is read in a few queries (:func:`load_register`) and each card is then checked
without the database (:func:`missing_entries`): verifying thousands of cards stays a matter of
seconds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval.models import OPEN, Approval, ApprovalTask, CardEntry, Permit
from loket.common.clock import as_utc

#: the card entry of the numbering step (``Action.penomoran``)
NUMBERING = "penomoran"


@dataclass(frozen=True)
class Decision:
    """A closed desk task: the card must hold an entry with this role, NIP and moment."""

    task_id: int
    step_code: str
    role: str
    actor_nip: str | None
    closed_at: datetime


@dataclass
class Register:
    """What the approval tables say about the cards (of one file, or of all)."""

    in_chain: set[str] = field(default_factory=set)
    decisions: dict[str, list[Decision]] = field(default_factory=lambda: defaultdict(list))
    permits: dict[str, str] = field(default_factory=dict)  # reg no -> permit number

    def reg_nos(self) -> set[str]:
        """Registration numbers that reached the chain: each must have a card."""
        return self.in_chain | set(self.decisions) | set(self.permits)


def load_register(session: Session, reg_no: str | None = None) -> Register:
    """The approvals, closed tasks and permits of ``reg_no`` (None: of every file)."""

    def only(q, column):  # type: ignore[no-untyped-def]
        return q if reg_no is None else q.where(column == reg_no)

    reg = Register()
    reg.in_chain = set(session.scalars(only(select(Approval.reg_no), Approval.reg_no)))
    tasks = session.execute(
        only(
            select(
                ApprovalTask.reg_no,
                ApprovalTask.id,
                ApprovalTask.step_code,
                ApprovalTask.role,
                ApprovalTask.actor_nip,
                ApprovalTask.closed_at,
            ).where(ApprovalTask.status != OPEN, ApprovalTask.closed_at.is_not(None)),
            ApprovalTask.reg_no,
        ).order_by(ApprovalTask.id)
    )
    for reg_no_, *rest in tasks:
        reg.decisions[reg_no_].append(Decision(*rest))
    permits = session.execute(only(select(Permit.reg_no, Permit.number), Permit.reg_no))
    reg.permits = {r: n for r, n in permits}
    return reg


def _key(role: str, nip: str | None, at: datetime) -> tuple[str, str | None, datetime]:
    return role, nip, as_utc(at).replace(microsecond=0)


def missing_entries(reg: Register, reg_no: str, rows: list[CardEntry]) -> list[str]:
    """What the register says the card of ``reg_no`` must hold but lacks (pure)."""
    problems: list[str] = []
    if not rows and reg_no in reg.in_chain:
        problems.append("berkas ada dalam alur persetujuan tetapi kartu kendalinya tidak ada")
    recorded = {_key(e.role, e.actor_nip, e.handed_over_at) for e in rows}
    lost = [
        d
        for d in reg.decisions.get(reg_no, [])
        if _key(d.role, d.actor_nip, d.closed_at) not in recorded
    ]
    if not rows and lost:  # the whole card is gone: one line, not one per desk
        problems.append(f"{len(lost)} keputusan tugas tidak ada di kartu kendali")
        lost = []
    for d in lost:
        problems.append(
            f"keputusan tugas #{d.task_id} ({d.step_code}, NIP {d.actor_nip}) "
            "tidak ada di kartu kendali"
        )
    number = reg.permits.get(reg_no)
    if number is not None and not any(e.action == NUMBERING and number in e.outcome for e in rows):
        problems.append(f"izin bernomor {number} tanpa entri penomoran di kartu kendali")
    return problems
