"""Acting on a task (SOP steps 3-9): approve or return it, and hand the permit over.

:func:`act` takes an authenticated :class:`~loket.identity.Actor` (never a typed NIP) and is
composed of four steps: :func:`_validate` (the decision is known, the task is still open, the
actor holds the role or is its Plh. on that day, has given no other decision on the file
(separation of duties), a return carries a note),
:func:`_decide` (where the file goes next), :func:`_record` (one transaction: close the task,
apply the step to the file, append the card entry, open the next task) and :func:`_notify`
(after the commit: the review packets, the documents and the message for the officer).
:func:`collected` records step 9, the hand-over to the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session

from loket.approval import control_card, notify
from loket.approval.cardkeys import keyring_for
from loket.approval.chain import Action, ServiceChain, Step
from loket.approval.desk import APPROVE, RETURN, Desk, DeskOutcome, get, open_task, tasks_of
from loket.approval.documents import render_draft, render_issued_permit, write_card
from loket.approval.models import COLLECTED, DONE, OPEN, READY, RETURNED, Approval, ApprovalTask
from loket.approval.numbering import assign_number, with_retries
from loket.approval.officials import ROLE_LABELS, Authority
from loket.approval.packets import drop_packet, write_packet
from loket.approval.refusal import ApprovalError, Attempt, not_in_chain
from loket.approval.tasks import add_task
from loket.common.clock import as_utc, to_wib
from loket.documents import tanggal_jam, to_pdf
from loket.identity import Actor, PriorDecision, conflict, conflict_message


@dataclass(frozen=True)
class _Decision:
    """A validated decision on the open task: who acts, on which step, where the file goes."""

    attempt: Attempt
    chain: ServiceChain
    task: ApprovalTask
    step: Step
    auth: Authority
    note: str | None
    bap: str | None
    now: datetime
    target: int
    nxt: Step

    @property
    def approve(self) -> bool:
        return self.attempt.decision == APPROVE


def act(
    desk: Desk,
    reg_no: str,
    actor: Actor,
    decision: str,
    *,
    note: str | None = None,
    bap: str | None = None,
    channel: str = "cli",
    task_id: int | None = None,
    to_first: bool = False,
) -> DeskOutcome:
    """Approve (``setuju``) or return (``kembalikan``) the open task of ``reg_no`` as the
    authenticated ``actor``.

    ``task_id`` pins the task the decision was made on (the Prefect form carries it): if that
    task is no longer open the decision is refused instead of landing on a later step.
    Raises :class:`Refused` (recorded) or :class:`ApprovalError`.
    """
    note = (note or "").strip() or None
    attempt = Attempt.of(desk, reg_no, actor, decision, channel)
    chain, task, step, auth = _validate(attempt, note, task_id)
    d = _decide(attempt, chain, task, step, auth, note=note, bap=bap, to_first=to_first)
    recorded = _record(d)
    if recorded is None:
        raise attempt.refused(
            task.id,
            f"{reg_no}: tugas ini baru saja diputuskan oleh petugas lain; tidak ada yang diubah.",
        )
    next_task, number = recorded
    return _notify(d, next_task, number)


def _validate(
    attempt: Attempt, note: str | None, task_id: int | None
) -> tuple[ServiceChain, ApprovalTask, Step, Authority]:
    """The open task and the actor's authority for its step; refused (and recorded) when the
    task was decided already, is the hand-over, or the actor may not act on it."""
    desk, reg_no, decision = attempt.desk, attempt.reg_no, attempt.decision
    if decision not in (APPROVE, RETURN):
        raise ApprovalError(f"keputusan {decision!r} tidak dikenal: gunakan setuju atau kembalikan")
    with desk.db() as session:
        appr = get(session, reg_no)
        if appr is None:
            raise not_in_chain(reg_no)
        task = open_task(session, reg_no)
        chain = desk.chain(appr.service)
    if task is None or (task_id is not None and task.id != task_id):
        raise attempt.refused(
            task_id, f"{reg_no}: tugas ini sudah diputuskan; tidak ada yang diubah."
        )
    step = chain.steps[task.step_index]
    if step.action == Action.penyerahan:
        raise attempt.refused(
            task.id,
            f"{reg_no}: izin sudah selesai dan menunggu diambil; catat penyerahan "
            "dengan 'loket collected'.",
        )
    auth = attempt.authorize(
        task.id,
        step.role,
        f" Langkah '{step.title}' hanya dapat dilakukan oleh "
        f"{step.role_label} atau Plh. yang ditetapkan.",
    )
    _separate_duties(attempt, chain, task)
    if decision == RETURN:
        if not note:
            raise ApprovalError("pengembalian wajib disertai catatan (--note)")
        if task.step_index == 0:
            raise ApprovalError(
                "berkas di Back Office tidak dapat dikembalikan lagi; perbaiki draf dengan "
                "'loket approval draft' lalu setujui"
            )
    return chain, task, step, auth


def _separate_duties(attempt: Attempt, chain: ServiceChain, task: ApprovalTask) -> None:
    """Refuse (and record) a person who already decided another step of this file, in
    whatever capacity: one person, one decision per file (a step decided again after a
    return is the same decision)."""
    with attempt.desk.db() as session:
        prior = [
            PriorDecision(t.step_index, chain.steps[t.step_index].title, t.actor_nip)
            for t in tasks_of(session, attempt.reg_no)
            if t.actor_nip and t.decision in (APPROVE, RETURN)
        ]
    earlier = conflict(prior, attempt.nip, task.step_index)
    if earlier is not None:
        raise attempt.refused(task.id, conflict_message(attempt.name or attempt.nip, earlier))


def _decide(
    attempt: Attempt,
    chain: ServiceChain,
    task: ApprovalTask,
    step: Step,
    auth: Authority,
    *,
    note: str | None,
    bap: str | None,
    to_first: bool,
) -> _Decision:
    """Where the file goes: the next desk on approval; one desk back, or the back office
    (``to_first``), on a return."""
    now = attempt.desk.now()
    forward = task.step_index + 1
    target = forward if attempt.decision == APPROVE else (0 if to_first else task.step_index - 1)
    return _Decision(attempt, chain, task, step, auth, note, bap, now, target, chain.steps[target])


def _record(d: _Decision) -> tuple[int, str | None] | None:
    """One transaction: close the task, apply the step to the file, append the card entry and
    open the next task. Returns (next task, permit number); None if another officer closed the
    task first (then nothing changed)."""
    reg_no = d.attempt.reg_no

    def work(session: Session) -> tuple[int, str | None] | None:
        status = DONE if d.approve else RETURNED
        if not _close_task(
            session, d.task, d.auth, d.now, status, d.attempt.decision, d.note, d.attempt.channel
        ):
            return None
        appr = get(session, reg_no)
        assert appr is not None
        number = _apply_step(session, d, appr) if d.approve else None
        if d.approve:
            outcome = _done_label(d.step.action) + f", diteruskan ke {d.nxt.role_label}"
        else:
            outcome = f"dikembalikan ke {d.nxt.role_label}"
        control_card.append(
            session,
            reg_no,
            _desk_entry(
                d.step,
                d.auth,
                d.task,
                d.now,
                outcome=outcome + (f" (nomor {number})" if number else ""),
                handed_to=d.nxt.role_label,
                note=d.note,
                channel=d.attempt.channel,
            ),
            keys=keyring_for(d.attempt.desk.settings),
        )
        incoming = d.note if d.attempt.decision == RETURN else None
        new = add_task(
            session, reg_no, d.target, d.nxt, d.now, incoming, calendar=d.attempt.desk.calendar
        )
        return new.id, number

    return with_retries(d.attempt.desk.db, work)


def _apply_step(session: Session, d: _Decision, appr: Approval) -> str | None:
    """What approving the step does to the file: the BAP reference on the draft, the signer on
    the signature, the permit number on the numbering (returned)."""
    if d.step.action == Action.draf and d.bap:
        appr.bap_ref = d.bap.strip()
    if d.step.action == Action.tanda_tangan:
        appr.signed_at = d.now
        appr.signer_nip = d.auth.official.nip
        appr.signer_name = d.auth.official.name
        appr.signer_acting = d.auth.acting
    if d.step.action == Action.penomoran:
        return _number(session, d, appr)
    return None


def _number(session: Session, d: _Decision, appr: Approval) -> str:
    """Number the permit, mark the file ready and queue the "siap" SMS to the applicant, all in
    the transaction of the decision (so the message is queued exactly once)."""
    reg_no, chain = d.attempt.reg_no, d.chain
    permit = assign_number(
        session,
        chain,
        service=appr.service,
        reg_no=reg_no,
        at=d.now,
        by_nip=d.auth.official.nip,
        settings=d.attempt.desk.settings,
    )
    number = permit.number
    appr.status = READY
    appr.completed_at = d.now
    text = notify.render_message(
        d.attempt.desk.notify_rules,
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
        now=d.now,
    )
    return number


def _notify(d: _Decision, next_task: int, number: str | None) -> DeskOutcome:
    """After the commit: the packet leaves the desk that decided and goes to the next one, the
    documents and the card are rendered again, and the officer gets the message."""
    desk, reg_no = d.attempt.desk, d.attempt.reg_no
    drop_packet(desk, d.task.role, reg_no)
    files: list[Path] = []
    if d.approve and d.step.action == Action.draf and d.bap:
        files += render_draft(desk, reg_no)
    if number:
        # the permit's PDF is made, signed and registered by render_issued_permit itself: a
        # generic conversion would leave an unsigned permit.pdf the register knows nothing of
        files += render_issued_permit(desk, reg_no, pdf=desk.pdf)
        card = write_card(desk, reg_no, pdf=False)
        files += card + (to_pdf(card) if desk.pdf else [])
    else:
        write_card(desk, reg_no, pdf=False)
        if d.nxt.action != Action.penyerahan:
            write_packet(desk, reg_no, next_task)
    message = _message(d, number)
    return DeskOutcome(reg_no, message, d.task.id, next_task, d.nxt.role.value, number, files)


def _message(d: _Decision, number: str | None) -> str:
    """What the officer is told the decision did."""
    reg_no, auth = d.attempt.reg_no, d.auth
    who = f"{auth.acting} {ROLE_LABELS[auth.role]}" if auth.acting else ROLE_LABELS[auth.role]
    if d.approve:
        msg = f"{reg_no}: {d.step.title} dicatat ({auth.official.name}, {who}); "
        msg += (
            f"nomor izin {number}; SMS pemberitahuan diantrekan."
            if number
            else f"berkas diteruskan ke {d.nxt.role_label}."
        )
    else:
        msg = f"{reg_no}: dikembalikan ke {d.nxt.role_label} dengan catatan: {d.note}"
    return msg


# ---------------------------------------------------------------------------------------
# shared by act and collected


def _close_task(
    session: Session,
    task: ApprovalTask,
    auth: Authority,
    now: datetime,
    status: str,
    decision: str,
    note: str | None,
    channel: str,
) -> bool:
    """Close ``task`` with the decision, if it is still open (False: someone else closed it)."""
    closed = session.execute(
        update(ApprovalTask)
        .where(ApprovalTask.id == task.id, ApprovalTask.status == OPEN)
        .values(
            status=status,
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
    return bool(closed)


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


# ---------------------------------------------------------------------------------------
# step 9: the hand-over


def _ready_for_collection(desk: Desk, reg_no: str) -> tuple[ApprovalTask, Step, str | None]:
    """The open hand-over task of a numbered permit, its step and the applicant's name."""
    with desk.db() as session:
        appr = get(session, reg_no)
        if appr is None:
            raise not_in_chain(reg_no)
        if appr.status == COLLECTED:
            raise ApprovalError(
                f"{reg_no}: izin sudah diserahkan pada {tanggal_jam(to_wib(appr.collected_at))}"
                f" kepada {appr.collected_by}"
            )
        if appr.status != READY:
            raise ApprovalError(f"{reg_no}: izin belum selesai (belum bernomor)")
        task = open_task(session, reg_no)
        chain = desk.chain(appr.service)
        name = appr.applicant_name
    if task is None:
        raise ApprovalError(f"{reg_no}: tidak ada tugas penyerahan terbuka")
    return task, chain.steps[task.step_index], name


def collected(
    desk: Desk, reg_no: str, actor: Actor, *, receiver: str | None = None, note: str | None = None
) -> DeskOutcome:
    """Step 9: the permit is handed over to the applicant (or a proxy, ``receiver``) by the
    authenticated ``actor``."""
    attempt = Attempt.of(desk, reg_no, actor, "serahkan", "cli")
    task, step, name = _ready_for_collection(desk, reg_no)
    auth = attempt.authorize(task.id, step.role)
    now = desk.now()
    who = (receiver or "").strip() or f"{name} (pemohon)"

    def work(session: Session) -> bool:
        if not _close_task(session, task, auth, now, DONE, "serahkan", note, "cli"):
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
            keys=keyring_for(desk.settings),
        )
        return True

    if not with_retries(desk.db, work):
        raise ApprovalError(f"{reg_no}: penyerahan baru saja dicatat oleh petugas lain")
    files = write_card(desk, reg_no, pdf=desk.pdf)
    return DeskOutcome(reg_no, f"{reg_no}: izin diserahkan kepada {who}.", task.id, files=files)
