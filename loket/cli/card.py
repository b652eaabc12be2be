"""CLI of the control card: print one card (``loket card REG [--pdf]``), verify the cards
(``loket card verify [REG] [--code KODE] [--anchor FILE]``), rotate the card key
(``loket card rotate-key``), write an anchor now (``loket card anchor``) and check an anchor
file as an auditor would (``loket card check-anchor FILE [--public-key PEM]``).

Mounted by ``loket/cli/main.py`` with :func:`mount`. Messages for officers are in Bahasa
Indonesia.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from loket.cli.approval import _desk, _wib, console, err

if TYPE_CHECKING:
    from loket.approval.control_card import Audit
    from loket.approval.desk import Desk
    from loket.approval.models import CardEntry


def card(
    target: Annotated[
        str,
        typer.Argument(
            help="A registration number, or one of: verify, rotate-key, anchor, check-anchor."
        ),
    ],
    reg_no: Annotated[
        str | None,
        typer.Argument(help="With 'verify': only this card; with 'check-anchor': the file."),
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write kartu-kendali.pdf.")] = False,
    code: Annotated[
        str | None,
        typer.Option("--code", help="With 'verify REG': the verification code printed on a card."),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="With 'check-anchor': the anchors' public key (PEM) as the auditor got it "
            "from the office (default: the one in the keys folder, never the one beside the "
            "anchor).",
        ),
    ] = None,
    anchor: Annotated[
        Path | None,
        typer.Option(
            "--anchor",
            help="With 'verify': also hold the cards to this anchor file an auditor kept, and "
            "check that it is in the office's chain of anchors.",
        ),
    ] = None,
) -> None:
    """Print the control card of a file (`loket card REG`), verify cards against their keys,
    the latest anchor (and a kept one) and the approvals and permits
    (`loket card verify [REG] [--code KODE] [--anchor FILE]`),
    make a new card key (`loket card rotate-key`), sign the heads of all cards now
    (`loket card anchor`), or check an anchor file (`loket card check-anchor FILE`)."""
    from loket.approval.cardkeys import KeyringError

    try:
        if target == "check-anchor":
            _check_anchor_file(reg_no, public_key)
            return
        desk = _desk(pdf=pdf)
        if target == "verify":
            _verify_cards(desk, reg_no, code, anchor)
        elif target == "rotate-key":
            _rotate(desk)
        elif target == "anchor":
            _anchor_now(desk)
        else:
            _show_card(desk, target, pdf)
    except KeyringError as exc:  # one line with the fix, for the officer (no traceback)
        err.print(f"[red]{escape(str(exc))}[/red]", highlight=False)
        raise typer.Exit(2) from None


def _show_card(desk: Desk, target: str, pdf: bool) -> None:
    """``loket card REG``: the entries, the refused attempts, and whether the card holds."""
    from loket.approval import control_card
    from loket.approval.desk import attempts_of
    from loket.approval.documents import write_card

    with desk.db() as session:
        entries = control_card.entries(session, target)
        refused = attempts_of(session, target)
        audit = control_card.examine(session, target, settings=desk.settings)
    problems = audit.problems + audit.cards[target].problems
    if not entries:
        err.print(f"Tidak ada kartu kendali untuk {target}.")
        for p in problems:
            err.print(f"[red]RUSAK: {p}[/red]")
        raise typer.Exit(1)
    console.print(_card_table(target, entries))
    for a in refused:
        console.print(f"[yellow]ditolak {_wib(a.at)}: {a.message}[/yellow]")
    if problems:
        for p in problems:
            err.print(f"[red]RUSAK: {p}[/red]")
    else:
        console.print(
            f"Rantai hash utuh; kode verifikasi {entries[-1].hash[:16]} "
            f"(periksa: loket card verify {target} --code {entries[-1].hash[:16]})."
        )
    if pdf:
        for f in write_card(desk, target, pdf=True):
            console.print(f"  {f}")
    if problems:
        raise typer.Exit(1)


def _verify_cards(desk: Desk, reg_no: str | None, code: str | None, kept: Path | None) -> None:
    """``loket card verify [REG] [--code KODE] [--anchor FILE]``: exit 1 if a card, or an
    anchor, is broken, or if the code matches no entry of the card."""
    from loket.approval import control_card

    if code is not None and reg_no is None:
        err.print("--code hanya bersama nomor registrasi: loket card verify REG --code KODE")
        raise typer.Exit(2)
    with desk.db() as session:
        audit = control_card.examine(session, reg_no, settings=desk.settings, kept=kept)
        rows = control_card.entries(session, reg_no) if code is not None and reg_no else []
    bad = _print_audit(audit)
    if code is not None:
        found = control_card.find_code(rows, code)
        if found is None:
            err.print(f"[red]{reg_no}: kode {code} tidak cocok dengan entri mana pun[/red]")
            bad = True
        else:
            last = " (entri terakhir)" if found.seq == rows[-1].seq else ""
            console.print(f"{reg_no}: kode {code} cocok dengan entri #{found.seq}{last}")
    if bad:
        raise typer.Exit(1)


def _print_audit(audit: Audit) -> bool:
    """Print each card's state; True if anything is broken."""
    for p in audit.problems:
        err.print(f"[red]anchor: {p}[/red]")
    if audit.anchor is None:
        console.print(
            "[yellow]Belum ada anchor yang sah: kartu hanya diperiksa rantainya.[/yellow]"
        )
    else:
        console.print(f"Anchor terakhir: {audit.anchor.name} ({_wib(audit.anchor.time)})")
    for k, check in audit.cards.items():
        for p in check.problems:
            err.print(f"[red]{k}: {p}[/red]")
        if check.ok:
            kinds = [f"{check.keyed} entri berkunci"] if check.keyed else []
            if check.legacy:
                kinds.append(f"{check.legacy} entri lama tanpa kunci (SHA-256 biasa)")
            anchored = f", sesuai anchor sampai #{check.anchored}" if check.anchored else ""
            console.print(f"{k}: utuh ({'; '.join(kinds) or 'kosong'}{anchored})")
    if not audit.cards:
        console.print("Tidak ada kartu kendali.")
    return bool(audit.problems) or any(not c.ok for c in audit.cards.values())


def _rotate(desk: Desk) -> None:
    """``loket card rotate-key``: new entries use a new key; old entries keep theirs."""
    from loket.approval.anchors import current_heads
    from loket.approval.cardkeys import keyring_for

    keys = keyring_for(desk.settings)
    old = keys.newest()
    with desk.db() as session:  # the first key closes the legacy entries where they stand
        new = keys.rotate(closure=lambda: current_heads(session))
    console.print(
        f"Kunci kartu baru {new.kid} di {keys.folder}"
        + (f" (menggantikan {old.kid}; tetap disimpan untuk memeriksa entri lama)." if old else ".")
    )
    console.print("Cadangkan folder kunci sekarang (terpisah dari basis data).")


def _anchor_now(desk: Desk) -> None:
    """``loket card anchor``: sign the heads of all cards now."""
    from loket.approval.anchors import write_anchor

    with desk.db() as session:
        path = write_anchor(session, reason="manual", settings=desk.settings)
    console.print(f"Anchor ditulis: {path}")


def _check_anchor_file(file: str | None, public_key: Path | None) -> None:
    """``loket card check-anchor FILE [--public-key PEM]``: the signature of one anchor file,
    under the given public key, by default the keys folder's; never the copy beside the
    anchors, which whoever replaces an anchor can replace too. The key's fingerprint is
    printed, to compare with the one the auditor was given."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from loket.approval.anchors import check_file, fingerprint
    from loket.office import Office

    if not file:
        err.print("Sebutkan berkas anchor: loket card check-anchor FILE [--public-key PEM]")
        raise typer.Exit(2)
    path = Path(file)
    if public_key is not None:
        key = load_pem_public_key(public_key.read_bytes())
        source = str(public_key)
    else:
        keys = Office.from_environment().keys
        key = keys.public_key()
        source = f"folder kunci {keys.folder}"
        if key is None:
            err.print(
                f"Kunci publik anchor tidak ada di {source}: sebutkan kunci yang diterima "
                "dari kantor dengan --public-key PEM"
            )
            raise typer.Exit(2)
    if not isinstance(key, Ed25519PublicKey):
        err.print(f"{source}: bukan kunci publik Ed25519")
        raise typer.Exit(2)
    problems = check_file(path.name, path.read_bytes(), key)
    for p in problems:
        err.print(f"[red]{path.name}: {p}[/red]")
    console.print(f"Kunci publik: {source}, sidik jari SHA-256 {fingerprint(key)}")
    if problems:
        raise typer.Exit(1)
    console.print(f"{path.name}: tanda tangan sah.")


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
