"""Survei Kepuasan Masyarakat (SKM) per Peraturan Menteri PANRB No. 14 Tahun 2017.

Per element (U1..U9, answers 1–4): NRR = total ÷ respondents; weighted NRR = NRR × 1/9;
IKM = Σ weighted NRR × 25 (25–100). Arithmetic is exact (fractions); the index is rounded
half-up to two decimals (as published) and the grade is taken from that published value by
comparing with the lower bound of each grade, so no value falls between grades:
A Sangat Baik ≥ 88,31; B Baik ≥ 76,61; C Kurang Baik ≥ 65,00; D Tidak Baik ≥ 25,00.
Elements are graded the same way on NRR × 25.

Minimum sample: the Krejcie–Morgan table (as in the regulation's appendix) for the
population; between two rows the larger population's sample applies.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import JSON, Date, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from loket.approval.officials import OfficialsFile, Role
from loket.common.db import Base, UtcDateTime
from loket.common.rulesfile import load_model
from loket.documents.doctemplates import SKM_REPORT
from loket.documents.officedocs import (
    OFFICE,
    angka,
    render_docx,
    tanggal,
    templates_dir,
    to_pdf,
    write_xlsx,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

ELEMENTS: tuple[str, ...] = (
    "Persyaratan",
    "Sistem, Mekanisme, dan Prosedur",
    "Waktu Penyelesaian",
    "Biaya/Tarif",
    "Produk Spesifikasi Jenis Pelayanan",
    "Kompetensi Pelaksana",
    "Perilaku Pelaksana",
    "Penanganan Pengaduan, Saran dan Masukan",
    "Sarana dan Prasarana",
)
CODES: tuple[str, ...] = tuple(f"U{i}" for i in range(1, 10))
WEIGHT = Fraction(1, 9)
WIB = ZoneInfo("Asia/Jakarta")


class SkmError(ValueError):
    """A survey file or request that cannot be processed; message for the officer."""


# ---------------------------------------------------------------------------------------
# grades


@dataclass(frozen=True)
class Grade:
    letter: str
    label: str
    lower: Decimal  # lower bound of the converted (×25) value
    ni: str  # interval on the 1-4 scale as printed in the regulation
    nik: str

    @property
    def poor(self) -> bool:
        return self.letter in {"C", "D"}


GRADES: tuple[Grade, ...] = (
    Grade("A", "Sangat Baik", Decimal("88.31"), "3,5324 \u2013 4,00", "88,31 \u2013 100,00"),
    Grade("B", "Baik", Decimal("76.61"), "3,0644 \u2013 3,532", "76,61 \u2013 88,30"),
    Grade("C", "Kurang Baik", Decimal("65.00"), "2,60 \u2013 3,064", "65,00 \u2013 76,60"),
    Grade("D", "Tidak Baik", Decimal("25.00"), "1,00 \u2013 2,5996", "25,00 \u2013 64,99"),
)


def round2(value: Fraction | Decimal | float | int) -> Decimal:
    """Half-up rounding to two decimals of an exact value."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(str(value))
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade(index: Fraction | Decimal | float | int) -> Grade:
    """The grade of a converted value (25–100), judged on its two-decimal published value."""
    value = round2(index)
    if value > 100 or value < 25:
        raise SkmError(f"nilai {value} di luar rentang 25\u2013100")
    return next(g for g in GRADES if value >= g.lower)


# ---------------------------------------------------------------------------------------
# computation


@dataclass(frozen=True)
class ElementResult:
    code: str
    name: str
    total: int
    nrr: Fraction
    weighted: Fraction
    index: Fraction  # NRR × 25
    grade: Grade


@dataclass(frozen=True)
class SkmResult:
    respondents: int
    elements: list[ElementResult]
    weighted_sum: Fraction
    ikm: Fraction
    grade: Grade

    @property
    def ikm_published(self) -> Decimal:
        return round2(self.ikm)

    @property
    def poor_elements(self) -> list[ElementResult]:
        return [e for e in self.elements if e.grade.poor]


def compute(answers: Sequence[Sequence[int]]) -> SkmResult:
    """SKM figures of valid answer rows (nine values 1–4 each)."""
    n = len(answers)
    if n == 0:
        raise SkmError("tidak ada jawaban responden yang sah")
    for i, row in enumerate(answers):
        if len(row) != 9 or any(not isinstance(v, int) or not 1 <= v <= 4 for v in row):
            raise SkmError(f"jawaban ke-{i + 1} tidak sah: {row!r}")
    elements = []
    for j, (code, name) in enumerate(zip(CODES, ELEMENTS, strict=True)):
        total = sum(row[j] for row in answers)
        nrr = Fraction(total, n)
        elements.append(
            ElementResult(code, name, total, nrr, nrr * WEIGHT, nrr * 25, grade(nrr * 25))
        )
    weighted_sum = sum((e.weighted for e in elements), Fraction(0))
    ikm = weighted_sum * 25
    return SkmResult(n, elements, weighted_sum, ikm, grade(ikm))


# ---------------------------------------------------------------------------------------
# sample size (Krejcie & Morgan, 1970; table in PermenPANRB 14/2017)

KREJCIE_MORGAN: tuple[tuple[int, int], ...] = (
    (10, 10),
    (15, 14),
    (20, 19),
    (25, 24),
    (30, 28),
    (35, 32),
    (40, 36),
    (45, 40),
    (50, 44),
    (55, 48),
    (60, 52),
    (65, 56),
    (70, 59),
    (75, 63),
    (80, 66),
    (85, 70),
    (90, 73),
    (95, 76),
    (100, 80),
    (110, 86),
    (120, 92),
    (130, 97),
    (140, 103),
    (150, 108),
    (160, 113),
    (170, 118),
    (180, 123),
    (190, 127),
    (200, 132),
    (210, 136),
    (220, 140),
    (230, 144),
    (240, 148),
    (250, 152),
    (260, 155),
    (270, 159),
    (280, 162),
    (290, 165),
    (300, 169),
    (320, 175),
    (340, 181),
    (360, 186),
    (380, 191),
    (400, 196),
    (420, 201),
    (440, 205),
    (460, 210),
    (480, 214),
    (500, 217),
    (550, 226),
    (600, 234),
    (650, 242),
    (700, 248),
    (750, 254),
    (800, 260),
    (850, 265),
    (900, 269),
    (950, 274),
    (1000, 278),
    (1100, 285),
    (1200, 291),
    (1300, 297),
    (1400, 302),
    (1500, 306),
    (1600, 310),
    (1700, 313),
    (1800, 317),
    (1900, 320),
    (2000, 322),
    (2200, 327),
    (2400, 331),
    (2600, 335),
    (2800, 338),
    (3000, 341),
    (3500, 346),
    (4000, 351),
    (4500, 354),
    (5000, 357),
    (6000, 361),
    (7000, 364),
    (8000, 367),
    (9000, 368),
    (10000, 370),
    (15000, 375),
    (20000, 377),
    (30000, 379),
    (40000, 380),
    (50000, 381),
    (75000, 382),
    (100000, 384),
)


def minimum_sample(population: int) -> int:
    """Minimum number of respondents for ``population`` service users."""
    if population < 1:
        raise SkmError("populasi harus lebih dari 0")
    if population < KREJCIE_MORGAN[0][0]:
        return population
    for size, sample in KREJCIE_MORGAN:
        if population <= size:
            return sample
    return KREJCIE_MORGAN[-1][1]


# ---------------------------------------------------------------------------------------
# reading survey files

OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "tanggal", "tgl", "tanggal_survei", "waktu"),
    "gender": ("gender", "jenis_kelamin", "jk", "sex", "kelamin"),
    "age": ("age", "umur", "usia"),
    "education": ("education", "pendidikan", "pendidikan_terakhir"),
    "occupation": ("occupation", "pekerjaan"),
    "service": ("service", "layanan", "jenis_layanan"),
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # spreadsheet row number (header = row 1)
    message: str


@dataclass
class Respondent:
    row: int
    answers: tuple[int, ...]
    responded_on: date | None = None
    gender: str | None = None
    age: int | None = None
    education: str | None = None
    occupation: str | None = None
    service: str | None = None


@dataclass
class SurveyFile:
    source: str
    sha256: str
    respondents: list[Respondent] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0


def _norm(name: object) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def _blank(value: object) -> bool:
    return (
        value is None
        or (isinstance(value, float) and value != value)
        or str(value).strip() in {"", "nan", "NaN", "None", "NaT"}
    )


def _answer(value: object) -> int | None:
    """1..4 from a cell, or None when it is not exactly one of those (no coercion)."""
    text = str(value).strip()
    if text in {"1", "2", "3", "4"}:
        return int(text)
    if text in {"1.0", "2.0", "3.0", "4.0"}:  # numeric spreadsheet cells
        return int(text[0])
    return None


def _date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def read_survey(path: Path) -> SurveyFile:
    """Valid respondents and per-row problems of a CSV or XLSX survey file."""
    import pandas as pd

    raw = path.read_bytes()
    suffix = path.suffix.lower()
    try:
        if suffix in {".xlsx", ".xlsm"}:
            frame = pd.read_excel(path, dtype=object, engine="openpyxl")
        elif suffix in {".csv", ".txt"}:
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                sep=None,
                engine="python",
                encoding="utf-8-sig",
            )
        else:
            raise SkmError(f"{path.name}: format tidak didukung (gunakan .csv atau .xlsx)")
    except SkmError:
        raise
    except Exception as exc:
        raise SkmError(f"{path.name}: tidak dapat dibaca ({exc})") from exc
    columns = {_norm(c): c for c in frame.columns}
    missing = [code for code in CODES if code.lower() not in columns]
    if missing:
        raise SkmError(
            f"{path.name}: kolom {', '.join(missing)} tidak ada (wajib kolom U1..U9; "
            f"kolom yang ada: {', '.join(map(str, frame.columns))})"
        )
    optional = {
        key: next((columns[n] for n in names if n in columns), None)
        for key, names in OPTIONAL_COLUMNS.items()
    }
    survey = SurveyFile(source=path.name, sha256=hashlib.sha256(raw).hexdigest())
    for idx, record in enumerate(frame.to_dict("records")):
        rowno = idx + 2
        values = [record[columns[c.lower()]] for c in CODES]
        others = [record[c] for c in optional.values() if c is not None]
        if all(_blank(v) for v in values) and all(_blank(v) for v in others):
            continue  # an empty line is not a respondent
        survey.rows += 1
        problems = []
        answers: list[int] = []
        for code, value in zip(CODES, values, strict=True):
            if _blank(value):
                problems.append(f"{code} kosong")
                continue
            parsed = _answer(value)
            if parsed is None:
                problems.append(f"{code}={str(value).strip()!r} bukan 1\u20134")
            else:
                answers.append(parsed)
        when = None
        if optional["date"] is not None and not _blank(record[optional["date"]]):
            when = _date(record[optional["date"]])
            if when is None:
                problems.append(f"tanggal {str(record[optional['date']]).strip()!r} tidak dikenali")
        age = None
        if optional["age"] is not None and not _blank(record[optional["age"]]):
            text = str(record[optional["age"]]).strip().removesuffix(".0")
            if text.isdigit() and 10 <= int(text) <= 120:
                age = int(text)
            else:
                problems.append(f"umur {text!r} tidak sah")
        if problems:
            survey.problems.append(RowProblem(rowno, "; ".join(problems)))
            continue

        def text_of(key: str, rec: dict = record) -> str | None:
            col = optional[key]
            return None if col is None or _blank(rec[col]) else str(rec[col]).strip()

        survey.respondents.append(
            Respondent(
                row=rowno,
                answers=tuple(answers),
                responded_on=when,
                gender=text_of("gender"),
                age=age,
                education=text_of("education"),
                occupation=text_of("occupation"),
                service=text_of("service"),
            )
        )
    return survey


# ---------------------------------------------------------------------------------------
# storage


class SkmImport(Base):
    __tablename__ = "skm_imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=lambda: datetime.now(UTC))
    rows: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    problems: Mapped[list] = mapped_column(JSON)  # [[row, message], ...]
    default_year: Mapped[int] = mapped_column(Integer)


class SkmResponse(Base):
    __tablename__ = "skm_responses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("skm_imports.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer, index=True)
    responded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    u1: Mapped[int] = mapped_column(Integer)
    u2: Mapped[int] = mapped_column(Integer)
    u3: Mapped[int] = mapped_column(Integer)
    u4: Mapped[int] = mapped_column(Integer)
    u5: Mapped[int] = mapped_column(Integer)
    u6: Mapped[int] = mapped_column(Integer)
    u7: Mapped[int] = mapped_column(Integer)
    u8: Mapped[int] = mapped_column(Integer)
    u9: Mapped[int] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(32), nullable=True)
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    education: Mapped[str | None] = mapped_column(String(64), nullable=True)
    occupation: Mapped[str | None] = mapped_column(String(128), nullable=True)
    service: Mapped[str | None] = mapped_column(String(128), nullable=True)

    @property
    def answers(self) -> tuple[int, ...]:
        return tuple(getattr(self, f"u{i}") for i in range(1, 10))


def import_survey(
    session: Session, path: Path, *, year: int | None = None
) -> tuple[SkmImport, SurveyFile]:
    """Store the valid rows of a survey file (caller commits); a file is imported once.

    Each response counts for the year of its date column, else ``year`` (default: this
    year).
    """
    survey = read_survey(path)
    existing = session.scalars(select(SkmImport).where(SkmImport.sha256 == survey.sha256)).first()
    if existing is not None:
        raise SkmError(f"{path.name} sudah diimpor pada {existing.imported_at:%Y-%m-%d %H:%M}")
    default_year = year or datetime.now(UTC).year
    record = SkmImport(
        source=path.name,
        sha256=survey.sha256,
        rows=survey.rows,
        accepted=len(survey.respondents),
        rejected=len(survey.problems),
        problems=[[p.row, p.message] for p in survey.problems],
        default_year=default_year,
    )
    session.add(record)
    session.flush()
    for r in survey.respondents:
        session.add(
            SkmResponse(
                import_id=record.id,
                row=r.row,
                year=r.responded_on.year if r.responded_on else default_year,
                responded_on=r.responded_on,
                **{f"u{i}": v for i, v in enumerate(r.answers, start=1)},
                gender=r.gender,
                age=r.age,
                education=r.education,
                occupation=r.occupation,
                service=r.service,
            )
        )
    session.flush()
    return record, survey


def responses_of(session: Session, year: int) -> list[SkmResponse]:
    return list(
        session.scalars(
            select(SkmResponse).where(SkmResponse.year == year).order_by(SkmResponse.id)
        )
    )


# ---------------------------------------------------------------------------------------
# rules/skm.yaml


class FollowUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan: str
    when: str
    responsible: str


class SkmRules(BaseModel):
    """Schema of ``rules/skm.yaml``."""

    model_config = ConfigDict(extra="forbid")
    service: str = "Izin Kerja Radiografer"
    population: int | None = Field(default=None, ge=1)
    follow_up: dict[str, FollowUp] = Field(default_factory=dict)


def load_rules(path: Path) -> SkmRules:
    rules = load_model(path, SkmRules)
    unknown = sorted(set(rules.follow_up) - set(CODES))
    if unknown:
        from loket.common.rulesfile import RulesError

        raise RulesError(path, [(0, f"follow_up: unknown element(s) {unknown} — fix: use U1..U9")])
    return rules


# ---------------------------------------------------------------------------------------
# chart of the element scores (in the DOCX/PDF report, and as a native chart in the XLSX)

SHORT_NAMES: dict[str, str] = {
    "U1": "Persyaratan",
    "U2": "Prosedur",
    "U3": "Waktu Penyelesaian",
    "U4": "Biaya/Tarif",
    "U5": "Produk Layanan",
    "U6": "Kompetensi Pelaksana",
    "U7": "Perilaku Pelaksana",
    "U8": "Penanganan Pengaduan",
    "U9": "Sarana dan Prasarana",
}
GRADE_COLOURS: dict[str, str] = {"A": "2E7D32", "B": "2E75B6", "C": "ED7D31", "D": "C00000"}
CHART_SIZE_CM = (16.0, 9.5)  # printed size in the report (text width of A4 portrait: 16.5)
CHART_DPI = 180


def chart_title(year: int) -> str:
    return f"Nilai per Unsur Pelayanan \u2014 SKM {year}"


def element_chart(elements: Sequence[ElementResult], year: int) -> Figure:
    """Horizontal bars of the element scores (NRR × 25, as published), U1 on top.

    Bars are coloured by grade, the lower bounds of grades C, B and A are dashed lines and
    each bar carries its value. Pure: builds the figure only (object API, no pyplot state).
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    inch = 2.54
    fig = Figure(figsize=(CHART_SIZE_CM[0] / inch, CHART_SIZE_CM[1] / inch), layout="constrained")
    ax = fig.subplots()
    ordered = list(elements)[::-1]  # barh draws bottom-up; U1 belongs on top
    values = [float(round2(e.index)) for e in ordered]
    labels = [f"{e.code}  {SHORT_NAMES.get(e.code, e.name)}" for e in ordered]
    colours = [f"#{GRADE_COLOURS[e.grade.letter]}" for e in ordered]
    bars = ax.barh(range(len(ordered)), values, height=0.65, color=colours, zorder=2)
    ax.set_yticks(range(len(ordered)), labels, fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 10))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel("Nilai unsur (NRR \u00d7 25; skala 25\u2013100)", fontsize=7.5)
    for g in GRADES[:-1]:  # lower bounds of A, B, C (D starts at the scale's 25)
        x = float(g.lower)
        ax.axvline(x, color="#595959", linestyle="--", linewidth=0.8, zorder=1)
        ax.text(
            x,
            1.01,
            f"{g.letter} \u2265 {angka(x, 2)}",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=6.5,
            color="#404040",
        )
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            value - 1.0,
            bar.get_y() + bar.get_height() / 2,
            angka(value, 2),
            ha="right",
            va="center",
            fontsize=7,
            fontweight="bold",
            color="white",
            zorder=4,
        )
    ax.set_title(chart_title(year), fontsize=9.5, fontweight="bold", pad=14)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(
        handles=[
            Patch(color=f"#{GRADE_COLOURS[g.letter]}", label=f"{g.letter} ({g.label})")
            for g in GRADES
        ],
        title="Mutu pelayanan",
        title_fontsize=7,
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=4,
        frameon=False,
    )
    return fig


def save_element_chart(elements: Sequence[ElementResult], year: int, out: Path) -> Path:
    """``element_chart`` as a PNG."""
    out.parent.mkdir(parents=True, exist_ok=True)
    element_chart(elements, year).savefig(out, dpi=CHART_DPI, facecolor="white")
    return out


def _render_report_docx(data: dict[str, object], chart: Path, out: Path) -> Path:
    """The report DOCX: the template filled with ``data`` and the chart (``grafik_unsur``).

    Same rendering as :func:`loket.documents.officedocs.render_docx` (autoescape), but an
    InlineImage needs the DocxTemplate it is rendered into, so the template is opened here.
    """
    from docx.shared import Cm
    from docxtpl import DocxTemplate, InlineImage

    template = templates_dir() / SKM_REPORT
    if not template.is_file():
        return render_docx(template, data, out)  # raises the usual "build it" message
    doc = DocxTemplate(str(template))
    context = {**data, "grafik_unsur": InlineImage(doc, str(chart), width=Cm(CHART_SIZE_CM[0]))}
    doc.render(context, autoescape=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _add_xlsx_chart(path: Path, year: int, sheet: str = "Per Unsur") -> None:
    """A native (editable) bar chart of the "Nilai Unsur" column on ``sheet``.

    Category labels are the element names; bars coloured by grade like the PNG.
    """
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.chart.marker import DataPoint

    wb = load_workbook(path)
    ws = wb[sheet]
    head = next(
        row[0].row
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row)
        if any(c.value == "Nilai Unsur" for c in row)
    )
    header = [c.value for c in ws[head]]
    value_col = header.index("Nilai Unsur") + 1
    name_col = header.index("Unsur") + 1
    grade_col = header.index("Mutu") + 1
    first, last = head + 1, ws.max_row
    for r in range(first, last + 1):
        ws.cell(row=r, column=value_col).number_format = "0.00"

    chart = BarChart()
    chart.type = "bar"  # horizontal
    chart.style = 10
    chart.title = chart_title(year)
    chart.y_axis.title = "Nilai unsur (NRR \u00d7 25; skala 25\u2013100)"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.y_axis.majorUnit = 10
    chart.x_axis.scaling.orientation = "maxMin"  # U1 on top, as in the table...
    chart.y_axis.crosses = "max"  # ...and the value axis stays at the bottom
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    values = Reference(ws, min_col=value_col, min_row=head, max_row=last)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=name_col, min_row=first, max_row=last))
    series = chart.series[0]
    series.graphicalProperties.solidFill = GRADE_COLOURS["B"]
    for i, r in enumerate(range(first, last + 1)):
        letter = str(ws.cell(row=r, column=grade_col).value)
        if letter in GRADE_COLOURS:
            point = DataPoint(idx=i)
            point.graphicalProperties.solidFill = GRADE_COLOURS[letter]
            point.graphicalProperties.line.solidFill = GRADE_COLOURS[letter]
            series.dPt.append(point)
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    series.dLbls.numFmt = "0.00"
    chart.gapWidth = 50
    chart.width, chart.height = 22, 11  # cm
    ws.add_chart(chart, f"A{last + 3}")
    wb.save(path)


# ---------------------------------------------------------------------------------------
# yearly report


def _rounded(value: Fraction, digits: int) -> float:
    """``value`` rounded half up to ``digits`` decimals, as the report prints it."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _fmt(value: Fraction, digits: int) -> str:
    return angka(_rounded(value, digits), digits)


AGE_GROUPS = (
    "< 25 tahun",
    "25\u201334 tahun",
    "35\u201344 tahun",
    "45\u201354 tahun",
    "\u2265 55 tahun",
    "Tidak diisi",
)


def _age_group(age: int | None) -> str:
    if age is None:
        return "Tidak diisi"
    for limit, label in (
        (25, "< 25 tahun"),
        (35, "25\u201334 tahun"),
        (45, "35\u201344 tahun"),
        (55, "45\u201354 tahun"),
    ):
        if age < limit:
            return label
    return "\u2265 55 tahun"


def report_data(
    session: Session,
    year: int,
    *,
    rules: SkmRules,
    officials: OfficialsFile,
    population: int | None = None,
    now: datetime | None = None,
) -> dict[str, object]:
    rows = responses_of(session, year)
    if not rows:
        raise SkmError(f"belum ada data SKM untuk tahun {year}; impor dulu: loket skm import FILE")
    result = compute([r.answers for r in rows])
    imports = list(
        session.scalars(select(SkmImport).where(SkmImport.id.in_({r.import_id for r in rows})))
    )
    rejected = [
        {"berkas": i.source, "baris": p[0], "masalah": p[1]} for i in imports for p in i.problems
    ]
    population = population or rules.population
    minimum = minimum_sample(population) if population else None
    warning = ""
    if minimum is not None and result.respondents < minimum:
        warning = (
            f"Perhatian: jumlah responden sah ({result.respondents}) kurang dari sampel minimum "
            f"{minimum} untuk populasi {population} (tabel Krejcie\u2013Morgan); hasil survei "
            "belum representatif."
        )
    elif minimum is None:
        warning = (
            "Jumlah populasi tidak diketahui; kecukupan sampel tidak dapat dinilai "
            "(gunakan --population)."
        )
    dates = sorted(r.responded_on for r in rows if r.responded_on)
    periode = f"{tanggal(dates[0])} s.d. {tanggal(dates[-1])}" if dates else f"Tahun {year}"
    n = result.respondents
    profil = []
    for label, key in (
        ("Jenis kelamin", "gender"),
        ("Umur", "age"),
        ("Pendidikan", "education"),
        ("Pekerjaan", "occupation"),
        ("Jenis layanan", "service"),
    ):
        if key == "age":
            counts = Counter(_age_group(r.age) for r in rows)
        else:
            counts = Counter((getattr(r, key) or "Tidak diisi") for r in rows)
        if set(counts) == {"Tidak diisi"}:
            continue
        order = (
            sorted(counts.items(), key=lambda kv: AGE_GROUPS.index(kv[0]))
            if key == "age"
            else sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        for i, (cat, cnt) in enumerate(order):
            profil.append(
                {
                    "karakteristik": label if i == 0 else "",
                    "kategori": cat,
                    "jumlah": cnt,
                    "persen": angka(100 * cnt / n, 1) + "%",
                }
            )
    unsur = [
        {
            "no": i,
            "kode": e.code,
            "nama": e.name,
            "jumlah": e.total,
            "nrr": _fmt(e.nrr, 2),
            "nrr_angka": _rounded(e.nrr, 2),
            "tertimbang": _fmt(e.weighted, 3),
            "tertimbang_angka": _rounded(e.weighted, 3),
            "nilai": angka(float(round2(e.index)), 2),
            "nilai_angka": float(round2(e.index)),
            "mutu": e.grade.letter,
            "kinerja": e.grade.label,
        }
        for i, e in enumerate(result.elements, start=1)
    ]
    rtl = []
    for i, e in enumerate(result.poor_elements, start=1):
        plan = rules.follow_up.get(e.code)
        rtl.append(
            {
                "no": i,
                "kode": e.code,
                "nama": e.name,
                "nilai": angka(float(round2(e.index)), 2),
                "mutu": f"{e.grade.letter} ({e.grade.label})",
                "rencana": plan.plan
                if plan
                else "Dibahas bersama bagian terkait untuk dicarikan "
                "jalan keluar (rencana belum ditetapkan di rules/skm.yaml).",
                "waktu": plan.when if plan else "-",
                "pj": plan.responsible if plan else "-",
            }
        )
    lowest = min(result.elements, key=lambda e: (e.index, e.code))
    kadis = officials.holder(Role.kepala_dinas)
    made = (now or datetime.now(UTC)).astimezone(WIB)
    return {
        "hasil": result,
        "tahun": year,
        "layanan": rules.service,
        "layanan_besar": rules.service.upper(),
        "periode": periode,
        "populasi": population if population else "tidak diketahui",
        "sampel_minimum": minimum if minimum is not None else "-",
        "responden": n,
        "ditolak": len(rejected),
        "peringatan_sampel": warning,
        "profil": profil,
        "unsur": unsur,
        "jumlah_tertimbang": _fmt(result.weighted_sum, 3),
        "ikm": angka(float(result.ikm_published), 2),
        "ikm_angka": str(result.ikm_published),
        "mutu": result.grade.letter,
        "kinerja": result.grade.label,
        "konversi": [
            {"persepsi": 4 - i, "ni": g.ni, "nik": g.nik, "mutu": g.letter, "kinerja": g.label}
            for i, g in enumerate(GRADES)
        ],
        "rtl": rtl,
        "terendah": f"{lowest.name}, {angka(float(round2(lowest.index)), 2)}",
        "ditolak_rinci": rejected,
        "kota": OFFICE["kota"],
        "tanggal_dibuat": tanggal(made),
        "kadis_nama": kadis.name if kadis else "",
        "kadis_pangkat": (kadis.title or "") if kadis else "",
        "kadis_nip": kadis.nip if kadis else "",
        "data": [
            [
                r.row,
                *r.answers,
                r.responded_on.isoformat() if r.responded_on else "",
                r.gender or "",
                r.age or "",
                r.education or "",
                r.occupation or "",
                r.service or "",
            ]
            for r in rows
        ],
    }


def write_report(
    session: Session,
    year: int,
    *,
    rules: SkmRules,
    officials: OfficialsFile,
    outbox: Path,
    population: int | None = None,
    now: datetime | None = None,
    pdf: bool = True,
) -> tuple[dict[str, object], list[Path]]:
    """The yearly SKM report (DOCX, PDF, XLSX) under ``outbox/reports/YYYY/``.

    The bar chart of the element scores is in the DOCX/PDF (section "Grafik Nilai per
    Unsur"), as a native chart on the XLSX's "Per Unsur" sheet, and kept beside them as
    ``Laporan-SKM-YYYY-grafik.png`` (for presentations).
    """
    data = report_data(
        session, year, rules=rules, officials=officials, population=population, now=now
    )
    out_dir = outbox / "reports" / str(year)
    stem = f"Laporan-SKM-{year}"
    result = data["hasil"]
    assert isinstance(result, SkmResult)
    chart = save_element_chart(result.elements, year, out_dir / f"{stem}-grafik.png")
    docx = _render_report_docx(data, chart, out_dir / f"{stem}.docx")
    files = [docx]
    if pdf:
        files.extend(to_pdf([docx]))
    unsur, rtl, rejected = data["unsur"], data["rtl"], data["ditolak_rinci"]
    assert isinstance(unsur, list) and isinstance(rtl, list) and isinstance(rejected, list)
    rows = data["data"]
    assert isinstance(rows, list)
    files.append(
        write_xlsx(
            out_dir / f"{stem}.xlsx",
            [
                (
                    "Ringkasan",
                    ["Uraian", "Nilai"],
                    [
                        ["Layanan", data["layanan"]],
                        ["Tahun", year],
                        ["Periode survei", data["periode"]],
                        ["Populasi", data["populasi"]],
                        ["Sampel minimum (Krejcie-Morgan)", data["sampel_minimum"]],
                        ["Responden sah", data["responden"]],
                        ["Baris tidak sah", data["ditolak"]],
                        ["IKM", float(Decimal(str(data["ikm_angka"])))],
                        ["Mutu pelayanan", f"{data['mutu']} ({data['kinerja']})"],
                        ["Catatan", data["peringatan_sampel"]],
                    ],
                ),
                (
                    "Per Unsur",
                    [
                        "No",
                        "Kode",
                        "Unsur",
                        "Jumlah Nilai",
                        "NRR",
                        "NRR Tertimbang",
                        "Nilai Unsur",
                        "Mutu",
                        "Kinerja",
                    ],
                    [
                        [
                            u["no"],
                            u["kode"],
                            u["nama"],
                            u["jumlah"],
                            u["nrr_angka"],
                            u["tertimbang_angka"],
                            u["nilai_angka"],
                            u["mutu"],
                            u["kinerja"],
                        ]
                        for u in unsur
                    ],
                ),
                (
                    "Rencana Tindak Lanjut",
                    [
                        "No",
                        "Kode",
                        "Unsur",
                        "Nilai",
                        "Mutu",
                        "Rencana",
                        "Waktu",
                        "Penanggung Jawab",
                    ],
                    [
                        [
                            r["no"],
                            r["kode"],
                            r["nama"],
                            r["nilai"],
                            r["mutu"],
                            r["rencana"],
                            r["waktu"],
                            r["pj"],
                        ]
                        for r in rtl
                    ],
                ),
                (
                    "Data Responden",
                    [
                        "Baris",
                        *CODES,
                        "Tanggal",
                        "Jenis Kelamin",
                        "Umur",
                        "Pendidikan",
                        "Pekerjaan",
                        "Layanan",
                    ],
                    rows,
                ),
                (
                    "Baris Ditolak",
                    ["Berkas", "Baris", "Masalah"],
                    [[r["berkas"], r["baris"], r["masalah"]] for r in rejected],
                ),
            ],
            title_rows={
                "Ringkasan": [
                    "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT (SKM)",
                    f"DPMPTSP Kota Pekanbaru \u2014 {data['layanan']} \u2014 Tahun {year}",
                ]
            },
            # numbers, not text, so an officer can compute with them; shown as in the report
            number_formats={
                "Ringkasan": {2: "0.00"},
                "Per Unsur": {5: "0.00", 6: "0.000", 7: "0.00"},
            },
        )
    )
    _add_xlsx_chart(files[-1], year)
    files.append(chart)
    return data, files
