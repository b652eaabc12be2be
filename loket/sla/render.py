"""Rendering of the SLA report: XLSX (all rows), DOCX -> PDF (kop surat, tables, charts).

The DOCX is built with the helpers of :mod:`loket.documents.doctemplates` (same letterhead, fonts
and table style as the office's other reports) and converted with LibreOffice
(:func:`loket.documents.officedocs.to_pdf`); charts are drawn with matplotlib (Agg backend).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from loket.approval.models import as_utc, utcnow
from loket.common.settings import Settings
from loket.documents.officedocs import OFFICE, angka, tanggal, tanggal_jam, to_pdf, write_xlsx
from loket.sla.report import WIB, Period, Report, compute, load_history, parse_period

SHORT = {
    "pemeriksaan": "Pemeriksaan berkas",
    "draf": "Draf SIKR",
    "paraf_ahli_muda": "Paraf Ahli Muda",
    "paraf_ahli_madya": "Paraf Ahli Madya",
    "paraf_sekretaris": "Paraf Sekretaris",
    "tanda_tangan": "Tanda tangan Kadis",
    "penomoran": "Penomoran",
}
PDF_LATE_ROWS = 25
PDF_OFFICIAL_ROWS = 10
#: shown for a figure that cannot be computed (never ``nan``)
NONE = "\u2014"
NOT_MEASURED = "belum ada izin terbit yang terukur pada periode ini"


def file_stem(report: Report) -> str:
    return f"laporan-sla-{report.period.code}"


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


def _pct(value: float) -> str:
    return NONE if value is None or math.isnan(value) else f"{angka(value, 1)} %"


def measured(report: Report) -> int:
    """Issued files whose clock was measured (the base of the on-time share)."""
    return int(report.summary.get("terbit_terukur", 0))


def on_time_text(report: Report) -> str:
    """The on-time share for people: ``95,0 %`` or the reason there is none."""
    if not measured(report):
        return f"{NONE} ({NOT_MEASURED})"
    return _pct(float(report.summary["persen_tepat"]))


def _wib(value: object) -> datetime | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).tz_localize("UTC").tz_convert(WIB).to_pydatetime()


def _short(code: str, title: str) -> str:
    return SHORT.get(code, title[:24])


def _breakdown(row: pd.Series, report: Report) -> str:
    parts = []
    for n in report.norms:
        v = float(row.get(f"m_{n.code}", 0.0))
        if v >= 1 and n.code != "pemeriksaan":
            parts.append((v, f"{_short(n.code, n.title)} {durasi(v, report.day_minutes)}"))
    parts.sort(reverse=True)
    dm = report.day_minutes
    text = "; ".join(p[1] for p in parts[:3])
    if row.get("menunggu_menit", 0) >= 1 and row.get("menunggu_di"):
        text += f"; menunggu di {row['menunggu_di']} {durasi(row['menunggu_menit'], dm)}"
    if row.get("ditunda_menit", 0) >= 1:
        text += f"; di pemohon {durasi(row['ditunda_menit'], dm)} (tidak dihitung)"
    return text.lstrip("; ")


# ---------------------------------------------------------------------------------------
# summary rows shared by XLSX and DOCX


def summary_rows(report: Report) -> list[tuple[str, str]]:
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
                f"{s['tepat_waktu']} ({_pct(float(s['persen_tepat']))})",
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


# ---------------------------------------------------------------------------------------
# XLSX


def render_xlsx(report: Report, out: Path) -> Path:
    dm = report.day_minutes
    steps = report.steps
    step_rows = [
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
    desk_rows = [
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
    off_rows = [
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
    issued = report.issued_files
    issued_rows = [
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
    daily_rows = [(d.isoformat(), int(a), int(b)) for d, a, b in report.daily.itertuples(False)]
    head = header_lines(report)
    sheets: list[tuple[str, Sequence[str], list[Sequence[object]]]] = [
        (
            "Ringkasan",
            ["Uraian", "Nilai"],
            [list(x) for x in summary_rows(report)]
            + [["Catatan", note] for note in summary_notes(report)],
        ),
        (
            "Per langkah",
            [
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
            ],
            step_rows,
        ),
        (
            "Meja",
            [
                "Meja",
                "Jumlah langkah",
                "Lewat norma",
                "Median (menit kerja)",
                "Total kelebihan (menit kerja)",
                "Berkas terlambat yang singgah",
                "Waktu berkas terlambat di meja (menit kerja)",
            ],
            desk_rows,
        ),
        (
            "Petugas",
            [
                "Nama",
                "NIP",
                "Jabatan",
                "Jumlah langkah",
                "Lewat norma",
                "Median (menit kerja)",
                "Total kelebihan (menit kerja)",
            ],
            off_rows,
        ),
        (
            "Berkas terlambat",
            [
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
                *[f"{_short(n.code, n.title)} (menit kerja)" for n in report.norms],
            ],
            late_rows,
        ),
        (
            "Izin terbit",
            [
                "No. registrasi",
                "Nomor izin",
                "Lengkap (WIB)",
                "Diberi nomor (WIB)",
                "Waktu (menit kerja)",
                "Waktu (hari kerja)",
                "Di pemohon (menit kerja)",
                "Keterangan",
            ],
            issued_rows,
        ),
        ("Harian", ["Tanggal", "Terbit tepat waktu", "Terbit terlambat"], daily_rows),
    ]
    titles = {name: head for name, _, _ in sheets}
    return write_xlsx(out, sheets, titles)


def _r(value: float) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 1)


def _x(value: object) -> str:
    at = _wib(value)
    return at.strftime("%Y-%m-%d %H:%M") if at else ""


# ---------------------------------------------------------------------------------------
# charts


def render_charts(report: Report, folder: Path) -> list[Path]:
    """Four PNG charts: step times vs norms, time over norm per desk, the distribution of
    completion times, and the files issued per day (per month for a year)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    plt.rcParams.update({"font.size": 7, "font.family": "DejaVu Sans"})
    folder.mkdir(parents=True, exist_ok=True)
    dm = report.day_minutes
    size = (3.5, 2.6)
    out: list[Path] = []
    empty_steps = int(report.steps["jumlah"].sum()) == 0
    empty_issued = len(report.issued_files) == 0

    # 1. median and p90 per step against the norm (log scale: minutes to days)
    st = report.steps.iloc[::-1]
    fig, ax = plt.subplots(figsize=size, dpi=200)
    y = np.arange(len(st))
    labels = [_short(c, t) for c, t in zip(st["kode"], st["uraian"], strict=True)]
    ax.barh(y + 0.18, st["p90_menit"].fillna(0), 0.36, color="#9DC3E6", label="P90")
    ax.barh(y - 0.18, st["median_menit"].fillna(0), 0.36, color="#2E75B6", label="Median")
    ax.scatter(st["norma_menit"], y, marker="|", s=160, color="#C00000", label="Norma", zorder=3)
    ax.set_yticks(y, labels)
    ax.set_xscale("log")
    ax.set_xlim(right=max(1000.0, float(np.nanmax(st["p90_menit"].fillna(1))) * 2))
    ax.set_xlabel("menit kerja (skala log)")
    ax.set_title("Waktu per langkah vs norma", fontweight="bold")
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.22), ncol=3, fontsize=6, frameon=False)
    fig._loket_empty = empty_steps  # type: ignore[attr-defined]
    out.append(_save(fig, folder / "grafik-1-langkah.png"))

    # 2. time beyond the norm per desk
    desks = report.desks.sort_values("kelebihan_menit")
    fig, ax = plt.subplots(figsize=size, dpi=200)
    names = [str(m).replace("JF Analis Kebijakan ", "Analis ") for m in desks["meja"]]
    ax.barh(names, desks["kelebihan_menit"] / 60, color="#C55A11")
    ax.set_xlabel("jam kerja di atas norma (jumlah)")
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.set_title("Kelebihan waktu per meja", fontweight="bold")
    fig._loket_empty = empty_steps  # type: ignore[attr-defined]
    out.append(_save(fig, folder / "grafik-2-meja.png"))

    # 3. distribution of completion times (working days), the 2-day line
    fig, ax = plt.subplots(figsize=size, dpi=200)
    days = report.issued_files["minutes"] / dm if len(report.issued_files) else pd.Series([])
    top = max(3.0, float(np.ceil(days.max() * 4) / 4) if len(days) else 3.0)
    bins = np.arange(0, top + 0.25, 0.25)
    ax.hist(days, bins=bins, color="#70AD47", edgecolor="white")
    limit = report.total_norm / dm
    ax.axvline(limit, color="#C00000", linestyle="--", linewidth=1)
    ax.text(
        limit,
        ax.get_ylim()[1] * 0.92,
        f" batas {angka(limit, 0)} hari kerja",
        color="#C00000",
        fontsize=6,
    )
    ax.set_xlabel("hari kerja sejak berkas lengkap")
    ax.set_ylabel("jumlah izin")
    ax.set_title("Sebaran waktu penyelesaian", fontweight="bold")
    if not empty_issued:
        ax.text(
            0.98,
            0.75,
            f"tepat waktu: {on_time_text(report)}",
            transform=ax.transAxes,
            ha="right",
            fontsize=6.5,
        )
    fig._loket_empty = empty_issued  # type: ignore[attr-defined]
    fig._loket_empty_text = NOT_MEASURED  # type: ignore[attr-defined]
    out.append(_save(fig, folder / "grafik-3-sebaran.png"))

    # 4. issued per day (per month for a yearly report)
    daily = report.daily.copy()
    if report.period.kind == "tahun":
        daily["key"] = [d.month for d in daily["hari"]]
        daily = daily.groupby("key")[["tepat", "terlambat"]].sum().reset_index()
        ticks = [str(k) for k in daily["key"]]
        xlabel = "bulan"
    else:
        ticks = [str(d.day) for d in daily["hari"]]
        xlabel = "tanggal"
    fig, ax = plt.subplots(figsize=size, dpi=200)
    x = np.arange(len(daily))
    ax.bar(x, daily["tepat"], color="#2E75B6", label="tepat waktu")
    ax.bar(x, daily["terlambat"], bottom=daily["tepat"], color="#C00000", label="terlambat")
    step = max(1, math.ceil(len(x) / 11))
    ax.set_xticks(x[::step], ticks[::step])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("izin terbit")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(
        "Izin terbit per hari" if xlabel == "tanggal" else "Izin terbit per bulan",
        fontweight="bold",
    )
    ax.legend(fontsize=6, frameon=False)
    fig._loket_empty = empty_issued  # type: ignore[attr-defined]
    fig._loket_empty_text = NOT_MEASURED  # type: ignore[attr-defined]
    out.append(_save(fig, folder / "grafik-4-harian.png"))
    return out


def _save(fig, path: Path) -> Path:  # type: ignore[no-untyped-def]
    import matplotlib.pyplot as plt

    ax0 = fig.axes[0]
    title = ax0.get_title()
    if title:
        ax0.set_title("")
        fig.suptitle(title, fontweight="bold", fontsize=7.5)

    for side in ("top", "right"):
        for ax in fig.axes:
            ax.spines[side].set_visible(False)
    if getattr(fig, "_loket_empty", False):
        for ax in fig.axes:
            ax.set_yticks([])
            ax.set_xticks([])
            ax.text(
                0.5,
                0.5,
                getattr(fig, "_loket_empty_text", "tidak ada data pada periode ini"),
                transform=ax.transAxes,
                ha="center",
                va="center",
                color="#7F7F7F",
                wrap=True,
                bbox={"facecolor": "white", "edgecolor": "none"},
            )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


# ---------------------------------------------------------------------------------------
# DOCX / PDF


def render_docx(report: Report, out: Path, charts: Sequence[Path]) -> Path:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm

    from loket.documents.doctemplates import (
        _cell_text,
        _kv_table,
        _new_document,
        _no_borders,
        _para,
        _set_widths,
        _shade,
        kop_surat,
    )

    dm = report.day_minutes
    doc = _new_document()
    kop_surat(doc)
    head = header_lines(report)
    _para(doc, head[0], bold=True, size=12, align="center")
    _para(doc, report.product.upper(), bold=True, size=12, align="center", after=8)
    p = report.period
    _kv_table(
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

    def grid(
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        right: Sequence[int] = (),
        size: float = 8,
    ) -> None:
        table = doc.add_table(rows=1 + len(rows), cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, h in enumerate(header):
            _cell_text(table.rows[0].cells[i], h, bold=True, size=size, align="center")
            _shade(table.rows[0].cells[i])
        for r, row in enumerate(rows, start=1):
            for i, v in enumerate(row):
                _cell_text(
                    table.rows[r].cells[i], str(v), size=size, align="right" if i in right else None
                )
        _set_widths(table, widths)

    def section(title: str) -> None:
        p = _para(doc, title, bold=True, size=10.5, before=10, after=4)
        p.paragraph_format.keep_with_next = True  # never a heading alone at a page's foot

    section("A. Ringkasan")
    grid(["Uraian", "Jumlah / nilai"], summary_rows(report), (11.0, 5.5), right=(1,), size=9)
    for note in summary_notes(report):
        _para(doc, f"Catatan: {note}", size=8, italic=True, before=3)

    section("B. Waktu per langkah dibanding norma (langkah yang diserahkan pada periode ini)")
    grid(
        ["No.", "Langkah", "Pelaksana", "Norma", "Jml", "Median", "P90", "Lewat norma"],
        [
            (
                str(int(r.langkah)),
                _short(r.kode, r.uraian),
                r.pelaksana,
                r.norma,
                str(int(r.jumlah)),
                durasi(r.median_menit, dm),
                durasi(r.p90_menit, dm),
                f"{int(r.lewat_norma)} ({_pct(r.persen_lewat)})",
            )
            for r in report.steps.itertuples()
        ],
        (0.9, 3.0, 3.6, 1.8, 1.0, 2.0, 2.2, 2.0),
        right=(4, 5, 6, 7),
    )

    section("C. Meja dengan kelebihan waktu terbesar")
    grid(
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

    section(f"D. Petugas dengan kelebihan waktu terbesar ({PDF_OFFICIAL_ROWS} teratas)")
    grid(
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

    late = report.late_files
    shown = late.head(PDF_LATE_ROWS)
    section(
        f"E. Berkas terlambat ({len(late)} berkas"
        + (
            f"; {len(shown)} terlama ditampilkan, daftar lengkap di XLSX)"
            if len(late) > len(shown)
            else ")"
        )
    )
    if len(shown):
        grid(
            ["No. registrasi", "Status", "Lengkap", "Waktu", "Lebih", "Ke mana waktunya"],
            [
                (
                    str(r["reg_no"]),
                    str(r["status"]),
                    (_wib(r["lengkap"]) or datetime.min).strftime("%d-%m %H.%M"),
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
        _para(doc, "Tidak ada berkas terlambat pada periode ini.", size=9.5)
    _para(
        doc,
        "Keterangan: mnt = menit kerja, j = jam kerja, hk = hari kerja "
        f"({int(dm)} menit kerja, sesuai jam pelayanan dan hari libur/cuti bersama). "
        "Sumber: kartu kendali elektronik setiap berkas.",
        size=7.5,
        italic=True,
        before=3,
    )

    section("F. Grafik")
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    for i, path in enumerate(charts[:4]):
        cell = table.rows[i // 2].cells[i % 2]
        cell.text = ""
        cell.paragraphs[0].add_run().add_picture(str(path), width=Cm(8.1))
    _set_widths(table, (8.25, 8.25))

    made = report.cutoff.astimezone(WIB)
    _para(doc, f"{OFFICE['kota']}, {tanggal(made)}", size=9.5, align="right", before=10)
    _para(
        doc,
        "Disusun otomatis oleh sistem loket untuk pimpinan DPMPTSP Kota Pekanbaru.",
        size=8,
        align="right",
        italic=True,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def render(report: Report, folder: Path, *, pdf: bool = True) -> list[Path]:
    """``laporan-sla-<period>.xlsx`` and ``.pdf`` (the DOCX and chart PNGs are kept beside
    them in ``_bahan/``)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(report)
    files = [render_xlsx(report, folder / f"{stem}.xlsx")]
    work = folder / "_bahan"
    charts = render_charts(report, work)
    docx = render_docx(report, work / f"{stem}.docx", charts)
    if pdf:
        files.extend(to_pdf([docx], outdir=folder))
    else:
        files.append(docx)
    return files


def write_report(
    settings: Settings,
    period: str | Period,
    *,
    cutoff: datetime | None = None,
    pdf: bool = True,
    service: str | None = None,
) -> tuple[Report, list[Path]]:
    """Load, compute and write the report of ``period`` to ``outbox/reports/<period>/``.

    Shared by ``loket report sla`` and the scheduled flows of :mod:`flows.sla`.
    """
    from loket.approval.chain import CHAIN_RULES, load_chain
    from loket.calendar.office_calendar import office_calendar
    from loket.common.db import open_database

    per = parse_period(period) if isinstance(period, str) else period
    svc = service or settings.service
    chain = load_chain(settings.rules_dir / CHAIN_RULES).for_service(svc)
    calendar = office_calendar(settings.rules_dir / "calendar")
    cut = as_utc(cutoff) if cutoff else utcnow()
    with open_database(settings.db_url)() as session:
        history = load_history(session, per, cut, service=svc)
    report = compute(history, chain, calendar)
    files = render(report, settings.outbox_dir / "reports" / per.code, pdf=pdf)
    return report, files
