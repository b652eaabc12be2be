"""Complaint register (Buku Pengaduan): pengaduan, saran and masukan from every channel.

Register operations: recording a complaint (number, suggestion, deadline, files, control card),
confirming its weight, routing (who must be involved for a weight), coordination steps and
answers. The tables are in :mod:`loket.complaints.models`, the rules of
``rules/complaints.yaml`` in :mod:`loket.complaints.rules`, suggestions in
:mod:`loket.complaints.suggestions`, deadlines in :mod:`loket.complaints.deadlines`. Intake from
files is in :mod:`loket.complaints.importing`, reply drafts in :mod:`loket.complaints.reply`,
the monthly report in :mod:`loket.complaints.report`.

Times are stored in UTC and shown in WIB (Asia/Jakarta).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval import ROLE_LABELS, Official, Role
from loket.calendar import WorkCalendar
from loket.common.clock import as_utc, to_wib, utcnow
from loket.common.settings import Settings
from loket.complaints.control_card import ControlCard, collect_control_card
from loket.complaints.deadlines import due_at
from loket.complaints.errors import ComplaintError, DuplicateComplaint
from loket.complaints.models import (
    STATUS_ANSWERED,
    STATUS_IN_PROGRESS,
    STATUS_NEW,
    Complaint,
    ComplaintAttachment,
    ComplaintStep,
)
from loket.complaints.rules import WEIGHTS, ComplaintRules
from loket.complaints.suggestions import Suggestion, find_reg_no, suggest_type, suggest_weight
from loket.identity import Actor
from loket.intake import next_number


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
    handler: Actor | None = None  # the officer who recorded it, authenticated
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


def proven(by: object) -> Actor:
    """``by`` itself, if it is an authenticated :class:`~loket.identity.Actor`: no step of
    the register is recorded for a NIP someone merely typed."""
    if not isinstance(by, Actor):
        raise TypeError(f"an authenticated loket.identity.Actor is required, not {by!r}")
    return by


def _step(
    session: Session,
    complaint: Complaint,
    kind: str,
    *,
    by: Actor | None = None,
    role: str | None = None,
    party_nip: str | None = None,
    party_name: str | None = None,
    note: str | None = None,
    detail: dict | None = None,
    at: datetime | None = None,
) -> ComplaintStep:
    if by is not None:
        proven(by)
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
    session: Session, complaint: Complaint, store: Path, reg_no: str, *, settings: Settings
) -> ControlCard:
    card = collect_control_card(session, reg_no, settings=settings)
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


def _refuse_unknown_channel_or_duplicate(
    session: Session, rules: ComplaintRules, new: NewComplaint
) -> None:
    if new.channel not in rules.channels:
        raise ComplaintError(
            f"media {new.channel!r} tidak dikenal; pilih salah satu: {', '.join(rules.channels)}"
        )
    if new.source_key:
        existing = find_by_source_key(session, new.source_key)
        if existing is not None:
            raise DuplicateComplaint(existing)


def _refuse_unknown_type_or_weight(rules: ComplaintRules, kind: str, weight: str | None) -> None:
    if kind not in rules.types:
        raise ComplaintError(f"jenis {kind!r} tidak dikenal; pilih: {', '.join(rules.types)}")
    if weight is not None and weight not in WEIGHTS:
        raise ComplaintError(f"bobot {weight!r} tidak dikenal; pilih: {', '.join(WEIGHTS)}")


def _record_receipt(
    session: Session,
    rules: ComplaintRules,
    complaint: Complaint,
    new: NewComplaint,
    weight_hint: Suggestion,
    received: datetime,
) -> None:
    """The first steps of a new complaint: received, and the weight when confirmed at intake."""
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


def add_complaint(
    session: Session,
    rules: ComplaintRules,
    new: NewComplaint,
    *,
    store: Path,
    calendar: WorkCalendar,
    settings: Settings,
    reg_prefix: str = "SIKR",
    files: list[StoredFile] | None = None,
) -> Complaint:
    """Record a complaint (caller commits): number, suggestion, deadline, files, control card.

    The office's ``calendar`` counts the deadline's working days, its ``settings`` give the
    keys the attached control card is checked with (both from ``Office``).

    Raises :class:`DuplicateComplaint` when ``source_key`` was imported before.
    """
    _refuse_unknown_channel_or_duplicate(session, rules, new)
    body = f"{new.subject}\n{new.text}"
    weight_hint = suggest_weight(rules, body)
    kind = new.type or suggest_type(rules, body).value
    _refuse_unknown_type_or_weight(rules, kind, new.weight)
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
        due_at=due_at(rules, weight, received, calendar),
        source=new.source,
        source_key=new.source_key,
    )
    session.add(complaint)
    session.flush()
    _record_receipt(session, rules, complaint, new, weight_hint, received)
    for item in files or []:
        store_file(session, complaint, store, item)
    if complaint.related_reg_no:
        attach_control_card(session, complaint, store, complaint.related_reg_no, settings=settings)
    session.flush()
    return complaint


def confirm_weight(
    session: Session,
    rules: ComplaintRules,
    complaint: Complaint,
    weight: str,
    by: Actor,
    *,
    calendar: WorkCalendar,
) -> None:
    """The (authenticated) officer confirms or changes the weight; the deadline follows it
    (working days by the office's ``calendar``)."""
    proven(by)
    if weight not in WEIGHTS:
        raise ComplaintError(f"bobot {weight!r} tidak dikenal; pilih: {', '.join(WEIGHTS)}")
    if complaint.status == STATUS_ANSWERED:
        raise ComplaintError(f"{complaint.number} sudah dijawab; bobot tidak dapat diubah")
    previous = complaint.weight
    complaint.weight = weight
    complaint.weight_confirmed_by = by.nip
    complaint.due_at = due_at(rules, weight, complaint.received_at, calendar)
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
    by: Actor,
    note: str,
    party: Official | None = None,
    party_name: str | None = None,
    at: datetime | None = None,
) -> ComplaintStep:
    """Record one coordination step (with whom, in which role, what was decided) by the
    authenticated officer ``by``."""
    proven(by)
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
    by: Actor,
    at: datetime | None = None,
) -> None:
    """Record the answer of the authenticated officer ``by``. Refused while the weight is
    unconfirmed or coordination is open."""
    proven(by)
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
