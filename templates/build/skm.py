"""Builder of the yearly satisfaction survey report template (laporan hasil SKM tahunan).

Filled by :mod:`loket.survey` (IKM, NRR per element, respondent profile, chart, follow-up plan).
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentType
from docx.shared import RGBColor

from loket.documents.layout import kop_surat, kv_table, loop_table, new_document, para, signature
from loket.documents.templates import SKM_REPORT


def build_skm_report(out: Path) -> Path:
    doc = new_document()
    kop_surat(doc)
    para(doc, "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT (SKM)", bold=True, size=13, align="center")
    para(doc, "PELAYANAN {{ layanan_besar }}", bold=True, size=12, align="center")
    para(doc, "TAHUN {{ tahun }}", bold=True, size=12, align="center", after=12)

    _skm_introduction(doc)
    _skm_method(doc)
    _skm_results(doc)
    _skm_chart_and_scale(doc)
    _skm_follow_up(doc)
    _skm_closing(doc)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _skm_introduction(doc: DocumentType) -> None:
    """I. introduction and legal basis."""
    para(doc, "I. PENDAHULUAN", bold=True, after=4)
    para(
        doc,
        "Survei Kepuasan Masyarakat (SKM) dilaksanakan untuk mengetahui tingkat kepuasan "
        "masyarakat pengguna layanan {{ layanan }} pada Dinas Penanaman Modal dan Pelayanan "
        "Terpadu Satu Pintu Kota Pekanbaru, serta menjaring keluhan terhadap pelaksanaan "
        "pelayanan, sebagaimana ditetapkan dalam standar pelayanan.",
        align="justify",
        first_line_cm=1.0,
        after=4,
    )
    para(doc, "Dasar hukum:", after=2)
    para(doc, "1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;", indent_cm=0.5)
    para(
        doc,
        "2. Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi "
        "Nomor 14 Tahun 2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat Unit "
        "Penyelenggara Pelayanan Publik.",
        indent_cm=0.5,
        after=8,
    )


def _skm_method(doc: DocumentType) -> None:
    """II. method, survey figures and the respondent profile."""
    para(doc, "II. METODE DAN PELAKSANAAN", bold=True, after=4)
    para(
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
    kv_table(
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
    para(doc, "{%p if peringatan_sampel %}")
    para(
        doc,
        "{{ peringatan_sampel }}",
        bold=True,
        size=10,
        before=4,
        color=RGBColor(0xC0, 0x00, 0x00),
    )
    para(doc, "{%p endif %}")
    para(doc, "", after=6)
    para(doc, "Profil responden:", after=2)
    loop_table(
        doc,
        ["Karakteristik", "Kategori", "Jumlah", "Persentase"],
        "p in profil",
        ["{{ p.karakteristik }}", "{{ p.kategori }}", "{{ p.jumlah }}", "{{ p.persen }}"],
        [4.0, 6.5, 2.5, 3.0],
        size=9,
        centered=(2, 3),
    )
    para(doc, "", after=8)


def _skm_results(doc: DocumentType) -> None:
    """III. the table per service element, IKM and its sentence."""
    para(doc, "III. HASIL PENGOLAHAN DATA", bold=True, after=4)
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
    para(doc, "", after=4)
    para(
        doc,
        "Nilai Indeks Kepuasan Masyarakat pelayanan {{ layanan }} tahun {{ tahun }} adalah "
        "{{ ikm }} dengan mutu pelayanan {{ mutu }} ({{ kinerja }}).",
        bold=True,
        align="justify",
        after=6,
    )


def _skm_chart_and_scale(doc: DocumentType) -> None:
    """The chart per element and the conversion table."""
    heading = para(doc, "Grafik Nilai per Unsur", bold=True, after=4)
    # the chart (a docxtpl InlineImage from loket.skm.write_report) in its own paragraph,
    # kept on one page with its heading and note
    chart = para(doc, "{{ grafik_unsur }}", align="center", after=2)
    heading.paragraph_format.keep_with_next = True
    chart.paragraph_format.keep_with_next = True
    para(
        doc,
        "Warna batang menunjukkan mutu pelayanan unsur; garis putus-putus adalah batas bawah "
        "mutu C (65,00), B (76,61) dan A (88,31).",
        size=8,
        italic=True,
        after=8,
    )
    para(doc, "Nilai persepsi, interval dan mutu pelayanan (PermenPANRB 14/2017):", size=9, after=2)
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
    para(doc, "", after=8)


def _skm_follow_up(doc: DocumentType) -> None:
    """IV. the follow-up plan (or why there is none)."""
    para(doc, "IV. RENCANA TINDAK LANJUT", bold=True, after=4)
    para(doc, "{%p if rtl %}")
    para(
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
    para(doc, "{%p else %}")
    para(
        doc,
        "Tidak terdapat unsur pelayanan dengan mutu kurang baik. Unsur dengan nilai terendah "
        "({{ terendah }}) tetap menjadi perhatian untuk dipertahankan dan ditingkatkan.",
        align="justify",
    )
    para(doc, "{%p endif %}")
    para(doc, "", after=8)


def _skm_closing(doc: DocumentType) -> None:
    """V. closing sentence and the head of office's signature."""
    para(doc, "V. PENUTUP", bold=True, after=4)
    para(
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


def build_all(folder: Path) -> list[Path]:
    """The SKM report template in ``folder``."""
    return [build_skm_report(folder / SKM_REPORT)]
