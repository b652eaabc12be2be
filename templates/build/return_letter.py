"""Builds the docxtpl template of the return letter (surat pengembalian berkas).

    .venv/bin/python -m templates.build [templates/]   (all templates)

The generated ``surat-pengembalian.docx`` is committed so that officials can adjust wording
and layout in a word processor; this builder makes it reproducible (it overwrites). The letter
has the office's kop surat (shared with the other office documents, loket/documents/layout.py),
Nomor / Sifat / Lampiran / Perihal, the addressee (Yth.), a body that lists every missing or
invalid document with its reason (one table row each), the closing and the signature block.

Template variables (filled by loket/requirements/checklist.py):
    kota, tanggal_surat, nomor_surat, lampiran, perihal, nama, alamat, tempat, layanan,
    reg_no, tanggal_terima, daftar (list of {no, dokumen, alasan}), jumlah,
    penandatangan_atas_nama, penandatangan_jabatan, penandatangan_nama, penandatangan_nip
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentType

from loket.documents.layout import kop_surat, letter_head, loop_table, new_document, para, signature
from loket.documents.templates import RETURN_LETTER

BODY_INDENT = 1.25


def build_return_letter(out: Path) -> Path:
    doc = new_document()
    kop_surat(doc)
    letter_head(
        doc,
        [
            ("Nomor", "{{ nomor_surat }}"),
            ("Sifat", "Biasa"),
            ("Lampiran", "{{ lampiran }}"),
            ("Perihal", "{{ perihal }}"),
        ],
        ["Kepada", "Yth. Sdr/i. {{ nama }}", "{{ alamat }}", "di -", "      {{ tempat }}"],
    )

    para(doc, "", after=6)
    _return_body(doc)
    signature(
        doc,
        [""],
        [
            "{{ penandatangan_atas_nama }}",
            "{{ penandatangan_jabatan }},",
            "",
            "",
            "",
            "!{{ penandatangan_nama }}",
            "NIP. {{ penandatangan_nip }}",
        ],
    )
    para(doc, "", after=6)
    para(doc, "Tembusan:", size=9, before=12)
    para(doc, "1. Kepala Dinas Penanaman Modal dan PTSP Kota Pekanbaru (sebagai laporan);", size=9)
    para(doc, "2. Arsip.", size=9)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _return_body(doc: DocumentType) -> None:
    """The salutation, the table of missing or invalid documents, the closing sentence."""
    para(doc, "Dengan hormat,", before=6, after=6, indent_cm=BODY_INDENT)
    para(
        doc,
        "Menindaklanjuti {{ layanan }} Saudara/i yang kami terima pada tanggal "
        "{{ tanggal_terima }} dengan nomor registrasi {{ reg_no }}, setelah dilakukan "
        "pemeriksaan kelengkapan dan keabsahan berkas sesuai Standar Pelayanan, dengan ini "
        "kami sampaikan bahwa permohonan tersebut belum dapat diproses karena {{ jumlah }} "
        "persyaratan berikut belum lengkap atau belum memenuhi ketentuan:",
        align="justify",
        after=6,
        indent_cm=BODY_INDENT,
        first_line_cm=1.0,
    )
    loop_table(
        doc,
        ["No", "Persyaratan", "Keterangan"],
        "d in daftar",
        ["{{ d.no }}", "{{ d.dokumen }}", "{{ d.alasan }}"],
        [1.0, 5.5, 9.0],
        size=10,
        centered=(0,),
    )
    para(doc, "", after=6)
    para(
        doc,
        "Sehubungan dengan hal tersebut, berkas permohonan Saudara/i kami kembalikan untuk "
        "dilengkapi dan/atau diperbaiki. Permohonan dapat diajukan kembali setelah seluruh "
        "persyaratan dipenuhi; jangka waktu penyelesaian dihitung sejak berkas diterima "
        "dengan lengkap.",
        align="justify",
        after=6,
        indent_cm=BODY_INDENT,
        first_line_cm=1.0,
    )
    para(
        doc,
        "Demikian disampaikan. Atas perhatian dan kerja sama Saudara/i, kami ucapkan terima kasih.",
        align="justify",
        after=6,
        indent_cm=BODY_INDENT,
        first_line_cm=1.0,
    )


def build_all(folder: Path) -> list[Path]:
    """The return letter template in ``folder``."""
    return [build_return_letter(folder / RETURN_LETTER)]
