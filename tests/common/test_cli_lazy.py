"""The ``loket`` command line imports the other ``loket/cli`` modules only when one of their
commands runs (issue #16 part 4): ``loket intake`` does not pay for pandas, python-docx...
while every command is still there, listed and run as before."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import typer
import typer.main
from typer.testing import CliRunner

import loket.cli
from loket.cli import main

#: What a command that needs none of them must not import (measured: ~0.55 CPU-s).
HEAVY = ("pandas", "docx", "great_expectations", "fpdf", "pyhanko", "docxtpl")


def _mounted(module: str) -> list[str]:
    """The command names a module's ``mount`` adds to an app."""
    holder = typer.Typer()
    importlib.import_module(module).mount(holder)
    return list(typer.main.get_group(holder).commands)


def test_every_mounted_command_is_in_the_table() -> None:
    """A command added to a module's mount (or removed) without the table would be lost (or
    fail with a KeyError on use): the table is checked against every mount in loket/cli."""
    for info in pkgutil.iter_modules(loket.cli.__path__):
        module = f"loket.cli.{info.name}"
        if info.name == "main" or not hasattr(importlib.import_module(module), "mount"):
            continue
        table = [n for n, (m, a) in main.LAZY.items() if m == module and a == "mount"]
        assert sorted(_mounted(module)) == sorted(table), module


def test_every_lazy_command_resolves_to_its_modules_own() -> None:
    group = typer.main.get_command(main.app)
    for name, (module, attribute) in main.LAZY.items():
        command = group.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None, name
        if attribute == "mount":
            eager = typer.Typer()
            importlib.import_module(module).mount(eager)
            expected = typer.main.get_group(eager).commands[name]
            assert command.help == expected.help, name
            assert [p.name for p in command.params] == [p.name for p in expected.params]
        else:
            assert isinstance(getattr(importlib.import_module(module), attribute), typer.Typer)
            assert command.name == name


def test_help_lists_single_commands_then_groups_in_the_old_order() -> None:
    group = typer.main.get_command(main.app)
    names = group.list_commands(None)  # type: ignore[arg-type]
    own = ["intake", "parked", "retry", "status"]
    assert names == [*main.LAZY_COMMANDS, *own, "rules", *main.LAZY_GROUPS]
    result = CliRunner().invoke(main.app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in names:
        assert f" {name} " in result.output, name


def test_a_lazy_group_runs_and_a_typo_is_still_answered() -> None:
    runner = CliRunner()
    result = runner.invoke(main.app, ["calendar", "--help"])
    assert result.exit_code == 0, result.output
    assert "Kalender" in result.output or "calendar" in result.output
    typo = runner.invoke(main.app, ["complain"])
    assert typo.exit_code != 0
    assert "complaint" in typo.output


def test_importing_the_command_line_imports_no_other_command_module() -> None:
    """In a fresh interpreter (this one has imported everything): the main module alone, and
    resolving ``intake``, leave the other cli modules and the heavy libraries unimported."""
    code = (
        "import sys\n"
        "import typer.main\n"
        "from loket.cli.main import app\n"
        "typer.main.get_command(app).get_command(None, 'intake')\n"
        "print(sorted(m for m in sys.modules if m.startswith('loket.cli.')))\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    cli_modules, heavy = done.stdout.strip().splitlines()[-2:]
    assert cli_modules == "['loket.cli.main']"
    assert heavy == "[]"
