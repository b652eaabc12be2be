"""CLI of issued permits (issue #18): ``loket permit verify FILE.pdf`` (valid / altered / revoked
/ unknown, with exit codes), ``loket permit sign REG`` (make and sign the permit PDF again),
``loket permit revoke NUMBER --reason ...`` (the head's key passphrase asked, never a flag) and
``loket permit demo-keys`` (a demo CA and the head's PKCS#12: NOT for production).

Mounted by ``loket/cli/main.py`` with :func:`mount`. Messages for officers are in Bahasa
Indonesia.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
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
    (unknown), 4 TANPA TTE (issued unsigned), 5 TIDAK SAH (certificate not trusted)."""
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


@permit_app.command("sign")
def sign(
    reg_no: Annotated[str, typer.Argument(help="Registration number of a numbered permit.")],
) -> None:
    """Make permit.docx/permit.pdf of a numbered permit again: PDF/A, signed with the head's
    key (when configured), recorded in the register. The newest file is the genuine one."""
    from loket.approval.desk import Desk, permit_of
    from loket.approval.documents import render_issued_permit
    from loket.signature import PdfaError, SigningSetupError, by_number

    desk = Desk.load()
    with desk.db() as session:
        permit = permit_of(session, reg_no)
    if permit is None:
        err.print(f"{reg_no}: belum ada izin bernomor untuk berkas ini.", markup=False)
        raise typer.Exit(2)
    try:
        files = render_issued_permit(desk, reg_no, pdf=True, strict=True)
    except (SigningSetupError, PdfaError) as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    with desk.db() as session:
        row = by_number(session, permit.number)
        signed = bool(row and row.signed)
    for f in files:
        console.print(str(f), markup=False)
    if signed:
        console.print(f"{permit.number}: ditandatangani secara elektronik.", markup=False)
    else:
        err.print(f"{permit.number}: diterbitkan TANPA tanda tangan elektronik.", markup=False)


@permit_app.command("revoke")
def revoke(
    number: Annotated[str, typer.Argument(help="The permit number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the permit is revoked.")],
) -> None:
    """Revoke a permit: ``permit verify`` then says DICABUT. Asks the passphrase of the head's
    signing key (the head's own credential; never given as a flag)."""
    import hmac

    from loket.approval.desk import Desk
    from loket.common.clock import utcnow
    from loket.common.db import open_database
    from loket.common.settings import load_settings
    from loket.signature import SigningSetupError
    from loket.signature import revoke as revoke_permit
    from loket.signature.keys import read_passphrase

    if not reason.strip():
        err.print("Alasan pencabutan wajib diisi (--reason).")
        raise typer.Exit(2)
    config = _config()
    try:
        expected = read_passphrase(config.files)  # the PKCS#12's passphrase, or the token's PIN
    except SigningSetupError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    given = typer.prompt("Frasa sandi kunci Kepala Dinas", hide_input=True).encode()
    if not hmac.compare_digest(given.strip(), expected):
        err.print("Frasa sandi salah: izin tidak dicabut.")
        raise typer.Exit(1)
    head = Desk.load(pdf=False).officials.holder("kepala_dinas")
    by = f"kepala_dinas {head.nip}" if head else "kepala_dinas"
    with open_database(load_settings().db_url)() as session:
        row = revoke_permit(session, number, reason=reason.strip(), by=by, now=utcnow())
        session.commit()
    if row is None:
        err.print(f"{number}: nomor izin tidak ada dalam register.", markup=False)
        raise typer.Exit(2)
    console.print(f"{number}: DICABUT ({reason.strip()}).", markup=False)


@permit_app.command("demo-keys")
def demo_keys() -> None:
    """DEMO ONLY, NOT FOR PRODUCTION: make a throw-away CA (as the only trust root) and the
    Kepala Dinas's PKCS#12 + passphrase file where the settings expect them. Does nothing when
    a key is already there (a real key is never overwritten)."""
    from loket.approval.desk import Desk
    from loket.signature import SigningSetupError, make_demo_keys

    config = _config()
    if config.files.configured:
        console.print(f"Kunci sudah ada, tidak diubah: {config.files.key}", markup=False)
        return
    head = Desk.load(pdf=False).officials.holder("kepala_dinas")
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
