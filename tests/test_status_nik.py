"""``loket status`` (issue #18, part 5): NIKs and phone numbers masked; ``--show-nik`` only for
a front- or back-office official who authenticated (session or passphrase), each showing and
refusal in the identity log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from loket.office import Office
from tests.identity.helpers import cheap_argon2, enrol, passphrase

FULL_NIK = re.compile(r"(?<!\d)1471\d{12}(?!\d)")
MASKED = re.compile(r"1471\*{8}\d{4}")


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from samples.office import make_application, make_home

    cheap_argon2(monkeypatch)
    home = make_home(tmp_path, monkeypatch)
    desk = Office.from_environment().desk(pdf=False)
    return home, desk, make_application(desk.settings, seed=5)


def _events(desk, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    from loket.identity import IdentityEvent

    with desk.db() as session:
        rows = session.scalars(select(IdentityEvent).where(IdentityEvent.kind == kind))
        return [r.nip for r in rows]


def test_status_masks_and_show_nik_needs_the_role_and_the_passphrase(office) -> None:  # type: ignore[no-untyped-def]
    from loket.cli.main import app

    home, desk, reg_no = office
    run = CliRunner(env={"COLUMNS": "250"})
    masked = run.invoke(app, ["status", reg_no])
    assert masked.exit_code == 0, masked.output
    assert MASKED.search(masked.output) and not FULL_NIK.search(masked.output)

    # no NIP, or an official whose work is not the applicant's identity: refused, logged
    assert run.invoke(app, ["status", reg_no, "--show-nik"]).exit_code == 2
    head = home.people["kepala_dinas"]
    enrol(desk.gate(), head)
    refused = run.invoke(app, ["status", reg_no, "--show-nik", "--as", head],
                         input=passphrase(head) + "\n")  # fmt: skip
    assert refused.exit_code == 2 and not FULL_NIK.search(refused.output)
    assert _events(desk, "nik-ditolak") == [head]

    # the front office, with a wrong passphrase: refused by identity (exit 3)
    clerk = home.people["front_office"]
    enrol(desk.gate(), clerk)
    wrong = run.invoke(app, ["status", reg_no, "--show-nik", "--as", clerk],
                       input="bukan-sandinya-sama-sekali\n")  # fmt: skip
    assert wrong.exit_code == 3 and not FULL_NIK.search(wrong.output)

    shown = run.invoke(app, ["status", reg_no, "--show-nik", "--as", clerk],
                       input=passphrase(clerk) + "\n")  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert FULL_NIK.search(shown.output) and passphrase(clerk) not in shown.output
    assert _events(desk, "nik-dilihat") == [clerk]
