"""Builds the docxtpl templates of the permit chain (``templates/*.docx``):

- ``sikr.docx``: the Surat Izin Kerja Radiografer (draft and numbered permit alike; the draft
  carries a DRAF watermark, an un-numbered number line and the paraf table);
- ``kartu-kendali.docx``: the printable control card with the paraf columns of the paper one;
- ``surat-pemberitahuan.docx``: the letter to an applicant whose permit is not collected.

The generated files are committed so that officials can adjust wording and layout in a word
processor; rebuild them with ``python -m loket.documents.permit_templates templates/`` (overwrites).
Layout helpers (kop surat, tables, signature) come from :mod:`loket.documents.doctemplates`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.shared import Cm, Pt, RGBColor

from loket.documents.doctemplates import (
    _cell_text,
    _new_document,
    _no_borders,
    _para,
    _set_widths,
    kop_surat,
    letter_head,
    loop_table,
    signature,
)

PERMIT = "sikr.docx"
CARD = "kartu-kendali.docx"
UNCOLLECTED_LETTER = "surat-pemberitahuan.docx"

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


def _kv(doc, rows: list[tuple[str, str]], widths: tuple[float, float, float], size: float):  # type: ignore[no-untyped-def]
    table = doc.add_table(rows=len(rows), cols=3)
    _no_borders(table)
    for r, (k, v) in enumerate(rows):
        _cell_text(table.rows[r].cells[0], k, size=size)
        _cell_text(table.rows[r].cells[1], ":", size=size)
        _cell_text(table.rows[r].cells[2], v, size=size)
    _set_widths(table, widths)
    return table


def _numbered(doc, loop: str, text: str, size: float, indent: float = 0.6) -> None:  # type: ignore[no-untyped-def]
    """A ``{%p for %}`` list with hanging-indent numbers."""
    _para(doc, f"{{%p for {loop} %}}")
    p = _para(doc, f"{{{{ loop.index }}}}.\t{text}", size=size, align="justify", indent_cm=indent)
    p.paragraph_format.first_line_indent = Cm(-0.5)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(indent))
    _para(doc, "{%p endfor %}")


def build_permit(out: Path) -> Path:
    doc = _new_document()
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
    kop_surat(doc)
    _para(doc, "{%p if draft %}")
    _para(
        doc,
        "DRAF \u2014 BELUM DITANDATANGANI DAN BELUM BERNOMOR",
        bold=True,
        size=10,
        align="center",
        after=4,
    ).runs[0].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    _para(doc, "{%p endif %}")
    _para(doc, "{{ judul }}", bold=True, size=13, align="center", underline=True)
    _para(doc, "Nomor : {{ nomor }}", size=11, align="center", after=6)

    _para(doc, "Dasar :", bold=True, after=2)
    _numbered(doc, "d in dasar", "{{ d }}", size=9.5)
    _para(doc, "Memperhatikan :", bold=True, before=4, after=2)
    _numbered(doc, "m in memperhatikan", "{{ m }}", size=9.5)

    _para(doc, "MEMBERIKAN IZIN KERJA", bold=True, size=12, align="center", before=6, after=4)
    _para(doc, "Kepada :", after=2)
    _kv(
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
    _para(
        doc,
        "Untuk melaksanakan pekerjaan sebagai {{ profesi }} pada fasilitas pelayanan kesehatan:",
        before=4,
        after=2,
    )
    _kv(
        doc,
        [("Nama Fasilitas", "{{ tempat_kerja }}"), ("Jenis Permohonan", "{{ jenis }}")],
        (4.5, 0.4, 11.6),
        10,
    )
    _para(doc, "Dengan ketentuan :", before=4, after=2)
    _numbered(doc, "k in ketentuan", "{{ k }}", size=9.5)

    # place/date and signature; on the left the photo box and (draft only) the paraf table
    _para(doc, "", after=2)
    table = doc.add_table(rows=1, cols=3)
    _no_borders(table)
    _set_widths(table, (5.2, 2.3, 9.0))
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    left = table.rows[0].cells[0]
    left.paragraphs[0].add_run("{%p if draft %}")
    p = left.add_paragraph()
    run = p.add_run("Paraf koordinasi:")
    run.bold = True
    run.font.size = Pt(7)
    paraf = left.add_table(rows=4, cols=2)
    paraf.style = "Table Grid"
    _cell_text(paraf.rows[0].cells[0], "Jabatan", size=6.5, bold=True)
    _cell_text(paraf.rows[0].cells[1], "Paraf", size=6.5, bold=True)
    _cell_text(paraf.rows[1].cells[0], "{%tr for p in paraf %}", size=6.5)
    _cell_text(paraf.rows[2].cells[0], "{{ p.jabatan }}", size=6.5)
    _cell_text(paraf.rows[2].cells[1], "{{ p.paraf }}", size=6.5)
    _cell_text(paraf.rows[3].cells[0], "{%tr endfor %}", size=6.5)
    _set_widths(paraf, (3.4, 1.6))
    left.add_paragraph().add_run("{%p else %}")
    photo = left.add_table(rows=1, cols=1)
    photo.style = "Table Grid"
    _cell_text(photo.rows[0].cells[0], "\n\nPas Foto\n3 x 4\n\n", size=8, align="center")
    _set_widths(photo, (3.0,))
    photo.rows[0].height = Cm(4.0)
    left.add_paragraph().add_run("{%p endif %}")
    right = table.rows[0].cells[2]
    right.text = ""
    lines = [
        ("Ditetapkan di : {{ kota }}", False),
        ("Pada tanggal  : {{ tanggal }}", False),
        ("", False),
        ("{{ ttd_awalan }}KEPALA DINAS PENANAMAN MODAL DAN", True),
        ("PELAYANAN TERPADU SATU PINTU", True),
        ("KOTA PEKANBARU", True),
        ("{{ ttd_tanda }}", False),
        ("", False),
        ("", False),
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

    _para(doc, "Tembusan :", size=8, before=4, underline=True)
    _para(doc, "{%p for t in tembusan %}")
    _para(doc, "{{ loop.index }}. {{ t }}", size=8)
    _para(doc, "{%p endfor %}")
    footer = section.footer.paragraphs[0]
    run = footer.add_run("No. Registrasi {{ reg_no }}{% if draft %} \u2014 DRAF{% endif %}")
    run.font.size = Pt(7)
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def build_card(out: Path) -> Path:
    doc = _new_document(landscape=True)
    section = doc.sections[0]
    section.left_margin, section.right_margin = Cm(1.5), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(1.2), Cm(1.2)
    kop_surat(doc)
    _para(doc, "KARTU KENDALI PELAYANAN", bold=True, size=13, align="center")
    _para(doc, "{{ layanan }}", bold=True, size=11, align="center", after=6)
    info = doc.add_table(rows=3, cols=6)
    _no_borders(info)
    cells = [
        ("No. Registrasi", "{{ reg_no }}", "Nama Pemohon", "{{ nama }}"),
        ("Diterima", "{{ diterima }}", "Nomor Izin", "{{ nomor_izin }}"),
        ("Status", "{{ status }}", "Norma waktu", "{{ norma_total }}"),
    ]
    for r, (k1, v1, k2, v2) in enumerate(cells):
        row = info.rows[r].cells
        _cell_text(row[0], k1, size=9, bold=True)
        _cell_text(row[1], ": " + v1, size=9)
        _cell_text(row[3], k2, size=9, bold=True)
        _cell_text(row[4], ": " + v2, size=9)
    _set_widths(info, (3.0, 7.5, 0.5, 3.0, 8.7, 4.0))
    _para(doc, "", after=4)
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
    _para(doc, "{%p if penolakan %}")
    _para(
        doc,
        "Percobaan tindakan yang ditolak (tercatat, tidak mengubah berkas):",
        size=8,
        bold=True,
        before=6,
        after=2,
    )
    _para(doc, "{%p endif %}")
    _para(doc, "{%p for r in penolakan %}")
    _para(doc, "\u2022 {{ r }}", size=7.5, indent_cm=0.4)
    _para(doc, "{%p endfor %}")
    _para(doc, "Jaminan pelayanan:", size=8, bold=True, before=6, after=2)
    _para(doc, "{%p for j in jaminan %}")
    _para(doc, "\u2022 {{ j }}", size=7.5, indent_cm=0.4)
    _para(doc, "{%p endfor %}")
    _para(
        doc,
        "Setiap petugas memaraf dan mencatat tanggal penerimaan dan penyerahan berkas sesuai "
        "alurnya. Kartu ini dicetak dari catatan elektronik loket; kode verifikasi: "
        "{{ kode }} ({{ verifikasi }}). Dicetak {{ dicetak }}.",
        size=7,
        italic=True,
        before=6,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def build_uncollected_letter(out: Path) -> Path:
    doc = _new_document()
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
    _para(doc, "", after=6)
    _para(doc, "Kepada Yth.")
    _para(doc, "Sdr./Sdri. {{ nama }}", bold=True)
    _para(doc, "{{ alamat }}")
    _para(doc, "di-")
    _para(doc, "{{ kota_tujuan }}", indent_cm=1.0, after=10)
    _para(doc, "Dengan hormat,", after=4)
    _para(
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
    _para(
        doc,
        "Sehubungan dengan hal tersebut, kami mohon Saudara/Saudari segera mengambil "
        "{{ produk }} tersebut di {{ tempat }} pada hari kerja, Senin sampai dengan Jumat "
        "pukul 08.00\u201315.00 WIB, dengan membawa KTP asli. Pengambilan oleh orang lain "
        "disertai surat kuasa bermeterai dan fotokopi KTP pemberi dan penerima kuasa.",
        align="justify",
        first_line_cm=1.0,
        after=4,
    )
    _para(
        doc,
        "Demikian pemberitahuan ini kami sampaikan. Atas perhatian Saudara/Saudari kami "
        "ucapkan terima kasih.",
        align="justify",
        first_line_cm=1.0,
    )
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
    _para(doc, "Tembusan :", size=9, before=10, underline=True)
    _para(doc, "1. Arsip.", size=9)
    footer = doc.sections[0].footer.paragraphs[0]
    run = footer.add_run("No. Registrasi {{ reg_no }}")
    run.font.size = Pt(7)
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def build_all(folder: Path) -> list[Path]:
    return [
        build_permit(folder / PERMIT),
        build_card(folder / CARD),
        build_uncollected_letter(folder / UNCOLLECTED_LETTER),
    ]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("templates")
    for path in build_all(target):
        print(path)
