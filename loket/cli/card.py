"""CLI of the control card: print one card (``loket card REG [--pdf]``) and verify the
cards (``loket card verify [REG]``).

Mounted by ``loket/cli/main.py`` with :func:`mount`. Messages for officers are in Bahasa
Indonesia.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from loket.cli.approval import _desk, _wib, console, err

if TYPE_CHECKING:
    from loket.approval.desk import Desk
    from loket.approval.models import CardEntry


def card(
    target: Annotated[str, typer.Argument(help="A registration number, or 'verify'.")],
    reg_no: Annotated[str | None, typer.Argument(help="With 'verify': only this card.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write kartu-kendali.pdf.")] = False,
) -> None:
    """Print the control card of a file (`loket card REG`), or verify cards
    (`loket card verify [REG]`): an edited or deleted entry is reported."""
    from loket.approval import control_card
    from loket.approval.desk import attempts_of
    from loket.approval.documents import write_card

    desk = _desk(pdf=pdf)
    if target == "verify":
        _verify_cards(desk, reg_no)
        return
    with desk.db() as session:
        entries = control_card.entries(session, target)
        refused = attempts_of(session, target)
        problems = control_card.verify(session, target)[target]
    if not entries:
        err.print(f"Tidak ada kartu kendali untuk {target}.")
        raise typer.Exit(1)
    console.print(_card_table(target, entries))
    for a in refused:
        console.print(f"[yellow]ditolak {_wib(a.at)}: {a.message}[/yellow]")
    if problems:
        for p in problems:
            err.print(f"[red]RUSAK: {p}[/red]")
    else:
        console.print(f"Rantai hash utuh; kode verifikasi {entries[-1].hash[:16]}.")
    if pdf:
        for f in write_card(desk, target, pdf=True):
            console.print(f"  {f}")
    if problems:
        raise typer.Exit(1)


def _verify_cards(desk: Desk, reg_no: str | None) -> None:
    """``loket card verify [REG]``: every card's hash chain; exit 1 if one is broken."""
    from loket.approval import control_card

    with desk.db() as session:
        report = control_card.verify(session, reg_no)
    bad = {k: v for k, v in report.items() if v}
    for k, problems in report.items():
        if problems:
            for p in problems:
                err.print(f"[red]{k}: {p}[/red]")
        else:
            console.print(f"{k}: utuh ({'ok'})")
    if not report:
        console.print("Tidak ada kartu kendali.")
    if bad:
        raise typer.Exit(1)


def _card_table(target: str, entries: list[CardEntry]) -> Table:
    """The entries of one control card as a table."""
    from loket.approval.officials import ROLE_LABELS

    table = Table(title=f"Kartu kendali {target}")
    for col in (
        "#",
        "Kegiatan",
        "Pelaksana",
        "Nama / NIP",
        "Diterima",
        "Diserahkan",
        "Norma",
        "Keterangan",
    ):
        table.add_column(col)
    for e in entries:
        role = ROLE_LABELS.get(e.role, e.role)  # type: ignore[call-overload]
        late = e.due_at is not None and e.handed_over_at > e.due_at
        table.add_row(
            str(e.seq),
            (f"{e.sop_step}. " if e.sop_step else "") + e.activity,
            (f"{e.acting} " if e.acting else "") + str(role),
            e.actor_name + (f"\n{e.actor_nip}" if e.actor_nip else ""),
            _wib(e.received_at),
            _wib(e.handed_over_at) + (" [red]terlambat[/red]" if late else ""),
            e.norm or "-",
            e.outcome
            + (f"\ncatatan: {e.note}" if e.note else "")
            + (f"\nvia {e.channel}" if e.channel else ""),
        )
    return table


def mount(app: typer.Typer) -> None:
    """Add ``loket card`` to the main ``loket`` app."""
    app.command("card")(card)
