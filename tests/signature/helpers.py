"""Helpers of the signed-permit tests."""

from __future__ import annotations


def permit_cli():  # type: ignore[no-untyped-def]
    """An app with only ``loket permit``, as the CLI mounts it."""
    import typer

    from loket.cli.permit import mount

    app = typer.Typer()
    mount(app)
    return app
