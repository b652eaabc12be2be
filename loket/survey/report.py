"""The yearly SKM report (DOCX, PDF, XLSX): its data, its files and the chart beside them."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval import OfficialsFile, Role
from loket.common.clock import WIB
from loket.documents import (
    OFFICE,
    SKM_REPORT,
    angka,
    render_docx,
    tanggal,
    templates_dir,
    to_pdf,
    write_xlsx,
)
from loket.survey.chart import CHART_SIZE_CM, add_xlsx_chart, save_element_chart
from loket.survey.errors import SkmError
from loket.survey.grades import GRADES, round2
from loket.survey.index import SkmResult, compute
from loket.survey.questionnaire import CODES
from loket.survey.rules import SkmRules
from loket.survey.sample import minimum_sample
from loket.survey.storage import SkmImport, SkmResponse, responses_of


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


def _sample_check(
    respondents: int, rules: SkmRules, population: int | None
) -> tuple[int | None, int | None, str]:
    """The population, its minimum sample (Krejcie–Morgan) and the warning to print, if any."""
    population = population or rules.population
    minimum = minimum_sample(population) if population else None
    warning = ""
    if minimum is not None and respondents < minimum:
        warning = (
            f"Perhatian: jumlah responden sah ({respondents}) kurang dari sampel minimum "
            f"{minimum} untuk populasi {population} (tabel Krejcie\u2013Morgan); hasil survei "
            "belum representatif."
        )
    elif minimum is None:
        warning = (
            "Jumlah populasi tidak diketahui; kecukupan sampel tidak dapat dinilai "
            "(gunakan --population)."
        )
    return population, minimum, warning


def _rejected_rows(session: Session, rows: list[SkmResponse]) -> list[dict[str, object]]:
    """The rows left out of the files the year's responses came from."""
    imports = list(
        session.scalars(select(SkmImport).where(SkmImport.id.in_({r.import_id for r in rows})))
    )
    return [
        {"berkas": i.source, "baris": p[0], "masalah": p[1]} for i in imports for p in i.problems
    ]


def _profile(rows: list[SkmResponse], n: int) -> list[dict[str, object]]:
    """Respondents by gender, age group, education, occupation and service (when filled in)."""
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
    return profil


def _element_rows(result: SkmResult) -> list[dict[str, object]]:
    """One row per element: total, NRR, weighted NRR, score and grade."""
    return [
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


def _follow_up_rows(result: SkmResult, rules: SkmRules) -> list[dict[str, object]]:
    """The follow-up plan (rencana tindak lanjut) of each element graded C or D."""
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
    return rtl


def _respondent_rows(rows: list[SkmResponse]) -> list[list[object]]:
    """The stored answers and characteristics, one list per respondent."""
    return [
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
    ]


def _signatory(officials: OfficialsFile) -> dict[str, object]:
    """The Kepala Dinas who signs the report (empty when there is none)."""
    kadis = officials.holder(Role.kepala_dinas)
    return {
        "kadis_nama": kadis.name if kadis else "",
        "kadis_pangkat": (kadis.title or "") if kadis else "",
        "kadis_nip": kadis.nip if kadis else "",
    }


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
    rejected = _rejected_rows(session, rows)
    population, minimum, warning = _sample_check(result.respondents, rules, population)
    dates = sorted(r.responded_on for r in rows if r.responded_on)
    periode = f"{tanggal(dates[0])} s.d. {tanggal(dates[-1])}" if dates else f"Tahun {year}"
    n = result.respondents
    lowest = min(result.elements, key=lambda e: (e.index, e.code))
    signatory = _signatory(officials)
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
        "profil": _profile(rows, n),
        "unsur": _element_rows(result),
        "jumlah_tertimbang": _fmt(result.weighted_sum, 3),
        "ikm": angka(float(result.ikm_published), 2),
        "ikm_angka": str(result.ikm_published),
        "mutu": result.grade.letter,
        "kinerja": result.grade.label,
        "konversi": [
            {"persepsi": 4 - i, "ni": g.ni, "nik": g.nik, "mutu": g.letter, "kinerja": g.label}
            for i, g in enumerate(GRADES)
        ],
        "rtl": _follow_up_rows(result, rules),
        "terendah": f"{lowest.name}, {angka(float(round2(lowest.index)), 2)}",
        "ditolak_rinci": rejected,
        "kota": OFFICE["kota"],
        "tanggal_dibuat": tanggal(made),
        **signatory,
        "data": _respondent_rows(rows),
    }


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


Sheet = tuple[str, list[str], list[list[object]]]


def _summary_sheet(data: dict[str, object], year: int) -> Sheet:
    return (
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
    )


def _elements_sheet(unsur: list) -> Sheet:
    return (
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
    )


def _follow_up_sheet(rtl: list) -> Sheet:
    return (
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
    )


def _respondents_sheet(rows: list) -> Sheet:
    return (
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
    )


def _rejected_sheet(rejected: list) -> Sheet:
    return (
        "Baris Ditolak",
        ["Berkas", "Baris", "Masalah"],
        [[r["berkas"], r["baris"], r["masalah"]] for r in rejected],
    )


def _write_report_xlsx(data: dict[str, object], year: int, out: Path) -> Path:
    """The report's XLSX: summary, elements, follow-up plans, respondents, rejected rows."""
    unsur, rtl, rejected = data["unsur"], data["rtl"], data["ditolak_rinci"]
    assert isinstance(unsur, list) and isinstance(rtl, list) and isinstance(rejected, list)
    rows = data["data"]
    assert isinstance(rows, list)
    return write_xlsx(
        out,
        [
            _summary_sheet(data, year),
            _elements_sheet(unsur),
            _follow_up_sheet(rtl),
            _respondents_sheet(rows),
            _rejected_sheet(rejected),
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
    files.append(_write_report_xlsx(data, year, out_dir / f"{stem}.xlsx"))
    add_xlsx_chart(files[-1], year)
    files.append(chart)
    return data, files
