"""Complaint register (Buku Pengaduan): pengaduan, saran and masukan from every channel.

Functional core: models, the rules of ``rules/complaints.yaml``, weight suggestion, routing
(who must be involved for a weight), deadlines, coordination steps and answers. Intake from
files is in :mod:`loket.complaints.importing`, reply drafts in :mod:`loket.complaints.reply`,
the monthly report in :mod:`loket.complaints.report`.

Times are stored in UTC and shown in WIB (Asia/Jakarta).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from loket.approval.officials import ROLE_LABELS, Official, Role
from loket.calendar.loading import office_calendar
from loket.common.db import Base, UtcDateTime
from loket.common.rulesfile import load_model
from loket.common.saferegex import SafePattern, compile_rule
from loket.intake.register import Application, IntakeEvent, next_number

WIB = ZoneInfo("Asia/Jakarta")

WeightCode = Literal["ringan", "sedang", "berat"]
WEIGHTS: tuple[WeightCode, ...] = ("ringan", "sedang", "berat")
ReplyKind = Literal["surat", "email", "catatan"]

STATUS_NEW = "baru"  # received, weight not yet confirmed
STATUS_IN_PROGRESS = "diproses"  # weight confirmed, coordination/answer pending
STATUS_ANSWERED = "dijawab"
STATUS_LABELS = {
    STATUS_NEW: "Baru",
    STATUS_IN_PROGRESS: "Dalam Proses",
    STATUS_ANSWERED: "Sudah Dijawab",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Aware UTC datetime; naive values (as SQLite returns them) are taken to be UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def to_wib(value: datetime) -> datetime:
    return as_utc(value).astimezone(WIB)


# ---------------------------------------------------------------------------------------
# rules/complaints.yaml


class Channel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    reply: ReplyKind


class ComplaintType(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    keywords: list[str] = Field(default_factory=list)


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int = Field(ge=0)
    working_days: bool = True


class WeightRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    description: str
    deadline: Deadline
    coordination: list[list[Role]] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)


class SmsColumns(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: list[str]
    sender: list[str]
    text: list[str]
    name: list[str] = Field(default_factory=list)
    direction: list[str] = Field(default_factory=list)
    incoming_values: list[str] = Field(default_factory=list)


class ComplaintRules(BaseModel):
    """Schema of ``rules/complaints.yaml``."""

    model_config = ConfigDict(extra="forbid")

    numbering_prefix: str = Field(default="PGD", pattern=r"^[A-Z]{2,8}$")
    default_weight: WeightCode = "ringan"
    default_type: str = "pengaduan"
    channels: dict[str, Channel]
    types: dict[str, ComplaintType]
    weights: dict[WeightCode, WeightRule]
    sms_csv: SmsColumns

    @model_validator(mode="after")
    def _complete(self) -> ComplaintRules:
        missing = [w for w in WEIGHTS if w not in self.weights]
        if missing:
            raise ValueError(f"weights must define ringan, sedang and berat (missing {missing})")
        if self.default_type not in self.types:
            raise ValueError(f"default_type {self.default_type!r} is not one of types")
        return self

    def channel_label(self, code: str) -> str:
        return self.channels[code].label if code in self.channels else code

    def type_label(self, code: str) -> str:
        return self.types[code].label if code in self.types else code

    def weight_label(self, code: str | None) -> str:
        if code is None:
            return "-"
        return self.weights[code].label if code in self.weights else code  # type: ignore[index]


def load_rules(path: Path) -> ComplaintRules:
    return load_model(path, ComplaintRules)


# ---------------------------------------------------------------------------------------
# keyword suggestions


@cache
def _keyword_pattern(keyword: str) -> SafePattern:
    # a keyword comes from rules/complaints.yaml and runs over text the public wrote:
    # 'a*a*a*…' is polynomial backtracking, so it runs with the rules' time limit
    parts = [re.escape(p) for p in keyword.strip().lower().split("*")]
    body = r"\w*".join(parts)
    return compile_rule(rf"(?<!\w){body}(?!\w)")


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def matched_keywords(text: str, keywords: list[str]) -> list[str]:
    """The words of ``text`` matched by ``keywords`` (each reported once, in rule order)."""
    norm = _normalise(text)
    found: list[str] = []
    for k in keywords:
        m = _keyword_pattern(k).search(norm) if k.strip() else None
        if m and m.group(0) not in found:
            found.append(m.group(0))
    return found


@dataclass(frozen=True)
class Suggestion:
    value: str
    matched: list[str]

    @property
    def reason(self) -> str:
        if not self.matched:
            return "tidak ada kata kunci yang cocok (bobot bawaan)"
        return "kata kunci: " + ", ".join(self.matched)


def suggest_weight(rules: ComplaintRules, text: str) -> Suggestion:
    """The heaviest weight whose keywords occur in ``text`` (else the default)."""
    for weight in reversed(WEIGHTS):
        found = matched_keywords(text, rules.weights[weight].keywords)
        if found and weight != "ringan":
            return Suggestion(weight, found)
    found = matched_keywords(text, rules.weights["ringan"].keywords)
    if found:
        return Suggestion("ringan", found)
    return Suggestion(rules.default_weight, [])


def suggest_type(rules: ComplaintRules, text: str) -> Suggestion:
    for code, kind in rules.types.items():
        found = matched_keywords(text, kind.keywords)
        if found:
            return Suggestion(code, found)
    return Suggestion(rules.default_type, [])


def find_reg_no(text: str, prefix: str) -> str | None:
    """The first registration number such as ``SIKR-2026-000123`` mentioned in ``text``."""
    m = re.search(
        rf"(?<![A-Za-z0-9]){re.escape(prefix)}[-/ ]?(\d{{4}})[-/ ]?(\d{{6}})(?!\d)",
        text,
        flags=re.IGNORECASE,
    )
    return f"{prefix.upper()}-{m.group(1)}-{m.group(2)}" if m else None


# ---------------------------------------------------------------------------------------
# working days


def is_working_day(day: date) -> bool:
    """Whether the office is open on ``day`` (the office calendar, rules/calendar/)."""
    return office_calendar().is_working_day(day)


def add_days(start: date, deadline: Deadline) -> date:
    """``start`` plus the deadline's days (working days: the office calendar's open days,
    i.e. without weekends, holidays, cuti bersama and the office's own closures)."""
    if not deadline.working_days:
        return start + timedelta(days=deadline.days)
    return office_calendar().add_working_dates(start, deadline.days)


def due_at(rules: ComplaintRules, weight: str, received_at: datetime) -> datetime:
    """End of the last day (WIB) on which a complaint of ``weight`` must be answered."""
    rule = rules.weights[weight]  # type: ignore[index]
    last = add_days(to_wib(received_at).date(), rule.deadline)
    return datetime.combine(last, time(23, 59, 59), tzinfo=WIB).astimezone(UTC)


# ---------------------------------------------------------------------------------------
# models


class Complaint(Base):
    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_phone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    complainant_email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    complainant_address: Mapped[str | None] = mapped_column(Text, nullable=True)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))
    weight_suggested: Mapped[str] = mapped_column(String(16))
    weight_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    weight: Mapped[str | None] = mapped_column(String(16), nullable=True)  # confirmed
    weight_confirmed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    related_reg_no: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    handler_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    handler_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_NEW)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    answered_by_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    answered_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    source: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    source_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    attachments: Mapped[list[ComplaintAttachment]] = relationship(
        back_populates="complaint", order_by="ComplaintAttachment.id"
    )
    steps: Mapped[list[ComplaintStep]] = relationship(
        back_populates="complaint", order_by="ComplaintStep.id"
    )


class ComplaintAttachment(Base):
    """A file kept with a complaint: e-mail attachments, the original message, the control
    card snapshot, reply drafts."""

    __tablename__ = "complaint_attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # lampiran|pesan_asli|kartu_kendali|balasan
    filename: Mapped[str] = mapped_column(String(512))
    relpath: Mapped[str] = mapped_column(String(1024))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    complaint: Mapped[Complaint] = relationship(back_populates="attachments")


class ComplaintStep(Base):
    """Append-only log: received, weight confirmed, each coordination step, the answer."""

    __tablename__ = "complaint_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))  # diterima|bobot|koordinasi|jawaban
    role: Mapped[str | None] = mapped_column(String(32), nullable=True)
    party_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    party_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    by_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    detail: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    complaint: Mapped[Complaint] = relationship(back_populates="steps")


class ReportRecord(Base):
    """One drafted version of a periodic report and its review (Sekretaris)."""

    __tablename__ = "report_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # pengaduan_bulanan
    period: Mapped[str] = mapped_column(String(16), index=True)  # YYYY-MM
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # draft|dikembalikan|disetujui|diganti
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    data: Mapped[dict] = mapped_column(JSON)
    draft_dir: Mapped[str] = mapped_column(String(1024))
    final_dir: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    review_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_by_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reviewed_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    reviewed_as: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ReviewAttempt(Base):
    """Every approve/return attempt on a report, allowed or refused."""

    __tablename__ = "report_review_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(16))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report_versions.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(16))  # approve|return
    actor_nip: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    acting_as: Mapped[str | None] = mapped_column(String(64), nullable=True)
    allowed: Mapped[bool] = mapped_column(Boolean)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)


# ---------------------------------------------------------------------------------------
# control card (kartu kendali)


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


def collect_control_card(session: Session, reg_no: str) -> ControlCard:
    """Collect the control card of application ``reg_no`` (standard: on every complaint)."""
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
    _add_hand_overs(session, card)
    return card


def _add_hand_overs(session: Session, card: ControlCard) -> None:
    """The desk-by-desk entries of the control card (approval chain), when there are any."""
    from loket.approval import control_card
    from loket.approval.models import Approval, ApprovalAttempt, Permit

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
        for e in control_card.entries(session, card.reg_no)
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
        card.integrity = control_card.verify(session, card.reg_no)[card.reg_no]
    permit = session.scalars(select(Permit).where(Permit.reg_no == card.reg_no)).first()
    card.permit_number = permit.number if permit else None
    appr = session.scalars(select(Approval).where(Approval.reg_no == card.reg_no)).first()
    card.approval_status = appr.status if appr else None


# ---------------------------------------------------------------------------------------
# register operations


class ComplaintError(ValueError):
    """A request the register refuses; the message is meant for the officer."""


class DuplicateComplaint(ComplaintError):
    def __init__(self, existing: Complaint) -> None:
        super().__init__(f"sudah tercatat sebagai {existing.number}")
        self.existing = existing


@dataclass
class NewComplaint:
    channel: str
    complainant_name: str
    subject: str
    text: str
    received_at: datetime | None = None
    type: str | None = None  # None: suggested from keywords
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    related_reg_no: str | None = None  # None: looked for in subject and text
    weight: str | None = None  # confirmed by the officer at intake; None: suggestion only
    handler: Official | None = None
    source: str | None = None
    source_key: str | None = None


@dataclass(frozen=True)
class StoredFile:
    """A file to keep with a complaint (content in memory)."""

    kind: str
    filename: str
    content: bytes
    content_type: str | None = None


def _safe_name(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\- ]+", "_", name).strip(" .")
    return cleaned[:120] or "lampiran"


def store_file(session: Session, complaint: Complaint, store: Path, item: StoredFile) -> Path:
    """Write ``item`` under ``store/<number>/`` (never overwriting) and record it."""
    folder = store / complaint.number
    folder.mkdir(parents=True, exist_ok=True)
    name = _safe_name(item.filename)
    target = folder / name
    stem, suffix, n = target.stem, target.suffix, 1
    while target.exists():
        n += 1
        target = folder / f"{stem}-{n}{suffix}"
    target.write_bytes(item.content)
    complaint.attachments.append(
        ComplaintAttachment(
            complaint_id=complaint.id,
            kind=item.kind,
            filename=item.filename,
            relpath=str(target.relative_to(store)),
            sha256=hashlib.sha256(item.content).hexdigest(),
            size=len(item.content),
            content_type=item.content_type,
        )
    )
    return target


def _step(
    session: Session,
    complaint: Complaint,
    kind: str,
    *,
    by: Official | None = None,
    role: str | None = None,
    party_nip: str | None = None,
    party_name: str | None = None,
    note: str | None = None,
    detail: dict | None = None,
    at: datetime | None = None,
) -> ComplaintStep:
    step = ComplaintStep(
        complaint_id=complaint.id,
        at=as_utc(at) if at else utcnow(),
        kind=kind,
        role=role,
        party_nip=party_nip,
        party_name=party_name,
        note=note,
        by_nip=by.nip if by else None,
        by_name=by.name if by else None,
        detail=detail,
    )
    complaint.steps.append(step)
    return step


def find_by_source_key(session: Session, key: str) -> Complaint | None:
    return session.scalars(select(Complaint).where(Complaint.source_key == key)).first()


def get_complaint(session: Session, number_or_id: str) -> Complaint | None:
    ref = number_or_id.strip()
    if ref.isdigit():
        return session.get(Complaint, int(ref))
    return session.scalars(select(Complaint).where(Complaint.number == ref.upper())).first()


def attach_control_card(
    session: Session, complaint: Complaint, store: Path, reg_no: str
) -> ControlCard:
    card = collect_control_card(session, reg_no)
    content = json.dumps(card.to_dict(), ensure_ascii=False, indent=2, default=str)
    store_file(
        session,
        complaint,
        store,
        StoredFile(
            "kartu_kendali", f"kartu-kendali-{reg_no}.json", content.encode(), "application/json"
        ),
    )
    _step(
        session,
        complaint,
        "kartu_kendali",
        note=(
            f"Kartu kendali {reg_no} dilampirkan"
            if card.found
            else f"Nomor registrasi {reg_no} tidak ditemukan di register permohonan"
        ),
        detail={"reg_no": reg_no, "found": card.found, "events": len(card.events)},
    )
    return card


def add_complaint(
    session: Session,
    rules: ComplaintRules,
    new: NewComplaint,
    *,
    store: Path,
    reg_prefix: str = "SIKR",
    files: list[StoredFile] | None = None,
) -> Complaint:
    """Record a complaint (caller commits): number, suggestion, deadline, files, control card.

    Raises :class:`DuplicateComplaint` when ``source_key`` was imported before.
    """
    if new.channel not in rules.channels:
        raise ComplaintError(
            f"media {new.channel!r} tidak dikenal; pilih salah satu: {', '.join(rules.channels)}"
        )
    if new.source_key:
        existing = find_by_source_key(session, new.source_key)
        if existing is not None:
            raise DuplicateComplaint(existing)
    body = f"{new.subject}\n{new.text}"
    weight_hint = suggest_weight(rules, body)
    kind = new.type or suggest_type(rules, body).value
    if kind not in rules.types:
        raise ComplaintError(f"jenis {kind!r} tidak dikenal; pilih: {', '.join(rules.types)}")
    if new.weight is not None and new.weight not in WEIGHTS:
        raise ComplaintError(f"bobot {new.weight!r} tidak dikenal; pilih: {', '.join(WEIGHTS)}")
    received = as_utc(new.received_at) if new.received_at else utcnow()
    reg_no = new.related_reg_no or find_reg_no(body, reg_prefix)
    weight = new.weight or weight_hint.value
    complaint = Complaint(
        number=next_number(session, rules.numbering_prefix, to_wib(received).year),
        received_at=received,
        channel=new.channel,
        complainant_name=new.complainant_name.strip() or "Anonim",
        complainant_phone=new.phone,
        complainant_email=new.email,
        complainant_address=new.address,
        subject=new.subject.strip()[:300] or "(tanpa perihal)",
        text=new.text,
        type=kind,
        weight_suggested=weight_hint.value,
        weight_reason=weight_hint.reason,
        weight=new.weight,
        weight_confirmed_by=new.handler.nip if (new.weight and new.handler) else None,
        related_reg_no=reg_no.upper() if reg_no else None,
        handler_nip=new.handler.nip if new.handler else None,
        handler_name=new.handler.name if new.handler else None,
        status=STATUS_IN_PROGRESS if new.weight else STATUS_NEW,
        due_at=due_at(rules, weight, received),
        source=new.source,
        source_key=new.source_key,
    )
    session.add(complaint)
    session.flush()
    _step(
        session,
        complaint,
        "diterima",
        by=new.handler,
        note=f"Diterima melalui {rules.channel_label(new.channel)}",
        detail={"suggested_weight": weight_hint.value, "matched": weight_hint.matched},
        at=received,
    )
    if new.weight:
        _step(
            session,
            complaint,
            "bobot",
            by=new.handler,
            note=f"Bobot ditetapkan {rules.weight_label(new.weight)} "
            f"(saran sistem: {rules.weight_label(weight_hint.value)})",
        )
    for item in files or []:
        store_file(session, complaint, store, item)
    if complaint.related_reg_no:
        attach_control_card(session, complaint, store, complaint.related_reg_no)
    session.flush()
    return complaint


def confirm_weight(
    session: Session, rules: ComplaintRules, complaint: Complaint, weight: str, by: Official
) -> None:
    """The officer confirms or changes the weight; the deadline follows the weight."""
    if weight not in WEIGHTS:
        raise ComplaintError(f"bobot {weight!r} tidak dikenal; pilih: {', '.join(WEIGHTS)}")
    if complaint.status == STATUS_ANSWERED:
        raise ComplaintError(f"{complaint.number} sudah dijawab; bobot tidak dapat diubah")
    previous = complaint.weight
    complaint.weight = weight
    complaint.weight_confirmed_by = by.nip
    complaint.due_at = due_at(rules, weight, complaint.received_at)
    if complaint.status == STATUS_NEW:
        complaint.status = STATUS_IN_PROGRESS
    _step(
        session,
        complaint,
        "bobot",
        by=by,
        note=f"Bobot ditetapkan {rules.weight_label(weight)}"
        + (f" (sebelumnya {rules.weight_label(previous)})" if previous else "")
        + f" (saran sistem: {rules.weight_label(complaint.weight_suggested)})",
    )


@dataclass(frozen=True)
class RouteStep:
    """One required coordination step: any of ``roles``; ``done`` is the recorded step."""

    roles: list[Role]
    done: ComplaintStep | None

    @property
    def label(self) -> str:
        return " atau ".join(ROLE_LABELS[r] for r in self.roles)


def routing(rules: ComplaintRules, complaint: Complaint) -> list[RouteStep]:
    """Who must be involved for the complaint's weight, and which steps are recorded."""
    weight = complaint.weight or complaint.weight_suggested
    recorded = [s for s in complaint.steps if s.kind == "koordinasi"]
    used: set[int] = set()
    out: list[RouteStep] = []
    for roles in rules.weights[weight].coordination:  # type: ignore[index]
        done = next(
            (s for s in recorded if s.role in {r.value for r in roles} and s.id not in used),
            None,
        )
        if done is not None:
            used.add(done.id)
        out.append(RouteStep(roles=list(roles), done=done))
    return out


def coordinate(
    session: Session,
    complaint: Complaint,
    *,
    role: Role | str,
    by: Official,
    note: str,
    party: Official | None = None,
    party_name: str | None = None,
    at: datetime | None = None,
) -> ComplaintStep:
    """Record one coordination step (with whom, in which role, what was decided)."""
    role = Role(role)
    if complaint.status == STATUS_ANSWERED:
        raise ComplaintError(f"{complaint.number} sudah dijawab")
    if party is not None and party.role != role:
        raise ComplaintError(
            f"{party.name} terdaftar sebagai {ROLE_LABELS[party.role]}, bukan {ROLE_LABELS[role]}"
        )
    if not note.strip():
        raise ComplaintError("isi hasil koordinasi wajib diisi")
    step = _step(
        session,
        complaint,
        "koordinasi",
        by=by,
        role=role.value,
        party_nip=party.nip if party else None,
        party_name=party.name if party else party_name,
        note=note.strip(),
        at=at,
    )
    if complaint.status == STATUS_NEW:
        complaint.status = STATUS_IN_PROGRESS
    session.flush()
    return step


def answer(
    session: Session,
    rules: ComplaintRules,
    complaint: Complaint,
    text: str,
    *,
    by: Official,
    at: datetime | None = None,
) -> None:
    """Record the answer. Refused while the weight is unconfirmed or coordination is open."""
    if complaint.status == STATUS_ANSWERED:
        raise ComplaintError(f"{complaint.number} sudah dijawab")
    if complaint.weight is None:
        raise ComplaintError(
            f"bobot {complaint.number} belum dikonfirmasi (saran: "
            f"{rules.weight_label(complaint.weight_suggested)}); konfirmasi dulu"
        )
    missing = [s.label for s in routing(rules, complaint) if s.done is None]
    if missing:
        raise ComplaintError(
            f"pengaduan berbobot {rules.weight_label(complaint.weight)} harus dikoordinasikan "
            f"dulu dengan: {'; '.join(missing)}"
        )
    if not text.strip():
        raise ComplaintError("isi jawaban wajib diisi")
    when = as_utc(at) if at else utcnow()
    complaint.answer = text.strip()
    complaint.answered_at = when
    complaint.answered_by_nip = by.nip
    complaint.answered_by_name = by.name
    complaint.status = STATUS_ANSWERED
    _step(session, complaint, "jawaban", by=by, note=text.strip(), at=when)
    session.flush()


def is_overdue(complaint: Complaint, now: datetime | None = None) -> bool:
    """Unanswered after its deadline, or answered after it."""
    due = as_utc(complaint.due_at)
    if complaint.answered_at is not None:
        return as_utc(complaint.answered_at) > due
    return as_utc(now or utcnow()) > due


def list_complaints(
    session: Session,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
) -> list[Complaint]:
    q = select(Complaint).order_by(Complaint.received_at, Complaint.id)
    if start is not None:
        q = q.where(Complaint.received_at >= as_utc(start))
    if end is not None:
        q = q.where(Complaint.received_at < as_utc(end))
    if status is not None:
        q = q.where(Complaint.status == status)
    return list(session.scalars(q))


def month_bounds(period: str) -> tuple[datetime, datetime]:
    """UTC bounds of the WIB calendar month ``YYYY-MM``."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", period.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ComplaintError(f"bulan {period!r} tidak valid; tulis YYYY-MM, misalnya 2026-11")
    year, month = int(m.group(1)), int(m.group(2))
    start = datetime(year, month, 1, tzinfo=WIB)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=WIB)
    return start.astimezone(UTC), end.astimezone(UTC)


# The SKM tables live in loket/skm.py and share migration 0002; importing them here keeps
# loket/migrations/env.py at one import line for this feature.
import loket.survey.skm  # noqa: E402, F401
