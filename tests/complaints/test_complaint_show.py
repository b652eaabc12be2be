"""``loket complaint show``: NIKs and phone numbers masked in the facts, the complaint's words
and the history; the complainant's words printed as written (never as Rich markup); in full
only with ``--show-nik --as NIP`` for the roles that answer the complainant, logged."""

# ruff: noqa: F811  (pytest fixtures are imported from tests/conftest_complaints.py)

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from loket.approval.officials import load_officials
from loket.common.clock import WIB
from loket.complaints.book import NewComplaint, add_complaint, coordinate
from tests.conftest_complaints import (  # noqa: F401
    Home,
    c_home,
    c_session,
    cli,
    office_parts,
    rules,
)
from tests.identity.helpers import actor_for, log_in

NIK = "1471015501900003"  # laid out as a NIK: region 147101, born on the 15th (woman), 01
PHONE = "081234567890"
MARKUP = "[bold]tebal[/bold] dan [/red] [link=http://contoh.invalid]klik[/link]"


@pytest.fixture
def officials(c_home: Home):  # type: ignore[no-untyped-def]
    return load_officials(c_home.rules / "officials.yaml")


@pytest.fixture
def number(c_home: Home, c_session, rules, officials) -> str:  # type: ignore[no-untyped-def]
    """A complaint whose contact, words and a coordination note hold a NIK and a phone."""
    new = NewComplaint(
        channel="tatap_muka",
        complainant_name="Pengadu Uji",
        phone=PHONE,
        subject=f"Izin saya {NIK} belum terbit",
        text=f"NIK saya {NIK}, hubungi {PHONE}. {MARKUP}",
        received_at=datetime(2026, 11, 2, 9, 0, tzinfo=WIB),
    )
    officer = actor_for(officials, c_home.people["petugas_pengaduan"])  # before c_session writes
    c = add_complaint(
        c_session, rules, new, store=c_home.var / "complaints", **office_parts(c_home)
    )
    coordinate(c_session, c, role="kepala_bidang", by=officer, note=f"Cek NIK {NIK} / {PHONE}")
    c_session.commit()
    return c.number


def _flat(out: str) -> str:
    return " ".join(out.split())


def _events(c_session, kind: str) -> list[str]:  # type: ignore[no-untyped-def]
    from loket.identity import IdentityEvent

    found = c_session.scalars(select(IdentityEvent.nip).where(IdentityEvent.kind == kind)).all()
    c_session.rollback()  # no read transaction left open while the CLI writes
    return list(found)


def test_show_masks_niks_and_phones_and_prints_words_as_written(
    number: str, cli, c_session
) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(cli, ["complaint", "show", number])
    assert res.exit_code == 0, res.output
    assert NIK not in res.output and PHONE not in res.output
    out = _flat(res.output)
    # the subject, the words (and the receipt step that repeats them), the coordination note
    assert out.count("1471********0003") == 4 and "Cek NIK 1471********0003" in out
    assert out.count("081******90") == 4  # the contact, the words (twice), the note
    assert MARKUP in out  # the brackets stay: never read as markup


def test_show_nik_in_full_only_for_the_roles_that_answer(
    number: str, cli, c_home: Home, officials, c_session
) -> None:  # type: ignore[no-untyped-def]
    p = c_home.people
    runner = CliRunner()
    no_nip = runner.invoke(cli, ["complaint", "show", number, "--show-nik"])
    assert no_nip.exit_code == 2 and NIK not in no_nip.output
    head = p["kepala_dinas"]
    refused = runner.invoke(cli, ["complaint", "show", number, "--show-nik", "--as", head])
    assert refused.exit_code == 2 and NIK not in refused.output
    assert _events(c_session, "nik-ditolak") == [head]

    officer = p["petugas_pengaduan"]
    log_in(officials, [officer])  # loket login: no passphrase asked below
    shown = runner.invoke(cli, ["complaint", "show", number, "--show-nik", "--as", officer])
    assert shown.exit_code == 0, shown.output
    assert _flat(shown.output).count(NIK) == 4 and _flat(shown.output).count(PHONE) == 4
    assert MARKUP in _flat(shown.output)
    assert _events(c_session, "nik-dilihat") == [officer]


def test_the_register_list_masks_and_escapes_the_subject(number: str, cli) -> None:  # type: ignore[no-untyped-def]
    res = CliRunner().invoke(cli, ["complaint", "list"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert NIK not in res.output and "1471********0003" in res.output
