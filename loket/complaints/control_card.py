"""The control card (kartu kendali) of the application a complaint is about, kept with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.common.clock import as_utc, utcnow
from loket.common.settings import Settings
from loket.intake import Application, IntakeEvent


@dataclass
class ControlCard:
    """What is known about an application's journey through the office.

    The register row and its intake events, and the control card proper
    (:mod:`loket.approval.control_card`): every receipt and hand-over desk by desk (who, role, when
    received, when handed over, action, note), its hash-chain check, refused attempts and
    the permit number once given.
    """

    reg_no: str
    found: bool
    collected_at: datetime
    application: dict[str, object] | None = None
    events: list[dict[str, object]] = field(default_factory=list)
    entries: list[dict[str, object]] = field(default_factory=list)
    refused: list[dict[str, object]] = field(default_factory=list)
    integrity: list[str] = field(default_factory=list)  # problems; empty when intact
    permit_number: str | None = None
    approval_status: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "reg_no": self.reg_no,
            "found": self.found,
            "collected_at": self.collected_at.isoformat(),
            "application": self.application,
            "events": self.events,
            "entries": self.entries,
            "refused": self.refused,
            "integrity": self.integrity,
            "permit_number": self.permit_number,
            "approval_status": self.approval_status,
        }


def collect_control_card(session: Session, reg_no: str, *, settings: Settings) -> ControlCard:
    """Collect the control card of application ``reg_no`` (standard: on every complaint);
    ``settings`` (the office's) give the keys its hand-overs are checked with."""
    app = session.scalars(select(Application).where(Application.reg_no == reg_no)).first()
    card = ControlCard(reg_no=reg_no, found=app is not None, collected_at=utcnow())
    if app is None:
        return card
    card.application = {
        "reg_no": app.reg_no,
        "service": app.service,
        "source": app.source,
        "received_at": as_utc(app.received_at).isoformat(),
        "status": app.status,
        "verdict": app.verdict,
        "pages": app.pages,
        "updated_at": as_utc(app.updated_at).isoformat(),
        "files": [f.relpath for f in app.files],
    }
    events = session.scalars(
        select(IntakeEvent).where(IntakeEvent.reg_no == reg_no).order_by(IntakeEvent.id)
    )
    card.events = [
        {
            "at": as_utc(e.at).isoformat(),
            "kind": e.kind,
            "source": e.source,
            "detail": e.detail,
        }
        for e in events
    ]
    _add_hand_overs(session, card, settings)
    return card


def _add_hand_overs(session: Session, card: ControlCard, settings: Settings) -> None:
    """The desk-by-desk entries of the control card (approval chain), when there are any;
    their integrity checked with the keys of ``settings`` (the office's)."""
    from loket.approval import Approval, ApprovalAttempt, Permit, card_entries, verify_card

    def iso(value: datetime | None) -> str | None:
        return as_utc(value).isoformat() if value else None

    card.entries = [
        {
            "seq": e.seq,
            "sop_step": e.sop_step,
            "activity": e.activity,
            "action": e.action,
            "role": e.role,
            "actor_nip": e.actor_nip,
            "actor_name": e.actor_name,
            "acting": e.acting,
            "received_at": iso(e.received_at),
            "handed_over_at": iso(e.handed_over_at),
            "due_at": iso(e.due_at),
            "outcome": e.outcome,
            "handed_to": e.handed_to,
            "note": e.note,
            "channel": e.channel,
            "hash": e.hash,
        }
        for e in card_entries(session, card.reg_no)
    ]
    card.refused = [
        {
            "at": iso(a.at),
            "actor_nip": a.actor_nip,
            "decision": a.decision,
            "channel": a.channel,
            "message": a.message,
        }
        for a in session.scalars(
            select(ApprovalAttempt).where(ApprovalAttempt.reg_no == card.reg_no)
        )
    ]
    if card.entries:
        card.integrity = verify_card(session, card.reg_no, settings=settings)[card.reg_no]
    permit = session.scalars(select(Permit).where(Permit.reg_no == card.reg_no)).first()
    card.permit_number = permit.number if permit else None
    appr = session.scalars(select(Approval).where(Approval.reg_no == card.reg_no)).first()
    card.approval_status = appr.status if appr else None
