"""The figures of the SLA report (Laporan Capaian Waktu Pelayanan).

:func:`compute` turns the history of a period (:func:`loket.sla.loading.load_history`) into
the figures of the report with :mod:`loket.sla.tracking` and the vectorised calendar.
Written by :mod:`loket.sla.report` (XLSX: :mod:`loket.sla.workbook`, DOCX/PDF:
:mod:`loket.sla.document`, charts: :mod:`loket.sla.charts`).

What counts (Bahasa Indonesia labels in the report):

- *diterima*: applications registered in the period; *lengkap* / *dikembalikan*: of those,
  the register's verdict ``complete`` / ``incomplete`` (returned to the applicant);
- *terbit*: permits numbered in the period; *belum diambil*: of those, not handed over to the
  applicant by the data cut-off;
- *tepat waktu*: issued files whose clock (:func:`loket.sla.tracking.file_clocks`) is within
  ``total_norm`` (2 working days), as a share of the issued files that could be measured
  (*terbit terukur*); *tidak terukur*: issued files whose card has no passed check before the
  cut-off, or one after the numbering (an inconsistent card). With nothing measured the share,
  median and p90 are NaN: the renderers say so in words, never ``nan``;
- step times: card entries of a step handed over in the period;
- late files: issued in the period beyond 2 working days, and files still unnumbered at the
  end of the period (or the cut-off, if earlier) whose clock had already passed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from loket.approval import ROLE_LABELS, Role, ServiceChain
from loket.calendar import WorkCalendar
from loket.common.clock import WIB
from loket.requirements import Verdict
from loket.sla.loading import History, distinct_ids
from loket.sla.periods import Period
from loket.sla.tracking import (
    StepNorm,
    file_clocks,
    measure_steps,
    naive_utc,
    quantiles,
    sort_by_file,
    step_norms,
    total_norm_minutes,
)


@dataclass
class Report:
    """The figures of one report (frames for the tables, scalars for the summary)."""

    period: Period
    cutoff: datetime
    product: str
    day_minutes: float
    total_norm: float
    summary: dict[str, float | int]
    steps: pd.DataFrame
    desks: pd.DataFrame
    officials: pd.DataFrame
    late_files: pd.DataFrame
    issued_files: pd.DataFrame
    daily: pd.DataFrame
    norms: list[StepNorm]

    @property
    def files_covered(self) -> int:
        return int(self.summary["berkas_dicakup"])


def _role_label(role: object) -> str:
    return ROLE_LABELS[Role(role)] if role in Role.__members__ else str(role)


def _within(entries: pd.DataFrame, lo: datetime, hi: datetime) -> np.ndarray:
    t = entries["handed_over_at"].to_numpy()
    return (t >= np.datetime64(naive_utc(lo), "us")) & (t < np.datetime64(naive_utc(hi), "us"))


def _last_per_file(entries: pd.DataFrame) -> pd.DataFrame:
    """The last entry of each file (``entries`` ordered by :func:`sort_by_file`)."""
    reg = entries["reg_no"]
    if not isinstance(reg.dtype, pd.CategoricalDtype):
        return entries.groupby("reg_no").tail(1)
    codes = reg.cat.codes.to_numpy()
    last = np.ones(len(entries), dtype=bool)
    last[:-1] = codes[1:] != codes[:-1]
    return entries.loc[last & (codes >= 0)]


def compute(history: History, chain: ServiceChain, calendar: WorkCalendar) -> Report:
    """All figures of the report from the loaded history."""
    period = history.period
    norms = step_norms(chain, calendar)
    total = total_norm_minutes(chain, calendar)
    hi = min(period.end, history.cutoff)
    e = sort_by_file(history.entries)

    # -- files issued in the period: their clocks ------------------------------------------
    clocks = file_clocks(e, calendar, until=hi)
    permits = history.permits.set_index("reg_no")
    issued = _issued(clocks, permits, total)
    uncollected = int(permits["collected_at"].isna().sum())

    # -- files still open at the end of the period (or the cut-off) ------------------------
    before = _within(e, datetime(1970, 1, 1, tzinfo=UTC), hi)
    # entries loaded by load_history all are: the same clocks
    at_end = clocks if before.all() else file_clocks(e.loc[before], calendar, until=hi)
    open_end = at_end.loc[at_end["stop"].isna()]
    open_late = open_end.loc[open_end["minutes"] > total + 1 / 120].copy()

    # -- steps handed over in the period ---------------------------------------------------
    in_period = e.loc[_within(e, period.start, hi)]
    all_steps = measure_steps(e, norms, calendar)
    steps = all_steps.loc[_within(all_steps, period.start, hi)]
    step_table = _step_table(steps, norms)

    # -- where the late files' time went ---------------------------------------------------
    late_ids = set(issued.index[issued["late"]]) | set(open_late.index)
    late_steps = all_steps.loc[all_steps["reg_no"].isin(late_ids)]
    desk = _desk_table(steps, late_steps)
    officials = _official_table(steps)
    late_files = _late_files(issued, open_late, late_steps, e, norms, total, hi, calendar)
    daily = _daily(issued, period)
    summary = _summary(
        history.applications, permits, issued, uncollected, open_end, open_late, in_period, calendar
    )
    issued_files = issued.reset_index()
    return Report(
        period=period,
        cutoff=history.cutoff,
        product=chain.product,
        day_minutes=float(calendar.day_minutes),
        total_norm=total,
        summary=summary,
        steps=step_table,
        desks=desk.reset_index(),
        officials=officials.reset_index(drop=True),
        late_files=late_files,
        issued_files=issued_files,
        daily=daily,
        norms=norms,
    )


def _issued(clocks: pd.DataFrame, permits: pd.DataFrame, total: float) -> pd.DataFrame:
    """The clocks of the files issued in the period (``permits`` by ``reg_no``), with their
    permit number, numbering time and whether they were late."""
    issued = clocks.loc[clocks.index.intersection(permits.index)]
    # a check handed over after the numbering: the card's times are inconsistent (e.g. a
    # receipt time stored as office-local wall clock, 7 hours late); not a 0-minute clock
    issued = issued.loc[~(issued["start"] > issued["stop"]).to_numpy()].copy()
    issued["number"] = permits.loc[issued.index, "number"]
    issued["numbered_at"] = permits.loc[issued.index, "numbered_at"]
    issued["late"] = issued["minutes"] > total + 1 / 120
    return issued


def _step_table(steps: pd.DataFrame, norms: list[StepNorm]) -> pd.DataFrame:
    """Per SOP step: count, median, p90 and how many passed the norm."""
    step_rows = []
    step_of = steps["step_order"].to_numpy()
    step_minutes = steps["minutes"].to_numpy()
    step_late = steps["late"].to_numpy()
    for n in norms:
        rows = np.isin(step_of, [i for i, m in enumerate(norms) if m.code == n.code])
        s = pd.Series(step_minutes[rows], dtype=np.float64)
        med, p90 = quantiles(s)
        late = step_late[rows]
        step_rows.append(
            {
                "langkah": n.sop_step,
                "kode": n.code,
                "uraian": n.title,
                "pelaksana": ROLE_LABELS.get(Role(n.role), n.role),
                "norma_menit": n.norm_minutes,
                "norma": n.norm_label,
                "jumlah": int(s.size),
                "median_menit": med,
                "p90_menit": p90,
                "lewat_norma": int(late.sum()),
                "persen_lewat": float(late.mean() * 100) if s.size else float("nan"),
            }
        )
    step_table = pd.DataFrame(step_rows)
    return step_table


def _desk_table(steps: pd.DataFrame, late_steps: pd.DataFrame) -> pd.DataFrame:
    """Per desk (role): time over the norm, and the late files' time spent there."""
    desk = steps.groupby("role", observed=True).agg(
        jumlah=("minutes", "size"),
        lewat_norma=("late", "sum"),
        median_menit=("minutes", "median"),
        kelebihan_menit=("over_minutes", "sum"),
    )
    held = late_steps.groupby("role", observed=True).agg(
        berkas_terlambat=("reg_no", "nunique"), menit_berkas_terlambat=("minutes", "sum")
    )
    desk.index = pd.Index(np.asarray(desk.index, dtype=object), name="role")
    held.index = pd.Index(np.asarray(held.index, dtype=object), name="role")
    desk = desk.join(held, how="outer").fillna(0)
    desk["meja"] = [_role_label(r) for r in desk.index]
    desk = desk.sort_values(["kelebihan_menit", "menit_berkas_terlambat"], ascending=False)
    return desk


def _official_table(steps: pd.DataFrame) -> pd.DataFrame:
    """Per official: steps, how many passed the norm, time over the norm."""
    officials = (
        steps.groupby(["actor_nip", "actor_name", "role"], observed=True, dropna=False)
        .agg(
            jumlah=("minutes", "size"),
            lewat_norma=("late", "sum"),
            median_menit=("minutes", "median"),
            kelebihan_menit=("over_minutes", "sum"),
        )
        .reset_index()
    )
    officials = officials.rename(columns={"actor_nip": "nip", "actor_name": "nama"})
    for col in ("nip", "nama", "role"):
        officials[col] = np.asarray(officials[col], dtype=object)
    officials["nip"] = officials["nip"].fillna("")
    officials["jabatan"] = [_role_label(r) for r in officials["role"]]
    officials = officials.sort_values(["kelebihan_menit", "lewat_norma"], ascending=False)
    return officials


def _late_files(
    issued: pd.DataFrame,
    open_late: pd.DataFrame,
    late_steps: pd.DataFrame,
    e: pd.DataFrame,
    norms: list[StepNorm],
    total: float,
    hi: datetime,
    calendar: WorkCalendar,
) -> pd.DataFrame:
    """The late files (issued late, or still open past the limit), longest over first, with
    the time per step and where the time went."""
    late = pd.concat(
        [
            issued.loc[issued["late"], ["start", "stop", "minutes", "paused_minutes"]].assign(
                status="terbit"
            ),
            open_late[["start", "stop", "minutes", "paused_minutes"]].assign(status="proses"),
        ]
    )
    codes = [n.code for n in norms]
    titles = {n.code: n.title for n in norms}
    pivot = late_steps.pivot_table(
        index="reg_no",
        columns="step",
        values="minutes",
        aggfunc="sum",
        fill_value=0.0,
        observed=True,
    )
    pivot.index = pd.Index(np.asarray(pivot.index, dtype=object))
    parts = pivot.reindex(index=late.index, columns=codes).fillna(0.0)
    is_open = (late["status"] == "proses").to_numpy()
    waiting, waiting_desk = _waiting(e, late, is_open, hi, calendar)
    top_code = parts.idxmax(axis=1) if len(parts) else pd.Series(dtype=object)
    top_val = parts.max(axis=1).to_numpy() if len(parts) else np.zeros(0)
    top_label = np.where(
        waiting > top_val,
        np.char.add(waiting_desk.astype(str), " (belum diserahkan)"),
        top_code.map(titles).fillna("").to_numpy(dtype=str),
    )
    late_files = pd.DataFrame(
        {
            "reg_no": late.index.to_numpy(),
            "status": np.where(is_open, "belum selesai", "terbit"),
            "lengkap": late["start"].to_numpy(),
            "selesai": late["stop"].to_numpy(),
            "menit": late["minutes"].to_numpy(),
            "lebih_menit": late["minutes"].to_numpy() - total,
            "ditunda_menit": late["paused_minutes"].to_numpy(),
            "terlama_di": top_label,
            "menunggu_di": waiting_desk,
            "menunggu_menit": waiting,
            **{f"m_{c}": parts[c].to_numpy() for c in codes},
        }
    )
    late_files = late_files.sort_values("lebih_menit", ascending=False).reset_index(drop=True)
    return late_files


def _waiting(
    e: pd.DataFrame, late: pd.DataFrame, is_open: np.ndarray, hi: datetime, calendar: WorkCalendar
) -> tuple[np.ndarray, np.ndarray]:
    """For the late files still open: the working minutes since their last hand-over until
    ``hi`` and the desk they wait at (zero and empty for the issued ones)."""
    last = _last_per_file(e)
    last = last.set_index(pd.Index(np.asarray(last["reg_no"], dtype=object)))
    last = last.reindex(late.index)
    waiting = np.zeros(len(late))
    if is_open.any():
        t = last["handed_over_at"].to_numpy()[is_open]
        hi_arr = np.full(t.shape, np.datetime64(naive_utc(hi), "us"))
        waiting[is_open] = np.nan_to_num(calendar.working_time_many(t, hi_arr, naive="utc").minutes)
    handed_to = pd.Series(np.asarray(last["handed_to"], dtype=object)).fillna("")
    waiting_desk = np.where(is_open, handed_to.to_numpy(), "")
    return waiting, waiting_desk


def _daily(issued: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per office-local day of the period: permits issued on time and late."""
    local = pd.DatetimeIndex(issued["numbered_at"]).tz_localize("UTC").tz_convert(WIB)
    local_day = local.tz_localize(None).to_numpy().astype("datetime64[D]")
    day = (local_day - np.datetime64(period.first, "D")).astype(np.int64)  # index in days()
    n_days = len(period.days())
    in_days = (day >= 0) & (day < n_days)
    is_late = issued["late"].to_numpy(dtype=bool)
    daily = pd.DataFrame({"hari": period.days()})
    daily["tepat"] = np.bincount(day[in_days & ~is_late], minlength=n_days).astype(np.int64)
    daily["terlambat"] = np.bincount(day[in_days & is_late], minlength=n_days).astype(np.int64)
    return daily


def _summary(
    apps: pd.DataFrame,
    permits: pd.DataFrame,
    issued: pd.DataFrame,
    uncollected: int,
    open_end: pd.DataFrame,
    open_late: pd.DataFrame,
    in_period: pd.DataFrame,
    calendar: WorkCalendar,
) -> dict[str, float | int]:
    """The scalars of the summary (see the module docstring for what counts)."""
    summary: dict[str, float | int] = {
        "diterima": len(apps),
        "lengkap": int((apps["verdict"] == Verdict.COMPLETE).sum()),
        "dikembalikan": int((apps["verdict"] == Verdict.INCOMPLETE).sum()),
        "terbit": len(permits),
        "terbit_terukur": len(issued),
        "terbit_tidak_terukur": len(permits) - len(issued),
        "tepat_waktu": int((~issued["late"]).sum()),
        "terlambat": int(issued["late"].sum()),
        "belum_diambil": uncollected,
        "proses_akhir_periode": len(open_end),
        "proses_lewat_batas": len(open_late),
        "persen_tepat": float((~issued["late"]).mean() * 100) if len(issued) else float("nan"),
        "median_hari": float(np.median(issued["minutes"])) / calendar.day_minutes
        if len(issued)
        else float("nan"),
        "p90_hari": float(np.quantile(issued["minutes"], 0.9)) / calendar.day_minutes
        if len(issued)
        else float("nan"),
        "entri_kartu": len(in_period),
        "berkas_dicakup": len(
            distinct_ids(apps["reg_no"])
            | set(permits.index.tolist())
            | distinct_ids(in_period["reg_no"])
        ),
    }
    return summary
