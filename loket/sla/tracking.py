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

from loket.approval import Action, ServiceChain
from loket.calendar import WorkCalendar

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
    """One row per measured card entry: ``step``, ``step_order`` (index in ``norms``),
    ``minutes`` (working), ``norm_minutes``, ``late`` and ``over_minutes`` (working minutes
    beyond the norm, 0 when on time).

    An entry is matched to a step by its card action and role (``pemeriksaan`` to the
    front-office check); an entry whose action is a step's but whose role is none of that
    action's steps (a step recorded under another role) is matched by its action alone, to the
    first such step. Entries of other actions (receipt, delivery, escalation notes, returns to
    the applicant) are not measured.
    """
    pairs = [(n.action, n.role) for n in norms]
    if len(set(pairs)) != len(pairs):  # ambiguous norms: a row per match, as a join gives
        return _measure_steps_join(entries, norms, calendar)
    by_pair = {pair: i for i, pair in enumerate(pairs)}
    by_action: dict[str, int] = {}
    for i, n in enumerate(norms):
        by_action.setdefault(n.action, i)
    a_codes, a_values = _codes(entries["action"])
    r_codes, r_values = _codes(entries["role"])
    # (action, role) -> norm index as a small table over the distinct values
    lut = np.full((len(a_values) + 1, len(r_values) + 1), -1, dtype=np.int64)
    for i, a in enumerate(a_values):
        fallback = by_action.get(a, -1)
        lut[i, :] = fallback
        for j, r in enumerate(r_values):
            lut[i, j] = by_pair.get((a, r), fallback)
    # code -1 (a missing value) reads the last row or column: no step for a missing action,
    # the action's first step for a missing role (as the join's fallback did)
    idx = lut[a_codes, r_codes]
    keep = np.flatnonzero(idx >= 0)
    idx = idx[keep]
    rows = entries.iloc[keep].reset_index(drop=True)
    rows["step"] = np.array([n.code for n in norms], dtype=object)[idx]
    rows["step_order"] = idx
    rows["norm_minutes"] = np.array([n.norm_minutes for n in norms], dtype=np.float64)[idx]
    return _step_minutes(rows, calendar)


def _measure_steps_join(
    entries: pd.DataFrame, norms: Sequence[StepNorm], calendar: WorkCalendar
) -> pd.DataFrame:
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
    return _step_minutes(rows, calendar)


def _step_minutes(rows: pd.DataFrame, calendar: WorkCalendar) -> pd.DataFrame:
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

    Files without a passed check are left out (their clock has not started). Rows are in
    card order (by ``reg_no``, as :func:`sort_by_file` orders them).
    """
    cut = np.datetime64(naive_utc(until), "us")
    e = sort_by_file(entries)
    codes, files = _codes(e["reg_no"])
    n_files = len(files)
    known = codes >= 0
    handed = e["handed_over_at"].to_numpy()
    is_check = column_is(e["action"], CHECK) & known
    starts = _max_per_code(codes, handed, is_check, n_files)
    stops = _max_per_code(codes, handed, column_is(e["action"], NUMBERING) & known, n_files)
    order = pd.unique(codes[is_check])  # files with a passed check, in card order
    out = pd.DataFrame(
        {"start": starts[order], "stop": stops[order]},
        index=pd.Index(files[order], name="reg_no"),
    )
    start = out["start"].to_numpy()
    end = out["stop"].to_numpy().copy()
    end[np.isnat(end)] = cut
    end = np.maximum(end, start)
    span = calendar.working_time_many(start, end, naive="utc").minutes
    paused = np.zeros(len(out))
    is_return = column_is(e["action"], RETURN_TO_APPLICANT) & known
    if is_return.any():
        # the clock resumes when the next entry of the same card is received
        received = e["received_at"].to_numpy()
        nxt = np.full(received.shape, np.datetime64("NaT"), dtype=received.dtype)
        same = codes[1:] == codes[:-1]
        nxt[:-1][same] = received[1:][same]
        slot = np.full(n_files, -1, dtype=np.int64)
        slot[order] = np.arange(order.size)
        pos = slot[codes[is_return]]
        ok = pos >= 0
        if ok.any():
            pos = pos[ok]
            p0 = handed[is_return][ok]
            p1 = nxt[is_return][ok]
            p1[np.isnat(p1)] = cut
            a = np.maximum(p0, start[pos])
            b = np.maximum(np.minimum(p1, end[pos]), a)
            mins = calendar.working_time_many(a, b, naive="utc").minutes
            np.add.at(paused, pos, np.nan_to_num(mins))
    out["paused_minutes"] = paused
    out["minutes"] = np.maximum(np.nan_to_num(span) - paused, 0.0)
    return out


def sort_by_file(entries: pd.DataFrame) -> pd.DataFrame:
    """``entries`` ordered by ``reg_no`` and ``seq`` (stable); returned as is when they
    already are (a categorical ``reg_no`` orders by its categories)."""
    reg = entries["reg_no"]
    if len(entries) > 1 and isinstance(reg.dtype, pd.CategoricalDtype):
        k = reg.cat.codes.to_numpy()
        dk = np.diff(k)
        ds = np.diff(entries["seq"].to_numpy())
        if k.min() >= 0 and bool(((dk > 0) | ((dk == 0) & (ds >= 0))).all()):
            return entries
    return entries.sort_values(["reg_no", "seq"], kind="stable")


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of ``column`` (-1 for missing values) and the values (object array)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        values = np.asarray(column.cat.categories, dtype=object)
        return column.cat.codes.to_numpy().astype(np.int64), values
    codes, values = pd.factorize(np.asarray(column.to_numpy(), dtype=object))
    return codes.astype(np.int64), np.asarray(values, dtype=object)


def column_is(column: pd.Series, value: str) -> np.ndarray:
    """``column == value`` as a boolean array (by code for a categorical column)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cats = column.cat.categories
        if value not in cats:
            return np.zeros(len(column), dtype=bool)
        return column.cat.codes.to_numpy() == cats.get_loc(value)
    return np.asarray(np.asarray(column.to_numpy(), dtype=object) == value, dtype=bool)


def _max_per_code(codes: np.ndarray, times: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """The latest of ``times[mask]`` per code (NaT where none), as ``times``' dtype."""
    ticks = times.view(np.int64)  # NaT is the smallest int64
    out = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(out, codes[mask], ticks[mask])
    return out.view(times.dtype)


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
