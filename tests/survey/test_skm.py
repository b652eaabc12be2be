"""SKM computation (PermenPANRB 14/2017), survey files, storage and the yearly report."""

# ruff: noqa: F811  (pytest fixtures are imported from tests/conftest_complaints.py)

from __future__ import annotations

import math
import random
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from loket.survey.chart import CHART_DPI, GRADE_COLOURS, element_chart, save_element_chart
from loket.survey.errors import SkmError
from loket.survey.grades import grade, round2
from loket.survey.index import compute
from loket.survey.report import report_data, write_report
from loket.survey.responses import read_survey
from loket.survey.rules import load_skm_rules
from loket.survey.sample import KREJCIE_MORGAN, minimum_sample
from loket.survey.storage import import_survey, responses_of
from tests.conftest_complaints import (  # noqa: F401  (fixtures)
    Home,
    c_home,
    c_session,
    make_survey,
    rows_with_total,
    write_survey,
)

# ---------------------------------------------------------------------------------------
# computation


def test_all_fours_is_100_grade_a() -> None:
    result = compute([[4] * 9 for _ in range(30)])
    assert result.ikm == 100
    assert result.ikm_published == Decimal("100.00")
    assert result.grade.letter == "A" and result.grade.label == "Sangat Baik"
    assert all(e.nrr == 4 and e.grade.letter == "A" for e in result.elements)
    assert result.poor_elements == []


def test_all_ones_is_25_grade_d() -> None:
    result = compute([[1] * 9 for _ in range(7)])
    assert result.ikm == 25
    assert result.grade.letter == "D"
    assert len(result.poor_elements) == 9


@pytest.mark.parametrize(
    ("value", "letter"),
    [
        ("100", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("88.305", "A"),  # published as 88,31
        ("88.3049", "B"),  # published as 88,30
        ("76.61", "B"),
        ("76.60", "C"),
        ("76.605", "B"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("64.995", "C"),
        ("25", "D"),
    ],
)
def test_grade_bounds_leave_no_gap(value: str, letter: str) -> None:
    assert grade(Decimal(value)).letter == letter


def test_grade_every_hundredth_has_exactly_one_grade() -> None:
    for hundredths in range(2500, 10001):
        value = Decimal(hundredths) / 100
        g = grade(value)
        expected = (
            "A"
            if value >= Decimal("88.31")
            else "B"
            if value >= Decimal("76.61")
            else "C"
            if value >= Decimal("65.00")
            else "D"
        )
        assert g.letter == expected, value


def test_boundary_from_responses_88_31_vs_88_30() -> None:
    # n respondents, grand total S: IKM = 25 * S / (9 n).
    # n = 100: IKM = S / 36; 3179/36 = 88.3055… -> 88.31 (A); 3178/36 = 88.2777… -> 88.28 (B)
    a = compute(rows_with_total(100, 3179))
    b = compute(rows_with_total(100, 3178))
    assert a.ikm == Fraction(3179, 36) and a.ikm_published == Decimal("88.31")
    assert a.grade.letter == "A"
    assert b.ikm_published == Decimal("88.28") and b.grade.letter == "B"
    # n = 400: IKM = S / 144; 12715/144 = 88.2986… -> 88.30 (B); 12716/144 = 88.3055… -> A
    c = compute(rows_with_total(400, 12715))
    d = compute(rows_with_total(400, 12716))
    assert c.ikm_published == Decimal("88.30") and c.grade.letter == "B"
    assert d.ikm_published == Decimal("88.31") and d.grade.letter == "A"


def test_known_small_table_by_hand() -> None:
    # five respondents; element totals are column sums, worked out by hand below
    table = [
        [4, 3, 2, 4, 3, 4, 4, 3, 2],
        [3, 3, 2, 4, 3, 4, 3, 3, 3],
        [4, 2, 1, 4, 4, 3, 4, 2, 3],
        [3, 3, 2, 4, 3, 4, 4, 3, 2],
        [4, 4, 3, 4, 3, 3, 4, 3, 3],
    ]
    totals = [18, 15, 10, 20, 16, 18, 19, 14, 13]  # sum 143
    result = compute(table)
    assert [e.total for e in result.elements] == totals
    assert [e.nrr for e in result.elements] == [Fraction(t, 5) for t in totals]
    # IKM = (143 / 5 / 9) * 25 = 143 * 5 / 9 = 79.444…
    assert result.ikm == Fraction(715, 9)
    assert result.ikm_published == Decimal("79.44")
    assert result.grade.letter == "B"
    # U3: NRR 2.0 -> 50.00 (D); U9: 2.6 -> 65.00 (C); U8: 2.8 -> 70.00 (C)
    grades = {e.code: e.grade.letter for e in result.elements}
    assert grades == {
        "U1": "A",
        "U2": "C",
        "U3": "D",
        "U4": "A",
        "U5": "B",
        "U6": "A",
        "U7": "A",
        "U8": "C",
        "U9": "C",
    }
    assert [e.code for e in result.poor_elements] == ["U2", "U3", "U8", "U9"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_survey_matches_an_independent_computation(seed: int) -> None:
    rows = make_survey(137, seed)
    answers = [[int(r[f"U{j}"]) for j in range(1, 10)] for r in rows]  # type: ignore[call-overload]
    result = compute(answers)
    # independent: float means, weight 1/9, times 25
    means = [sum(a[j] for a in answers) / len(answers) for j in range(9)]
    ikm = sum(m * (1 / 9) for m in means) * 25
    assert math.isclose(float(result.ikm), ikm, rel_tol=1e-12)
    assert [float(e.nrr) for e in result.elements] == pytest.approx(means)
    assert 25 <= float(result.ikm) <= 100


def test_compute_refuses_invalid_rows() -> None:
    with pytest.raises(SkmError):
        compute([])
    with pytest.raises(SkmError):
        compute([[4] * 8])
    with pytest.raises(SkmError):
        compute([[4] * 8 + [5]])


# ---------------------------------------------------------------------------------------
# sample size


def test_krejcie_morgan_table_rows() -> None:
    assert minimum_sample(100) == 80
    assert minimum_sample(1000) == 278
    assert minimum_sample(10000) == 370
    assert minimum_sample(1_000_000) == 384
    assert minimum_sample(7) == 7  # smaller than the table: everyone


def test_krejcie_morgan_between_rows_takes_the_larger_population() -> None:
    assert minimum_sample(101) == 86  # next row 110 -> 86
    assert minimum_sample(1001) == 285


def test_krejcie_morgan_table_agrees_with_the_formula() -> None:
    previous = 0
    for population, sample in KREJCIE_MORGAN:
        formula = 3.841 * population * 0.25 / (0.05**2 * (population - 1) + 3.841 * 0.25)
        assert abs(sample - formula) <= 1.5, population
        assert sample >= previous
        previous = sample


# ---------------------------------------------------------------------------------------
# files


def _bad_rows(rows: list[dict[str, object]]) -> dict[int, str]:
    """Spoil some rows; returns the spreadsheet row numbers (header = 1) that must fail."""
    spoil = {3: ("U3", 5), 6: ("U7", ""), 9: ("U1", "3.5"), 12: ("U9", 0), 15: ("U2", "empat")}
    expected = {}
    for idx, (col, value) in spoil.items():
        rows[idx][col] = value
        expected[idx + 2] = col
    return expected


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_bad_rows_reported_by_row_number_and_excluded(tmp_path: Path, suffix: str) -> None:
    rows = make_survey(40, 11)
    expected = _bad_rows(rows)
    path = write_survey(tmp_path / f"survei{suffix}", rows)
    survey = read_survey(path)
    assert {p.row: p.message.split(" ")[0].split("=")[0] for p in survey.problems} == expected
    assert len(survey.respondents) == 40 - len(expected)
    assert survey.rows == 40
    kept_rows = {r.row for r in survey.respondents}
    assert not kept_rows & set(expected)
    # the kept answers are exactly the file's values (nothing coerced)
    by_row = {i + 2: r for i, r in enumerate(rows)}
    for r in survey.respondents:
        assert list(r.answers) == [int(by_row[r.row][f"U{j}"]) for j in range(1, 10)]  # type: ignore[call-overload]


def test_missing_answer_column_is_a_file_error(tmp_path: Path) -> None:
    rows = make_survey(5, 1)
    for r in rows:
        del r["U4"]
    path = write_survey(tmp_path / "kurang.csv", rows)
    with pytest.raises(SkmError, match="U4"):
        read_survey(path)


def test_semicolon_csv_and_blank_lines(tmp_path: Path) -> None:
    lines = ["U1;U2;U3;U4;U5;U6;U7;U8;U9", "4;4;4;4;4;4;4;4;4", ";;;;;;;;", "3;3;3;3;3;3;3;3;3"]
    path = tmp_path / "titikkoma.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    survey = read_survey(path)
    assert [r.row for r in survey.respondents] == [2, 4]
    assert survey.problems == []


def test_import_stores_once_and_by_year(c_home: Home, c_session, tmp_path: Path) -> None:
    rows = make_survey(25, 5, year=2025)
    rows += [{f"U{j}": 4 for j in range(1, 10)}]  # no date: counted in the --year
    path = write_survey(tmp_path / "s.csv", rows)
    record, _ = import_survey(c_session, path, year=2026)
    c_session.commit()
    assert record.accepted == 26 and record.rejected == 0
    assert len(responses_of(c_session, 2025)) == 25
    assert len(responses_of(c_session, 2026)) == 1
    with pytest.raises(SkmError, match="sudah diimpor"):
        import_survey(c_session, path)


# ---------------------------------------------------------------------------------------
# yearly report


def _poor_probabilities() -> list[tuple[float, ...]]:
    probs: list[tuple[float, ...]] = [(0.0, 0.02, 0.3, 0.68)] * 9
    probs[2] = (0.2, 0.6, 0.2, 0.0)  # Waktu Penyelesaian: about 2.0 -> D
    return probs


def test_yearly_report_with_follow_up_plan(c_home: Home, c_session, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from loket.approval.officials import load_officials

    rows = make_survey(120, 21, probabilities=_poor_probabilities())
    expected_bad = _bad_rows(rows)
    path = write_survey(tmp_path / "survei.xlsx", rows)
    import_survey(c_session, path)
    c_session.commit()
    rules = load_skm_rules(c_home.rules / "skm.yaml")
    officials = load_officials(c_home.rules / "officials.yaml")
    data, files = write_report(
        c_session,
        2026,
        rules=rules,
        officials=officials,
        outbox=c_home.outbox,
        population=500,
        pdf=False,
    )
    assert [f.name for f in files] == [
        "Laporan-SKM-2026.docx",
        "Laporan-SKM-2026.xlsx",
        "Laporan-SKM-2026-grafik.png",
    ]
    assert all(f.parent == c_home.outbox / "reports" / "2026" for f in files)
    valid = [r for i, r in enumerate(rows) if i + 2 not in expected_bad]
    independent = compute([[int(r[f"U{j}"]) for j in range(1, 10)] for r in valid])  # type: ignore[call-overload]
    assert data["ikm_angka"] == str(independent.ikm_published)
    assert data["responden"] == len(valid)
    assert data["ditolak"] == len(expected_bad)
    assert data["sampel_minimum"] == 217
    assert "kurang dari sampel minimum 217" in str(data["peringatan_sampel"])
    rtl = data["rtl"]
    assert isinstance(rtl, list)
    assert [r["kode"] for r in rtl] == [e.code for e in independent.poor_elements]
    assert "U3" in [r["kode"] for r in rtl]
    assert rtl[0]["rencana"] == rules.follow_up["U3"].plan

    from docx import Document

    text = "\n".join(p.text for p in Document(str(files[0])).paragraphs)
    cells = "\n".join(
        c.text for t in Document(str(files[0])).tables for row in t.rows for c in row.cells
    )
    assert "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT" in text
    assert "RENCANA TINDAK LANJUT" in text
    assert "Waktu Penyelesaian" in cells and rules.follow_up["U3"].plan in cells
    assert "{{" not in text + cells and "{%" not in text + cells
    wb = load_workbook(files[1])
    assert wb.sheetnames == [
        "Ringkasan",
        "Per Unsur",
        "Rencana Tindak Lanjut",
        "Data Responden",
        "Baris Ditolak",
    ]
    assert wb["Baris Ditolak"].max_row == 1 + len(expected_bad)
    assert wb["Data Responden"].max_row == 1 + len(valid)


# ---------------------------------------------------------------------------------------
# chart per element (issue #6: "a bar chart per element")

HAND_TABLE = [
    [4, 3, 2, 4, 3, 4, 4, 3, 2],
    [3, 3, 2, 4, 3, 4, 3, 3, 3],
    [4, 2, 1, 4, 4, 3, 4, 2, 3],
    [3, 3, 2, 4, 3, 4, 4, 3, 2],
    [4, 4, 3, 4, 3, 3, 4, 3, 3],
]
# element scores of HAND_TABLE (totals × 5) and their grades, see test_known_small_table_by_hand
HAND_SCORES = [90.0, 75.0, 50.0, 100.0, 80.0, 90.0, 95.0, 70.0, 65.0]
HAND_GRADES = ["A", "C", "D", "A", "B", "A", "A", "C", "C"]


def test_element_chart_has_nine_bars_by_grade_with_the_grade_lines() -> None:
    from matplotlib.colors import to_hex

    fig = element_chart(compute(HAND_TABLE).elements, 2026)
    (ax,) = fig.axes
    assert len(ax.patches) == 9
    (bars,) = ax.containers
    # barh draws bottom-up: U1 is the top bar (largest y)
    top_down = sorted(bars, key=lambda b: -b.get_y())
    assert [b.get_width() for b in top_down] == HAND_SCORES
    colours = [to_hex(b.get_facecolor()).upper() for b in top_down]
    assert colours == [f"#{GRADE_COLOURS[g]}" for g in HAND_GRADES]
    assert len(set(colours)) == 4  # A, B, C and D all present and distinct
    labels = [t.get_text() for t in ax.get_yticklabels()][::-1]
    assert labels[0] == "U1  Persyaratan" and labels[7] == "U8  Penanganan Pengaduan"
    assert all(label.startswith(f"U{i}") for i, label in enumerate(labels, start=1))
    lines = sorted(line.get_xdata()[0] for line in ax.lines)
    assert lines == [65.0, 76.61, 88.31]
    texts = {t.get_text() for t in ax.texts}
    assert {"90,00", "75,00", "50,00", "100,00", "65,00"} <= texts  # value on each bar
    assert {"C \u2265 65,00", "B \u2265 76,61", "A \u2265 88,31"} <= texts
    assert ax.get_title() == "Nilai per Unsur Pelayanan \u2014 SKM 2026"
    assert ax.get_xlim() == (0.0, 100.0)


def test_element_chart_png_is_a_real_image(tmp_path: Path) -> None:
    from PIL import Image

    path = save_element_chart(compute(HAND_TABLE).elements, 2026, tmp_path / "g.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(path) as img:
        assert img.format == "PNG"
        width, height = img.size
        # 16 × 9.5 cm at 180 dpi
        assert abs(width - 16 / 2.54 * CHART_DPI) <= 2
        assert abs(height - 9.5 / 2.54 * CHART_DPI) <= 2
        colours = {c for _, c in img.convert("RGB").getcolors(maxcolors=1 << 20)}
    # every grade colour is drawn (antialiased edges aside, the bar interiors are exact)
    for hexcode in GRADE_COLOURS.values():
        assert tuple(bytes.fromhex(hexcode)) in colours, hexcode


def _report_files(c_home: Home, c_session, tmp_path: Path, *, pdf: bool) -> list[Path]:
    from loket.approval.officials import load_officials

    import_survey(c_session, write_survey(tmp_path / "s.csv", make_survey(60, 8)), year=2026)
    c_session.commit()
    _, files = write_report(
        c_session,
        2026,
        rules=load_skm_rules(c_home.rules / "skm.yaml"),
        officials=load_officials(c_home.rules / "officials.yaml"),
        outbox=c_home.outbox,
        population=60,
        pdf=pdf,
    )
    return files


def test_report_docx_and_xlsx_carry_the_chart(c_home: Home, c_session, tmp_path: Path) -> None:
    import re
    import zipfile

    from openpyxl import load_workbook

    docx, xlsx, png = _report_files(c_home, c_session, tmp_path, pdf=False)
    assert png.name == "Laporan-SKM-2026-grafik.png" and png.stat().st_size > 10_000

    # DOCX: the PNG is embedded and the body draws it (inline, under its heading)
    with zipfile.ZipFile(docx) as z:
        media = [n for n in z.namelist() if re.fullmatch(r"word/media/[^/]+\.png", n)]
        assert len(media) == 1
        assert z.read(media[0]) == png.read_bytes()
        body = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    (rid,) = re.findall(r'<a:blip r:embed="(rId\d+)"', body)
    assert re.search(rf'Id="{rid}"[^>]*Target="media/{Path(media[0]).name}"', rels) or re.search(
        rf'Target="media/{Path(media[0]).name}"[^>]*Id="{rid}"', rels
    )
    assert "<wp:inline" in body and "grafik_unsur" not in body
    assert body.index("Grafik Nilai per Unsur") < body.index("<w:drawing>")

    # XLSX: a native bar chart on "Per Unsur" over the numeric "Nilai Unsur" column
    wb = load_workbook(xlsx)
    ws = wb["Per Unsur"]
    header = [c.value for c in ws[1]]
    col = header.index("Nilai Unsur") + 1
    values = [ws.cell(row=r, column=col).value for r in range(2, 11)]
    data = compute([r.answers for r in responses_of(c_session, 2026)])
    assert values == [float(round2(e.index)) for e in data.elements]
    # NRR and weighted NRR are numbers an officer can compute with, shown as in the report
    nrr = header.index("NRR") + 1
    weighted = header.index("NRR Tertimbang") + 1
    for r, e in enumerate(data.elements, start=2):
        assert ws.cell(row=r, column=nrr).value == pytest.approx(float(e.nrr), abs=0.005)
        assert ws.cell(row=r, column=nrr).number_format == "0.00"
        assert ws.cell(row=r, column=weighted).value == pytest.approx(float(e.weighted), abs=5e-4)
        assert ws.cell(row=r, column=weighted).number_format == "0.000"
    summary = {row[0].value: row[1] for row in wb["Ringkasan"].iter_rows() if row[0].value}
    assert isinstance(summary["IKM"].value, float) and summary["IKM"].number_format == "0.00"
    assert summary["Tahun"].value == 2026 and summary["Tahun"].number_format == "General"
    with zipfile.ZipFile(xlsx) as z:
        names = z.namelist()
        assert "xl/charts/chart1.xml" in names
        chart = z.read("xl/charts/chart1.xml").decode()
        sheet_index = wb.sheetnames.index("Per Unsur") + 1
        sheet_rels = z.read(f"xl/worksheets/_rels/sheet{sheet_index}.xml.rels").decode()
        (drawing,) = re.findall(r'Target="[^"]*drawings/(drawing\d+\.xml)"', sheet_rels)
        drawing_rels = z.read(f"xl/drawings/_rels/{drawing}.rels").decode()
    assert "charts/chart1.xml" in drawing_rels  # the chart hangs on the "Per Unsur" sheet
    assert "<barChart>" in chart and '<barDir val="bar"/>' in chart
    assert "<f>'Per Unsur'!$G$2:$G$10</f>" in chart  # values: Nilai Unsur
    assert "<f>'Per Unsur'!$C$2:$C$10</f>" in chart  # categories: element names
    assert "Nilai per Unsur Pelayanan \u2014 SKM 2026" in chart
    assert chart.count("<dPt>") == 9  # each bar coloured by its grade


def test_committed_skm_template_is_the_builders_output(tmp_path: Path) -> None:
    """templates/laporan_skm_tahunan.docx must be rebuilt when build_skm_report changes."""
    import zipfile

    from loket.documents.templates import SKM_REPORT
    from templates.build.skm import build_skm_report
    from tests.conftest_complaints import REPO

    built = build_skm_report(tmp_path / SKM_REPORT)
    with zipfile.ZipFile(built) as a, zipfile.ZipFile(REPO / "templates" / SKM_REPORT) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if name != "docProps/core.xml":  # creation time
                assert a.read(name) == b.read(name), name
        assert "{{ grafik_unsur }}" in b.read("word/document.xml").decode()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.e2e
def test_report_pdf_shows_the_chart(c_home: Home, c_session, tmp_path: Path) -> None:
    import subprocess

    from pypdf import PdfReader

    files = _report_files(c_home, c_session, tmp_path, pdf=True)
    assert [f.suffix for f in files] == [".docx", ".pdf", ".xlsx", ".png"]
    pdf = files[1]
    text = " ".join((page.extract_text() or "") for page in PdfReader(pdf).pages)
    assert "Grafik Nilai per Unsur" in text
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    )
    # page num type width height color comp bpc enc interp object id x-ppi y-ppi size ratio
    rows = [r.split() for r in images.stdout.strip().splitlines()[2:]]
    (chart,) = [r for r in rows if r[2] == "image"]  # (its alpha channel is an "smask")
    width, height, ppi = int(chart[3]), int(chart[4]), int(chart[12])
    assert abs(width - 16 / 2.54 * CHART_DPI) <= 1
    assert abs(height - 9.5 / 2.54 * CHART_DPI) <= 1
    assert abs(ppi - CHART_DPI) <= 2  # printed 16 cm wide, as in the DOCX


def test_report_without_poor_elements_has_no_plan(c_home: Home, c_session, tmp_path: Path) -> None:
    from loket.approval.officials import load_officials

    rng = random.Random(3)
    rows = [{f"U{j}": rng.choice((3, 4, 4)) for j in range(1, 10)} for _ in range(60)]
    import_survey(c_session, write_survey(tmp_path / "baik.csv", rows), year=2026)
    c_session.commit()
    data, _ = write_report(
        c_session,
        2026,
        rules=load_skm_rules(c_home.rules / "skm.yaml"),
        officials=load_officials(c_home.rules / "officials.yaml"),
        outbox=c_home.outbox,
        population=60,
        pdf=False,
    )
    assert data["rtl"] == []
    assert data["peringatan_sampel"] == ""  # 60 respondents >= 52 for a population of 60


def test_report_without_data_is_refused(c_home: Home, c_session) -> None:
    from loket.approval.officials import load_officials

    with pytest.raises(SkmError, match="belum ada data"):
        report_data(
            c_session,
            2019,
            rules=load_skm_rules(c_home.rules / "skm.yaml"),
            officials=load_officials(c_home.rules / "officials.yaml"),
        )


def test_skm_rules_errors_name_the_line(tmp_path: Path) -> None:
    from loket.common.rulesfile import RulesError

    path = tmp_path / "skm.yaml"
    path.write_text("service: X\npopulation: banyak\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"skm.yaml:2: population"):
        load_skm_rules(path)


def test_compute_command_prints_the_table(tmp_path: Path) -> None:
    """`loket skm compute FILE`: the table computed by hand here, bad rows by number."""
    import typer
    from typer.testing import CliRunner

    from loket.cli.survey import skm_app

    rows = make_survey(30, 9)
    rows[4]["U3"] = 7  # out of range: reported and left out
    path = write_survey(tmp_path / "survei.csv", rows)
    app = typer.Typer()
    app.add_typer(skm_app, name="skm")
    result = CliRunner().invoke(app, ["skm", "compute", str(path), "--population", "500"])
    assert result.exit_code == 0, result.output
    valid = [r for i, r in enumerate(rows) if i != 4]
    by_hand = sum(sum(int(r[f"U{j + 1}"]) for r in valid) / len(valid) / 9 for j in range(9)) * 25
    rounded = Decimal(str(by_hand)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert f"IKM = {rounded}" in result.output
    assert "Baris 6 dikeluarkan" in result.output  # header is row 1
    assert "kurang dari sampel minimum 217" in result.output  # Krejcie-Morgan, N = 500
