"""CLI of the approval chain, the control card and the delivery guarantees.

Mounted by ``loket/cli/main.py`` with :func:`mount`::

    from loket.cli.approval import mount as mount_approval
    mount_approval(app)

which adds the top-level commands ``tasks``, ``approve``, ``return``, ``collected``
and the groups ``approval`` (start, status, draft, reattach) and ``delivery`` (check,
notifications, phone). Who acts is given with ``--as NIP`` (or ``LOKET_NIP``) and proven with
that official's ``loket login`` session or passphrase (asked, never an option; see
:mod:`loket.cli.identity`). Messages for officers are in Bahasa Indonesia.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    pass

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

approval_app = typer.Typer(
    help="Approval chain: start files, show their state, fix drafts, re-attach flow runs.",
    no_args_is_help=True,
)
delivery_app = typer.Typer(
    help="Delivery guarantees: uncollected-permit letters and messages to applicants.",
    no_args_is_help=True,
)

AsNip = Annotated[
    str,
    typer.Option("--as", envvar="LOKET_NIP", help="NIP of the official acting (officials.yaml)."),
]
RegNo = Annotated[str, typer.Argument(help="Registration number, e.g. SIKR-2026-000001.")]
NoPdf = Annotated[bool, typer.Option("--no-pdf", help="Skip PDF conversion (LibreOffice).")]


def _desk(pdf: bool = True):  # type: ignore[no-untyped-def]
    from loket.common.rulesfile import RulesError
    from loket.office import Office

    try:
        return Office.from_environment().desk(pdf=pdf)
    except RulesError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc


def _wib(value: datetime | None) -> str:
    from loket.common.clock import to_wib

    local = to_wib(value)
    return f"{local:%d-%m-%Y %H.%M}" if local else "-"


def _resume(desk, out, payload: dict, actor) -> None:  # type: ignore[no-untyped-def]
    """Resume the Prefect flow run waiting on the decided task, when there is one, with a
    decision token for the authenticated ``actor``."""
    try:
        from flows.approval import resume_after_cli

        line = resume_after_cli(desk, out, payload, actor=actor)
        console.print(f"[dim]Prefect: {line}[/dim]")
    except Exception as exc:  # the decision is recorded; the flow is re-attached later
        err.print(
            f"[yellow]Prefect tidak dapat dihubungi ({type(exc).__name__}: {exc}); "
            "keputusan sudah tercatat, flow disambung ulang oleh 'loket approval "
            "reattach'.[/yellow]"
        )


def tasks(
    as_nip: Annotated[
        str | None, typer.Option("--as", envvar="LOKET_NIP", help="Only tasks this NIP may act on.")
    ] = None,
) -> None:
    """List open review tasks (all, or those of one official)."""
    from loket.approval.tasks import list_tasks

    desk = _desk(pdf=False)
    views = list_tasks(desk, as_nip)
    if not views:
        console.print(
            "Tidak ada tugas terbuka." if not as_nip else f"Tidak ada tugas untuk {as_nip}."
        )
        return
    table = Table(title="Tugas terbuka")
    for col in ("No. Registrasi", "Langkah", "Pelaksana", "Pemohon", "Diterima", "Batas", "Paket"):
        table.add_column(col)
    for v in views:
        late = " [red]TERLAMBAT[/red]" if v.overdue else ""
        who = (f"{v.may_act_as} " if v.may_act_as else "") + v.step.role_label
        title = f"{v.step_no}/{v.steps} {v.step.title}"
        if v.incoming_note:
            title += f"\n[yellow]dikembalikan: {v.incoming_note}[/yellow]"
        table.add_row(
            v.reg_no,
            title,
            who,
            v.applicant,
            _wib(v.opened_at),
            _wib(v.due_at) + late,
            str(v.packet or "-"),
        )
    console.print(table)


def _decide(
    reg_no: str,
    nip: str,
    decision: str,
    note: str | None,
    bap: str | None,
    to_first: bool,
    resume: bool,
) -> None:
    from loket.approval.acts import act
    from loket.approval.refusal import ApprovalError, Refused
    from loket.cli.identity import authenticated

    desk = _desk()
    actor = authenticated(desk.gate(), nip)
    try:
        out = act(
            desk, reg_no, actor, decision, note=note, bap=bap, channel="cli", to_first=to_first
        )
    except Refused as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(3) from exc
    except ApprovalError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(out.message)
    for f in out.files:
        console.print(f"  {f}")
    if resume:
        payload = {
            "nip": actor.nip,
            "keputusan": decision,
            "catatan": note or "",
            "nomor_bap": bap or "",
            "tugas": out.closed_task,
        }
        _resume(desk, out, payload, actor)


def approve(
    reg_no: RegNo,
    as_nip: AsNip,
    note: Annotated[str | None, typer.Option("--note", help="Note for the card.")] = None,
    bap: Annotated[
        str | None, typer.Option("--bap", help="Draft step: the technical team's BAP number.")
    ] = None,
    no_resume: Annotated[
        bool, typer.Option("--no-resume", help="Do not resume the waiting Prefect flow run.")
    ] = False,
) -> None:
    """Approve the open step of a file (draft, paraf, signature, number) as NIP."""
    _decide(reg_no, as_nip, "setuju", note, bap, False, not no_resume)


def return_(
    reg_no: RegNo,
    as_nip: AsNip,
    note: Annotated[str, typer.Option("--note", help="Why it goes back (required).")],
    to_back_office: Annotated[
        bool, typer.Option("--to-back-office", help="Send it to the back office, not one step.")
    ] = False,
    no_resume: Annotated[bool, typer.Option("--no-resume")] = False,
) -> None:
    """Return the file to the previous desk (or the back office) with a note."""
    _decide(reg_no, as_nip, "kembalikan", note, None, to_back_office, not no_resume)


def collected(
    reg_no: RegNo,
    as_nip: AsNip,
    receiver: Annotated[
        str | None, typer.Option("--receiver", help="Who received it, if not the applicant.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    no_pdf: NoPdf = False,
) -> None:
    """Record the hand-over of the permit to the applicant (SOP step 9)."""
    from loket.approval.acts import collected as record
    from loket.approval.refusal import ApprovalError, Refused
    from loket.cli.identity import authenticated

    desk = _desk(pdf=not no_pdf)
    actor = authenticated(desk.gate(), as_nip)
    try:
        out = record(desk, reg_no, actor, receiver=receiver, note=note)
    except Refused as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(3) from exc
    except ApprovalError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(out.message)


# ---------------------------------------------------------------------------------------
# loket approval ...


@approval_app.command("start")
def approval_start(
    reg_nos: Annotated[list[str], typer.Argument(help="Registration numbers (complete).")],
    no_flow: Annotated[bool, typer.Option("--no-flow", help="Do not create flow runs.")] = False,
) -> None:
    """Put complete applications into the chain (draft, first task, flow run)."""
    from flows.approval import start_approvals

    desk = _desk()
    for out in start_approvals(reg_nos, desk, runs=not no_flow):
        console.print(out.message)


@approval_app.command("status")
def approval_status(reg_no: RegNo) -> None:
    """Show where a file is in the chain."""
    from loket.approval.desk import get, open_task, permit_of, tasks_of

    desk = _desk(pdf=False)
    with desk.db() as session:
        appr = get(session, reg_no)
        if appr is None:
            err.print(f"{reg_no} belum masuk alur persetujuan.")
            raise typer.Exit(1)
        chain = desk.chain(appr.service)
        t = open_task(session, reg_no)
        permit = permit_of(session, reg_no)
        history = tasks_of(session, reg_no)
    console.print(f"[bold]{reg_no}[/bold]  {appr.applicant_name}  status: {appr.status}")
    console.print(f"HP: {appr.phone or '(tidak ada)'}   alamat: {appr.address or '(tidak ada)'}")
    if appr.bap_ref:
        console.print(f"BAP: {appr.bap_ref}")
    if permit:
        console.print(f"Nomor izin: {permit.number}")
    if t:
        step = chain.steps[t.step_index]
        console.print(
            f"Menunggu: {step.title} ({step.role_label}) sejak {_wib(t.opened_at)}, "
            f"batas {_wib(t.due_at)}"
        )
    console.print(f"Flow run: {appr.flow_run_id or '-'}   tugas: {len(history)}")


@approval_app.command("draft")
def approval_draft(
    reg_no: RegNo,
    as_nip: AsNip,
    bap: Annotated[str | None, typer.Option("--bap", help="BAP number.")] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Correct a field: name=..., address=..., phone=..., ..."),
    ] = None,
) -> None:
    """Back office: correct the draft while the file is at its desk, then render it again."""
    from loket.approval.refusal import ApprovalError, Refused
    from loket.approval.start import redraft

    corrections = {}
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep:
            err.print(f"--set {item!r}: tulis kolom=nilai")
            raise typer.Exit(1)
        corrections[key.strip()] = value.strip()
    from loket.cli.identity import authenticated

    desk = _desk()
    actor = authenticated(desk.gate(), as_nip)
    try:
        out = redraft(desk, reg_no, actor, bap=bap, corrections=corrections or None)
    except (Refused, ApprovalError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(out.message)
    for f in out.files:
        console.print(f"  {f}")


@approval_app.command("reattach")
def approval_reattach() -> None:
    """Give every waiting file a live Prefect flow run (after a restart or a lost run)."""
    from flows.approval import reattach

    lines = reattach(_desk(pdf=False))
    for line in lines:
        console.print(line)
    if not lines:
        console.print("Semua berkas yang menunggu sudah memiliki flow run yang aktif.")


# ---------------------------------------------------------------------------------------
# loket delivery ...


@delivery_app.command("check")
def delivery_check(
    now: Annotated[
        str | None, typer.Option("--now", help="Pretend it is this time (ISO), for checks.")
    ] = None,
    no_pdf: NoPdf = False,
) -> None:
    """Run the daily check now: uncollected-permit letters and queued messages."""
    from loket.approval import notify
    from loket.approval.delivery import issue_uncollected_letters

    desk = _desk(pdf=not no_pdf)
    at = datetime.fromisoformat(now) if now else None
    for letter in issue_uncollected_letters(desk, at):
        state = "dibuat" if letter.new else "dibuat ulang"
        console.print(f"{letter.reg_no}: surat pemberitahuan {letter.number} {state}")
        for f in letter.files:
            console.print(f"  {f}")
    notifier = notify.make_notifier(desk.notify_rules, desk.settings.outbox_dir)
    for s in notify.dispatch(desk.db, notifier, desk.notify_rules):
        console.print(f"pesan {s.id} ({s.reg_no}): {'terkirim' if s.ok else 'gagal'} {s.detail}")


@delivery_app.command("notifications")
def delivery_notifications(
    dispatch: Annotated[bool, typer.Option("--dispatch", help="Send due messages now.")] = False,
) -> None:
    """List messages not yet sent (and send them with --dispatch)."""
    from loket.approval import notify

    desk = _desk(pdf=False)
    if dispatch:
        notifier = notify.make_notifier(desk.notify_rules, desk.settings.outbox_dir)
        for s in notify.dispatch(desk.db, notifier, desk.notify_rules):
            console.print(f"pesan {s.id} ({s.reg_no}): {'terkirim' if s.ok else 'gagal'}")
    with desk.db() as session:
        rows = notify.pending(session)
    if not rows:
        console.print("Semua pesan sudah terkirim.")
        return
    alert = desk.notify_rules.retry.alert_after_attempts
    table = Table(title="Pesan belum terkirim")
    for col in ("#", "No. Registrasi", "No. HP", "Status", "Percobaan", "Berikutnya", "Galat"):
        table.add_column(col)
    for n in rows:
        flag = " [red]!![/red]" if n.attempts >= alert else ""
        table.add_row(
            str(n.id),
            n.reg_no,
            n.phone or "-",
            notify.STATUS_LABELS.get(n.status, n.status),
            f"{n.attempts}{flag}",
            _wib(n.next_attempt_at),
            (n.last_error or "")[:60],
        )
    console.print(table)


@delivery_app.command("phone")
def delivery_phone(
    reg_no: RegNo,
    phone: Annotated[str, typer.Argument(help="The applicant's mobile number.")],
) -> None:
    """Give queued messages of a file the applicant's number (when the letter had none)."""
    from loket.approval import notify
    from loket.approval.desk import get
    from loket.approval.numbering import with_retries

    number = notify.normalize_phone(phone)
    if number is None:
        err.print(f"{phone!r} bukan nomor HP Indonesia (08..., +628...)")
        raise typer.Exit(1)
    desk = _desk(pdf=False)

    def work(session):  # type: ignore[no-untyped-def]
        appr = get(session, reg_no)
        if appr is not None:
            appr.phone = number
        return notify.set_phone(session, reg_no, number)

    count = with_retries(desk.db, work)
    console.print(f"{reg_no}: nomor HP {number} dicatat; {count} pesan akan dikirim.")


def mount(app: typer.Typer) -> None:
    """Add the commands to the main ``loket`` app."""
    app.command("tasks")(tasks)
    app.command("approve")(approve)
    app.command("return")(return_)
    app.command("collected")(collected)
    app.add_typer(approval_app, name="approval")
    app.add_typer(delivery_app, name="delivery")
