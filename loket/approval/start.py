"""Entering the chain (SOP steps 1-3) and the back office's draft.

:func:`start` puts a complete application into the chain: the receipt and the front-office
check become the first entries of the control card, the back office gets its task, and the
draft and its review packet are made. :func:`redraft` lets the back office correct the draft
while the file is at its desk.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval import control_card, notify
from loket.approval.cardkeys import Keyring, keyring_for
from loket.approval.chain import Step
from loket.approval.desk import Desk, DeskOutcome, get, open_task
from loket.approval.documents import render_draft, write_card
from loket.approval.models import IN_PROGRESS, Approval
from loket.approval.numbering import with_retries
from loket.approval.packets import write_packet
from loket.approval.permit import (
    EDITABLE,
    Applicant,
    applicant,
    find_address,
    find_phone,
    read_json,
)
from loket.approval.refusal import ApprovalError, Attempt, not_in_chain
from loket.approval.review import check_entry, receipt_entry
from loket.approval.tasks import add_task
from loket.calendar import WorkCalendar
from loket.common.clock import as_utc
from loket.identity import Actor
from loket.intake import Application, IntakeEvent, get_application
from loket.requirements import Checklist, Verdict


def _checked_at(session: Session, reg_no: str, fallback: datetime) -> datetime:
    event = session.scalars(
        select(IntakeEvent)
        .where(IntakeEvent.reg_no == reg_no, IntakeEvent.kind == "checked")
        .order_by(IntakeEvent.id.desc())
    ).first()
    return as_utc(event.at) if event else fallback


def _complete_checklist(folder: Path, reg_no: str) -> Checklist:
    """The file's ``checklist.json``; refused unless its verdict is complete."""
    checklist = read_json(folder / "checklist.json")
    if checklist is None:
        raise ApprovalError(f"{reg_no}: checklist.json belum ada di {folder}")
    if checklist.get("verdict") != Verdict.COMPLETE:
        raise ApprovalError(
            f"{reg_no}: berkas belum lengkap (verdict {checklist.get('verdict')!r}); "
            "tidak dapat diproses ke pembuatan draf."
        )
    return Checklist.from_json(checklist)


def start(desk: Desk, reg_no: str) -> DeskOutcome:
    """Put a complete application into the chain (idempotent).

    Records the receipt and the front-office check as the first card entries, opens the
    back-office task, renders ``draft.docx``/``draft.pdf`` and the review packet.
    """
    folder = desk.folder(reg_no)
    checklist = _complete_checklist(folder, reg_no)
    pages_doc = read_json(folder / "pages.json")
    phone = find_phone(pages_doc)
    address = find_address(pages_doc)
    with desk.db() as session:
        app = get_application(session, reg_no)
        if app is None:
            raise ApprovalError(f"{reg_no} tidak ada di register permohonan")
        if app.verdict not in (None, Verdict.COMPLETE):
            raise ApprovalError(f"{reg_no}: register mencatat verdict {app.verdict!r}")
        existing = _already_started(session, reg_no)
        if existing is not None:
            return existing
        service = app.service
        checked = _checked_at(session, reg_no, desk.now())
    chain = desk.chain(service)
    person = applicant(checklist, None, address=address, phone=phone)
    now = desk.now()
    first = chain.steps[0]

    def work(session: Session) -> int:
        if get(session, reg_no) is not None:  # started at the same moment elsewhere
            task = open_task(session, reg_no)
            return task.id if task else 0
        session.add(_new_approval(reg_no, service, now, person))
        session.flush()
        keys = keyring_for(desk.settings)
        _front_office_entries(
            session, app, checklist, checked, first, person.phone, keys=keys, cal=desk.calendar
        )
        task = add_task(session, reg_no, 0, first, now, note=None, calendar=desk.calendar)
        return task.id

    task_id = with_retries(desk.db, work)
    files = render_draft(desk, reg_no)
    write_packet(desk, reg_no, task_id)
    write_card(desk, reg_no, pdf=False)
    return DeskOutcome(
        reg_no,
        f"{reg_no}: draf dibuat; menunggu {first.role_label}.",
        next_task=task_id,
        next_role=first.role,
        files=files,
    )


def _already_started(session: Session, reg_no: str) -> DeskOutcome | None:
    """The outcome of starting a file that is in the chain already (None: it is not)."""
    if get(session, reg_no) is None:
        return None
    t = open_task(session, reg_no)
    return DeskOutcome(
        reg_no,
        f"{reg_no} sudah dalam proses persetujuan.",
        next_task=t.id if t else None,
        next_role=t.role if t else None,
    )


def _new_approval(reg_no: str, service: str, now: datetime, person: Applicant) -> Approval:
    """The approval row of a file entering the chain, with the applicant's contact."""
    return Approval(
        reg_no=reg_no,
        service=service,
        status=IN_PROGRESS,
        started_at=now,
        applicant_name=person.name,
        phone=person.phone,
        address=person.address or None,
    )


def _front_office_entries(
    session: Session,
    app: Application,
    checklist: Checklist,
    checked: datetime,
    first: Step,
    phone: str | None,
    *,
    keys: Keyring,
    cal: WorkCalendar,
) -> None:
    """The card's entries for SOP steps 1-2: the receipt (unless an officer's confirmation
    of a cell in review opened the card already) and the completeness check, handed over to
    the first desk of the chain; done by the intake, or by the officer who cleared the last
    doubt. HMAC'd with the desk's ``keys``, not the environment's."""
    if control_card.head(session, app.reg_no) is None:
        control_card.append(session, app.reg_no, receipt_entry(app), keys=keys)
    last = checklist.confirmations[-1] if checklist.confirmations else None
    if last is not None:  # the officer who cleared the last doubt hands the file over
        checked = as_utc(datetime.fromisoformat(last.at))
    control_card.append(
        session,
        app.reg_no,
        check_entry(
            app,
            outcome=f"lengkap, diteruskan ke {first.role_label}",
            handed_to=first.role_label,
            handed_over_at=checked,
            by=last,
            cal=cal,
            note=None
            if phone
            else "nomor HP pemohon tidak ditemukan di surat "
            "permohonan: SMS tidak dapat dikirim sebelum nomor dilengkapi",
        ),
        keys=keys,
    )


def redraft(
    desk: Desk,
    reg_no: str,
    actor: Actor,
    *,
    bap: str | None = None,
    corrections: dict[str, str] | None = None,
) -> DeskOutcome:
    """The back office fixes the draft (BAP reference, corrected applicant fields) while the
    file is at its desk (the authenticated ``actor`` holds its role); the draft is rendered
    again."""
    bad = sorted(set(corrections or {}) - set(EDITABLE))
    if bad:
        raise ApprovalError(
            f"kolom {', '.join(bad)} tidak dapat diubah; pilih: {', '.join(EDITABLE)}"
        )
    with desk.db() as session:
        appr = get(session, reg_no)
        if appr is None:
            raise not_in_chain(reg_no)
        task = open_task(session, reg_no)
        chain = desk.chain(appr.service)
    first = chain.steps[0]
    if task is None or task.step_index != 0:
        raise ApprovalError(f"{reg_no}: berkas tidak sedang di {first.role_label}; draf terkunci")
    Attempt.of(desk, reg_no, actor, "draf", "cli").authorize(task.id, first.role)

    def work(session: Session) -> None:
        appr = get(session, reg_no)
        assert appr is not None
        if bap:
            appr.bap_ref = bap.strip()
        if corrections:
            merged = dict(appr.overrides or {})
            merged.update(corrections)
            appr.overrides = merged
            if "phone" in corrections:
                appr.phone = notify.normalize_phone(corrections["phone"])
            if "address" in corrections:
                appr.address = corrections["address"]
            if "name" in corrections:
                appr.applicant_name = corrections["name"]

    with_retries(desk.db, work)
    files = render_draft(desk, reg_no)
    write_packet(desk, reg_no, task.id)
    return DeskOutcome(reg_no, f"{reg_no}: draf diperbarui.", files=files)
