"""SLA tracking over the control card (pure: data frames in, data frames out, no database).

The service standard promises the permit within **2 working days of a complete file**
(``total_norm`` of ``rules/alur-persetujuan.yaml``). Measured here:

- **the file's clock** starts when the front-office check passes (the card's ``pemeriksaan``
  entry, its ``handed_over_at``; the last one if the file was checked again) and stops at
  numbering (the ``penomoran`` entry). Time during which the file was back with the applicant
  does not count: an entry with action :data:`RETURN_TO_APPLICANT` pauses the clock from its
  hand-over until the next entry of the card is received. Files returned at the check
  itself never start the clock (it starts at the check that passes);
- **each step** (one card entry of a chain step, one round of it when a file was returned
  inside the chain) takes the office's working time from ``received_at`` to
  ``handed_over_at``; it is late when that exceeds the step's norm.

All working times come from the vectorised calendar (:meth:`WorkCalendar.working_time_many`):
office hours, holidays, cuti bersama and closures of ``rules/calendar/``.

Input frame (:data:`ENTRY_COLUMNS`): one row per card entry; ``received_at`` and
``handed_over_at`` are naive ``datetime64`` columns in UTC (as SQLite returns them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from loket.calendar import WorkCalendar
from loket.chain import Action, ServiceChain

#: card action of the front-office completeness check (SOP step 2): the clock starts here
CHECK = "pemeriksaan"
#: card action of numbering (SOP step 8): the clock stops here
NUMBERING = Action.penomoran.value
#: card action recorded when a file goes back to the applicant: the clock pauses
RETURN_TO_APPLICANT = "pengembalian_pemohon"
#: card action of an escalation note (never measured)
ESCALATION = "eskalasi"

ENTRY_COLUMNS = (
    "reg_no",
    "seq",
    "sop_step",
    "action",
    "role",
    "actor_nip",
    "actor_name",
    "received_at",
    "handed_over_at",
)


@dataclass(frozen=True)
class StepNorm:
    """A step of the chain with its norm in working minutes."""

    code: str
    sop_step: int
    title: str
    role: str
    action: str
    norm_minutes: float
    norm_label: str


def step_norms(chain: ServiceChain, calendar: WorkCalendar) -> list[StepNorm]:
    """The measured steps: the front-office check (35 minutes, SOP step 2) and the chain's
    steps up to numbering (delivery waits for the applicant and is not part of the SLA)."""
    check = StepNorm(
        code="pemeriksaan",
        sop_step=2,
        title="Pemeriksaan kelengkapan berkas",
        role="front_office",
        action=CHECK,
        norm_minutes=35.0,
        norm_label="35 menit",
    )
    out = [check]
    for s in chain.steps:
        if s.action == Action.penyerahan:
            continue
        minutes = (
            float(s.norm.minutes)
            if s.norm.minutes is not None
            else float((s.norm.working_days or 0) * calendar.day_minutes)
        )
        out.append(
            StepNorm(
                s.code, s.sop_step, s.title, s.role.value, s.action.value, minutes, s.norm.label
            )
        )
    return out


def total_norm_minutes(chain: ServiceChain, calendar: WorkCalendar) -> float:
    n = chain.total_norm
    if n.minutes is not None:
        return float(n.minutes)
    return float((n.working_days or 0) * calendar.day_minutes)


def empty_entries() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in ENTRY_COLUMNS})
    frame["seq"] = frame["seq"].astype(np.int64)
    frame["sop_step"] = frame["sop_step"].astype(np.float64)
    for c in ("received_at", "handed_over_at"):
        frame[c] = pd.Series(dtype="datetime64[us]")
    return frame


def measure_steps(
    entries: pd.DataFrame, norms: Sequence[StepNorm], calendar: WorkCalendar
) -> pd.DataFrame:
    """One row per measured card entry: ``step``, ``minutes`` (working), ``norm_minutes``,
    ``late`` and ``over_minutes`` (working minutes beyond the norm, 0 when on time).

    An entry is matched to a step by its card action and role (``pemeriksaan`` to the
    front-office check); entries of other actions (receipt, delivery, escalation notes,
    returns to the applicant) are not measured.
    """
    table = pd.DataFrame(
        {
            "action": [n.action for n in norms],
            "role": [n.role for n in norms],
            "step": [n.code for n in norms],
            "step_order": np.arange(len(norms), dtype=np.int64),
            "norm_minutes": [n.norm_minutes for n in norms],
        }
    )
    rows = entries.merge(table, on=["action", "role"], how="left")
    missing = rows["step"].isna() & rows["action"].isin(table["action"])
    if missing.any():  # a step recorded under another role: match by action alone
        first = table.drop_duplicates("action").set_index("action")
        for col in ("step", "step_order", "norm_minutes"):
            rows.loc[missing, col] = rows.loc[missing, "action"].map(first[col])
    rows = rows.loc[rows["step"].notna()].reset_index(drop=True)
    rows["step_order"] = rows["step_order"].astype(np.int64)
    rows["norm_minutes"] = rows["norm_minutes"].astype(np.float64)
    wt = calendar.working_time_many(rows["received_at"], rows["handed_over_at"], naive="utc")
    rows["minutes"] = np.maximum(np.nan_to_num(wt.minutes), 0.0)
    # times on the card are whole seconds: half a second of slack against rounding
    over = rows["minutes"].to_numpy() - rows["norm_minutes"].to_numpy()
    late = over > 1 / 120
    rows["late"] = late
    rows["over_minutes"] = np.where(late, over, 0.0)
    return rows


def file_clocks(entries: pd.DataFrame, calendar: WorkCalendar, *, until: datetime) -> pd.DataFrame:
    """Per file (index ``reg_no``): ``start`` (check passed), ``stop`` (numbered; NaT while
    open), ``paused_minutes`` (with the applicant) and ``minutes``: working time on the
    clock, up to ``stop`` or, for an open file, up to ``until``.

    Files without a passed check are left out (their clock has not started).
    """
    cut = np.datetime64(naive_utc(until), "us")
    e = entries.sort_values(["reg_no", "seq"], kind="stable")
    action = np.asarray(e["action"].to_numpy(), dtype=object)
    checks = _by_file(e.loc[action == CHECK])["handed_over_at"].max()
    stops = _by_file(e.loc[action == NUMBERING])["handed_over_at"].max()
    checks.index = pd.Index(np.asarray(checks.index, dtype=object))
    stops.index = pd.Index(np.asarray(stops.index, dtype=object))
    out = pd.DataFrame({"start": checks})
    out.index.name = "reg_no"
    out["stop"] = stops.reindex(out.index)
    start = out["start"].to_numpy()
    end = out["stop"].to_numpy().copy()
    end[np.isnat(end)] = cut
    end = np.maximum(end, start)
    span = calendar.working_time_many(start, end, naive="utc").minutes
    paused = np.zeros(len(out))
    is_return = action == RETURN_TO_APPLICANT
    if is_return.any():
        nxt = _by_file(e)["received_at"].shift(-1).to_numpy()[is_return]
        regs = np.asarray(e["reg_no"].to_numpy(), dtype=object)[is_return]
        pos = out.index.get_indexer(regs)
        ok = pos >= 0
        if ok.any():
            pos = pos[ok]
            p0 = e["handed_over_at"].to_numpy()[is_return][ok]
            p1 = nxt[ok].copy()
            p1[np.isnat(p1)] = cut
            a = np.maximum(p0, start[pos])
            b = np.maximum(np.minimum(p1, end[pos]), a)
            mins = calendar.working_time_many(a, b, naive="utc").minutes
            np.add.at(paused, pos, np.nan_to_num(mins))
    out["paused_minutes"] = paused
    out["minutes"] = np.maximum(np.nan_to_num(span) - paused, 0.0)
    return out


def _by_file(frame: pd.DataFrame):  # type: ignore[no-untyped-def]
    """Group by file; ``reg_no`` may be categorical (only the files present count)."""
    return frame.groupby("reg_no", sort=False, observed=True)


def naive_utc(value: datetime) -> datetime:
    """A naive UTC datetime (the frames' convention); naive input is taken to be UTC."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def clock_minutes(
    entries: pd.DataFrame, calendar: WorkCalendar, *, until: datetime
) -> float | None:
    """The clock of one file (``entries`` of one card); None while it has not started."""
    clocks = file_clocks(entries, calendar, until=until)
    if clocks.empty:
        return None
    return float(clocks["minutes"].iloc[0])


def quantiles(values: pd.Series) -> tuple[float, float]:
    """(median, p90) with linear interpolation; NaN for no values."""
    if values.empty:
        return (float("nan"), float("nan"))
    arr = values.to_numpy(dtype=np.float64)
    return (float(np.quantile(arr, 0.5)), float(np.quantile(arr, 0.9)))
