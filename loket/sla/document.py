"""The DOCX of the SLA report, converted to the PDF for the office's management.

Built directly with the layout helpers of :mod:`loket.documents.layout` (same kop surat, fonts
and table style as the office's other documents; no docxtpl template): the header, the
summary, the tables of steps, desks, officials and late files (their top rows: the XLSX has
them all) and the charts. Converted with LibreOffice by :func:`loket.sla.report.render_sla_report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm

from loket.common.clock import WIB
from loket.documents import (
    OFFICE,
    cell_text,
    kop_surat,
    kv_table,
    new_document,
    no_borders,
    para,
    set_widths,
    shade,
    tanggal,
    tanggal_jam,
)
from loket.sla.figures import Report
from loket.sla.wording import (
    durasi,
    header_lines,
    local_time,
    pct,
    short_label,
    summary_notes,
    summary_rows,
)

PDF_LATE_ROWS = 25
PDF_OFFICIAL_ROWS = 10


def render_docx(report: Report, out: Path, charts: Sequence[Path]) -> Path:
    """``out``: the report's DOCX with the (up to four) ``charts``."""
    doc = new_document()
    kop_surat(doc)
    _head(doc, report)
    _summary_section(doc, report)
    _steps_section(doc, report)
    _desks_section(doc, report)
    _officials_section(doc, report)
    _late_section(doc, report)
    _charts_section(doc, charts)
    _closing(doc, report)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def _head(doc: DocumentType, report: Report) -> None:
    """Title, product, and the period, cut-off, coverage and standard."""
    head = header_lines(report)
    para(doc, head[0], bold=True, size=12, align="center")
    para(doc, report.product.upper(), bold=True, size=12, align="center", after=8)
    p = report.period
    kv_table(
        doc,
        [
            ("Periode", f"{p.label} ({tanggal(p.first)} s.d. {tanggal(p.last)})"),
            ("Data per (cut-off)", tanggal_jam(report.cutoff.astimezone(WIB))),
            (
                "Cakupan data",
                f"{report.files_covered} berkas; {report.summary['entri_kartu']} entri kartu "
                "kendali pada periode ini",
            ),
            (
                "Standar waktu",
                "2 hari kerja sejak berkas lengkap (lolos pemeriksaan) sampai izin diberi "
                "nomor; waktu berkas dikembalikan kepada pemohon tidak dihitung",
            ),
        ],
        (3.6, 0.4, 12.5),
        size=9.5,
    )


def _grid(
    doc: DocumentType,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    right: Sequence[int] = (),
    size: float = 8,
) -> None:
    """A table with a shaded header row; the columns in ``right`` right-aligned."""
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(header):
        cell_text(table.rows[0].cells[i], h, bold=True, size=size, align="center")
        shade(table.rows[0].cells[i])
    for r, row in enumerate(rows, start=1):
        for i, v in enumerate(row):
            cell_text(
                table.rows[r].cells[i], str(v), size=size, align="right" if i in right else None
            )
    set_widths(table, widths)


def _section(doc: DocumentType, title: str) -> None:
    """A section heading, kept with what follows."""
    p = para(doc, title, bold=True, size=10.5, before=10, after=4)
    p.paragraph_format.keep_with_next = True  # never a heading alone at a page's foot


def _summary_section(doc: DocumentType, report: Report) -> None:
    """A. the summary rows and their notes."""
    _section(doc, "A. Ringkasan")
    _grid(doc, ["Uraian", "Jumlah / nilai"], summary_rows(report), (11.0, 5.5), right=(1,), size=9)
    for note in summary_notes(report):
        para(doc, f"Catatan: {note}", size=8, italic=True, before=3)


def _steps_section(doc: DocumentType, report: Report) -> None:
    """B. time per step against its norm."""
    dm = report.day_minutes
    _section(doc, "B. Waktu per langkah dibanding norma (langkah yang diserahkan pada periode ini)")
    _grid(
        doc,
        ["No.", "Langkah", "Pelaksana", "Norma", "Jml", "Median", "P90", "Lewat norma"],
        [
            (
                str(int(r.langkah)),
                short_label(r.kode, r.uraian),
                r.pelaksana,
                r.norma,
                str(int(r.jumlah)),
                durasi(r.median_menit, dm),
                durasi(r.p90_menit, dm),
                f"{int(r.lewat_norma)} ({pct(r.persen_lewat)})",
            )
            for r in report.steps.itertuples()
        ],
        (0.9, 3.0, 3.6, 1.8, 1.0, 2.0, 2.2, 2.0),
        right=(4, 5, 6, 7),
    )


def _desks_section(doc: DocumentType, report: Report) -> None:
    """C. the desks with the most time over the norm."""
    dm = report.day_minutes
    _section(doc, "C. Meja dengan kelebihan waktu terbesar")
    _grid(
        doc,
        [
            "Meja",
            "Jml",
            "Lewat norma",
            "Median",
            "Total kelebihan",
            "Berkas terlambat singgah",
            "Waktu berkas terlambat di meja",
        ],
        [
            (
                r.meja,
                str(int(r.jumlah)),
                str(int(r.lewat_norma)),
                durasi(r.median_menit, dm),
                durasi(r.kelebihan_menit, dm),
                str(int(r.berkas_terlambat)),
                durasi(r.menit_berkas_terlambat, dm),
            )
            for r in report.desks.itertuples()
        ],
        (3.8, 1.0, 1.6, 1.9, 2.8, 2.2, 3.2),
        right=(1, 2, 3, 4, 5, 6),
    )


def _officials_section(doc: DocumentType, report: Report) -> None:
    """D. the officials with the most time over the norm (top rows)."""
    dm = report.day_minutes
    _section(doc, f"D. Petugas dengan kelebihan waktu terbesar ({PDF_OFFICIAL_ROWS} teratas)")
    _grid(
        doc,
        ["Nama / NIP", "Jabatan", "Jml", "Lewat norma", "Median", "Total kelebihan"],
        [
            (
                f"{r.nama}\nNIP {r.nip}" if r.nip else r.nama,
                r.jabatan,
                str(int(r.jumlah)),
                str(int(r.lewat_norma)),
                durasi(r.median_menit, dm),
                durasi(r.kelebihan_menit, dm),
            )
            for r in report.officials.head(PDF_OFFICIAL_ROWS).itertuples()
        ],
        (4.6, 3.8, 1.0, 1.6, 2.3, 3.2),
        right=(2, 3, 4, 5),
    )


def _late_section(doc: DocumentType, report: Report) -> None:
    """E. the late files (the longest first) and where their time went."""
    dm = report.day_minutes
    late = report.late_files
    shown = late.head(PDF_LATE_ROWS)
    _section(
        doc,
        f"E. Berkas terlambat ({len(late)} berkas"
        + (
            f"; {len(shown)} terlama ditampilkan, daftar lengkap di XLSX)"
            if len(late) > len(shown)
            else ")"
        ),
    )
    if len(shown):
        _grid(
            doc,
            ["No. registrasi", "Status", "Lengkap", "Waktu", "Lebih", "Ke mana waktunya"],
            [
                (
                    str(r["reg_no"]),
                    str(r["status"]),
                    (local_time(r["lengkap"]) or datetime.min).strftime("%d-%m %H.%M"),
                    durasi(r["menit"], dm),
                    durasi(r["lebih_menit"], dm),
                    _breakdown(r, report),
                )
                for _, r in shown.iterrows()
            ],
            (3.0, 1.6, 1.8, 2.3, 2.0, 5.8),
            right=(3, 4),
            size=7.5,
        )
    else:
        para(doc, "Tidak ada berkas terlambat pada periode ini.", size=9.5)
    para(
        doc,
        "Keterangan: mnt = menit kerja, j = jam kerja, hk = hari kerja "
        f"({int(dm)} menit kerja, sesuai jam pelayanan dan hari libur/cuti bersama). "
        "Sumber: kartu kendali elektronik setiap berkas.",
        size=7.5,
        italic=True,
        before=3,
    )


def _charts_section(doc: DocumentType, charts: Sequence[Path]) -> None:
    """F. the charts, two by two."""
    _section(doc, "F. Grafik")
    table = doc.add_table(rows=2, cols=2)
    no_borders(table)
    for i, path in enumerate(charts[:4]):
        cell = table.rows[i // 2].cells[i % 2]
        cell.text = ""
        cell.paragraphs[0].add_run().add_picture(str(path), width=Cm(8.1))
    set_widths(table, (8.25, 8.25))


def _closing(doc: DocumentType, report: Report) -> None:
    """Place and date, and who made the report."""
    made = report.cutoff.astimezone(WIB)
    para(doc, f"{OFFICE['kota']}, {tanggal(made)}", size=9.5, align="right", before=10)
    para(
        doc,
        "Disusun otomatis oleh sistem loket untuk pimpinan DPMPTSP Kota Pekanbaru.",
        size=8,
        align="right",
        italic=True,
    )


def _breakdown(row: pd.Series, report: Report) -> str:
    parts = []
    for n in report.norms:
        v = float(row.get(f"m_{n.code}", 0.0))
        if v >= 1 and n.code != "pemeriksaan":
            parts.append((v, f"{short_label(n.code, n.title)} {durasi(v, report.day_minutes)}"))
    parts.sort(reverse=True)
    dm = report.day_minutes
    text = "; ".join(p[1] for p in parts[:3])
    if row.get("menunggu_menit", 0) >= 1 and row.get("menunggu_di"):
        text += f"; menunggu di {row['menunggu_di']} {durasi(row['menunggu_menit'], dm)}"
    if row.get("ditunda_menit", 0) >= 1:
        text += f"; di pemohon {durasi(row['ditunda_menit'], dm)} (tidak dihitung)"
    return text.lstrip("; ")
