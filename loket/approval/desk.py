"""The approval chain (SOP steps 3-9): draft, paraf, signature, number, hand-over.

Functional core, no Prefect: the database is the source of truth. Each step of
``rules/alur-persetujuan.yaml`` becomes a review task (``approval_tasks``) at the desk of its
role; :func:`act` closes it (approve or return) for the holder of the role or the holder's
configured delegate (Plh.), appends the hand-over to the control card, and opens the next
task. Anyone else is refused with a message in Bahasa Indonesia; the attempt is recorded in
``approval_attempts`` and nothing else changes. Approving the ``penomoran`` step gives the
permit its number, renders ``permit.docx``/``permit.pdf`` and queues the SMS to the applicant.

Both the CLI (``loket approve``/``loket return``) and the Prefect flow (human-in-the-loop form
in the UI, :mod:`flows.approval`) call :func:`act`; the flow only waits and re-reads the
state from here, so a pending approval survives any restart.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from loket.approval import control_card, notify
from loket.approval.chain import (
    ACTION_LABELS,
    CHAIN_RULES,
    Action,
    ChainFile,
    Norm,
    ServiceChain,
    Step,
    load_chain,
    working_minutes,
)
from loket.approval.models import (
    COLLECTED,
    DONE,
    IN_PROGRESS,
    OPEN,
    READY,
    RETURNED,
    Approval,
    ApprovalAttempt,
    ApprovalTask,
    DeliveryLetter,
    Notification,
    Permit,
    as_utc,
    utcnow,
)
from loket.approval.numbering import assign_number, with_retries
from loket.approval.officials import ROLE_LABELS, Authority, NotAuthorized, OfficialsFile, authorize
from loket.approval.officials import load_officials as _load_officials
from loket.approval.permit import (
    EDITABLE,
    Signer,
    applicant,
    find_address,
    find_phone,
    permit_context,
    read_json,
    render_card,
    render_permit,
)
from loket.common.db import open_database
from loket.common.settings import Settings, load_settings
from loket.documents.officedocs import tanggal, tanggal_jam, to_pdf
from loket.intake import register

WIB = ZoneInfo("Asia/Jakarta")
SYSTEM = "loket (otomatis)"
APPROVE = "setuju"
RETURN = "kembalikan"
REVIEWS = "reviews"
THUMBS = "thumbnails"


class ApprovalError(ValueError):
    """A request that cannot be carried out; the message is for the officer (Indonesian)."""


class Refused(PermissionError):
    """An attempt refused and recorded (wrong person, task already decided, ...)."""


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
    def load(cls, settings: Settings | None = None, *, pdf: bool = True) -> Desk:
        s = settings or load_settings()
        return cls(
            settings=s,
            db=open_database(s.db_url),
            chains=load_chain(s.rules_dir / CHAIN_RULES),
            officials=_load_officials(s.rules_dir / "officials.yaml"),
            notify_rules=notify.load_notify_rules(s.rules_dir / notify.NOTIFY_RULES),
            pdf=pdf,
        )

    def now(self) -> datetime:
        return as_utc(self.clock()).replace(microsecond=0)

    def folder(self, reg_no: str) -> Path:
        return self.settings.outbox_dir / reg_no

    def chain(self, service: str) -> ServiceChain:
        return self.chains.for_service(service)


@dataclass(frozen=True)
class Outcome:
    """What an action did, for the CLI and the flow."""

    reg_no: str
    message: str
    closed_task: int | None = None
    next_task: int | None = None
    next_role: str | None = None
    number: str | None = None
    files: list[Path] = field(default_factory=list)


def wib(value: datetime | None) -> datetime | None:
    return as_utc(value).astimezone(WIB) if value else None


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


def list_tasks(desk: Desk, nip: str | None = None) -> list[TaskView]:
    """Open tasks, oldest first; with ``nip`` only those this official may act on."""
    views: list[TaskView] = []
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
                    acting = authorize(desk.officials, nip, step.role).acting
                except NotAuthorized:
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


# ---------------------------------------------------------------------------------------
# start


def _checked_at(session: Session, reg_no: str, fallback: datetime) -> datetime:
    event = session.scalars(
        select(register.IntakeEvent)
        .where(register.IntakeEvent.reg_no == reg_no, register.IntakeEvent.kind == "checked")
        .order_by(register.IntakeEvent.id.desc())
    ).first()
    return as_utc(event.at) if event else fallback


def start(desk: Desk, reg_no: str) -> Outcome:
    """Put a complete application into the chain (idempotent).

    Records the receipt and the front-office check as the first card entries, opens the
    back-office task, renders ``draft.docx``/``draft.pdf`` and the review packet.
    """
    folder = desk.folder(reg_no)
    checklist = read_json(folder / "checklist.json")
    if checklist is None:
        raise ApprovalError(f"{reg_no}: checklist.json belum ada di {folder}")
    if checklist.get("verdict") != "complete":
        raise ApprovalError(
            f"{reg_no}: berkas belum lengkap (verdict {checklist.get('verdict')!r}); "
            "tidak dapat diproses ke pembuatan draf."
        )
    pages_doc = read_json(folder / "pages.json")
    phone = find_phone(pages_doc)
    address = find_address(pages_doc)
    with desk.db() as session:
        app = register.get(session, reg_no)
        if app is None:
            raise ApprovalError(f"{reg_no} tidak ada di register permohonan")
        if app.verdict not in (None, "complete"):
            raise ApprovalError(f"{reg_no}: register mencatat verdict {app.verdict!r}")
        existing = get(session, reg_no)
        if existing is not None:
            t = open_task(session, reg_no)
            return Outcome(
                reg_no,
                f"{reg_no} sudah dalam proses persetujuan.",
                next_task=t.id if t else None,
                next_role=t.role if t else None,
            )
        service = app.service
        received = as_utc(app.received_at)
        checked = _checked_at(session, reg_no, desk.now())
    chain = desk.chain(service)
    person = applicant(checklist, None, address=address, phone=phone)
    now = desk.now()
    first = chain.steps[0]

    def work(session: Session) -> int:
        if get(session, reg_no) is not None:  # started at the same moment elsewhere
            task = open_task(session, reg_no)
            return task.id if task else 0
        session.add(
            Approval(
                reg_no=reg_no,
                service=service,
                status=IN_PROGRESS,
                started_at=now,
                applicant_name=person.name,
                phone=person.phone,
                address=person.address or None,
            )
        )
        session.flush()
        control_card.append(
            session,
            reg_no,
            control_card.NewEntry(
                activity="Penerimaan berkas permohonan dan persyaratan",
                action="penerimaan",
                role="front_office",
                actor_name="loket (penerimaan otomatis)",
                received_at=received,
                handed_over_at=received,
                outcome="diterima dan diregistrasi",
                sop_step=1,
                norm="3 menit",
                note=f"sumber: {app.source}",
                channel="intake",
            ),
        )
        control_card.append(
            session,
            reg_no,
            control_card.NewEntry(
                activity="Pemeriksaan kelengkapan berkas",
                action="pemeriksaan",
                role="front_office",
                actor_name="loket (pemeriksaan otomatis)",
                received_at=received,
                handed_over_at=max(checked, received),
                due_at=Norm(minutes=35).due(received),
                outcome=f"lengkap, diteruskan ke {first.role_label}",
                handed_to=first.role_label,
                sop_step=2,
                norm="35 menit",
                note=None
                if person.phone
                else "nomor HP pemohon tidak ditemukan di surat "
                "permohonan: SMS tidak dapat dikirim sebelum nomor dilengkapi",
                channel="intake",
            ),
        )
        task = _open(session, reg_no, 0, first, now, note=None)
        return task.id

    task_id = with_retries(desk.db, work)
    files = _draft(desk, reg_no)
    _packet(desk, reg_no, task_id)
    write_card(desk, reg_no, pdf=False)
    return Outcome(
        reg_no,
        f"{reg_no}: draf dibuat; menunggu {first.role_label}.",
        next_task=task_id,
        next_role=first.role,
        files=files,
    )


def _open(
    session: Session, reg_no: str, index: int, step: Step, now: datetime, note: str | None
) -> ApprovalTask:
    task = ApprovalTask(
        reg_no=reg_no,
        step_index=index,
        step_code=step.code,
        role=step.role.value,
        action=step.action.value,
        status=OPEN,
        opened_at=now,
        due_at=step.norm.due(now),
        incoming_note=note,
    )
    session.add(task)
    session.flush()
    return task


# ---------------------------------------------------------------------------------------
# acting on a task


def refuse(
    desk: Desk,
    reg_no: str,
    task_id: int | None,
    nip: str,
    name: str | None,
    decision: str,
    channel: str,
    message: str,
) -> Refused:
    def work(session: Session) -> None:
        session.add(
            ApprovalAttempt(
                at=desk.now(),
                reg_no=reg_no,
                task_id=task_id,
                actor_nip=nip,
                actor_name=name,
                decision=decision,
                channel=channel,
                message=message,
            )
        )

    with_retries(desk.db, work)
    return Refused(message)


def act(
    desk: Desk,
    reg_no: str,
    nip: str,
    decision: str,
    *,
    note: str | None = None,
    bap: str | None = None,
    channel: str = "cli",
    task_id: int | None = None,
    to_first: bool = False,
) -> Outcome:
    """Approve (``setuju``) or return (``kembalikan``) the open task of ``reg_no`` as ``nip``.

    ``task_id`` pins the task the decision was made on (the Prefect form carries it): if that
    task is no longer open the decision is refused instead of landing on a later step.
    Raises :class:`Refused` (recorded) or :class:`ApprovalError`.
    """
    nip = nip.replace(" ", "")
    note = (note or "").strip() or None
    actor = desk.officials.by_nip(nip)
    actor_name = actor.name if actor else None
    if decision not in (APPROVE, RETURN):
        raise ApprovalError(f"keputusan {decision!r} tidak dikenal: gunakan setuju atau kembalikan")
    with desk.db() as session:
        appr = get(session, reg_no)
        if appr is None:
            raise ApprovalError(f"{reg_no} belum masuk alur persetujuan")
        task = open_task(session, reg_no)
        chain = desk.chain(appr.service)
    if task is None or (task_id is not None and task.id != task_id):
        raise refuse(
            desk,
            reg_no,
            task_id,
            nip,
            actor_name,
            decision,
            channel,
            f"{reg_no}: tugas ini sudah diputuskan; tidak ada yang diubah.",
        )
    step = chain.steps[task.step_index]
    if step.action == Action.penyerahan:
        raise refuse(
            desk,
            reg_no,
            task.id,
            nip,
            actor_name,
            decision,
            channel,
            f"{reg_no}: izin sudah selesai dan menunggu diambil; catat penyerahan "
            "dengan 'loket collected'.",
        )
    try:
        auth = authorize(desk.officials, nip, step.role)
    except NotAuthorized as exc:
        raise refuse(
            desk,
            reg_no,
            task.id,
            nip,
            actor_name,
            decision,
            channel,
            f"Ditolak: {exc} Langkah '{step.title}' hanya dapat dilakukan oleh "
            f"{step.role_label} atau Plh. yang ditetapkan.",
        ) from None
    if decision == RETURN:
        if not note:
            raise ApprovalError("pengembalian wajib disertai catatan (--note)")
        if task.step_index == 0:
            raise ApprovalError(
                "berkas di Back Office tidak dapat dikembalikan lagi; perbaiki draf dengan "
                "'loket approval draft' lalu setujui"
            )
    now = desk.now()
    forward = task.step_index + 1
    target = forward if decision == APPROVE else (0 if to_first else task.step_index - 1)
    nxt = chain.steps[target]
    result: dict[str, Any] = {}

    def work(session: Session) -> None:
        closed = session.execute(
            update(ApprovalTask)
            .where(ApprovalTask.id == task.id, ApprovalTask.status == OPEN)
            .values(
                status=DONE if decision == APPROVE else RETURNED,
                closed_at=now,
                actor_nip=auth.official.nip,
                actor_name=auth.official.name,
                acting=auth.acting,
                principal_nip=auth.principal.nip,
                decision=decision,
                note=note,
                channel=channel,
            )
        ).rowcount
        if not closed:
            result["race"] = True
            return
        appr = get(session, reg_no)
        assert appr is not None
        number = None
        if decision == APPROVE and step.action == Action.draf and bap:
            appr.bap_ref = bap.strip()
        if decision == APPROVE and step.action == Action.tanda_tangan:
            appr.signed_at = now
            appr.signer_nip = auth.official.nip
            appr.signer_name = auth.official.name
            appr.signer_acting = auth.acting
        if decision == APPROVE and step.action == Action.penomoran:
            permit = assign_number(
                session,
                chain,
                service=appr.service,
                reg_no=reg_no,
                at=now,
                by_nip=auth.official.nip,
            )
            number = permit.number
            appr.status = READY
            appr.completed_at = now
            text = notify.render_message(
                desk.notify_rules,
                "siap",
                name=appr.applicant_name or "Pemohon",
                product=chain.product,
                abbreviation=chain.abbreviation,
                reg_no=reg_no,
                number=number,
                place=chain.guarantees.collection_place,
            )
            notify.enqueue(
                session,
                key=f"{reg_no}:siap",
                reg_no=reg_no,
                kind="siap",
                phone=appr.phone,
                text=text,
                now=now,
            )
            result["number"] = number
        if decision == APPROVE:
            outcome = _done_label(step.action) + f", diteruskan ke {nxt.role_label}"
        else:
            outcome = f"dikembalikan ke {nxt.role_label}"
        control_card.append(
            session,
            reg_no,
            _desk_entry(
                step,
                auth,
                task,
                now,
                outcome=outcome + (f" (nomor {number})" if number else ""),
                handed_to=nxt.role_label,
                note=note,
                channel=channel,
            ),
        )
        new = _open(session, reg_no, target, nxt, now, note if decision == RETURN else None)
        result["next"] = new.id

    with_retries(desk.db, work)
    if result.get("race"):
        raise refuse(
            desk,
            reg_no,
            task.id,
            nip,
            actor_name,
            decision,
            channel,
            f"{reg_no}: tugas ini baru saja diputuskan oleh petugas lain; tidak ada yang diubah.",
        )
    _drop_packet(desk, task.role, reg_no)
    files: list[Path] = []
    number = result.get("number")
    if decision == APPROVE and step.action == Action.draf and bap:
        files += _draft(desk, reg_no)
    if number:
        docs = [*_permit(desk, reg_no, pdf=False), *write_card(desk, reg_no, pdf=False)]
        files += docs + (to_pdf(docs) if desk.pdf else [])
    else:
        write_card(desk, reg_no, pdf=False)
        if nxt.action != Action.penyerahan:
            _packet(desk, reg_no, result["next"])
    who = f"{auth.acting} {ROLE_LABELS[auth.role]}" if auth.acting else ROLE_LABELS[auth.role]
    if decision == APPROVE:
        msg = f"{reg_no}: {step.title} dicatat ({auth.official.name}, {who}); "
        msg += (
            f"nomor izin {number}; SMS pemberitahuan diantrekan."
            if number
            else f"berkas diteruskan ke {nxt.role_label}."
        )
    else:
        msg = f"{reg_no}: dikembalikan ke {nxt.role_label} dengan catatan: {note}"
    return Outcome(reg_no, msg, task.id, result["next"], nxt.role.value, number, files)


def _desk_entry(
    step: Step,
    auth: Authority,
    task: ApprovalTask,
    now: datetime,
    *,
    outcome: str,
    handed_to: str | None,
    note: str | None,
    channel: str,
) -> control_card.NewEntry:
    """The control-card entry of a desk that acted on its task: who, when received and
    handed over, against which norm, with what outcome."""
    return control_card.NewEntry(
        activity=step.title,
        action=step.action.value,
        role=step.role.value,
        actor_nip=auth.official.nip,
        actor_name=auth.official.name,
        acting=auth.acting,
        received_at=as_utc(task.opened_at),
        handed_over_at=now,
        due_at=as_utc(task.due_at),
        outcome=outcome,
        handed_to=handed_to,
        sop_step=step.sop_step,
        norm=step.norm.label,
        note=note,
        channel=channel,
    )


def _done_label(action: Action) -> str:
    return {
        Action.draf: "draf selesai",
        Action.paraf: "diparaf",
        Action.tanda_tangan: "ditandatangani",
        Action.penomoran: "diberi nomor",
        Action.penyerahan: "diserahkan",
    }[action]


def collected(
    desk: Desk, reg_no: str, nip: str, *, receiver: str | None = None, note: str | None = None
) -> Outcome:
    """Step 9: the permit is handed over to the applicant (or a proxy, ``receiver``)."""
    nip = nip.replace(" ", "")
    actor = desk.officials.by_nip(nip)
    with desk.db() as session:
        appr = get(session, reg_no)
        if appr is None:
            raise ApprovalError(f"{reg_no} belum masuk alur persetujuan")
        if appr.status == COLLECTED:
            raise ApprovalError(
                f"{reg_no}: izin sudah diserahkan pada {tanggal_jam(wib(appr.collected_at))}"
                f" kepada {appr.collected_by}"
            )
        if appr.status != READY:
            raise ApprovalError(f"{reg_no}: izin belum selesai (belum bernomor)")
        task = open_task(session, reg_no)
        chain = desk.chain(appr.service)
        name = appr.applicant_name
    if task is None:
        raise ApprovalError(f"{reg_no}: tidak ada tugas penyerahan terbuka")
    step = chain.steps[task.step_index]
    try:
        auth: Authority = authorize(desk.officials, nip, step.role)
    except NotAuthorized as exc:
        raise refuse(
            desk,
            reg_no,
            task.id,
            nip,
            actor.name if actor else None,
            "serahkan",
            "cli",
            f"Ditolak: {exc}",
        ) from None
    now = desk.now()
    who = (receiver or "").strip() or f"{name} (pemohon)"

    def work(session: Session) -> bool:
        closed = session.execute(
            update(ApprovalTask)
            .where(ApprovalTask.id == task.id, ApprovalTask.status == OPEN)
            .values(
                status=DONE,
                closed_at=now,
                actor_nip=auth.official.nip,
                actor_name=auth.official.name,
                acting=auth.acting,
                principal_nip=auth.principal.nip,
                decision="serahkan",
                note=note,
                channel="cli",
            )
        ).rowcount
        if not closed:
            return False
        appr = get(session, reg_no)
        assert appr is not None
        appr.status = COLLECTED
        appr.collected_at = now
        appr.collected_by = who
        control_card.append(
            session,
            reg_no,
            _desk_entry(
                step,
                auth,
                task,
                now,
                outcome="diserahkan kepada pemohon",
                handed_to=who,
                note=note,
                channel="cli",
            ),
        )
        return True

    if not with_retries(desk.db, work):
        raise ApprovalError(f"{reg_no}: penyerahan baru saja dicatat oleh petugas lain")
    files = write_card(desk, reg_no, pdf=desk.pdf)
    return Outcome(reg_no, f"{reg_no}: izin diserahkan kepada {who}.", task.id, files=files)


def redraft(
    desk: Desk,
    reg_no: str,
    nip: str,
    *,
    bap: str | None = None,
    corrections: dict[str, str] | None = None,
) -> Outcome:
    """The back office fixes the draft (BAP reference, corrected applicant fields) while the
    file is at its desk; the draft is rendered again."""
    bad = sorted(set(corrections or {}) - set(EDITABLE))
    if bad:
        raise ApprovalError(
            f"kolom {', '.join(bad)} tidak dapat diubah; pilih: {', '.join(EDITABLE)}"
        )
    with desk.db() as session:
        appr = get(session, reg_no)
        if appr is None:
            raise ApprovalError(f"{reg_no} belum masuk alur persetujuan")
        task = open_task(session, reg_no)
        chain = desk.chain(appr.service)
    first = chain.steps[0]
    if task is None or task.step_index != 0:
        raise ApprovalError(f"{reg_no}: berkas tidak sedang di {first.role_label}; draf terkunci")
    try:
        authorize(desk.officials, nip, first.role)
    except NotAuthorized as exc:
        raise refuse(desk, reg_no, task.id, nip, None, "draf", "cli", f"Ditolak: {exc}") from None

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
    files = _draft(desk, reg_no)
    _packet(desk, reg_no, task.id)
    return Outcome(reg_no, f"{reg_no}: draf diperbarui.", files=files)


# ---------------------------------------------------------------------------------------
# documents


def _context(desk: Desk, reg_no: str, *, draft: bool) -> tuple[ServiceChain, dict[str, object]]:
    folder = desk.folder(reg_no)
    checklist = read_json(folder / "checklist.json") or {}
    with desk.db() as session:
        appr = get(session, reg_no)
        app = register.get(session, reg_no)
        assert appr is not None and app is not None
        chain = desk.chain(appr.service)
        person = applicant(checklist, appr.overrides, address=appr.address, phone=appr.phone)
        permit = permit_of(session, reg_no)
        paraf = []
        history = tasks_of(session, reg_no)
        for i, s in enumerate(chain.steps):
            if s.action not in (Action.draf, Action.paraf):
                continue
            t = standing(history, i)
            mark = f"\u2713 {wib(t.closed_at):%d/%m %H.%M}" if t is not None else ""
            label = s.role_label + (" (konseptor)" if s.action == Action.draf else "")
            paraf.append({"jabatan": label, "paraf": mark})
        if draft:
            holder = desk.officials.holder("kepala_dinas")
            signer = Signer(holder) if holder else None
            issued = wib(desk.now()).date()  # type: ignore[union-attr]
        else:
            o = desk.officials.by_nip(appr.signer_nip or "")
            signer = Signer(o, appr.signer_acting) if o else None
            issued = wib(appr.signed_at or desk.now()).date()  # type: ignore[union-attr]
        ctx = permit_context(
            chain,
            person,
            reg_no=reg_no,
            received=as_utc(app.received_at).astimezone(WIB),
            draft=draft,
            number=permit.number if permit and not draft else None,
            issued=issued,
            signer=signer,
            bap_ref=appr.bap_ref,
            paraf=paraf,
        )
    return chain, ctx


def standing(tasks: list[ApprovalTask], index: int) -> ApprovalTask | None:
    """The task whose paraf for step ``index`` still stands: the last task of that step, done,
    with no later task behind it (a return to an earlier desk voids the later paraf)."""
    mine = [t for t in tasks if t.step_index == index]
    if not mine or mine[-1].status != DONE:
        return None
    last = mine[-1]
    if any(t.id > last.id and t.step_index < index for t in tasks):
        return None
    return last


def _draft(desk: Desk, reg_no: str) -> list[Path]:
    chain, ctx = _context(desk, reg_no, draft=True)
    return render_permit(chain, ctx, desk.folder(reg_no), pdf=desk.pdf)


def _permit(desk: Desk, reg_no: str, *, pdf: bool) -> list[Path]:
    chain, ctx = _context(desk, reg_no, draft=False)
    return render_permit(chain, ctx, desk.folder(reg_no), pdf=pdf)


def _duration(seconds: float) -> str:
    minutes = max(0, round(seconds / 60))
    if minutes < 60:
        return f"{minutes} mnt"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} j {minutes} mnt"
    days, hours = divmod(hours, 24)
    return f"{days} hr {hours} j"


def card_context(desk: Desk, reg_no: str) -> dict[str, object]:
    """The printable card: entries, refused attempts, guarantees, verification code."""
    with desk.db() as session:
        appr = get(session, reg_no)
        app = register.get(session, reg_no)
        if appr is None or app is None:
            raise ApprovalError(f"{reg_no} belum masuk alur persetujuan")
        chain = desk.chain(appr.service)
        rows = []
        for e in control_card.entries(session, reg_no):
            spent = working_minutes(as_utc(e.received_at), as_utc(e.handed_over_at)) * 60
            late = e.due_at is not None and as_utc(e.handed_over_at) > as_utc(e.due_at)
            who = e.actor_name + (f"\nNIP {e.actor_nip}" if e.actor_nip else "")
            role = ROLE_LABELS.get(e.role, e.role) if isinstance(e.role, str) else e.role  # type: ignore[call-overload]
            notes = [e.outcome]
            if e.note:
                notes.append(f"Catatan: {e.note}")
            if e.channel in ("cli", "prefect"):
                notes.append("via " + ("CLI" if e.channel == "cli" else "Prefect UI"))
            rows.append(
                {
                    "no": e.seq,
                    "kegiatan": f"{e.sop_step}. {e.activity}" if e.sop_step else e.activity,
                    "pelaksana": (f"{e.acting} " if e.acting else "") + role,
                    "nama": who,
                    "diterima": f"{wib(e.received_at):%d-%m-%Y %H.%M}",
                    "diserahkan": f"{wib(e.handed_over_at):%d-%m-%Y %H.%M}",
                    "waktu": f"{_duration(spent)} / {e.norm or '-'}"
                    + (" (TERLAMBAT)" if late else ""),
                    "keterangan": "; ".join(notes),
                }
            )
        refused = [
            f"{tanggal_jam(wib(a.at))}: NIP {a.actor_nip}"
            + (f" ({a.actor_name})" if a.actor_name else "")
            + f" \u2014 {a.message}"
            for a in attempts_of(session, reg_no)
        ]
        jaminan = []
        for n in session.scalars(select(Notification).where(Notification.reg_no == reg_no)):
            if n.status == notify.SENT:
                jaminan.append(f"SMS ke {n.phone} terkirim {tanggal_jam(wib(n.sent_at))}")
            else:
                jaminan.append(
                    f"SMS ke {n.phone or '(nomor HP tidak ada)'}: "
                    f"{notify.STATUS_LABELS.get(n.status, n.status)}"
                )
        for letter in session.scalars(
            select(DeliveryLetter).where(DeliveryLetter.reg_no == reg_no)
        ):
            made = tanggal(wib(letter.created_at))
            jaminan.append(f"Surat pemberitahuan {letter.number or ''} dibuat {made}")
        if not jaminan:
            jaminan.append("-")
        problems = control_card.verify(session, reg_no)[reg_no]
        h = control_card.head(session, reg_no)
        permit = permit_of(session, reg_no)
        status = {
            IN_PROGRESS: "dalam proses",
            READY: "selesai, menunggu diambil",
            COLLECTED: "sudah diserahkan",
        }.get(appr.status, appr.status)
    return {
        "layanan": chain.product.upper(),
        "reg_no": reg_no,
        "nama": appr.applicant_name or "-",
        "diterima": tanggal_jam(wib(app.received_at)),
        "nomor_izin": permit.number if permit else "-",
        "status": status,
        "norma_total": chain.total_norm.label,
        "entri": rows,
        "penolakan": refused,
        "jaminan": jaminan,
        "kode": (h.last_hash[:16] if h else "-"),
        "verifikasi": "utuh" if not problems else "RUSAK: " + "; ".join(problems),
        "dicetak": tanggal_jam(wib(desk.now())),
    }


def write_card(desk: Desk, reg_no: str, *, pdf: bool) -> list[Path]:
    return render_card(card_context(desk, reg_no), desk.folder(reg_no), pdf=pdf)


# ---------------------------------------------------------------------------------------
# review packets


def packet_dir(desk: Desk, role: str, reg_no: str) -> Path:
    return desk.settings.outbox_dir / REVIEWS / role / reg_no


def _drop_packet(desk: Desk, role: str, reg_no: str) -> None:
    shutil.rmtree(packet_dir(desk, role, reg_no), ignore_errors=True)


def thumbnails(desk: Desk, reg_no: str, width: int = 360) -> list[dict[str, object]]:
    """Small images of every page of the application (made once, in ``<reg-no>/thumbnails``)."""
    from loket.intake.pages import render as render_page
    from loket.intake.steps import page_refs

    folder = desk.folder(reg_no) / THUMBS
    pages_doc = read_json(desk.folder(reg_no) / "pages.json") or {"pages": []}
    kinds = {(p.get("file"), p.get("page")): p.get("doc_type") for p in pages_doc["pages"]}
    try:
        refs = page_refs(desk.db, desk.settings, reg_no)
    except KeyError:
        refs = []
    listed: list[dict[str, object]] = []
    for i, ref in enumerate(refs, start=1):
        doc_type = kinds.get((ref.relpath, ref.page)) or "tidak_dikenal"
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(ref.relpath).stem)
        name = f"{i:02d}-{doc_type}-{stem}-h{ref.page}.jpg"
        target = folder / name
        if not target.exists():
            try:
                image = render_page(ref, dpi=40) if ref.kind == "pdf" else render_page(ref)
            except Exception as exc:  # a page that cannot be drawn is listed, not fatal
                listed.append(
                    {
                        "file": ref.relpath,
                        "page": ref.page,
                        "doc_type": doc_type,
                        "image": None,
                        "error": str(exc)[:200],
                    }
                )
                continue
            image.thumbnail((width, width * 2))
            folder.mkdir(parents=True, exist_ok=True)
            image.save(target, "JPEG", quality=70)
        listed.append({"file": ref.relpath, "page": ref.page, "doc_type": doc_type, "image": name})
    return listed


def _packet(desk: Desk, reg_no: str, task_id: int) -> Path:
    """``outbox/reviews/<role>/<reg-no>/``: draft PDF, checklist, page thumbnails, task note."""
    with desk.db() as session:
        task = session.get(ApprovalTask, task_id)
        appr = get(session, reg_no)
        assert task is not None and appr is not None
        chain = desk.chain(appr.service)
        step = chain.steps[task.step_index]
        opened, due, incoming = wib(task.opened_at), wib(task.due_at), task.incoming_note
    target = packet_dir(desk, task.role, reg_no)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    src = desk.folder(reg_no)
    for name in ("draft.pdf", "draft.docx", "checklist.json", "checklist.pdf"):
        if (src / name).exists():
            shutil.copy2(src / name, target / name)
    listed = thumbnails(desk, reg_no)
    images = target / "halaman"
    for item in listed:
        if item["image"]:
            images.mkdir(exist_ok=True)
            with contextlib.suppress(OSError):
                shutil.copy2(src / THUMBS / str(item["image"]), images / str(item["image"]))
    (target / "pages.json").write_text(
        json.dumps({"reg_no": reg_no, "pages": listed}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    lines = [
        f"TUGAS: {step.title}",
        f"No. Registrasi : {reg_no}",
        f"Pemohon        : {appr.applicant_name or '-'}",
        f"Langkah        : {task.step_index + 1} dari {len(chain.steps)} (SOP langkah "
        f"{step.sop_step}), {ACTION_LABELS[step.action]} oleh {step.role_label}",
        f"Diterima       : {tanggal_jam(opened)}",
        f"Batas waktu    : {tanggal_jam(due)} (norma {step.norm.label})",
    ]
    if incoming:
        lines.append(f"Dikembalikan dengan catatan: {incoming}")
    lines += [
        "",
        "Isi paket: draft.pdf (draf izin), checklist.json/.pdf (hasil pemeriksaan "
        "persyaratan), halaman/ (gambar kecil setiap halaman berkas), pages.json (daftar "
        "halaman).",
        "",
        "Setujui : loket approve "
        + reg_no
        + " --as <NIP> [--note ...]"
        + (" [--bap <nomor BAP>]" if step.action == Action.draf else ""),
        "Kembalikan: loket return " + reg_no + " --as <NIP> --note <alasan>",
        "Atau melalui formulir pada flow run yang menunggu di Prefect UI.",
    ]
    (target / "tugas.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


# ---------------------------------------------------------------------------------------
# orchestration bookkeeping (used by flows/approval.py; no Prefect here)


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
    for o in desk.officials.with_role(step.role):
        holders.append(f"{o.name} (NIP {o.nip})")
        d = desk.officials.by_nip(o.delegate_nip or "")
        if d is not None:
            holders.append(f"Plh.: {d.name} (NIP {d.nip})")
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
