"""CLI commands of operations: ``loket serve`` and ``loket config``.

Mount them in ``loket/cli/main.py`` with::

    from loket.cli.serve import mount as mount_serve
    mount_serve(app)

``python -m loket.cli.serve serve`` works without mounting (tests use it).
"""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer
from rich.console import Console

from loket.common.settings import UMASK

console = Console(soft_wrap=True)


def serve(
    port: Annotated[int | None, typer.Option(help="Port of the Prefect UI/API.")] = None,
    watch: Annotated[
        str | None, typer.Option(help="Inbox watching: auto | events | poll (network shares).")
    ] = None,
) -> None:
    """Serve the office: Prefect server + UI on loopback, intake watcher, schedules, approvals."""
    from loket.common.settings import ConfigError, load_settings

    try:
        settings = load_settings(server_port=port, watch=watch)
    except ConfigError as exc:
        console.print(f"[red]Konfigurasi salah / bad configuration:[/red] {exc}", markup=True)
        raise typer.Exit(2) from exc
    from flows import serve as serve_mod  # after the settings: importing flows applies them

    code = serve_mod.run(settings, say=lambda t: console.print(t, markup=False, highlight=False))
    raise typer.Exit(code)


def config(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Print the effective configuration (loket.toml + LOKET_* variables + defaults)."""
    from loket.common.settings import config_file, describe_settings, load_settings

    settings = load_settings()
    values = describe_settings(settings)
    if as_json:
        print(json.dumps(values, indent=2, ensure_ascii=False))
        return
    path = config_file(settings.home)
    console.print(f"# {path} {'(ada / found)' if path.is_file() else '(tidak ada / absent)'}")
    for key, value in values.items():
        console.print(f"{key} = {value!r}", markup=False, highlight=False)


def mount(app: typer.Typer) -> None:
    """Add ``serve`` and ``config`` to the main app; every ``loket`` command then runs with a
    umask of 0o027 (files it writes are not world-readable)."""
    os.umask(UMASK)
    app.command("serve")(serve)
    app.command("config")(config)


app = typer.Typer(add_completion=False, no_args_is_help=True)
app.command("serve")(serve)
app.command("config")(config)

if __name__ == "__main__":  # pragma: no cover
    os.umask(UMASK)
    app()
