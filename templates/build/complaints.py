"""Builders of the complaint templates: the reply letter (surat tanggapan pengaduan) and the
monthly complaint report (laporan pengaduan bulanan), both starting with the kop surat.

Filled by :mod:`loket.complaints.reply` and :mod:`loket.complaints.report`.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentType
from docx.shared import RGBColor

from loket.documents.layout import kop_surat, letter_head, loop_table, new_document, para, signature
from loket.documents.templates import MONTHLY_REPORT, REPLY_LETTER


def build_reply_letter(out: Path) -> Path:
    doc = new_document()
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
    para(doc, "", after=6)
    _reply_body(doc)
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
    para(doc, "", after=6)
    para(doc, "Tembusan:", size=9, before=12)
    para(doc, "1. Sekretaris Dinas Penanaman Modal dan PTSP Kota Pekanbaru;", size=9)
    para(doc, "2. Arsip.", size=9)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _reply_body(doc: DocumentType) -> None:
    """From the salutation to the closing sentence of the letter."""
    body_indent = 1.25
    para(doc, "Dengan hormat,", before=6, after=6, indent_cm=body_indent)
    para(
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
    para(doc, "{%p for alinea in jawaban %}")
    para(doc, "{{ alinea }}", align="justify", after=6, indent_cm=body_indent, first_line_cm=1.0)
    para(doc, "{%p endfor %}")
    para(doc, "{%p if reg_no %}")
    para(
        doc,
        "Pengaduan ini terkait dengan permohonan nomor registrasi {{ reg_no }}; kartu kendali "
        "permohonan tersebut telah kami periksa dalam penanganan pengaduan ini.",
        align="justify",
        after=6,
        indent_cm=body_indent,
        first_line_cm=1.0,
    )
    para(doc, "{%p endif %}")
    para(
        doc,
        "Demikian kami sampaikan. Atas perhatian dan partisipasi Saudara/i dalam upaya "
        "peningkatan kualitas pelayanan publik, kami ucapkan terima kasih.",
        align="justify",
        after=6,
        indent_cm=body_indent,
        first_line_cm=1.0,
    )


def build_monthly_report(out: Path) -> Path:
    doc = new_document()
    kop_surat(doc)
    _monthly_title(doc)
    _monthly_recap(doc)
    _monthly_response_times(doc)
    _monthly_complaints(doc)
    _monthly_overdue(doc)
    _monthly_signatures(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _monthly_title(doc: DocumentType) -> None:
    """Title, month, document status and the as-of date."""
    para(doc, "LAPORAN PENGADUAN PELAYANAN PUBLIK", bold=True, size=13, align="center")
    para(doc, "BULAN {{ bulan_besar }} TAHUN {{ tahun }}", bold=True, size=12, align="center")
    para(
        doc,
        "{{ status_dokumen }}",
        bold=True,
        size=11,
        align="center",
        color=RGBColor(0xC0, 0x00, 0x00),
    )
    para(doc, "Keadaan per {{ per_tanggal }}", size=10, align="center", after=10)


def _monthly_recap(doc: DocumentType) -> None:
    """A. the recapitulation: a sentence and the table per category."""
    para(doc, "A. REKAPITULASI", bold=True, after=4)
    para(
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
    para(doc, "", after=8)


def _monthly_response_times(doc: DocumentType) -> None:
    """B. response times per weight (bobot)."""
    para(doc, "B. WAKTU TANGGAPAN", bold=True, after=4)
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
    para(
        doc,
        "Waktu tanggapan dihitung dari penerimaan sampai jawaban disampaikan (hari "
        "kalender); batas waktu menurut bobot pengaduan.",
        size=8,
        italic=True,
        after=8,
    )


def _monthly_complaints(doc: DocumentType) -> None:
    """C. the list of complaints and their answers."""
    para(doc, "C. DAFTAR PENGADUAN DAN TANGGAPAN", bold=True, after=4)
    para(doc, "{%p if daftar %}")
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
    para(doc, "{%p else %}")
    para(doc, "Tidak ada pengaduan yang diterima pada bulan ini.", italic=True)
    para(doc, "{%p endif %}")
    para(doc, "", after=8)


def _monthly_overdue(doc: DocumentType) -> None:
    """D. complaints past their time limit; E. notes of the previous review."""
    para(doc, "D. PENGADUAN MELEWATI BATAS WAKTU", bold=True, after=4)
    para(doc, "{%p if lewat %}")
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
    para(
        doc,
        "Termasuk pengaduan bulan sebelumnya yang sampai tanggal laporan belum dijawab.",
        size=8,
        italic=True,
    )
    para(doc, "{%p else %}")
    para(doc, "Tidak ada pengaduan yang melewati batas waktu.", italic=True)
    para(doc, "{%p endif %}")
    para(doc, "{%p if catatan %}")
    para(doc, "", after=6)
    para(doc, "E. CATATAN PEMERIKSAAN SEBELUMNYA", bold=True, after=4)
    para(doc, "{%p for n in catatan %}")
    para(doc, "{{ n }}", size=10, indent_cm=0.5)
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")


def _monthly_signatures(doc: DocumentType) -> None:
    """Approval and author signatures, addressee, version."""
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
    para(doc, "", after=6)
    para(
        doc,
        "Disampaikan kepada Yth. Kepala Dinas Penanaman Modal dan Pelayanan Terpadu "
        "Satu Pintu Kota Pekanbaru sebagai laporan bulanan.",
        size=9,
        italic=True,
        before=8,
    )
    para(doc, "Versi {{ versi }} \u2014 {{ kode }}", size=7, align="right", before=6)


def build_all(folder: Path) -> list[Path]:
    """The complaint templates in ``folder``."""
    return [
        build_reply_letter(folder / REPLY_LETTER),
        build_monthly_report(folder / MONTHLY_REPORT),
    ]
