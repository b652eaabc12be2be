"""The ``loket`` command line (typer + rich). Thin: parses, calls loket/flows, prints."""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.main
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperCommand, TyperGroup

#: A command of the main group: a single command or a group of them (typer's own click).
Command = TyperCommand | TyperGroup


class _Loket(typer.Typer):
    """The ``loket`` app. A Prefect API that refuses this process (401/403: no auth string,
    a wrong one, or an unsafe ``var/prefect-api-auth`` that was not used) and a control-card
    keys folder that cannot be used are said in one line, whichever command met them
    (``loket approval start``, ``loket approve``...), instead of a traceback."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:
            if _is_keyring_error(exc):  # the keys folder's own one-line message and fix
                err.print(f"[red]{escape(str(exc))}[/red]", highlight=False)
                sys.exit(2)
            code = _prefect_refusal(exc)
            if code is None:
                raise
            err.print(
                f"[red]API Prefect menolak proses ini ({code}): auth string tidak ada atau "
                f"salah ({escape(_auth_place())} / PREFECT_API_AUTH_STRING). / Prefect API "
                "refused: auth string missing or wrong.[/red]",
                highlight=False,
            )
            sys.exit(3)


def _is_keyring_error(exc: BaseException) -> bool:
    """A control-card keys folder that cannot be used (any command that records an entry)."""
    from loket.approval.cardkeys import KeyringError

    return isinstance(exc, KeyringError)


def _prefect_refusal(exc: BaseException) -> int | None:
    """401/403 when ``exc`` is the Prefect client's refusal by the API, else None."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if type(exc).__module__.startswith("prefect") and status in (401, 403):
        return int(status)
    return None


def _auth_place() -> str:
    try:
        from flows.runtime import auth_file
        from loket.common.settings import load_settings

        return str(auth_file(load_settings()))
    except Exception:  # the settings' own error was said before any command ran
        return "var/prefect-api-auth"


#: The commands of the other ``loket/cli`` modules, imported only when one of them runs (or
#: ``loket --help`` lists them): ``loket intake`` must not pay for pandas, python-docx,
#: great-expectations... that ``loket complaints`` or ``loket permit`` need (~5 CPU-s of
#: imports at load, issue #16 part 4). Name -> (module, attribute): a Typer app mounted under
#: that name, or ``mount``, the module's function that adds its commands to an app. These
#: are the single commands.
#: tests/common/test_cli_lazy.py checks this table against the modules' own mounts.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "tasks": ("loket.cli.approval", "mount"),
    "approve": ("loket.cli.approval", "mount"),
    "return": ("loket.cli.approval", "mount"),
    "collected": ("loket.cli.approval", "mount"),
    "card": ("loket.cli.card", "mount"),
    "login": ("loket.cli.identity", "mount"),
    "logout": ("loket.cli.identity", "mount"),
    "serve": ("loket.cli.serve", "mount"),
    "config": ("loket.cli.serve", "mount"),
    "purge": ("loket.cli.retention", "mount"),
}
#: The same for groups of commands (``loket --help`` lists them after the single commands).
LAZY_GROUPS: dict[str, tuple[str, str]] = {
    "complaint": ("loket.cli.complaints", "complaint_app"),
    "complaints": ("loket.cli.complaints_report", "complaints_app"),
    "skm": ("loket.cli.survey", "skm_app"),
    "calendar": ("loket.cli.calendar", "calendar_app"),
    "checklist": ("loket.cli.checklist", "checklist_app"),
    "approval": ("loket.cli.approval", "mount"),
    "delivery": ("loket.cli.approval", "mount"),
    "officials": ("loket.cli.identity", "mount"),
    "permit": ("loket.cli.permit", "mount"),
    "report": ("loket.cli.sla", "report_app"),
    "sla": ("loket.cli.sla", "sla_app"),
}
LAZY = {**LAZY_COMMANDS, **LAZY_GROUPS}


@functools.cache
def _group(module: str, attribute: str, name: str) -> TyperGroup:
    """The commands one LAZY entry adds (a module's mount adds several), imported now."""
    obj = getattr(importlib.import_module(module), attribute)
    holder = typer.Typer()
    if attribute == "mount":
        obj(holder)
    else:
        holder.add_typer(obj, name=name)
    return typer.main.get_group(holder)


def _loaded(module: str, attribute: str, name: str) -> Command:
    """The command ``name`` of one LAZY entry."""
    return _group(module, attribute, "" if attribute == "mount" else name).commands[name]


class _LazyCommands(MutableMapping[str, Command]):
    """The main group's commands: its own, and the LAZY ones loaded when first looked up.
    Listed in the order ``loket --help`` always had: single commands, then groups."""

    def __init__(self, own: dict[str, Command]) -> None:
        self.own = dict(own)

    def _order(self) -> list[str]:
        own_commands = [n for n, c in self.own.items() if not isinstance(c, TyperGroup)]
        own_groups = [n for n in self.own if n not in own_commands]
        lazy_commands = [n for n in LAZY_COMMANDS if n not in self.own]
        lazy_groups = [n for n in LAZY_GROUPS if n not in self.own]
        return [*lazy_commands, *own_commands, *own_groups, *lazy_groups]

    def __getitem__(self, name: str) -> Command:
        if name in self.own:
            return self.own[name]
        if name in LAZY:
            return _loaded(*LAZY[name], name)
        raise KeyError(name)

    def __setitem__(self, name: str, command: Command) -> None:
        self.own[name] = command

    def __delitem__(self, name: str) -> None:
        del self.own[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order())

    def __len__(self) -> int:
        return len(self._order())


class _LazyGroup(TyperGroup):
    """The ``loket`` group, whose :data:`LAZY` commands are imported on first use."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.commands = _LazyCommands(dict(self.commands))


app = _Loket(
    name="loket",
    help="Permit-office automation for DPMPTSP Kota Pekanbaru.",
    no_args_is_help=True,
    add_completion=False,
    cls=_LazyGroup,
)
rules_app = typer.Typer(help="Check declarative rules files.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.callback()
def _valid_settings() -> None:
    # Before any command: a mistake in loket.toml or a LOKET_* variable is said in one line
    # (exit 2), not raised as a traceback from whatever loads the settings first. NIKs and
    # phone numbers are masked in whatever any command logs (flows do it on import), and what
    # a command writes (permit, control card, packets: applicants' data) is not
    # world-readable, whatever umask the shell that started it had.
    from loket.common.logmask import install as mask_logs
    from loket.common.settings import UMASK, ConfigError, load_settings

    os.umask(UMASK)
    mask_logs()

    try:
        load_settings()
    except ConfigError as exc:
        err.print(f"[red]Konfigurasi salah / bad configuration:[/red] {exc}", highlight=False)
        raise typer.Exit(2) from exc


@app.command()
def intake(
    inbox: Annotated[Path | None, typer.Option(help="Inbox folder (default ./inbox).")] = None,
    outbox: Annotated[Path | None, typer.Option(help="Outbox folder (default ./outbox).")] = None,
    stable_seconds: Annotated[
        float | None,
        typer.Option(help="Seconds a submission must stay unchanged before it is taken."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
) -> None:
    """Run the intake flow once over every submission waiting in the inbox, then exit."""
    from flows import intake as intake_flows

    progress, hook = None, None
    if console.is_terminal and not as_json:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        progress = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        bar = progress.add_task("Halaman dibaca / pages read", total=None)

        def hook(done: int, total: int) -> None:
            progress.update(bar, completed=done, total=total)

        progress.start()
    try:
        summary = intake_flows.intake_flow(
            inbox=str(inbox) if inbox else None,
            outbox=str(outbox) if outbox else None,
            stable_seconds=stable_seconds,
            progress=hook,
        )
    except Exception as exc:
        if progress:
            progress.stop()
        _intake_failed(exc)
    if progress:
        progress.stop()
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary)
    _exit_past_hung_readers()


def _exit_past_hung_readers() -> None:
    """A page reader that hung was left behind (flows/readers.py); Python would wait for it
    forever at exit, so the process ends here, its output flushed."""
    from flows import readers

    if readers.abandoned():
        err.print(f"[yellow]{readers.abandoned()} pembaca halaman macet ditinggalkan / "
                  "hung page reader(s) left behind[/yellow]")  # fmt: skip
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _intake_failed(exc: Exception) -> None:
    """Exit non-zero: 3 when the office itself is broken (database, disk, rules), which no
    input causes; 2 for anything else (another run holds the inbox, a defect)."""
    from loket.common.errors import office_fault

    why = office_fault(exc)
    if why:
        err.print(
            "[red]Kantor tidak dapat bekerja / the office cannot work:[/red] "
            f"{why}", markup=True, highlight=False,
        )  # fmt: skip
        raise typer.Exit(3) from exc
    err.print(f"[red]intake failed:[/red] {type(exc).__name__}: {exc}", highlight=False)
    raise typer.Exit(2) from exc


def _print_summary(summary: dict) -> None:
    table = Table(title="Intake")
    verdicts = summary.get("verdicts", {})
    for col in ("submission", "outcome", "registration no.", "quarantined files", "verdict"):
        table.add_column(col)
    for sub in summary["submissions"]:
        table.add_row(
            sub["source"],
            sub["outcome"],
            sub["reg_no"] or "-",
            str(len(sub["problems"])),
            verdicts.get(sub["reg_no"], "-") if sub["reg_no"] else "-",
        )
    console.print(table)
    for sub in summary["submissions"]:
        for line in sub["problems"]:
            err.print(f"[yellow]karantina / quarantined:[/yellow] {sub['source']}/{line}")
    for reg_no, state in summary.get("failed", {}).items():
        err.print(f"[red]gagal / failed:[/red] {reg_no}: {state} (loket parked)")
    if summary["waiting"]:
        console.print(f"Still being copied (next run): {', '.join(summary['waiting'])}")
    console.print(
        f"{len(summary['processed'])} application(s), {summary['pages']} page(s) "
        f"({summary['pages_cached']} from cache). Results: {summary['outbox']}"
    )


@rules_app.command("check")
def rules_check(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Rules files (default: every file in rules/).")
    ] = None,
) -> None:
    """Validate rules files against their schema; print file:line: problem for each mistake."""
    from loket.office import Office, check_file

    targets = files or Office.from_environment().rules_files()
    failed = 0
    for path in targets:
        problems = check_file(path)
        if problems:
            failed += 1
            for line in problems:
                err.print(line, markup=False, highlight=False)
        else:
            console.print(f"{path}: ok", markup=False, highlight=False)
    if failed:
        raise typer.Exit(1)


@app.command()
def parked() -> None:
    """List what intake has parked after repeated failures (retry with `loket retry`)."""
    from loket.common.db import open_database
    from loket.common.settings import load_settings
    from loket.intake.faults import parked_items

    items = parked_items(open_database(load_settings().db_url))
    table = Table(title="Diparkir / parked")
    for col in ("item", "registration no.", "stage", "error id", "error"):
        table.add_column(col)
    for item in items:
        table.add_row(item.source, item.reg_no or "-", item.stage, item.error_id, item.error)
    console.print(table if items else "Tidak ada yang diparkir / nothing is parked.")


@app.command()
def retry(
    item: Annotated[str, typer.Argument(help="Registration number or submission name.")],
) -> None:
    """Give a parked application or submission three more tries at the next intake."""
    from loket.common.db import open_database
    from loket.common.settings import load_settings
    from loket.intake.faults import retry as retry_item

    found = retry_item(open_database(load_settings().db_url), item)
    if found is None:
        err.print(f"tidak ada yang diparkir dengan nama {item} / nothing parked as {item}")
        raise typer.Exit(1)
    console.print(f"{item}: dicoba lagi pada intake berikutnya / retried at the next intake")


@app.command()
def status(
    reg_no: Annotated[str, typer.Argument(help="Registration number.")],
    show_nik: Annotated[
        bool,
        typer.Option(
            "--show-nik",
            help="Print NIKs and phone numbers in full: front/back office only, with --as.",
        ),
    ] = False,
    nip: Annotated[
        str | None,
        typer.Option("--as", envvar="LOKET_NIP", help="Your NIP (with --show-nik)."),
    ] = None,
) -> None:
    """Print what the register knows about one application (NIKs and phones masked)."""
    from loket.common.db import open_database
    from loket.common.logmask import mask
    from loket.common.settings import load_settings
    from loket.intake import register

    if show_nik:
        from loket.cli.personal import may_see_nik

        may_see_nik(nip, f"loket status {reg_no} --show-nik")
    settings = load_settings()
    db = open_database(settings.db_url)

    def say(text: str, markup: bool = True) -> None:
        console.print(text if show_nik else mask(text), markup=markup, highlight=False)

    with db() as session:
        application = register.get(session, reg_no)
        if application is None:
            err.print(f"no application {reg_no}")
            raise typer.Exit(1)
        say(f"[bold]{application.reg_no}[/bold]  {escape(application.source)}")
        say(f"received: {application.received_at:%Y-%m-%d %H:%M}")
        say(f"status:   {application.status}   verdict: {application.verdict or '-'}")
        say(f"pages:    {application.pages}  {escape(str(application.summary or ''))}")
        for f in application.files:
            reason = escape(f"{f.status}: {f.reason}")
            mark = "" if f.status == "ok" else f"  [yellow]{reason}[/yellow]"
            say(f"  {escape(f.relpath)}  {f.kind or '?'} {f.page_count}p  {f.sha256[:12]}{mark}")
    if application.verdict:
        from loket.requirements.checklist import describe_checklist

        say(describe_checklist(reg_no, settings), markup=False)


def main() -> None:  # pragma: no cover
    sys.exit(app())
