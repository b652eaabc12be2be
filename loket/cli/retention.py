"""CLI: ``loket purge [--dry-run]``, the retention purge of personal data kept for reading
(OCR cache, page texts and thumbnails of files closed longer than ``retention_days``).

Mounted by ``loket/cli/main.py`` with :func:`mount`. The same purge runs daily under
``loket serve`` (``flows/retention.py``).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

console = Console(soft_wrap=True)


def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only say what would be removed.")
    ] = False,
    days: Annotated[
        int | None,
        typer.Option(min=0, help="Days after closing (default: retention_days setting)."),
    ] = None,
) -> None:
    """Remove the OCR cache entries, page texts and thumbnails of closed files (permit
    collected, incomplete file returned) older than retention_days; the archive of originals,
    the checklist and the permit stay."""
    from flows.retention import purge as run_purge
    from flows.retention import summary
    from loket.office import Office

    settings = Office.from_environment(retention_days=days).settings
    the_plan = run_purge(settings, dry_run=dry_run)
    head = "Akan dihapus / would remove" if dry_run else "Dihapus / removed"
    console.print(f"{head}: {summary(the_plan)}", markup=False, highlight=False)
    if dry_run:
        for reg_no in the_plan.closed:
            marks = [
                name
                for name, listed in (
                    ("pages.json", the_plan.page_texts),
                    ("thumbnails", the_plan.thumbnails),
                )
                if reg_no in listed
            ]
            if marks:
                console.print(f"  {reg_no}: {', '.join(marks)}", markup=False, highlight=False)


def mount(app: typer.Typer) -> None:
    """Add ``purge`` to the main ``loket`` app."""
    app.command("purge")(purge)
