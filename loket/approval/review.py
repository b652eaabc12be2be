"""The front office confirms the cells the checks left in review (SOP step 2, by a person).

The checks abstain when a scan cannot decide a requirement (:mod:`loket.requirements.review`);
the file then waits at the front office. Here an officer with the front-office role (or its
Plh.) decides each such cell: the decision, the officer and the note go into
``checklist.json``, the register and the control card, the checklist PDF and the return letter
are written again, and the verdict is worked out anew. A file whose last doubt is cleared and
that has no defect is ready for the chain (the caller starts it); one with a decided defect
gets its return letter, which names only decided defects.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from loket.approval import control_card
from loket.approval.cardkeys import Keyring, keyring_for
from loket.approval.chain import Norm
from loket.approval.desk import Desk, DeskOutcome
from loket.approval.officials import Authority, Role
from loket.approval.permit import find_address, read_json
from loket.approval.refusal import ApprovalError, Attempt
from loket.calendar import WorkCalendar
from loket.common.clock import as_utc, to_wib
from loket.identity import Actor
from loket.intake import Application, get_application, log_event
from loket.requirements import (
    CHECKLIST_JSON,
    DECISION_ID,
    Checklist,
    Confirmation,
    ImageFor,
    Officer,
    ReviewError,
    Status,
    Verdict,
    confirm,
    decision_status,
    load_service_rules,
    write_outputs,
)

CHANNEL = "cli"


def confirm_cell(
    desk: Desk,
    reg_no: str,
    requirement: str,
    decision: str,
    actor: Actor,
    note: str | None = None,
    *,
    image_for: ImageFor | None = None,
) -> DeskOutcome:
    """Record the officer's decision on one cell in review and give the file its verdict.

    Refused (and recorded as an attempt) unless the authenticated ``actor`` holds the
    front-office role or acts for it; refused without a record when the cell is not in
    review or a reason is missing.
    ``image_for`` gives the page images for the crops of the cells still in review.
    """
    status = _decision(decision)
    attempt = Attempt.of(desk, reg_no, actor, f"konfirmasi {requirement}: {status}", CHANNEL)
    auth = attempt.authorize(
        None, Role.front_office, " Konfirmasi persyaratan dilakukan oleh Petugas Front Office."
    )
    folder = desk.folder(reg_no)
    now = desk.now()
    officer = Officer(auth.official.nip, auth.official.name, auth.label, auth.acting)
    with desk.db.begin() as session:
        app = _locked(session, reg_no)  # one officer at a time per file, from here on
        checklist = read_json(folder / CHECKLIST_JSON)
        if checklist is None:
            raise ApprovalError(f"{reg_no}: belum diperiksa ({CHECKLIST_JSON} tidak ada)")
        try:
            before = Checklist.from_json(checklist)
            updated = confirm(before, requirement, decision, officer=officer, note=note, at=now)
        except (ReviewError, ValueError) as exc:  # ValueError: a status the model does not know
            raise ApprovalError(f"{reg_no}: {exc}") from None
        app.verdict = updated.verdict
        record = updated.confirmations[-1]
        log_event(session, "confirmed", app.source, reg_no, record.to_json())
        _card_entries(session, app, (before, updated), auth, now, desk)
        session.flush()  # a refusal of the database comes before any file is written
        rules = load_service_rules(desk.settings.rules_dir / f"{app.service}.yaml")
        write_outputs(
            folder,
            updated,
            rules,
            reg_no=reg_no,
            received=to_wib(app.received_at).date(),  # type: ignore[union-attr]
            today=to_wib(now).date(),  # type: ignore[union-attr]
            address=find_address(read_json(folder / "pages.json")),
            image_for=image_for,
        )
    return DeskOutcome(reg_no, _message(reg_no, requirement, status, updated))


def _locked(session: Session, reg_no: str) -> Application:
    """The application's register row, locked for this transaction (a row lock on
    PostgreSQL, the database's write lock on SQLite), so that two officers confirming cells
    of one file do not both start from the same checklist."""
    session.execute(
        update(Application).where(Application.reg_no == reg_no).values(verdict=Application.verdict)
    )
    app = get_application(session, reg_no)
    if app is None:
        raise ApprovalError(f"{reg_no} tidak ada di register permohonan")
    return app


def _decision(decision: str) -> Status:
    try:
        return decision_status(decision)
    except ReviewError as exc:
        raise ApprovalError(str(exc)) from None


def _message(reg_no: str, requirement: str, status: Status, checklist: Checklist) -> str:
    head = f"{reg_no}: {requirement} dikonfirmasi {DECISION_ID[status]}."
    left = [c.id for c in checklist.open_reviews()]
    if left:
        return f"{head} Masih perlu diperiksa: {', '.join(left)}."
    if checklist.verdict == Verdict.COMPLETE:
        return f"{head} Berkas lengkap; diteruskan ke alur persetujuan."
    return f"{head} Berkas tidak lengkap; surat pengembalian dibuat."


def _card_entries(
    session: Session,
    app: Application,
    checklists: tuple[Checklist, Checklist],
    auth: Authority,
    now: datetime,
    desk: Desk,
) -> None:
    """The confirmation on the control card (HMAC'd with the desk's ``keys``); the card opens
    with the receipt and the automatic check (which left cells in review) when this is the
    first act on the file. ``checklists``: before and after the confirmation."""
    before, after = checklists
    keys = keyring_for(desk.settings)
    if control_card.head(session, app.reg_no) is None:
        opening_entries(session, app, before, keys=keys, cal=desk.calendar)
    record = after.confirmations[-1]
    returned = after.verdict == Verdict.INCOMPLETE
    control_card.append(
        session,
        app.reg_no,
        control_card.NewEntry(
            activity=f"Pemeriksaan persyaratan oleh petugas: {record.requirement}",
            action="konfirmasi",
            role=Role.front_office,
            actor_name=auth.official.name,
            actor_nip=auth.official.nip,
            acting=auth.acting,
            received_at=as_utc(app.received_at),
            handed_over_at=now,
            outcome=DECISION_ID[record.decision]
            + ("; berkas dikembalikan kepada pemohon" if returned else ""),
            sop_step=2,
            note=record.note,
            channel=CHANNEL,
        ),
        keys=keys,
    )


def opening_entries(
    session: Session, app: Application, checklist: Checklist, *, keys: Keyring, cal: WorkCalendar
) -> None:
    """The receipt (SOP step 1) and the automatic check that left cells in review."""
    control_card.append(session, app.reg_no, receipt_entry(app), keys=keys)
    waiting = [c.id for c in checklist.open_reviews()]
    control_card.append(
        session,
        app.reg_no,
        check_entry(
            app,
            outcome="perlu diperiksa petugas: " + ", ".join(waiting or ["-"]),
            handed_to="Petugas Front Office",
            handed_over_at=as_utc(app.received_at),
            cal=cal,
        ),
        keys=keys,
    )


def check_entry(
    app: Application,
    *,
    outcome: str,
    handed_to: str,
    handed_over_at: datetime,
    by: Confirmation | None = None,
    note: str | None = None,
    cal: WorkCalendar,
) -> control_card.NewEntry:
    """SOP step 2, the completeness check (35 minutes): by the intake, or by the officer of
    the confirmation ``by`` who cleared the file's last doubt."""
    received = as_utc(app.received_at)
    return control_card.NewEntry(
        activity="Pemeriksaan kelengkapan berkas",
        action="pemeriksaan",
        role=Role.front_office,
        actor_name=by.name if by else "loket (pemeriksaan otomatis)",
        actor_nip=by.nip if by else None,
        acting=by.acting if by else None,
        received_at=received,
        handed_over_at=max(handed_over_at, received),
        due_at=Norm(minutes=35).due(received, cal),
        outcome=outcome,
        handed_to=handed_to,
        sop_step=2,
        norm="35 menit",
        note=note,
        channel=CHANNEL if by else "intake",
    )


def receipt_entry(app: Application) -> control_card.NewEntry:
    """SOP step 1: the file received and registered by the intake."""
    return control_card.NewEntry(
        activity="Penerimaan berkas permohonan dan persyaratan",
        action="penerimaan",
        role=Role.front_office,
        actor_name="loket (penerimaan otomatis)",
        received_at=as_utc(app.received_at),
        handed_over_at=as_utc(app.received_at),
        outcome="diterima dan diregistrasi",
        sop_step=1,
        norm="3 menit",
        note=f"sumber: {app.source}",
        channel="intake",
    )
