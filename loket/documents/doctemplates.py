"""Builds the docxtpl templates of the complaint and SKM documents (``templates/*.docx``).

The generated files are committed so that officials can adjust wording and layout in a word
processor; rebuild them with ``python -m loket.documents.doctemplates templates/`` (overwrites).
Every template starts with the kop surat of DPMPTSP Kota Pekanbaru.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

from loket.documents.officedocs import OFFICE

REPLY_LETTER = "surat_tanggapan_pengaduan.docx"
MONTHLY_REPORT = "laporan_pengaduan_bulanan.docx"
SKM_REPORT = "laporan_skm_tahunan.docx"

FONT = "Arial"


def _new_document(landscape: bool = False) -> DocumentType:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(2.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.line_spacing = 1.15
    return doc


def _bottom_border(paragraph, size: int = 24) -> None:  # type: ignore[no-untyped-def]
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "thickThinSmallGap")
    bottom.set(qn("w:sz"), str(size))
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    ppr.append(borders)


def _para(
    doc_or_cell,  # type: ignore[no-untyped-def]
    text: str = "",
    *,
    bold: bool = False,
    size: float | None = None,
    align: str | None = None,
    italic: bool = False,
    underline: bool = False,
    before: float = 0,
    after: float = 0,
    indent_cm: float | None = None,
    first_line_cm: float | None = None,
    color: RGBColor | None = None,
):
    p = doc_or_cell.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.italic = italic
        run.underline = underline
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent_cm is not None:
        fmt.left_indent = Cm(indent_cm)
    if first_line_cm is not None:
        fmt.first_line_indent = Cm(first_line_cm)
    if align:
        p.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
        }[align]
    return p


def kop_surat(doc: DocumentType) -> None:
    """Letterhead: government, office, address and contacts, double rule underneath."""
    _para(doc, OFFICE["pemerintah"], bold=True, size=14, align="center")
    _para(doc, OFFICE["dinas"], bold=True, size=13, align="center")
    _para(doc, OFFICE["alamat"], size=10, align="center")
    _para(doc, OFFICE["telepon"], size=10, align="center")
    p = _para(
        doc,
        f"E-mail: {OFFICE['email']}   Website: {OFFICE['website']}",
        size=10,
        align="center",
        after=2,
    )
    _bottom_border(p)
    _para(doc, "", after=6)


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _set_widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Column widths that both Word and LibreOffice honour (grid and every cell)."""
    table.autofit = False
    for i, w in enumerate(widths_cm):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def _cell_text(
    cell,
    text: str,
    *,
    bold: bool = False,
    size: float = 9,  # type: ignore[no-untyped-def]
    align: str | None = None,
) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _shade(cell, fill: str = "D9E2F3") -> None:  # type: ignore[no-untyped-def]
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def loop_table(
    doc: DocumentType,
    header: Sequence[str],
    loop: str,
    cells: Sequence[str],
    widths_cm: Sequence[float],
    *,
    size: float = 9,
    centered: Sequence[int] = (),
    footer: Sequence[str] | None = None,
) -> Table:
    """A grid table: header row, a ``{%tr for %}`` row, one templated row, ``{%tr endfor %}``."""
    rows = 4 + (1 if footer else 0)
    table = doc.add_table(rows=rows, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(header):
        _cell_text(table.rows[0].cells[i], h, bold=True, size=size, align="center")
        _shade(table.rows[0].cells[i])
    _cell_text(table.rows[1].cells[0], f"{{%tr for {loop} %}}", size=size)
    for i, c in enumerate(cells):
        _cell_text(table.rows[2].cells[i], c, size=size, align="center" if i in centered else None)
    _cell_text(table.rows[3].cells[0], "{%tr endfor %}", size=size)
    if footer:
        for i, c in enumerate(footer):
            _cell_text(
                table.rows[4].cells[i],
                c,
                bold=True,
                size=size,
                align="center" if i in centered else None,
            )
    _set_widths(table, widths_cm)
    # header repeats on every page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)
    return table


def signature(doc: DocumentType, left: Sequence[str], right: Sequence[str]) -> None:
    """Two signature columns; lines may be Jinja; '!name' lines print bold underlined."""
    _para(doc, "", after=6)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _set_widths(table, (8.2, 8.3))
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))  # never split a signature over two pages
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        cell.text = ""
        first = True
        for line in lines:
            p = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            if line.startswith("!"):
                run = p.add_run(line[1:])
                run.bold = True
                run.underline = True
            else:
                p.add_run(line)


def _kv_table(
    doc: DocumentType, rows: Sequence[tuple[str, str]], widths: Sequence[float], size: float = 11
) -> Table:
    table = doc.add_table(rows=len(rows), cols=3)
    _no_borders(table)
    for r, (k, v) in enumerate(rows):
        _cell_text(table.rows[r].cells[0], k, size=size)
        _cell_text(table.rows[r].cells[1], ":", size=size)
        _cell_text(table.rows[r].cells[2], v, size=size)
    _set_widths(table, widths)
    return table


def letter_head(
    doc: DocumentType, rows: Sequence[tuple[str, str]], addressee: Sequence[str] | None = None
) -> None:
    """The head of an outgoing letter: place and date on the right, then Nomor / Sifat /
    Lampiran / Hal; with ``addressee``, the "Kepada Yth." lines in a column beside them."""
    _para(doc, "{{ kota }}, {{ tanggal_surat }}", align="right", after=6)
    if addressee is None:
        _kv_table(doc, rows, (2.3, 0.4, 13.8))
        return
    head = doc.add_table(rows=len(rows), cols=4)
    _no_borders(head)
    for r, (k, v) in enumerate(rows):
        _cell_text(head.rows[r].cells[0], k, size=11)
        _cell_text(head.rows[r].cells[1], ":", size=11)
        _cell_text(head.rows[r].cells[2], v, size=11)
    _set_widths(head, (2.3, 0.4, 7.0, 6.8))
    to = head.cell(0, 3).merge(head.cell(len(rows) - 1, 3))
    to.text = ""
    for i, line in enumerate(addressee):
        p = to.paragraphs[0] if i == 0 else to.add_paragraph()
        p.add_run(line)


# ---------------------------------------------------------------------------------------


def build_reply_letter(out: Path) -> Path:
    doc = _new_document()
    kop_surat(doc)
    letter_head(
        doc,
        [
            ("Nomor", "{{ nomor_surat }}"),
            ("Sifat", "Biasa"),
            ("Lampiran", "{{ lampiran }}"),
            ("Hal", "Tanggapan atas {{ jenis }}"),
        ],
        ["Kepada", "Yth. {{ nama }}", "{{ alamat }}", "di -", "      {{ tempat }}"],
    )
    _para(doc, "", after=6)
    body_indent = 1.25
    _para(doc, "Dengan hormat,", before=6, after=6, indent_cm=body_indent)
    _para(
        doc,
        "Menindaklanjuti {{ jenis_kecil }} Saudara/i yang kami terima melalui {{ media }} pada "
        "tanggal {{ tanggal_terima }} dan tercatat dalam Buku Pengaduan dengan nomor "
        "{{ nomor }} perihal \u201c{{ perihal }}\u201d, dengan ini kami sampaikan tanggapan "
        "sebagai berikut:",
        align="justify",
        after=6,
        indent_cm=body_indent,
        first_line_cm=1.0,
    )
    _para(doc, "{%p for alinea in jawaban %}")
    _para(doc, "{{ alinea }}", align="justify", after=6, indent_cm=body_indent, first_line_cm=1.0)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if reg_no %}")
    _para(
        doc,
        "Pengaduan ini terkait dengan permohonan nomor registrasi {{ reg_no }}; kartu kendali "
        "permohonan tersebut telah kami periksa dalam penanganan pengaduan ini.",
        align="justify",
        after=6,
        indent_cm=body_indent,
        first_line_cm=1.0,
    )
    _para(doc, "{%p endif %}")
    _para(
        doc,
        "Demikian kami sampaikan. Atas perhatian dan partisipasi Saudara/i dalam upaya "
        "peningkatan kualitas pelayanan publik, kami ucapkan terima kasih.",
        align="justify",
        after=6,
        indent_cm=body_indent,
        first_line_cm=1.0,
    )
    signature(
        doc,
        [""],
        [
            "{{ penandatangan_jabatan }}",
            "DINAS PENANAMAN MODAL DAN",
            "PELAYANAN TERPADU SATU PINTU",
            "KOTA PEKANBARU",
            "",
            "",
            "",
            "!{{ penandatangan_nama }}",
            "{{ penandatangan_pangkat }}",
            "NIP. {{ penandatangan_nip }}",
        ],
    )
    _para(doc, "", after=6)
    _para(doc, "Tembusan:", size=9, before=12)
    _para(doc, "1. Sekretaris Dinas Penanaman Modal dan PTSP Kota Pekanbaru;", size=9)
    _para(doc, "2. Arsip.", size=9)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def build_monthly_report(out: Path) -> Path:
    doc = _new_document()
    kop_surat(doc)
    _para(doc, "LAPORAN PENGADUAN PELAYANAN PUBLIK", bold=True, size=13, align="center")
    _para(doc, "BULAN {{ bulan_besar }} TAHUN {{ tahun }}", bold=True, size=12, align="center")
    _para(
        doc,
        "{{ status_dokumen }}",
        bold=True,
        size=11,
        align="center",
        color=RGBColor(0xC0, 0x00, 0x00),
    )
    _para(doc, "Keadaan per {{ per_tanggal }}", size=10, align="center", after=10)

    _para(doc, "A. REKAPITULASI", bold=True, after=4)
    _para(
        doc,
        "Selama bulan {{ bulan }} {{ tahun }} diterima {{ total }} pengaduan, saran dan "
        "masukan; {{ dijawab }} telah dijawab, {{ belum_dijawab }} masih dalam proses, dan "
        "{{ terlambat_bulan_ini }} melewati batas waktu penanganan.",
        align="justify",
        after=6,
    )
    loop_table(
        doc,
        ["Kategori", "Uraian", "Jumlah"],
        "r in rekap",
        ["{{ r.kategori }}", "{{ r.uraian }}", "{{ r.jumlah }}"],
        [4.5, 8.0, 3.0],
        size=10,
        centered=(2,),
    )
    _para(doc, "", after=8)
    _para(doc, "B. WAKTU TANGGAPAN", bold=True, after=4)
    loop_table(
        doc,
        [
            "Bobot",
            "Batas Waktu",
            "Jumlah",
            "Dijawab",
            "Rata-rata (hari)",
            "Terlama (hari)",
            "Tepat Waktu",
            "Terlambat",
        ],
        "w in waktu",
        [
            "{{ w.bobot }}",
            "{{ w.batas }}",
            "{{ w.jumlah }}",
            "{{ w.dijawab }}",
            "{{ w.rata }}",
            "{{ w.terlama }}",
            "{{ w.tepat }}",
            "{{ w.terlambat }}",
        ],
        [2.0, 2.6, 1.6, 1.8, 2.2, 2.2, 1.9, 1.9],
        size=9,
        centered=(2, 3, 4, 5, 6, 7),
    )
    _para(
        doc,
        "Waktu tanggapan dihitung dari penerimaan sampai jawaban disampaikan (hari "
        "kalender); batas waktu menurut bobot pengaduan.",
        size=8,
        italic=True,
        after=8,
    )

    _para(doc, "C. DAFTAR PENGADUAN DAN TANGGAPAN", bold=True, after=4)
    _para(doc, "{%p if daftar %}")
    loop_table(
        doc,
        [
            "No",
            "Nomor / Diterima",
            "Pengadu / Media",
            "Jenis / Bobot",
            "Perihal",
            "Tanggapan",
            "Status",
        ],
        "c in daftar",
        [
            "{{ c.no }}",
            "{{ c.nomor }}\n{{ c.diterima }}",
            "{{ c.pengadu }}\n({{ c.media }})",
            "{{ c.jenis }}\n{{ c.bobot }}",
            "{{ c.perihal }}",
            "{{ c.jawaban }}",
            "{{ c.status }}\n{{ c.dijawab_singkat }}",
        ],
        [1.0, 2.8, 2.6, 1.9, 3.1, 3.6, 1.8],
        size=8,
        centered=(0,),
    )
    _para(doc, "{%p else %}")
    _para(doc, "Tidak ada pengaduan yang diterima pada bulan ini.", italic=True)
    _para(doc, "{%p endif %}")
    _para(doc, "", after=8)

    _para(doc, "D. PENGADUAN MELEWATI BATAS WAKTU", bold=True, after=4)
    _para(doc, "{%p if lewat %}")
    loop_table(
        doc,
        ["No", "Nomor", "Diterima", "Batas Waktu", "Bobot", "Status", "Terlambat (hari)"],
        "c in lewat",
        [
            "{{ c.no }}",
            "{{ c.nomor }}",
            "{{ c.diterima }}",
            "{{ c.batas }}",
            "{{ c.bobot }}",
            "{{ c.status }}",
            "{{ c.hari }}",
        ],
        [1.0, 3.2, 2.8, 2.8, 1.7, 2.6, 2.0],
        size=8,
        centered=(0, 6),
    )
    _para(
        doc,
        "Termasuk pengaduan bulan sebelumnya yang sampai tanggal laporan belum dijawab.",
        size=8,
        italic=True,
    )
    _para(doc, "{%p else %}")
    _para(doc, "Tidak ada pengaduan yang melewati batas waktu.", italic=True)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p if catatan %}")
    _para(doc, "", after=6)
    _para(doc, "E. CATATAN PEMERIKSAAN SEBELUMNYA", bold=True, after=4)
    _para(doc, "{%p for n in catatan %}")
    _para(doc, "{{ n }}", size=10, indent_cm=0.5)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endif %}")

    signature(
        doc,
        [
            "Disetujui oleh,",
            "{{ pemeriksa_jabatan }}",
            "",
            "{{ pemeriksa_tanggal }}",
            "",
            "!{{ pemeriksa_nama }}",
            "{{ pemeriksa_nip }}",
        ],
        [
            "{{ kota }}, {{ tanggal_dibuat }}",
            "Dibuat oleh,",
            "{{ pembuat_jabatan }}",
            "",
            "",
            "!{{ pembuat_nama }}",
            "{{ pembuat_nip }}",
        ],
    )
    _para(doc, "", after=6)
    _para(
        doc,
        "Disampaikan kepada Yth. Kepala Dinas Penanaman Modal dan Pelayanan Terpadu "
        "Satu Pintu Kota Pekanbaru sebagai laporan bulanan.",
        size=9,
        italic=True,
        before=8,
    )
    _para(doc, "Versi {{ versi }} \u2014 {{ kode }}", size=7, align="right", before=6)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def build_skm_report(out: Path) -> Path:
    doc = _new_document()
    kop_surat(doc)
    _para(doc, "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT (SKM)", bold=True, size=13, align="center")
    _para(doc, "PELAYANAN {{ layanan_besar }}", bold=True, size=12, align="center")
    _para(doc, "TAHUN {{ tahun }}", bold=True, size=12, align="center", after=12)

    _para(doc, "I. PENDAHULUAN", bold=True, after=4)
    _para(
        doc,
        "Survei Kepuasan Masyarakat (SKM) dilaksanakan untuk mengetahui tingkat kepuasan "
        "masyarakat pengguna layanan {{ layanan }} pada Dinas Penanaman Modal dan Pelayanan "
        "Terpadu Satu Pintu Kota Pekanbaru, serta menjaring keluhan terhadap pelaksanaan "
        "pelayanan, sebagaimana ditetapkan dalam standar pelayanan.",
        align="justify",
        first_line_cm=1.0,
        after=4,
    )
    _para(doc, "Dasar hukum:", after=2)
    _para(doc, "1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;", indent_cm=0.5)
    _para(
        doc,
        "2. Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi "
        "Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit "
        "Penyelenggara Pelayanan Publik.",
        indent_cm=0.5,
        after=8,
    )

    _para(doc, "II. METODE DAN PELAKSANAAN", bold=True, after=4)
    _para(
        doc,
        "Kuesioner memuat 9 (sembilan) unsur pelayanan dengan pilihan jawaban bernilai 1 "
        "(tidak baik) sampai 4 (sangat baik). Nilai rata-rata per unsur (NRR) adalah jumlah "
        "nilai dibagi jumlah responden; NRR tertimbang adalah NRR \u00d7 1/9; Indeks Kepuasan "
        "Masyarakat (IKM) adalah jumlah NRR tertimbang \u00d7 25, sehingga bernilai 25 "
        "sampai 100.",
        align="justify",
        first_line_cm=1.0,
        after=4,
    )
    _kv_table(
        doc,
        [
            ("Periode survei", "{{ periode }}"),
            ("Jumlah populasi", "{{ populasi }}"),
            ("Sampel minimum", "{{ sampel_minimum }}"),
            ("Jumlah responden sah", "{{ responden }}"),
            ("Baris tidak sah (dikeluarkan)", "{{ ditolak }}"),
        ],
        [6.0, 0.4, 9.5],
        size=10,
    )
    _para(doc, "{%p if peringatan_sampel %}")
    _para(
        doc,
        "{{ peringatan_sampel }}",
        bold=True,
        size=10,
        before=4,
        color=RGBColor(0xC0, 0x00, 0x00),
    )
    _para(doc, "{%p endif %}")
    _para(doc, "", after=6)
    _para(doc, "Profil responden:", after=2)
    loop_table(
        doc,
        ["Karakteristik", "Kategori", "Jumlah", "Persentase"],
        "p in profil",
        ["{{ p.karakteristik }}", "{{ p.kategori }}", "{{ p.jumlah }}", "{{ p.persen }}"],
        [4.0, 6.5, 2.5, 3.0],
        size=9,
        centered=(2, 3),
    )
    _para(doc, "", after=8)

    _para(doc, "III. HASIL PENGOLAHAN DATA", bold=True, after=4)
    loop_table(
        doc,
        [
            "No",
            "Unsur Pelayanan",
            "Jumlah Nilai",
            "NRR",
            "NRR Tertimbang",
            "Nilai Unsur",
            "Mutu",
            "Kinerja",
        ],
        "u in unsur",
        [
            "{{ u.no }}",
            "{{ u.nama }}",
            "{{ u.jumlah }}",
            "{{ u.nrr }}",
            "{{ u.tertimbang }}",
            "{{ u.nilai }}",
            "{{ u.mutu }}",
            "{{ u.kinerja }}",
        ],
        [1.0, 4.3, 1.7, 1.4, 2.2, 1.7, 1.3, 2.2],
        size=9,
        centered=(0, 2, 3, 4, 5, 6),
        footer=[
            "",
            "IKM (\u03a3 NRR tertimbang \u00d7 25)",
            "",
            "",
            "{{ jumlah_tertimbang }}",
            "{{ ikm }}",
            "{{ mutu }}",
            "{{ kinerja }}",
        ],
    )
    _para(doc, "", after=4)
    _para(
        doc,
        "Nilai Indeks Kepuasan Masyarakat pelayanan {{ layanan }} tahun {{ tahun }} adalah "
        "{{ ikm }} dengan mutu pelayanan {{ mutu }} ({{ kinerja }}).",
        bold=True,
        align="justify",
        after=6,
    )
    heading = _para(doc, "Grafik Nilai per Unsur", bold=True, after=4)
    # the chart (a docxtpl InlineImage from loket.skm.write_report) in its own paragraph,
    # kept on one page with its heading and note
    chart = _para(doc, "{{ grafik_unsur }}", align="center", after=2)
    heading.paragraph_format.keep_with_next = True
    chart.paragraph_format.keep_with_next = True
    _para(
        doc,
        "Warna batang menunjukkan mutu pelayanan unsur; garis putus-putus adalah batas bawah "
        "mutu C (65,00), B (76,61) dan A (88,31).",
        size=8,
        italic=True,
        after=8,
    )
    _para(
        doc, "Nilai persepsi, interval dan mutu pelayanan (PermenPANRB 14/2017):", size=9, after=2
    )
    loop_table(
        doc,
        [
            "Nilai Persepsi",
            "Nilai Interval (NI)",
            "Nilai Interval Konversi (NIK)",
            "Mutu Pelayanan",
            "Kinerja Unit Pelayanan",
        ],
        "k in konversi",
        ["{{ k.persepsi }}", "{{ k.ni }}", "{{ k.nik }}", "{{ k.mutu }}", "{{ k.kinerja }}"],
        [2.5, 3.5, 4.0, 2.5, 3.5],
        size=9,
        centered=(0, 1, 2, 3),
    )
    _para(doc, "", after=8)

    _para(doc, "IV. RENCANA TINDAK LANJUT", bold=True, after=4)
    _para(doc, "{%p if rtl %}")
    _para(
        doc,
        "Unsur pelayanan dengan mutu kurang baik (C) atau tidak baik (D) dibahas bersama "
        "bagian terkait dan ditindaklanjuti dengan rencana perbaikan berikut:",
        align="justify",
        after=4,
    )
    loop_table(
        doc,
        ["No", "Unsur", "Nilai / Mutu", "Rencana Perbaikan", "Waktu", "Penanggung Jawab"],
        "r in rtl",
        [
            "{{ r.no }}",
            "{{ r.nama }}",
            "{{ r.nilai }} / {{ r.mutu }}",
            "{{ r.rencana }}",
            "{{ r.waktu }}",
            "{{ r.pj }}",
        ],
        [1.0, 3.2, 2.0, 5.3, 2.2, 3.0],
        size=9,
        centered=(0, 2),
    )
    _para(doc, "{%p else %}")
    _para(
        doc,
        "Tidak terdapat unsur pelayanan dengan mutu kurang baik. Unsur dengan nilai terendah "
        "({{ terendah }}) tetap menjadi perhatian untuk dipertahankan dan ditingkatkan.",
        align="justify",
    )
    _para(doc, "{%p endif %}")
    _para(doc, "", after=8)
    _para(doc, "V. PENUTUP", bold=True, after=4)
    _para(
        doc,
        "Demikian laporan hasil Survei Kepuasan Masyarakat ini disusun sebagai bahan evaluasi "
        "kinerja pelaksana dan perbaikan kualitas pelayanan publik.",
        align="justify",
        first_line_cm=1.0,
    )
    signature(
        doc,
        [""],
        [
            "{{ kota }}, {{ tanggal_dibuat }}",
            "KEPALA DINAS PENANAMAN MODAL DAN",
            "PELAYANAN TERPADU SATU PINTU",
            "KOTA PEKANBARU",
            "",
            "",
            "",
            "!{{ kadis_nama }}",
            "{{ kadis_pangkat }}",
            "NIP. {{ kadis_nip }}",
        ],
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def build_all(folder: Path) -> list[Path]:
    return [
        build_reply_letter(folder / REPLY_LETTER),
        build_monthly_report(folder / MONTHLY_REPORT),
        build_skm_report(folder / SKM_REPORT),
    ]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("templates")
    for path in build_all(target):
        print(path)
