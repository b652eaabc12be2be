"""Helpers of the signed-permit tests."""

from __future__ import annotations


def permit_cli():  # type: ignore[no-untyped-def]
    """An app with only ``loket permit``, as the CLI mounts it."""
    import typer

    from loket.cli.permit import mount

    app = typer.Typer()
    mount(app)
    return app


def numbered_file(people: dict[str, str], *, seed: int, seq: int, number: str):  # type: ignore[no-untyped-def]
    """(desk, reg_no): a generated file through the chain's start, signed by the head and
    numbered ``number`` (the rows as the chain writes them), its permit not rendered yet."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from loket.approval.models import Approval, Permit
    from loket.approval.start import start
    from loket.office import Office
    from samples.office import make_application

    desk = Office.from_environment().desk(pdf=False)
    reg_no = make_application(desk.settings, seed=seed)
    start(desk, reg_no)
    head = desk.officials.by_nip(people["kepala_dinas"])
    now = datetime.now(UTC)
    with desk.db() as session:
        session.execute(
            update(Approval)
            .where(Approval.reg_no == reg_no)
            .values(signer_nip=head.nip, signer_name=head.name, signed_at=now, status="ready")
        )
        session.add(
            Permit(
                reg_no=reg_no, number=number, counter="SIKR", year=2026, seq=seq, numbered_at=now
            )
        )
        session.commit()
    return desk, reg_no
