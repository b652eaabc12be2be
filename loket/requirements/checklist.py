"""Writers of a checked application: ``checklist.json`` (the contract), ``checklist.pdf``
for the front office (Bahasa Indonesia, one line per requirement with ✓/✗, the reason and
the page) and, when incomplete, ``surat-pengembalian.docx`` — the return letter of
DPMPTSP Kota Pekanbaru, rendered with docxtpl from ``templates/surat-pengembalian.docx``
(built by ``templates/build_templates.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from loket.common.jsonfile import write_json
from loket.common.roman import roman_month
from loket.documents import OFFICE, render_docx, tanggal, templates_dir
from loket.requirements.crops import ImageFor, evidence_crops, review_section
from loket.requirements.model import Cell, Checklist
from loket.requirements.results import UNMET, Status, Verdict
from loket.requirements.rules import ServiceRules

CHECKLIST_JSON = "checklist.json"
CHECKLIST_PDF = "checklist.pdf"
RETURN_LETTER = "surat-pengembalian.docx"

STATUS_ID = {
    Status.OK: "Memenuhi",
    Status.MISSING: "Tidak ada",
    Status.INVALID: "Tidak memenuhi",
    Status.NOT_REQUIRED: "Tidak diperlukan",
    Status.REVIEW: "Perlu diperiksa petugas",
}
MARK = {
    Status.OK: "✓",
    Status.MISSING: "✗",
    Status.INVALID: "✗",
    Status.NOT_REQUIRED: "–",
    Status.REVIEW: "?",
}
TYPE_ID = {"new": "Baru", "renewal": "Perpanjangan"}
VERDICT_ID = {
    Verdict.COMPLETE: "LENGKAP — berkas diteruskan untuk diproses",
    Verdict.INCOMPLETE: "TIDAK LENGKAP — berkas dikembalikan kepada pemohon",
    Verdict.REVIEW: "PERLU DIPERIKSA PETUGAS — berkas ditahan sampai petugas memastikan "
    "persyaratan bertanda ?",
}
FIELD_ID = {
    "name": "Nama",
    "nik": "NIK",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "str_number": "Nomor STR",
    "str_valid_until": "STR berlaku sampai",
    "workplace": "Tempat kerja",
}
_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _tgl(value: str | None) -> str:
    if not value:
        return "-"
    if value == "lifetime":
        return "seumur hidup"
    try:
        return tanggal(date.fromisoformat(value))
    except ValueError:
        return value


def _pages(cell: Cell) -> str:
    seen: list[str] = []
    for e in cell.evidence:
        ref = f"{e.get('file')} hlm. {e.get('page')}"
        if ref not in seen:
            seen.append(ref)
    return "; ".join(seen[:2]) or "-"


def _labels(rules: ServiceRules) -> dict[str, str]:
    return {r.id: r.label for r in rules.requirements}


# --------------------------------------------------------------------------------------------
# PDF for the front office
# --------------------------------------------------------------------------------------------
def _fonts(pdf: Any) -> tuple[str, Callable[[str], str]]:
    """The font family (DejaVu when installed) and the text filter for it."""
    unicode_font = (_FONT_DIR / "DejaVuSans.ttf").is_file()
    if unicode_font:
        pdf.add_font("DejaVu", "", str(_FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))
        family = "DejaVu"
    else:  # core font: no ✓/✗ glyphs
        family = "Helvetica"

    def text(s: str) -> str:
        if unicode_font:
            return s
        s = s.replace("✓", "V").replace("✗", "X").replace("–", "-").replace("—", "-")
        return s.encode("latin-1", "replace").decode("latin-1")

    return family, text


def _heading(pdf: Any, family: str, text: Callable[[str], str], rules: ServiceRules) -> None:
    """The office's letterhead and the title of the checklist."""
    from fpdf.enums import XPos, YPos

    pdf.set_font(family, "B", 12)
    for line in (OFFICE["pemerintah"], OFFICE["dinas"]):
        pdf.cell(0, 6, text(line), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 8.5)
    pdf.cell(
        0,
        4.5,
        text(f"{OFFICE['alamat']} — {OFFICE['telepon']}"),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    y = pdf.get_y() + 1.5
    pdf.set_line_width(0.8)
    pdf.line(18, y, 195, y)
    pdf.set_line_width(0.2)
    pdf.ln(5)
    pdf.set_font(family, "B", 12)
    pdf.cell(
        0,
        6,
        text("DAFTAR PERIKSA KELENGKAPAN BERKAS PERMOHONAN"),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font(family, "", 10)
    pdf.cell(0, 5, text(rules.label), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _particulars(
    pdf: Any,
    family: str,
    text: Callable[[str], str],
    checklist: Checklist,
    *,
    reg_no: str,
    received: date,
) -> None:
    """The application's particulars and the applicant fields, one line each."""
    from fpdf.enums import XPos, YPos

    a = checklist.applicant
    info = [
        ("Nomor registrasi", reg_no),
        ("Berkas", checklist.source),
        ("Tanggal diterima", tanggal(received)),
        ("Jenis permohonan", TYPE_ID.get(checklist.application_type, "-")),
    ] + [
        (FIELD_ID.get(k, k), _tgl(v) if "date" in k or "until" in k else (v or "-"))
        for k, v in a.items()
    ]
    for k, v in info:
        pdf.set_font(family, "", 9.5)
        pdf.cell(42, 5, text(k))
        pdf.cell(4, 5, ":")
        pdf.multi_cell(0, 5, text(str(v)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


_WIDTHS = (8, 50, 9, 80, 30)


def _table(
    pdf: Any,
    family: str,
    text: Callable[[str], str],
    checklist: Checklist,
    rules: ServiceRules,
) -> None:
    """The requirements table: number, requirement, mark, reason, pages."""
    widths = _WIDTHS
    heads = ("No", "Persyaratan", "", "Keterangan", "Halaman")
    pdf.set_font(family, "B", 9)
    pdf.set_fill_color(217, 226, 243)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 7, text(h), border=1, align="C", fill=True)
    pdf.ln()
    labels = _labels(rules)
    pdf.set_font(family, "", 8.5)
    for i, cell in enumerate(checklist.requirements, start=1):
        status = cell.status
        reason = " ".join(cell.reasons) or STATUS_ID[status]
        if status != Status.OK:
            reason = f"{STATUS_ID[status]}: {reason}"
        cells = (str(i), labels.get(cell.id, cell.id), MARK[status], reason, _pages(cell))
        _table_row(pdf, family, text, cells, status)


def _table_row(
    pdf: Any, family: str, text: Callable[[str], str], cells: tuple[str, ...], status: str
) -> None:
    """One row of the table, as high as its tallest cell (on a new page when it does not fit)."""
    widths = _WIDTHS
    heights = [
        len(pdf.multi_cell(w, 4.2, text(c), dry_run=True, output="LINES"))
        for w, c in zip(widths, cells, strict=True)
    ]
    row_h = max(heights) * 4.2 + 1.5
    if pdf.get_y() + row_h > pdf.h - 15:
        pdf.add_page()
    x0, y0 = pdf.get_x(), pdf.get_y()
    for j, (w, c) in enumerate(zip(widths, cells, strict=True)):
        pdf.set_xy(x0 + sum(widths[:j]), y0)
        pdf.rect(pdf.get_x(), y0, w, row_h)
        if j == 2:
            pdf.set_font(family, "B", 11)
            pdf.set_text_color(
                *(
                    (0, 128, 0)
                    if status == Status.OK
                    else (192, 0, 0)
                    if status in UNMET
                    else (90, 90, 90)
                )
            )
            pdf.multi_cell(w, row_h, text(c), align="C")
            pdf.set_text_color(0, 0, 0)
            pdf.set_font(family, "", 8.5)
        else:
            pdf.multi_cell(w, 4.2, text(c), align="C" if j == 0 else "L")
    pdf.set_xy(x0, y0 + row_h)


def _closing(
    pdf: Any,
    family: str,
    text: Callable[[str], str],
    checklist: Checklist,
    received: date,
) -> None:
    """The verdict, the legend and the front-office clerk's signature block."""
    from fpdf.enums import XPos, YPos

    pdf.ln(4)
    pdf.set_font(family, "B", 10.5)
    pdf.multi_cell(
        0,
        6,
        text(f"Kesimpulan: {VERDICT_ID[checklist.verdict]}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font(family, "", 8)
    pdf.multi_cell(
        0,
        4,
        text(
            "Daftar periksa ini dibuat otomatis dari hasil pemindaian berkas; petugas Front "
            "Office memeriksa dan memparaf sebelum berkas diteruskan atau dikembalikan. "
            "✓ memenuhi, ✗ tidak ada / tidak memenuhi, – tidak diperlukan, ? perlu "
            "diperiksa petugas (loket checklist confirm)."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(8)
    pdf.set_font(family, "", 9.5)
    pdf.cell(110)
    pdf.multi_cell(
        0,
        5,
        text(
            f"{OFFICE['kota']}, {tanggal(received)}\nPetugas Front Office,"
            "\n\n\n\n(................................)"
        ),
    )


def write_pdf(
    path: Path,
    checklist: Checklist | Mapping[str, Any],
    rules: ServiceRules,
    *,
    reg_no: str,
    received: date,
    image_for: ImageFor | None = None,
) -> Path:
    """The checklist PDF; cells in review are shown under the table with crops of the
    regions the checks looked at (when ``image_for`` gives the page images)."""
    from fpdf import FPDF

    checklist = Checklist.of(checklist)
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    family, text = _fonts(pdf)
    pdf.add_page()
    _heading(pdf, family, text, rules)
    _particulars(pdf, family, text, checklist, reg_no=reg_no, received=received)
    _table(pdf, family, text, checklist, rules)
    data = checklist.to_json()  # crops.py reads the file's dict
    crops = evidence_crops(data, image_for)
    review_section(pdf, family, text, data, _labels(rules), crops)
    _closing(pdf, family, text, checklist, received)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


# --------------------------------------------------------------------------------------------
# Return letter
# --------------------------------------------------------------------------------------------
def letter_context(
    checklist: Checklist | Mapping[str, Any],
    rules: ServiceRules,
    *,
    reg_no: str,
    received: date,
    today: date,
    address: str | None = None,
) -> dict[str, Any]:
    """The docxtpl context of the return letter."""
    labels = _labels(rules)
    checklist = Checklist.of(checklist)
    unmet = [c for c in checklist.requirements if c.status in UNMET]
    daftar = [
        {
            "no": str(i),
            "dokumen": labels.get(c.id, c.id),
            "alasan": (
                " ".join(c.reasons)
                or ("Tidak dilampirkan." if c.status == Status.MISSING else "Tidak memenuhi.")
            ),
        }
        for i, c in enumerate(unmet, start=1)
    ]
    letter = rules.letter
    number = letter.number.format(
        reg_no=reg_no,
        roman_month=roman_month(today.month),
        month=f"{today.month:02d}",
        year=today.year,
    )
    name = checklist.applicant.get("name") or "Pemohon"
    return {
        "kota": letter.city,
        "tanggal_surat": tanggal(today),
        "nomor_surat": number,
        "lampiran": "1 (satu) berkas",
        "perihal": letter.subject,
        "nama": name,
        "alamat": address or "",
        "tempat": letter.city,
        "layanan": letter.service_phrase,
        "reg_no": reg_no,
        "tanggal_terima": tanggal(received),
        "daftar": daftar,
        "jumlah": f"{len(daftar)} ({_terbilang(len(daftar))})",
        "penandatangan_atas_nama": letter.signatory.on_behalf,
        "penandatangan_jabatan": letter.signatory.position,
        "penandatangan_nama": letter.signatory.name,
        "penandatangan_nip": letter.signatory.nip,
    }


def _terbilang(n: int) -> str:
    words = [
        "nol",
        "satu",
        "dua",
        "tiga",
        "empat",
        "lima",
        "enam",
        "tujuh",
        "delapan",
        "sembilan",
        "sepuluh",
        "sebelas",
    ]
    return words[n] if n < len(words) else str(n)


def write_letter(
    path: Path,
    checklist: Checklist | Mapping[str, Any],
    rules: ServiceRules,
    *,
    reg_no: str,
    received: date,
    today: date | None = None,
    address: str | None = None,
    template_dir: Path | None = None,
) -> Path:
    context = letter_context(
        checklist,
        rules,
        reg_no=reg_no,
        received=received,
        today=today or date.today(),
        address=address,
    )
    template = (template_dir or templates_dir()) / rules.letter.template
    return render_docx(template, context, path)


def write_outputs(
    folder: Path,
    checklist: Checklist | Mapping[str, Any],
    rules: ServiceRules,
    *,
    reg_no: str,
    received: date,
    today: date | None = None,
    address: str | None = None,
    template_dir: Path | None = None,
    image_for: ImageFor | None = None,
) -> dict[str, Path]:
    """Write checklist.pdf, (when incomplete) the return letter, and checklist.json last:
    the JSON is what every later step reads, so it changes only once the documents it
    speaks for are written. A file in review gets no letter until the officer has decided
    its cells. ``checklist``: the model, or the file's dict (read into one)."""
    checklist = Checklist.of(checklist)
    folder.mkdir(parents=True, exist_ok=True)
    written = {
        "pdf": write_pdf(
            folder / CHECKLIST_PDF,
            checklist,
            rules,
            reg_no=reg_no,
            received=received,
            image_for=image_for,
        )
    }
    letter = folder / RETURN_LETTER
    if checklist.verdict == Verdict.INCOMPLETE:
        written["letter"] = write_letter(
            letter,
            checklist,
            rules,
            reg_no=reg_no,
            received=received,
            today=today,
            address=address,
            template_dir=template_dir,
        )
    else:
        letter.unlink(missing_ok=True)  # a re-check after completion withdraws the letter
    written["json"] = folder / CHECKLIST_JSON
    write_json(written["json"], checklist.to_json())
    return written


# --------------------------------------------------------------------------------------------
# For `loket status`
# --------------------------------------------------------------------------------------------
def describe_checklist(reg_no: str, settings: Any) -> str:
    """The checklist of one application as text lines (Bahasa Indonesia), for the CLI."""
    path = Path(settings.outbox_dir) / reg_no / CHECKLIST_JSON
    if not path.is_file():
        return f"{reg_no}: belum diperiksa (tidak ada {CHECKLIST_JSON})."
    c = Checklist.from_json(json.loads(path.read_text(encoding="utf-8")))
    lines = [
        f"{reg_no}  {c.source}",
        f"Layanan: {c.service}  Jenis: {TYPE_ID.get(c.application_type, '-')}  "
        f"Kesimpulan: {VERDICT_ID[c.verdict]}",
    ]
    for k, v in c.applicant.items():
        lines.append(f"  {FIELD_ID.get(k, k)}: {v if v is not None else '-'}")
    for cell in c.requirements:
        reasons = " ".join(cell.reasons)
        lines.append(
            f"  {MARK[cell.status]} {cell.id}: {STATUS_ID[cell.status]}. {reasons}".rstrip()
        )
        if cell.status in UNMET or cell.status == Status.REVIEW:
            pages = _pages(cell)
            if pages != "-":
                lines.append(f"      ({pages})")
    for done in c.confirmations:
        note = f" — {done.note}" if done.note else ""
        lines.append(
            f"  dikonfirmasi: {done.requirement} {done.decision} oleh {done.name} "
            f"(NIP {done.nip}) {done.at}{note}"
        )
    if c.verdict == Verdict.REVIEW:
        lines.append(
            "  Putuskan tiap persyaratan bertanda ?: loket checklist confirm "
            f"{reg_no} <persyaratan> ok|invalid --as NIP --note '...'"
        )
    for name in (CHECKLIST_PDF, RETURN_LETTER):
        if (path.parent / name).is_file():
            lines.append(f"  berkas: {path.parent / name}")
    return "\n".join(lines)
