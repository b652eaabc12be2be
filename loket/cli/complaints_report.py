"""CLI of the monthly complaint report: draft it, the Sekretaris' approve or return, its status.

Mounted by ``loket/cli/main.py`` as ``loket complaints``. Who acts is given with ``--nip`` (or
the ``LOKET_NIP`` environment variable), looked up in ``rules/officials.yaml`` and proven with
a ``loket login`` session or the passphrase (asked).
"""

from __future__ import annotations

from typing import Annotated

import typer

from loket.cli.complaints_context import Ctx, NipOpt, NoPdf, console, fail
from loket.common.clock import to_wib
from loket.complaints.errors import ComplaintError
from loket.complaints.report import draft_month, versions
from loket.complaints.review import attempts, review
from loket.documents.officedocs import PdfError

complaints_app = typer.Typer(
    help="Monthly complaint report: draft, approve or return (Sekretaris).",
    no_args_is_help=True,
)

MonthOpt = Annotated[str, typer.Option("--month", help="Report month, YYYY-MM.")]


@complaints_app.command("report")
def report_cmd(month: MonthOpt, nip: NipOpt = None, no_pdf: NoPdf = False) -> None:
    """Draft the monthly complaint report for the Sekretaris to review."""
    ctx = Ctx()
    maker = ctx.official(nip, required=False)
    nip = maker.nip if maker else None
    try:
        version, files = draft_month(ctx.settings, month, maker_nip=nip, pdf=not no_pdf)
    except ComplaintError as exc:
        raise fail(str(exc)) from exc
    except PdfError as exc:
        raise fail(f"{exc} (gunakan --no-pdf)") from exc
    console.print(
        f"Draf laporan pengaduan {month} versi {version} (menunggu persetujuan Sekretaris):"
    )
    for f in files:
        console.print(f"  {f}")


def _review(month: str, nip: str | None, action: str, note: str | None, pdf: bool) -> None:
    ctx = Ctx()
    if not nip:
        raise fail("NIP wajib diisi (--nip atau LOKET_NIP).")
    actor = ctx.official(nip)
    assert actor is not None
    with ctx.session() as session:
        try:
            outcome = review(
                session,
                ctx.officials,
                month,
                actor,
                action,
                outbox=ctx.settings.outbox_dir,
                note=note,
                pdf=pdf,
            )
        finally:
            session.commit()  # the attempt is recorded whatever the outcome
    if not outcome.allowed:
        raise fail(outcome.message, 3)
    console.print(outcome.message)
    for f in outcome.files or []:
        console.print(f"  {f}")


@complaints_app.command("approve")
def approve_cmd(month: MonthOpt, nip: NipOpt = None, no_pdf: NoPdf = False) -> None:
    """Approve the latest draft (Sekretaris or Plh.); it goes to outbox/reports/YYYY-MM/."""
    _review(month, nip, "approve", None, not no_pdf)


@complaints_app.command("return")
def return_cmd(
    month: MonthOpt,
    note: Annotated[str, typer.Option(help="What must be corrected.")],
    nip: NipOpt = None,
) -> None:
    """Return the latest draft for correction with a note (Sekretaris or Plh.)."""
    _review(month, nip, "return", note, False)


@complaints_app.command("status")
def status_cmd(month: MonthOpt) -> None:
    """Versions of a month's report and every review attempt."""
    ctx = Ctx()
    with ctx.session() as session:
        for r in versions(session, month):
            console.print(
                f"versi {r.version}: {r.status}"
                + (f" \u2014 {r.reviewed_as} {r.reviewed_by_name}" if r.reviewed_by_name else "")
                + (f": {r.review_note}" if r.review_note else "")
            )
        for a in attempts(session, month):
            mark = "diizinkan" if a.allowed else "DITOLAK"
            console.print(
                f"  {to_wib(a.at):%Y-%m-%d %H.%M} {a.action} NIP {a.actor_nip} "
                f"{a.actor_name or ''}: {mark} \u2014 {a.message}"
            )
