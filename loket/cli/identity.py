"""CLI: Officials' credentials: login, logout, passwords (issue #18).

Mounted by ``loket/cli/main.py`` with :func:`mount`.
"""

from __future__ import annotations

import typer


def mount(app: typer.Typer) -> None:
    """Add the commands to the main ``loket`` app (none yet)."""
    del app
