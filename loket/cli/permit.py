"""CLI of issued permits (issue #18): ``loket permit verify FILE.pdf`` (valid / altered / revoked
/ replaced / unknown, with exit codes), ``loket permit sign REG --as NIP`` (make and sign the
permit PDF again),
``loket permit revoke NUMBER --reason ... --as NIP`` (both the Kepala Dinas's acts, or a
Plh.'s, authenticated with the official's own credential: :mod:`loket.approval.issuance`) and
``loket permit demo-keys`` (a demo CA and the head's PKCS#12: NOT for production).

Mounted by ``loket/cli/main.py`` with :func:`mount`. Messages for officers are in Bahasa
Indonesia.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from loket.approval.desk import Desk
    from loket.approval.issuance import PermitActOutcome
    from loket.identity import Actor
    from loket.signature import Result, SigningConfig


console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

permit_app = typer.Typer(
    help="Issued permits: verify a signed permit PDF, sign again, revoke, demo keys.",
    no_args_is_help=True,
)


def mount(app: typer.Typer) -> None:
    """Add ``loket permit ...`` to the main ``loket`` app."""
    app.add_typer(permit_app, name="permit")


def _config() -> SigningConfig:
    from loket.common.settings import load_settings
    from loket.signature import signing_config

    return signing_config(load_settings())


@permit_app.command("verify")
def verify(
    file: Annotated[
        Path, typer.Argument(help="The permit PDF to check.", exists=True, dir_okay=False)
    ],
) -> None:
    """Check a permit PDF: its signature against the trust roots (offline), that it was not
    changed after signing, and the register (known permit, same file, not revoked).

    Exit codes: 0 SAH (valid), 1 DIUBAH (altered), 2 DICABUT (revoked), 3 TIDAK DIKENAL
    (unknown), 4 TANPA TTE (issued unsigned), 5 TIDAK SAH (certificate not trusted),
    6 DIGANTI (replaced by a later signing)."""
    from loket.common.db import open_database
    from loket.common.settings import load_settings
    from loket.signature import SigningSetupError, load_trust_roots, verify_file

    settings = load_settings()
    config = _config()
    try:
        roots = load_trust_roots(config.files.trust_roots)
    except SigningSetupError as exc:
        err.print(f"Peringatan: {exc}", markup=False)
        roots = None
    with open_database(settings.db_url)() as session:
        result = verify_file(file, session, roots)
    _show(file, result)
    raise typer.Exit(result.verdict.exit_code)


def _show(file: Path, result: Result) -> None:
    from loket.signature import Verdict

    style = "green" if result.verdict is Verdict.VALID else "red"
    console.print(f"{file.name}: [bold {style}]{result.verdict.word}[/]")
    for line in result.reasons:
        console.print(f"  - {line}", markup=False)
    for label, value in (
        ("Nomor izin", result.number),
        ("No. registrasi", result.reg_no),
        ("Penanda tangan", result.signer),
        ("Waktu tanda tangan", result.signed_at),
        ("SHA-256 berkas", result.sha256),
    ):
        if value:
            console.print(f"  {label}: {value}", markup=False)


AsNip = Annotated[
    str,
    typer.Option(
        "--as", envvar="LOKET_NIP", help="NIP of the Kepala Dinas (or a Plh. on a dated decree)."
    ),
]


def _as_head(nip: str, work: Callable[[Desk, Actor], PermitActOutcome], *, pdf: bool, what: str):  # type: ignore[no-untyped-def]
    """``work(desk, actor)`` for the official ``nip``, authenticated (session or passphrase),
    written to the identity log (``what``: the command) done or refused; a refusal exits 3,
    what cannot be done exits 2."""
    from loket.approval.refusal import ApprovalError, Refused
    from loket.cli.identity import authenticated
    from loket.identity.events import REFUSED, record
    from loket.office import Office
    from loket.signature import PdfaError, SigningSetupError

    desk = Office.from_environment().desk(pdf=pdf)
    gate = desk.gate()
    actor = authenticated(gate, nip)
    try:
        out = work(desk, actor)
    except Refused as exc:
        record(gate, actor.nip, REFUSED, "cli", f"{what}: {exc}")
        err.print(str(exc), markup=False)
        raise typer.Exit(3) from exc
    except (ApprovalError, SigningSetupError, PdfaError) as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    record(gate, actor.nip, out.kind, "cli", out.message)
    return out


@permit_app.command("sign")
def sign(
    reg_no: Annotated[str, typer.Argument(help="Registration number of a numbered permit.")],
    as_nip: AsNip,
) -> None:
    """Make permit.docx/permit.pdf of a numbered permit again: PDF/A, signed with the head's
    key, recorded in the register. The Kepala Dinas's act (or a Plh.'s), with their own
    credential: the applicant's earlier copy then verifies as DIGANTI (replaced)."""
    from loket.approval.issuance import resign

    out = _as_head(
        as_nip,
        lambda desk, actor: resign(desk, reg_no, actor),
        pdf=True,
        what=f"loket permit sign {reg_no}",
    )
    for f in out.files:
        console.print(str(f), markup=False)
    if out.signed:
        console.print(f"{out.number}: ditandatangani secara elektronik.", markup=False)
    else:
        err.print(f"{out.number}: diterbitkan TANPA tanda tangan elektronik.", markup=False)


@permit_app.command("revoke")
def revoke(
    number: Annotated[str, typer.Argument(help="The permit number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the permit is revoked.")],
    as_nip: AsNip,
) -> None:
    """Revoke a permit: ``permit verify`` then says DICABUT. The Kepala Dinas's act (or a
    Plh.'s on a dated decree), with their own credential (a ``loket login`` session or the
    passphrase, asked; never a flag). Recorded in the register, on the control card and in the
    identity log. Needs no signing key."""
    from loket.approval.issuance import revoke as revoke_permit

    if not reason.strip():
        err.print("Alasan pencabutan wajib diisi (--reason).")
        raise typer.Exit(2)
    out = _as_head(
        as_nip,
        lambda desk, actor: revoke_permit(desk, number, actor, reason=reason),
        pdf=False,
        what=f"loket permit revoke {number}",
    )
    console.print(f"{out.number}: DICABUT ({reason.strip()}).", markup=False)


@permit_app.command("demo-keys")
def demo_keys() -> None:
    """DEMO ONLY, NOT FOR PRODUCTION: make a throw-away CA (as the only trust root) and the
    Kepala Dinas's PKCS#12 + passphrase file where the settings expect them. Does nothing when
    a key is already there (a real key is never overwritten)."""
    from loket.office import Office
    from loket.signature import SigningSetupError, make_demo_keys

    config = _config()
    if config.files.configured:
        console.print(f"Kunci sudah ada, tidak diubah: {config.files.key}", markup=False)
        return
    head = Office.from_environment().desk(pdf=False).officials.holder("kepala_dinas")
    try:
        made = make_demo_keys(
            config.files,
            holder=head.name if head else "Kepala Dinas",
            nip=head.nip if head else None,
        )
    except SigningSetupError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    console.print("[bold red]KUNCI DEMO - BUKAN UNTUK PRODUKSI[/]")
    for path in made:
        console.print(f"  {path}", markup=False)
