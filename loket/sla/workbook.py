"""The XLSX of the SLA report: every row of every table (the PDF shows the top of each).

One sheet per table (summary, steps, desks, officials, late files, issued permits, days),
each under the report's header lines, written by :func:`loket.documents.officedocs.write_xlsx`
(text cells never become formulas). Times are office-local (WIB), durations working minutes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from loket.documents import write_xlsx
from loket.sla.figures import Report
from loket.sla.wording import header_lines, local_time, short_label, summary_notes, summary_rows

STEP_HEADER = (
    "Langkah SOP",
    "Uraian",
    "Pelaksana",
    "Norma",
    "Norma (menit kerja)",
    "Jumlah",
    "Median (menit kerja)",
    "P90 (menit kerja)",
    "Lewat norma",
    "% lewat norma",
)
DESK_HEADER = (
    "Meja",
    "Jumlah langkah",
    "Lewat norma",
    "Median (menit kerja)",
    "Total kelebihan (menit kerja)",
    "Berkas terlambat yang singgah",
    "Waktu berkas terlambat di meja (menit kerja)",
)
OFFICIAL_HEADER = (
    "Nama",
    "NIP",
    "Jabatan",
    "Jumlah langkah",
    "Lewat norma",
    "Median (menit kerja)",
    "Total kelebihan (menit kerja)",
)
#: followed by one column per SOP step: "<step> (menit kerja)"
LATE_HEADER = (
    "No. registrasi",
    "Status",
    "Lengkap (WIB)",
    "Diberi nomor (WIB)",
    "Waktu (menit kerja)",
    "Waktu (hari kerja)",
    "Lebih dari batas (menit kerja)",
    "Di pemohon, tidak dihitung (menit kerja)",
    "Waktu terlama di",
    "Menunggu di (belum selesai)",
    "Menunggu (menit kerja)",
)
ISSUED_HEADER = (
    "No. registrasi",
    "Nomor izin",
    "Lengkap (WIB)",
    "Diberi nomor (WIB)",
    "Waktu (menit kerja)",
    "Waktu (hari kerja)",
    "Di pemohon (menit kerja)",
    "Keterangan",
)
DAILY_HEADER = ("Tanggal", "Terbit tepat waktu", "Terbit terlambat")


def render_xlsx(report: Report, out: Path) -> Path:
    """``out``: the report's XLSX, one sheet per table."""
    head = header_lines(report)
    late_header = [
        *LATE_HEADER,
        *[f"{short_label(n.code, n.title)} (menit kerja)" for n in report.norms],
    ]
    sheets: list[tuple[str, Sequence[str], list[Sequence[object]]]] = [
        (
            "Ringkasan",
            ["Uraian", "Nilai"],
            [list(x) for x in summary_rows(report)]
            + [["Catatan", note] for note in summary_notes(report)],
        ),
        ("Per langkah", STEP_HEADER, _step_rows(report)),
        ("Meja", DESK_HEADER, _desk_rows(report)),
        ("Petugas", OFFICIAL_HEADER, _official_rows(report)),
        ("Berkas terlambat", late_header, _late_rows(report)),
        ("Izin terbit", ISSUED_HEADER, _issued_rows(report)),
        ("Harian", DAILY_HEADER, _daily_rows(report)),
    ]
    titles = {name: head for name, _, _ in sheets}
    return write_xlsx(out, sheets, titles)


def _step_rows(report: Report) -> list[Sequence[object]]:
    steps = report.steps
    return [
        (
            int(r.langkah),
            r.uraian,
            r.pelaksana,
            r.norma,
            round(r.norma_menit, 1),
            int(r.jumlah),
            _r(r.median_menit),
            _r(r.p90_menit),
            int(r.lewat_norma),
            _r(r.persen_lewat),
        )
        for r in steps.itertuples()
    ]


def _desk_rows(report: Report) -> list[Sequence[object]]:
    return [
        (
            r.meja,
            int(r.jumlah),
            int(r.lewat_norma),
            _r(r.median_menit),
            _r(r.kelebihan_menit),
            int(r.berkas_terlambat),
            _r(r.menit_berkas_terlambat),
        )
        for r in report.desks.itertuples()
    ]


def _official_rows(report: Report) -> list[Sequence[object]]:
    return [
        (
            r.nama,
            r.nip,
            r.jabatan,
            int(r.jumlah),
            int(r.lewat_norma),
            _r(r.median_menit),
            _r(r.kelebihan_menit),
        )
        for r in report.officials.itertuples()
    ]


def _late_rows(report: Report) -> list[Sequence[object]]:
    dm = report.day_minutes
    codes = [n.code for n in report.norms]
    late_rows = []
    for _, r in report.late_files.iterrows():
        late_rows.append(
            (
                r["reg_no"],
                r["status"],
                _x(r["lengkap"]),
                _x(r["selesai"]),
                _r(r["menit"]),
                round(r["menit"] / dm, 2),
                _r(r["lebih_menit"]),
                _r(r["ditunda_menit"]),
                r["terlama_di"],
                r["menunggu_di"],
                _r(r["menunggu_menit"]),
                *[_r(r[f"m_{c}"]) for c in codes],
            )
        )
    return late_rows


def _issued_rows(report: Report) -> list[Sequence[object]]:
    dm = report.day_minutes
    issued = report.issued_files
    return [
        (
            r["reg_no"],
            r["number"],
            _x(r["start"]),
            _x(r["stop"]),
            _r(r["minutes"]),
            round(r["minutes"] / dm, 2),
            _r(r["paused_minutes"]),
            "terlambat" if r["late"] else "tepat waktu",
        )
        for _, r in issued.sort_values("stop").iterrows()
    ]


def _daily_rows(report: Report) -> list[Sequence[object]]:
    return [(d.isoformat(), int(a), int(b)) for d, a, b in report.daily.itertuples(False)]


def _r(value: float) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 1)


def _x(value: object) -> str:
    at = local_time(value)
    return at.strftime("%Y-%m-%d %H:%M") if at else ""
