"""The charts of the SLA report (PNG, matplotlib on the Agg backend), shown in the PDF.

Four charts: step times against the norms, time over the norm per desk, the distribution of
completion times, and the permits issued per day (per month for a yearly report). A chart
without data says so in words. matplotlib is imported on first use (it is slow to import).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from loket.documents import angka
from loket.sla.figures import Report
from loket.sla.wording import NOT_MEASURED, on_time_text, short_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: size of each chart in inches (two side by side on an A4 page)
_SIZE = (3.5, 2.6)


def render_charts(report: Report, folder: Path) -> list[Path]:
    """Four PNG charts: step times vs norms, time over norm per desk, the distribution of
    completion times, and the files issued per day (per month for a year)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 7, "font.family": "DejaVu Sans"})
    folder.mkdir(parents=True, exist_ok=True)
    empty_steps = int(report.steps["jumlah"].sum()) == 0
    empty_issued = len(report.issued_files) == 0
    return [
        _save(_steps_chart(report, empty_steps), folder / "grafik-1-langkah.png"),
        _save(_desks_chart(report, empty_steps), folder / "grafik-2-meja.png"),
        _save(_completion_chart(report, empty_issued), folder / "grafik-3-sebaran.png"),
        _save(_issued_chart(report, empty_issued), folder / "grafik-4-harian.png"),
    ]


def _steps_chart(report: Report, empty: bool) -> Figure:
    """1. median and p90 per step against the norm (log scale: minutes to days)."""
    import matplotlib.pyplot as plt

    st = report.steps.iloc[::-1]
    fig, ax = plt.subplots(figsize=_SIZE, dpi=200)
    y = np.arange(len(st))
    labels = [short_label(c, t) for c, t in zip(st["kode"], st["uraian"], strict=True)]
    ax.barh(y + 0.18, st["p90_menit"].fillna(0), 0.36, color="#9DC3E6", label="P90")
    ax.barh(y - 0.18, st["median_menit"].fillna(0), 0.36, color="#2E75B6", label="Median")
    ax.scatter(st["norma_menit"], y, marker="|", s=160, color="#C00000", label="Norma", zorder=3)
    ax.set_yticks(y, labels)
    ax.set_xscale("log")
    ax.set_xlim(right=max(1000.0, float(np.nanmax(st["p90_menit"].fillna(1))) * 2))
    ax.set_xlabel("menit kerja (skala log)")
    ax.set_title("Waktu per langkah vs norma", fontweight="bold")
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.22), ncol=3, fontsize=6, frameon=False)
    fig._loket_empty = empty  # type: ignore[attr-defined]
    return fig


def _desks_chart(report: Report, empty: bool) -> Figure:
    """2. time beyond the norm per desk."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    desks = report.desks.sort_values("kelebihan_menit")
    fig, ax = plt.subplots(figsize=_SIZE, dpi=200)
    names = [str(m).replace("JF Analis Kebijakan ", "Analis ") for m in desks["meja"]]
    ax.barh(names, desks["kelebihan_menit"] / 60, color="#C55A11")
    ax.set_xlabel("jam kerja di atas norma (jumlah)")
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.set_title("Kelebihan waktu per meja", fontweight="bold")
    fig._loket_empty = empty  # type: ignore[attr-defined]
    return fig


def _completion_chart(report: Report, empty: bool) -> Figure:
    """3. distribution of completion times (working days), the 2-day line."""
    import matplotlib.pyplot as plt

    dm = report.day_minutes
    fig, ax = plt.subplots(figsize=_SIZE, dpi=200)
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
    if not empty:
        ax.text(
            0.98,
            0.75,
            f"tepat waktu: {on_time_text(report)}",
            transform=ax.transAxes,
            ha="right",
            fontsize=6.5,
        )
    fig._loket_empty = empty  # type: ignore[attr-defined]
    fig._loket_empty_text = NOT_MEASURED  # type: ignore[attr-defined]
    return fig


def _issued_chart(report: Report, empty: bool) -> Figure:
    """4. issued per day (per month for a yearly report)."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    daily = report.daily.copy()
    if report.period.kind == "tahun":
        daily["key"] = [d.month for d in daily["hari"]]
        daily = daily.groupby("key")[["tepat", "terlambat"]].sum().reset_index()
        ticks = [str(k) for k in daily["key"]]
        xlabel = "bulan"
    else:
        ticks = [str(d.day) for d in daily["hari"]]
        xlabel = "tanggal"
    fig, ax = plt.subplots(figsize=_SIZE, dpi=200)
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
    fig._loket_empty = empty  # type: ignore[attr-defined]
    fig._loket_empty_text = NOT_MEASURED  # type: ignore[attr-defined]
    return fig


def _save(fig: Figure, path: Path) -> Path:
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
