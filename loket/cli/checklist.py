"""CLI of the front office's checklist: the files waiting for an officer, and the officer's
decision on each cell the checks left in review.

    loket checklist pending
    loket checklist confirm SIKR-2026-000001 str ok --as NIP --note "cap legalisir terlihat"
    loket checklist confirm SIKR-2026-000001 ijazah invalid --as NIP --note "tanpa legalisir"

A file whose last cell is decided and that has no defect enters the approval chain at once;
one with a defect gets its return letter. The officer proves who they are with their
``loket login`` session or passphrase (asked). Messages for officers are in Bahasa Indonesia.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from loket.cli.approval import AsNip, RegNo, _desk

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

checklist_app = typer.Typer(
    help="Front-office checklist: files with cells in review, and the officer's decisions.",
    no_args_is_help=True,
)


@checklist_app.command("pending")
def pending() -> None:
    """List the files waiting for an officer's decision, with their cells in review."""
    import json

    from sqlalchemy import select

    from loket.intake import Application
    from loket.requirements import CHECKLIST_JSON, Verdict, open_reviews

    desk = _desk(pdf=False)
    with desk.db() as session:
        apps = session.scalars(
            select(Application)
            .where(Application.verdict == Verdict.REVIEW)
            .order_by(Application.id)
        ).all()
        rows = [(a.reg_no, a.source) for a in apps]
    if not rows:
        console.print("Tidak ada berkas yang menunggu pemeriksaan petugas.")
        return
    table = Table("Nomor registrasi", "Berkas", "Perlu diperiksa", "Alasan")
    for reg_no, source in rows:
        path = desk.folder(reg_no) / CHECKLIST_JSON
        checklist = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        for cell in open_reviews(checklist):
            table.add_row(reg_no, source, cell.id, " ".join(cell.reasons))
    console.print(table)


@checklist_app.command("confirm")
def confirm(
    reg_no: RegNo,
    requirement: Annotated[str, typer.Argument(help="Requirement id, e.g. str or ijazah.")],
    decision: Annotated[str, typer.Argument(help="ok (memenuhi) or invalid (tidak memenuhi).")],
    nip: AsNip,
    note: Annotated[
        str | None,
        typer.Option("--note", help="Note; required for invalid (it is the letter's reason)."),
    ] = None,
    no_flow: Annotated[bool, typer.Option("--no-flow", help="Do not create flow runs.")] = False,
) -> None:
    """Decide one cell in review; a file left with no doubt goes on (chain or letter)."""
    from loket.approval.refusal import ApprovalError, Refused
    from loket.approval.review import confirm_cell
    from loket.cli.identity import authenticated
    from loket.intake import page_refs, render_page
    from loket.requirements import Verdict

    desk = _desk()
    actor = authenticated(desk.gate(), nip)
    try:
        refs = {(r.relpath, r.page): r for r in page_refs(desk.db, desk.settings, reg_no)}
    except KeyError:
        err.print(f"{reg_no} tidak ada di register permohonan")
        raise typer.Exit(1) from None

    def image_for(file: str, page: int):  # type: ignore[no-untyped-def]
        return render_page(refs[(file, page)])

    try:
        out = confirm_cell(desk, reg_no, requirement, decision, actor, note, image_for=image_for)
    except (ApprovalError, Refused) as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from None
    console.print(out.message, markup=False)
    verdict = _verdict(desk, reg_no)
    if verdict == Verdict.COMPLETE:
        from flows.approval import start_approvals

        try:
            started = start_approvals([reg_no], desk, runs=not no_flow)
        except Exception as exc:  # the decision stands; the chain can be started again
            err.print(
                f"Alur persetujuan belum dimulai ({type(exc).__name__}: {exc}); keputusan "
                f"sudah tercatat. Mulai dengan: loket approval start {reg_no}",
                markup=False,
            )
            raise typer.Exit(1) from None
        for out_start in started:
            console.print(out_start.message, markup=False)
    elif verdict == Verdict.INCOMPLETE:
        console.print(f"surat pengembalian: {desk.folder(reg_no) / 'surat-pengembalian.docx'}")


def _verdict(desk, reg_no: str) -> str | None:  # type: ignore[no-untyped-def]
    from loket.intake import get_application

    with desk.db() as session:
        app = get_application(session, reg_no)
        return app.verdict if app else None
