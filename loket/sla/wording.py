"""The SLA report's figures in words, shared by the XLSX, the DOCX and the charts.

Durations in working time for people (``1 hk 2 j 10 mnt``), percentages with a decimal comma,
the short step names, the summary rows and their notes, and the header lines. A figure that
cannot be computed is shown as a dash with the reason, never ``nan``.
"""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from loket.common.clock import WIB
from loket.documents import OFFICE, angka, tanggal, tanggal_jam
from loket.sla.figures import Report

SHORT = {
    "pemeriksaan": "Pemeriksaan berkas",
    "draf": "Draf SIKR",
    "paraf_ahli_muda": "Paraf Ahli Muda",
    "paraf_ahli_madya": "Paraf Ahli Madya",
    "paraf_sekretaris": "Paraf Sekretaris",
    "tanda_tangan": "Tanda tangan Kadis",
    "penomoran": "Penomoran",
}
#: shown for a figure that cannot be computed (never ``nan``)
NONE = "\u2014"
NOT_MEASURED = "belum ada izin terbit yang terukur pada periode ini"


def durasi(minutes: float, day_minutes: float) -> str:
    """Working time for people: ``12 mnt``, ``3 j 05 mnt``, ``1 hk 2 j 10 mnt``."""
    if minutes is None or (isinstance(minutes, float) and math.isnan(minutes)):
        return NONE
    m = round(float(minutes))
    day = int(day_minutes)
    if m < 60:
        return f"{m} mnt"
    if m < day:
        return f"{m // 60} j {m % 60:02d} mnt"
    d, rest = divmod(m, day)
    return f"{d} hk {rest // 60} j {rest % 60:02d} mnt"


def pct(value: float) -> str:
    """A percentage for people: ``95,0 %`` (a dash for NaN)."""
    return NONE if value is None or math.isnan(value) else f"{angka(value, 1)} %"


def measured(report: Report) -> int:
    """Issued files whose clock was measured (the base of the on-time share)."""
    return int(report.summary.get("terbit_terukur", 0))


def on_time_text(report: Report) -> str:
    """The on-time share for people: ``95,0 %`` or the reason there is none."""
    if not measured(report):
        return f"{NONE} ({NOT_MEASURED})"
    return pct(float(report.summary["persen_tepat"]))


def local_time(value: object) -> datetime | None:
    """A naive UTC time of the frames as office-local (WIB) time; ``None`` for none."""
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).tz_localize("UTC").tz_convert(WIB).to_pydatetime()


def short_label(code: str, title: str) -> str:
    """The short name of an SOP step for tables and charts."""
    return SHORT.get(code, title[:24])


def summary_rows(report: Report) -> list[tuple[str, str]]:
    """The summary as (label, value) rows, shared by the XLSX and the DOCX."""
    s = report.summary
    dm = report.day_minutes
    rows = [
        ("Permohonan diterima", f"{s['diterima']}"),
        ("Berkas lengkap", f"{s['lengkap']}"),
        ("Berkas dikembalikan kepada pemohon (tidak lengkap)", f"{s['dikembalikan']}"),
        ("Izin terbit (diberi nomor)", f"{s['terbit']}"),
    ]
    if unmeasured := int(s.get("terbit_tidak_terukur", 0)):
        rows.append(("  di antaranya tidak dapat diukur waktunya (lihat catatan)", f"{unmeasured}"))
    if measured(report):
        rows += [
            (
                "Terbit tepat waktu (\u2264 2 hari kerja sejak lengkap)",
                f"{s['tepat_waktu']} ({pct(float(s['persen_tepat']))})",
            ),
            ("Terbit terlambat (> 2 hari kerja)", f"{s['terlambat']}"),
            ("Median waktu penyelesaian", durasi(float(s["median_hari"]) * dm, dm)),
            ("Persentil ke-90 waktu penyelesaian", durasi(float(s["p90_hari"]) * dm, dm)),
        ]
    else:
        rows += [
            ("Terbit tepat waktu (\u2264 2 hari kerja sejak lengkap)", on_time_text(report)),
            ("Terbit terlambat (> 2 hari kerja)", NONE),
            ("Median waktu penyelesaian", NONE),
            ("Persentil ke-90 waktu penyelesaian", NONE),
        ]
    rows += [
        ("Izin terbit yang belum diambil pemohon", f"{s['belum_diambil']}"),
        ("Berkas masih diproses pada akhir periode", f"{s['proses_akhir_periode']}"),
        ("  di antaranya sudah melewati 2 hari kerja", f"{s['proses_lewat_batas']}"),
    ]
    return rows


def summary_notes(report: Report) -> list[str]:
    """Why figures of the summary are missing (empty when none is)."""
    notes = []
    if not measured(report):
        notes.append(
            f"Belum ada izin terbit yang terukur pada periode ini: persentase tepat waktu, "
            f"median dan persentil ke-90 waktu penyelesaian belum dapat dihitung ({NONE})."
        )
    if unmeasured := int(report.summary.get("terbit_tidak_terukur", 0)):
        notes.append(
            f"{unmeasured} izin terbit tidak dapat diukur waktunya: kartu kendalinya tidak "
            "mencatat pemeriksaan kelengkapan yang selesai sebelum penomoran. Izin ini tidak "
            "dihitung dalam persentase tepat waktu, median dan persentil ke-90."
        )
    return notes


def header_lines(report: Report) -> list[str]:
    """The title lines above every XLSX sheet (the first one is the DOCX's title)."""
    p = report.period
    return [
        f"LAPORAN CAPAIAN WAKTU PELAYANAN (SLA) {p.kind_label.upper()}",
        f"{report.product} \u2014 {OFFICE['dinas_singkat']}",
        f"Periode: {p.label} ({tanggal(p.first)} s.d. {tanggal(p.last)})",
        f"Data per (cut-off): {tanggal_jam(report.cutoff.astimezone(WIB))}",
        f"Cakupan: {report.files_covered} berkas, {report.summary['entri_kartu']} entri kartu "
        "kendali",
        f"Standar: {durasi(report.total_norm, report.day_minutes)} kerja sejak berkas lengkap "
        "sampai diberi nomor; waktu berkas di pemohon tidak dihitung",
    ]
