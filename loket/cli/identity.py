"""CLI: officials' credentials: login, logout, passphrases and the identity log (issue #18).

Mounted by ``loket/cli/main.py`` with :func:`mount`::

    loket officials set-password NIP [--admin ADMIN_NIP]   # an administrator sets it
    loket officials change-password --as NIP               # the official changes their own
    loket officials status | log [--nip NIP]
    loket login --as NIP / loket logout --as NIP

Passphrases are never options: they are asked with a hidden prompt (on a terminal) or read
one per line from standard input (scripts, the demo, tests). Every other command that
records a decision calls :func:`authenticated`, which takes a valid ``loket login`` session
of the NIP or asks the passphrase (and, the first time, a new one).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from loket.approval.officials import OfficialsFile
    from loket.identity import Actor, Gate

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

officials_app = typer.Typer(
    help="Officials' passphrases (set, change), their state and the sign-in log.",
    no_args_is_help=True,
)

AsNip = Annotated[
    str, typer.Option("--as", envvar="LOKET_NIP", help="NIP of the official (officials.yaml).")
]


def ask(label: str) -> str:
    """A passphrase: hidden prompt on a terminal, one line of standard input otherwise."""
    if sys.stdin is not None and sys.stdin.isatty():
        return typer.prompt(label, hide_input=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        err.print(f"[red]{label}: tidak ada masukan (kata sandi dibaca dari stdin).[/red]")
        raise typer.Exit(3)
    return line.rstrip("\r\n")


def _new_passphrase(label: str) -> str:
    first = ask(label)
    if ask(f"{label} (ulangi)") != first:
        err.print("[red]Kedua kata sandi tidak sama; tidak ada yang diubah.[/red]")
        raise typer.Exit(3)
    return first


def _gate(officials: OfficialsFile | None = None) -> Gate:
    from loket.approval.desk import gate_for
    from loket.office import Office

    office = Office.from_environment()
    found = officials or _officials(office.settings.rules_dir)
    return gate_for(office.settings, office.db, found)


def _officials(rules: Path | None = None) -> OfficialsFile:
    from loket.approval.officials import load_officials
    from loket.common.rulesfile import RulesError
    from loket.common.settings import load_settings

    try:
        return load_officials((rules or load_settings().rules_dir) / "officials.yaml")
    except RulesError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc


def authenticated(gate: Gate, nip: str, channel: str = "cli") -> Actor:
    """The official ``nip``, proven: their ``loket login`` session, or their passphrase
    (asked; a passphrase set by an administrator is changed on the spot). Exit 3 when
    refused (the refusal is in the identity log)."""
    from loket.identity import AuthError, MustChange, change_password, session_actor
    from loket.identity import authenticate as check

    actor = session_actor(gate, nip, channel)
    if actor is not None:
        return actor
    passphrase = ask(f"Kata sandi NIP {nip}")
    try:
        try:
            return check(gate, nip, passphrase, channel)
        except MustChange as exc:
            err.print(f"[yellow]{exc}[/yellow]")
            new = _new_passphrase("Kata sandi baru")
            return change_password(gate, nip, passphrase, new, channel)
    except AuthError as exc:
        err.print(f"[red]Ditolak: {exc}[/red]")
        raise typer.Exit(3) from exc


@officials_app.command("set-password")
def set_password_cmd(
    nip: Annotated[str, typer.Argument(help="NIP whose passphrase is set.")],
    admin: Annotated[
        str | None,
        typer.Option("--admin", help="NIP of the administrator (omit only for the very first)."),
    ] = None,
) -> None:
    """Set an official's passphrase (administrator; the official must change it at first use)."""
    from loket.identity import AuthError, bootstrap_open, set_password

    gate = _gate()
    by = authenticated(gate, admin) if admin else None
    if by is None and not bootstrap_open(gate):
        err.print("[red]Ditolak: sebutkan administrator dengan --admin NIP.[/red]")
        raise typer.Exit(3)
    new = _new_passphrase(f"Kata sandi baru untuk NIP {nip}")
    try:
        must_change = set_password(gate, by, nip, new)
    except AuthError as exc:
        err.print(f"[red]Ditolak: {exc}[/red]")
        raise typer.Exit(3) from exc
    then = " Pejabat wajib menggantinya saat pertama dipakai." if must_change else ""
    console.print(f"Kata sandi NIP {nip} ditetapkan.{then}")


@officials_app.command("change-password")
def change_password_cmd(nip: AsNip) -> None:
    """Change your own passphrase (asks the current one, then the new one twice)."""
    from loket.identity import AuthError, change_password

    gate = _gate()
    old = ask(f"Kata sandi sekarang NIP {nip}")
    new = _new_passphrase("Kata sandi baru")
    try:
        change_password(gate, nip, old, new)
    except AuthError as exc:
        err.print(f"[red]Ditolak: {exc}[/red]")
        raise typer.Exit(3) from exc
    console.print(f"Kata sandi NIP {nip} diganti.")


@officials_app.command("status")
def status_cmd() -> None:
    """Every official: role, whether a passphrase is set, to be changed, locked."""
    from loket.approval.officials import ROLE_LABELS
    from loket.common.clock import as_utc, to_wib
    from loket.identity import Credential

    officials = _officials()
    gate = _gate(officials)
    now = gate.now()
    table = Table("NIP", "Nama", "Jabatan", "Kata sandi", "Terkunci sampai")
    with gate.db() as session:
        for o in officials.officials:
            cred = session.get(Credential, o.nip)
            state = "-" if cred is None else ("wajib diganti" if cred.must_change else "ada")
            locked = cred.locked_until if cred else None
            until = f"{to_wib(locked):%d-%m %H.%M}" if locked and as_utc(locked) > now else ""
            table.add_row(o.nip, o.name, ROLE_LABELS[o.role], state, until)
    console.print(table)


@officials_app.command("log")
def log_cmd(
    nip: Annotated[str | None, typer.Option("--nip", help="Only this official.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
) -> None:
    """The identity log: sign-ins, refusals, locks, passphrase changes, sessions."""
    from loket.common.clock import to_wib
    from loket.identity import recent_events

    gate = _gate()
    with gate.db() as session:
        rows = recent_events(session, nip, limit)
    table = Table("Waktu (WIB)", "NIP", "Nama", "Kejadian", "Saluran", "Keterangan")
    for e in rows:
        when = f"{to_wib(e.at):%d-%m-%Y %H.%M.%S}"
        table.add_row(when, e.nip, e.name or "-", e.kind, e.channel, e.message)
    console.print(table if rows else "Belum ada kejadian.")


def login(nip: AsNip) -> None:
    """Open a session for a working day: acts of this NIP no longer ask the passphrase."""
    from loket.identity import AuthError, MustChange, change_password, open_session
    from loket.identity import authenticate as check

    gate = _gate()
    passphrase = ask(f"Kata sandi NIP {nip}")
    try:
        try:
            actor = check(gate, nip, passphrase)
        except MustChange as exc:
            err.print(f"[yellow]{exc}[/yellow]")
            actor = change_password(gate, nip, passphrase, _new_passphrase("Kata sandi baru"))
    except AuthError as exc:
        err.print(f"[red]Ditolak: {exc}[/red]")
        raise typer.Exit(3) from exc
    path = open_session(gate, actor)
    until = session_expiry(gate, actor.nip)
    console.print(f"Masuk sebagai {actor.name}; sesi berlaku sampai {until} ({path}).")


def session_expiry(gate: Gate, nip: str) -> str:
    """When the session of ``nip`` ends, in WIB (for the officer)."""
    import json

    from loket.common.clock import to_wib
    from loket.identity import session_path

    body = json.loads(session_path(gate, nip).read_text("utf-8"))
    return f"{to_wib(datetime.fromisoformat(body['expires'])):%d-%m-%Y %H.%M} WIB"


def logout(nip: AsNip) -> None:
    """Close the session of this NIP (revoked even if its file was copied)."""
    from loket.identity import close_session

    closed = close_session(_gate(), nip)
    console.print("Sesi ditutup." if closed else "Tidak ada sesi terbuka.")


def mount(app: typer.Typer) -> None:
    """Add ``login``, ``logout`` and the ``officials`` group to the main ``loket`` app."""
    app.command("login")(login)
    app.command("logout")(logout)
    app.add_typer(officials_app, name="officials")
