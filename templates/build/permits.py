"""Builders of the permit chain's templates:

- ``sikr.docx``: the Surat Izin Kerja Radiografer (draft and numbered permit alike; the draft
  carries a DRAF watermark, an un-numbered number line and the paraf table; the numbered permit
  its QR code in the signature block and the electronic-signature note, issue #18);
- ``kartu-kendali.docx``: the printable control card with the paraf columns of the paper one;
- ``surat-pemberitahuan.docx``: the letter to an applicant whose permit is not collected.

Filled by :mod:`loket.approval.permit`.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from loket.documents.layout import (
    cell_text,
    kop_surat,
    kv_table,
    letter_head,
    loop_table,
    new_document,
    no_borders,
    para,
    set_widths,
    signature,
)
from loket.documents.templates import CARD, PERMIT, UNCOLLECTED_LETTER

_WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office"><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
    '<v:textpath on="t" fitshape="t"/></v:shapetype>'
    '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:150pt;'
    "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#d9d9d9" '
    'stroked="f"><v:fill opacity=".5"/>'
    '<v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt" string="DRAF"/>'
    "</v:shape></w:pict></w:r>"
)


def _numbered(doc: DocumentType, loop: str, text: str, size: float, indent: float = 0.6) -> None:
    """A ``{%p for %}`` list with hanging-indent numbers."""
    para(doc, f"{{%p for {loop} %}}")
    p = para(doc, f"{{{{ loop.index }}}}.\t{text}", size=size, align="justify", indent_cm=indent)
    p.paragraph_format.first_line_indent = Cm(-0.5)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(indent))
    para(doc, "{%p endfor %}")


def build_permit(out: Path) -> Path:
    doc = new_document()
    _permit_page(doc)
    kop_surat(doc)
    para(doc, "{%p if draft %}")
    para(
        doc,
        "DRAF \u2014 BELUM DITANDATANGANI DAN BELUM BERNOMOR",
        bold=True,
        size=10,
        align="center",
        after=4,
    ).runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    para(doc, "{%p endif %}")
    para(doc, "{{ judul }}", bold=True, size=13, align="center", underline=True)
    para(doc, "Nomor : {{ nomor }}", size=11, align="center", after=6)
    _permit_body(doc)
    _permit_signature_block(doc)
    _permit_copies(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _permit_page(doc: DocumentType) -> None:
    """Narrow margins, 10 pt text; the DRAF watermark in the header."""
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Cm(1.0), Cm(1.0)
    section.footer_distance = Cm(0.5)
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.0
    header = section.header
    hp = header.paragraphs[0]
    hp.add_run("{% if draft %}")
    hp._p.append(parse_xml(_WATERMARK))
    hp.add_run("{% endif %}")


def _permit_body(doc: DocumentType) -> None:
    """Legal basis, the permit holder, the facility and the terms."""
    para(doc, "Dasar :", bold=True, after=2)
    _numbered(doc, "d in dasar", "{{ d }}", size=9.5)
    para(doc, "Memperhatikan :", bold=True, before=4, after=2)
    _numbered(doc, "m in memperhatikan", "{{ m }}", size=9.5)

    para(doc, "MEMBERIKAN IZIN KERJA", bold=True, size=12, align="center", before=6, after=4)
    para(doc, "Kepada :", after=2)
    kv_table(
        doc,
        [
            ("Nama", "{{ nama }}"),
            ("NIK", "{{ nik }}"),
            ("Tempat/Tanggal Lahir", "{{ ttl }}"),
            ("Alamat", "{{ alamat }}"),
            ("Nomor STR", "{{ str_nomor }}"),
            ("Masa Berlaku STR", "{{ str_berlaku }}"),
        ],
        (4.5, 0.4, 11.6),
        10,
    )
    para(
        doc,
        "Untuk melaksanakan pekerjaan sebagai {{ profesi }} pada fasilitas pelayanan kesehatan:",
        before=4,
        after=2,
    )
    kv_table(
        doc,
        [("Nama Fasilitas", "{{ tempat_kerja }}"), ("Jenis Permohonan", "{{ jenis }}")],
        (4.5, 0.4, 11.6),
        10,
    )
    para(doc, "Dengan ketentuan :", before=4, after=2)
    _numbered(doc, "k in ketentuan", "{{ k }}", size=9.5)


def _permit_signature_block(doc: DocumentType) -> None:
    """Place/date and signature; on the left the photo box and (draft only) the paraf table."""
    para(doc, "", after=2)
    table = doc.add_table(rows=1, cols=3)
    no_borders(table)
    set_widths(table, (7.0, 0.5, 9.0))  # the left column holds the photo and the QR code
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    _permit_left_cell(table.rows[0].cells[0])
    _permit_signer(table.rows[0].cells[2])


def _permit_left_cell(left: _Cell) -> None:
    """The paraf table of the draft, else the photo box of the permit."""
    left.paragraphs[0].add_run("{%p if draft %}")
    p = left.add_paragraph()
    run = p.add_run("Paraf koordinasi:")
    run.bold = True
    run.font.size = Pt(7)
    paraf = left.add_table(rows=4, cols=2)
    paraf.style = "Table Grid"
    cell_text(paraf.rows[0].cells[0], "Jabatan", size=6.5, bold=True)
    cell_text(paraf.rows[0].cells[1], "Paraf", size=6.5, bold=True)
    cell_text(paraf.rows[1].cells[0], "{%tr for p in paraf %}", size=6.5)
    cell_text(paraf.rows[2].cells[0], "{{ p.jabatan }}", size=6.5)
    cell_text(paraf.rows[2].cells[1], "{{ p.paraf }}", size=6.5)
    cell_text(paraf.rows[3].cells[0], "{%tr endfor %}", size=6.5)
    set_widths(paraf, (3.4, 1.6))
    left.add_paragraph().add_run("{%p else %}")
    photo = left.add_table(rows=1, cols=2)
    no_borders(photo)
    _boxed(photo.rows[0].cells[0])
    cell_text(photo.rows[0].cells[0], "\n\nPas Foto\n3 x 4\n\n", size=8, align="center")
    # beside the photo: the QR code of a permit to be signed by hand (issue #18), in a cell
    # that fits in the 7 cm column (a QR wider than its cell is clipped, and unreadable)
    qr_cell = photo.rows[0].cells[1]
    qr_cell.paragraphs[0].add_run("{{ ttd_qr_kiri }}")
    _no_margins(qr_cell)
    set_widths(photo, (3.0, 2.6))
    photo.rows[0].height = Cm(4.0)
    _permit_tte_note(left)
    left.add_paragraph().add_run("{%p endif %}")


def _boxed(cell: _Cell) -> None:
    """A single-line border around one cell of a borderless table (the photo box)."""
    borders = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:color"), "000000")
        borders.append(el)
    cell._tc.get_or_add_tcPr().append(borders)


def _no_margins(cell: _Cell) -> None:
    mar = OxmlElement("w:tcMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    cell._tc.get_or_add_tcPr().append(mar)


def _permit_signer(right: _Cell) -> None:
    """Place and date of issue and the signature block of the head of office."""
    right.text = ""
    lines = [
        ("Ditetapkan di : {{ kota }}", False),
        ("Pada tanggal  : {{ tanggal }}", False),
        ("", False),
        ("{{ ttd_awalan }}KEPALA DINAS PENANAMAN MODAL DAN", True),
        ("PELAYANAN TERPADU SATU PINTU", True),
        ("KOTA PEKANBARU", True),
        ("{{ ttd_qr }}{{ ttd_tanda }}", False),
        ("{%p if not tte %}", False),
        ("", False),
        ("", False),
        ("{%p endif %}", False),
        ("!{{ ttd_nama }}", False),
        ("{{ ttd_pangkat }}", False),
        ("NIP. {{ ttd_nip }}", False),
    ]
    for i, (line, bold) in enumerate(lines):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if i < 2 else WD_ALIGN_PARAGRAPH.CENTER
        if line.startswith("!"):
            run = p.add_run(line[1:])
            run.bold = True
            run.underline = True
        else:
            run = p.add_run(line)
            run.bold = bold
        run.font.size = Pt(10)


def _permit_copies(doc: DocumentType) -> None:
    """The copies (tembusan) and the footer with the registration number."""
    section = doc.sections[0]
    para(doc, "Tembusan :", size=8, before=4, underline=True)
    para(doc, "{%p for t in tembusan %}")
    para(doc, "{{ loop.index }}. {{ t }}", size=8)
    para(doc, "{%p endfor %}")
    footer = section.footer.paragraphs[0]
    run = footer.add_run("No. Registrasi {{ reg_no }}{% if draft %} \u2014 DRAF{% endif %}")
    run.font.size = Pt(7)
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _permit_tte_note(left: _Cell) -> None:
    """Under the photo box of a permit with a QR code: how it was signed and how to check it
    (issue #18), in the cell beside the signature so that the page does not grow. The QR is
    drawn beside the photo on a permit to be signed by hand (``ttd_qr_kiri``), in the signature
    block on an electronically signed one (``ttd_qr``)."""
    left.add_paragraph().add_run("{%p if kode_verifikasi %}")
    p = left.add_paragraph()
    p.paragraph_format.space_before = Pt(4)
    run = p.add_run(
        "{% if tte %}Ditandatangani secara elektronik dengan sertifikat elektronik "
        "{{ tte_penerbit }}. {% endif %}Periksa keaslian: pindai kode QR{{ tte_url }}. "
        "Kode verifikasi: {{ kode_verifikasi }}"
    )
    run.italic = True
    run.font.size = Pt(6)
    left.add_paragraph().add_run("{%p endif %}")


def build_card(out: Path) -> Path:
    doc = new_document(landscape=True)
    section = doc.sections[0]
    section.left_margin, section.right_margin = Cm(1.5), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(1.2), Cm(1.2)
    kop_surat(doc)
    para(doc, "KARTU KENDALI PELAYANAN", bold=True, size=13, align="center")
    para(doc, "{{ layanan }}", bold=True, size=11, align="center", after=6)
    _card_info(doc)
    para(doc, "", after=4)
    _card_entries(doc)
    para(doc, "{%p if penolakan %}")
    para(
        doc,
        "Percobaan tindakan yang ditolak (tercatat, tidak mengubah berkas):",
        size=8,
        bold=True,
        before=6,
        after=2,
    )
    para(doc, "{%p endif %}")
    para(doc, "{%p for r in penolakan %}")
    para(doc, "\u2022 {{ r }}", size=7.5, indent_cm=0.4)
    para(doc, "{%p endfor %}")
    para(doc, "Jaminan pelayanan:", size=8, bold=True, before=6, after=2)
    para(doc, "{%p for j in jaminan %}")
    para(doc, "\u2022 {{ j }}", size=7.5, indent_cm=0.4)
    para(doc, "{%p endfor %}")
    para(
        doc,
        "Setiap petugas memaraf dan mencatat tanggal penerimaan dan penyerahan berkas sesuai "
        "alurnya. Kartu ini dicetak dari catatan elektronik loket; kode verifikasi: "
        "{{ kode }} ({{ verifikasi }}). Dicetak {{ dicetak }}.",
        size=7,
        italic=True,
        before=6,
    )
    # how an auditor checks the printed code against the register (empty on a card without
    # entries: the paragraph goes with it)
    para(doc, "{%p if periksa %}")
    para(doc, "{{ periksa }}", size=7, italic=True)
    para(doc, "{%p endif %}")
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _card_info(doc: DocumentType) -> None:
    """Registration number, applicant, dates, status and norm."""
    info = doc.add_table(rows=3, cols=6)
    no_borders(info)
    cells = [
        ("No. Registrasi", "{{ reg_no }}", "Nama Pemohon", "{{ nama }}"),
        ("Diterima", "{{ diterima }}", "Nomor Izin", "{{ nomor_izin }}"),
        ("Status", "{{ status }}", "Norma waktu", "{{ norma_total }}"),
    ]
    for r, (k1, v1, k2, v2) in enumerate(cells):
        row = info.rows[r].cells
        cell_text(row[0], k1, size=9, bold=True)
        cell_text(row[1], ": " + v1, size=9)
        cell_text(row[3], k2, size=9, bold=True)
        cell_text(row[4], ": " + v2, size=9)
    set_widths(info, (3.0, 7.5, 0.5, 3.0, 8.7, 4.0))


def _card_entries(doc: DocumentType) -> None:
    """The table of card entries with the paper card's paraf columns."""
    loop_table(
        doc,
        [
            "No",
            "Kegiatan (langkah SOP)",
            "Pelaksana",
            "Nama / NIP",
            "Diterima",
            "Diserahkan",
            "Waktu kerja / Norma",
            "Paraf Terima",
            "Paraf Serah",
            "Keterangan",
        ],
        "e in entri",
        [
            "{{ e.no }}",
            "{{ e.kegiatan }}",
            "{{ e.pelaksana }}",
            "{{ e.nama }}",
            "{{ e.diterima }}",
            "{{ e.diserahkan }}",
            "{{ e.waktu }}",
            "",
            "",
            "{{ e.keterangan }}",
        ],
        [0.8, 4.2, 2.8, 3.6, 2.3, 2.3, 2.2, 1.6, 1.6, 5.3],
        size=7.5,
        centered=(0, 4, 5, 6),
    )


def build_uncollected_letter(out: Path) -> Path:
    doc = new_document()
    kop_surat(doc)
    letter_head(
        doc,
        [
            ("Nomor", "{{ nomor_surat }}"),
            ("Sifat", "Penting"),
            ("Lampiran", "-"),
            ("Hal", "Pemberitahuan Pengambilan {{ produk }}"),
        ],
    )
    para(doc, "", after=6)
    para(doc, "Kepada Yth.")
    para(doc, "Sdr./Sdri. {{ nama }}", bold=True)
    para(doc, "{{ alamat }}")
    para(doc, "di-")
    para(doc, "{{ kota_tujuan }}", indent_cm=1.0, after=10)
    _uncollected_body(doc)
    signature(
        doc,
        [""],
        [
            "{{ ttd_awalan }}KEPALA DINAS PENANAMAN MODAL DAN",
            "PELAYANAN TERPADU SATU PINTU",
            "KOTA PEKANBARU",
            "",
            "",
            "",
            "!{{ ttd_nama }}",
            "{{ ttd_pangkat }}",
            "NIP. {{ ttd_nip }}",
        ],
    )
    para(doc, "Tembusan :", size=9, before=10, underline=True)
    para(doc, "1. Arsip.", size=9)
    footer = doc.sections[0].footer.paragraphs[0]
    run = footer.add_run("No. Registrasi {{ reg_no }}")
    run.font.size = Pt(7)
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _uncollected_body(doc: DocumentType) -> None:
    """From the salutation to the closing sentence."""
    para(doc, "Dengan hormat,", after=4)
    para(
        doc,
        "Bersama ini kami beritahukan bahwa {{ produk }} ({{ singkatan }}) atas nama "
        "Saudara/Saudari dengan Nomor {{ nomor_izin }}, atas permohonan nomor registrasi "
        "{{ reg_no }}, telah selesai diproses pada tanggal {{ tanggal_selesai }} dan telah "
        "kami beritahukan melalui SMS. Sampai dengan tanggal surat ini, izin tersebut belum "
        "diambil.",
        align="justify",
        first_line_cm=1.0,
        after=4,
    )
    para(
        doc,
        "Sehubungan dengan hal tersebut, kami mohon Saudara/Saudari segera mengambil "
        "{{ produk }} tersebut di {{ tempat }} pada hari kerja, Senin sampai dengan Jumat "
        "pukul 08.00\u201315.00 WIB, dengan membawa KTP asli. Pengambilan oleh orang lain "
        "disertai surat kuasa bermeterai dan fotokopi KTP pemberi dan penerima kuasa.",
        align="justify",
        first_line_cm=1.0,
        after=4,
    )
    para(
        doc,
        "Demikian pemberitahuan ini kami sampaikan. Atas perhatian Saudara/Saudari kami "
        "ucapkan terima kasih.",
        align="justify",
        first_line_cm=1.0,
    )


def build_all(folder: Path) -> list[Path]:
    """The permit chain's templates in ``folder``."""
    return [
        build_permit(folder / PERMIT),
        build_card(folder / CARD),
        build_uncollected_letter(folder / UNCOLLECTED_LETTER),
    ]
