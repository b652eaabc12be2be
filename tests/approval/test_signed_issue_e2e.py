"""The permit the approval chain issues is signed: a file taken through every desk with
:func:`act` (the head's demo key installed, the real LibreOffice) ends numbered with a
``permit.pdf`` that ``loket permit verify`` calls valid, and altered once a byte changes.

Before the fix the numbering step converted ``permit.docx`` with the generic PDF conversion:
an unsigned file, registered with no SHA-256, which verify called TANPA TTE."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from loket.office import Office
from tests.approval.approval_helpers import Home, make_application, make_home
from tests.identity.helpers import cheap_argon2, sign_in

pytestmark = pytest.mark.e2e

CHAIN = [
    "back_office",
    "analis_ahli_muda",
    "analis_ahli_madya",
    "sekretaris",
    "kepala_dinas",
    "petugas_penomoran",
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)
    return make_home(tmp_path, monkeypatch)


def _verify(pdf: Path):  # type: ignore[no-untyped-def]
    import typer

    from loket.cli.permit import mount

    app = typer.Typer()
    mount(app)
    return CliRunner().invoke(app, ["permit", "verify", str(pdf)])


def test_the_chain_issues_a_signed_permit_that_verifies(home: Home) -> None:
    from loket.approval.acts import act
    from loket.approval.start import start
    from loket.signature import by_number, make_demo_keys, signing_config

    desk = Office.from_environment().desk(pdf=True)
    config = signing_config(desk.settings)
    make_demo_keys(config.files, holder="Kepala Dinas", nip=home.people["kepala_dinas"])
    reg_no = make_application(desk.settings, seed=3)
    start(desk, reg_no)
    outcome = None
    for role in CHAIN:
        outcome = act(desk, reg_no, sign_in(desk, home.people[role]), "setuju")
    assert outcome is not None and outcome.number
    pdf = desk.folder(reg_no) / "permit.pdf"
    assert pdf in outcome.files and (desk.folder(reg_no) / "kartu-kendali.pdf").is_file()
    with desk.db() as session:
        row = by_number(session, outcome.number)
        assert row is not None and row.signed and row.sha256 and row.reg_no == reg_no

    ok = _verify(pdf)
    assert ok.exit_code == 0, ok.output
    assert "SAH" in ok.output and outcome.number in ok.output

    data = bytearray(pdf.read_bytes())
    data[data.index(b"/Producer") + 2] ^= 0x01  # inside the signed range
    altered = pdf.with_name("permit-diubah.pdf")
    altered.write_bytes(bytes(data))
    bad = _verify(altered)
    assert bad.exit_code == 1, bad.output
    assert "DIUBAH" in bad.output
