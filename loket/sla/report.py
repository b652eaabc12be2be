"""SLA report data (Laporan Capaian Waktu Pelayanan): periods, loading, figures.

:func:`load_history` reads the register, the permits and the control cards of a period into
pandas frames (on SQLite one ``group_concat`` string per column, parsed by numpy; the
registration number, action, role and actor as categoricals, so a year of a million card
entries loads in about a second); :func:`compute` turns them into the figures of the report with
:mod:`loket.sla.tracking` and the vectorised calendar. Rendering: :mod:`loket.sla.render`.

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

import re
import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from loket.approval.chain import ServiceChain
from loket.approval.models import Approval, CardEntry, Permit, as_utc
from loket.approval.officials import ROLE_LABELS, Role
from loket.calendar.office_calendar import WorkCalendar
from loket.documents.officedocs import BULAN
from loket.intake.register import Application
from loket.sla.tracking import (
    NUMBERING,
    StepNorm,
    column_is,
    file_clocks,
    measure_steps,
    naive_utc,
    quantiles,
    sort_by_file,
    step_norms,
    total_norm_minutes,
)

WIB = ZoneInfo("Asia/Jakarta")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """A report period in office-local days: ``[first, last]``; ``start``/``end`` in UTC
    (``end`` exclusive)."""

    kind: str  # bulan | minggu | tahun
    code: str  # 2026-11 | 2026-W48 | 2026
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), WIB).astimezone(UTC)

    @property
    def end(self) -> datetime:
        nxt = self.last + timedelta(days=1)
        return datetime.combine(nxt, datetime.min.time(), WIB).astimezone(UTC)

    @property
    def label(self) -> str:
        if self.kind == "bulan":
            return f"{BULAN[self.first.month - 1]} {self.first.year}"
        if self.kind == "tahun":
            return f"Tahun {self.first.year}"
        week = int(self.code.split("W")[1])
        return (
            f"Minggu ke-{week} Tahun {self.first.isocalendar().year} "
            f"({_tgl(self.first)} s.d. {_tgl(self.last)})"
        )

    @property
    def kind_label(self) -> str:
        return {"bulan": "Bulanan", "minggu": "Mingguan", "tahun": "Tahunan"}[self.kind]

    def days(self) -> list[date]:
        n = (self.last - self.first).days + 1
        return [self.first + timedelta(days=i) for i in range(n)]


def _tgl(d: date) -> str:
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def parse_period(text: str) -> Period:
    """``YYYY-MM`` (month), ``YYYY-Www`` (ISO week) or ``YYYY`` (year)."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise PeriodError(f"bulan tidak dikenal: {text} (tulis YYYY-MM, mis. 2026-11)")
        first = date(y, mo, 1)
        last = (date(y + (mo == 12), mo % 12 + 1, 1)) - timedelta(days=1)
        return Period("bulan", f"{y:04d}-{mo:02d}", first, last)
    if m := re.fullmatch(r"(\d{4})-?[Ww](\d{1,2})", text):
        y, w = int(m[1]), int(m[2])
        try:
            first = date.fromisocalendar(y, w, 1)
        except ValueError:
            raise PeriodError(f"minggu tidak dikenal: {text} (YYYY-Www, mis. 2026-W48)") from None
        return Period("minggu", f"{y:04d}-W{w:02d}", first, first + timedelta(days=6))
    if re.fullmatch(r"\d{4}", text):
        y = int(text)
        return Period("tahun", text, date(y, 1, 1), date(y, 12, 31))
    raise PeriodError(f"periode tidak dikenal: {text!r} (YYYY-MM, YYYY-Www atau YYYY)")


def previous_month(today: date) -> Period:
    first = today.replace(day=1) - timedelta(days=1)
    return parse_period(f"{first.year:04d}-{first.month:02d}")


def previous_week(today: date) -> Period:
    iso = (today - timedelta(days=7)).isocalendar()
    return parse_period(f"{iso.year:04d}-W{iso.week:02d}")


# ---------------------------------------------------------------------------------------
# loading


@dataclass
class History:
    """The raw data of one period, as of ``cutoff``."""

    period: Period
    cutoff: datetime
    applications: pd.DataFrame  # reg_no, received_at, verdict (received in the period)
    permits: pd.DataFrame  # reg_no, number, numbered_at, collected_at (numbered in the period)
    entries: pd.DataFrame  # card entries (ENTRY_COLUMNS + handed_to) of the relevant files
    open_files: pd.DataFrame = field(default_factory=pd.DataFrame)


#: how far before the period card entries are read at once; older cards of files still
#: relevant are read completely in a second query
LOOKBACK = timedelta(days=31)
_SEP = "\x1f"
_CHUNK = 5000


def _bind(value: object) -> object:
    if isinstance(value, datetime):  # as SQLAlchemy stores DateTime in SQLite (naive UTC)
        return f"{naive_utc(value):%Y-%m-%d %H:%M:%S.%f}"
    return value


def _frame(session: Session, stmt: Select, spec: dict[str, str]) -> pd.DataFrame:
    """The rows of ``stmt`` (columns labelled as the keys of ``spec``) as a frame typed by
    ``spec`` (``str`` | ``cat`` | ``int`` | ``dt``: naive UTC ``datetime64[us]``).

    On SQLite each column is fetched as one ``group_concat`` string and split (no Python
    tuple per row: ~5x faster for a year of card entries); elsewhere rows are fetched.
    """
    names = list(spec)
    dialect = session.get_bind().dialect
    out: dict[str, object] = {}
    if dialect.name == "sqlite":
        compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        params = [_bind(compiled.params[k]) for k in compiled.positiontup or ()]
        aggs = ", ".join(
            f"group_concat(coalesce({n}, '{'NaT' if spec[n] == 'dt' else ''}'), ?)" for n in names
        )
        raw = session.connection().connection.driver_connection
        assert raw is not None
        row = raw.execute(
            f"SELECT count(*), {aggs} FROM ({compiled}) AS q", [*[_SEP] * len(names), *params]
        ).fetchone()
        count = int(row[0])
        for (n, kind), joined in zip(spec.items(), row[1:], strict=True):
            if kind == "int" and count:
                with warnings.catch_warnings():  # not all integers: the list path below
                    warnings.simplefilter("ignore")
                    ints = np.fromstring(joined, dtype=np.int64, sep=_SEP)
                if ints.size == count:
                    out[n] = ints
                    continue
            out[n] = _typed(kind, joined.split(_SEP) if count else [], text=True)
    else:
        rows = session.execute(stmt).all()
        for i, (n, kind) in enumerate(spec.items()):
            out[n] = _typed(kind, [r[i] for r in rows], text=False)
    return pd.DataFrame(out)


def _typed(kind: str, values: list, *, text: bool) -> object:
    """One column of :func:`_frame` from its values (``text``: SQLite's strings)."""
    if kind == "dt":
        if text:
            return np.array(values, dtype="datetime64[us]")
        ts = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        return ts.dt.tz_convert(None).to_numpy().astype("datetime64[us]")
    if kind == "int":
        return np.array(values, dtype=np.int64)
    if kind == "cat":
        if not text:
            values = [v if v is not None else "" for v in values]
        # factorize + from_codes: as pd.Categorical(values) (sorted categories), ~2x faster
        codes, categories = pd.factorize(np.asarray(values, dtype=object), sort=True)
        return pd.Categorical.from_codes(codes, categories=pd.Index(categories))
    return np.array([v if v != "" else None for v in values], dtype=object)


def _ids(column: pd.Series) -> set[str]:
    """The distinct values of a column of registration numbers (by code if categorical)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = np.unique(column.cat.codes.to_numpy())
        return set(np.asarray(column.cat.categories, dtype=object)[codes[codes >= 0]].tolist())
    return set(column.to_numpy(dtype=object).tolist())


_ENTRY_SPEC = {
    "reg_no": "cat",
    "seq": "int",
    "action": "cat",
    "role": "cat",
    "actor_nip": "cat",
    "actor_name": "cat",
    "received_at": "dt",
    "handed_over_at": "dt",
}


def _entry_select() -> Select:
    return select(*(getattr(CardEntry, n).label(n) for n in _ENTRY_SPEC))


def load_history(
    session: Session, period: Period, cutoff: datetime, service: str | None = None
) -> History:
    """Register rows, permits and card entries of ``period`` known at ``cutoff``.

    Card entries: every entry handed over before the period's end (or the cut-off) of the
    files that had card activity in the period or were in the chain during it.
    """
    cut = as_utc(cutoff)
    start, end = naive_utc(period.start), naive_utc(period.end)
    stop = min(naive_utc(cut), end)
    cutn = naive_utc(cut)

    q = select(
        Application.reg_no.label("reg_no"),
        Application.received_at.label("received_at"),
        Application.verdict.label("verdict"),
    ).where(Application.received_at >= start, Application.received_at < stop)
    if service:
        q = q.where(Application.service == service)
    apps = _frame(session, q, {"reg_no": "str", "received_at": "dt", "verdict": "str"})

    q = (
        select(
            Permit.reg_no.label("reg_no"),
            Permit.number.label("number"),
            Permit.numbered_at.label("numbered_at"),
            Approval.collected_at.label("collected_at"),
        )
        .join(Approval, Approval.reg_no == Permit.reg_no)
        .where(Permit.numbered_at >= start, Permit.numbered_at < stop)
    )
    if service:
        q = q.where(Approval.service == service)
    permits = _frame(
        session,
        q,
        {"reg_no": "str", "number": "str", "numbered_at": "dt", "collected_at": "dt"},
    )
    late_collect = permits["collected_at"] > np.datetime64(cutn, "us")
    permits.loc[late_collect, "collected_at"] = pd.NaT

    # entries of the window [start - LOOKBACK, stop): one scan
    window = _frame(
        session,
        _entry_select().where(
            CardEntry.handed_over_at >= start - LOOKBACK, CardEntry.handed_over_at < stop
        ),
        _ENTRY_SPEC,
    )
    q = select(Approval.reg_no.label("reg_no")).where(
        Approval.started_at < stop,
        or_(Approval.completed_at.is_(None), Approval.completed_at >= start),
    )
    if service:
        q = q.where(Approval.service == service)
    in_chain = _ids(_frame(session, q, {"reg_no": "str"})["reg_no"])
    # by the codes of the categorical reg_no: no Python object per card entry
    codes = window["reg_no"].cat.codes.to_numpy().astype(np.int64)
    files = np.asarray(window["reg_no"].cat.categories, dtype=object)
    t = window["handed_over_at"].to_numpy()
    active = set(files[np.unique(codes[t >= np.datetime64(start, "us")])].tolist())
    relevant = active | in_chain
    if service and len(window):
        q = select(Approval.reg_no.label("reg_no")).where(Approval.service != service)
        relevant -= _ids(_frame(session, q, {"reg_no": "str"})["reg_no"])
    keep = np.fromiter((f in relevant for f in files), dtype=bool, count=len(files))
    rows = keep[codes]
    window, codes = window[rows], codes[rows]
    # files whose whole card is in the window (it starts there, with entry 1)
    first_seq = np.full(len(files), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first_seq, codes, window["seq"].to_numpy())
    whole = first_seq == 1
    partial = sorted(relevant - set(files[whole].tolist()))
    parts = [window[whole[codes]]]
    for i in range(0, len(partial), _CHUNK):  # older files: their whole card
        chunk = partial[i : i + _CHUNK]
        parts.append(
            _frame(
                session,
                _entry_select().where(CardEntry.reg_no.in_(chunk), CardEntry.handed_over_at < stop),
                _ENTRY_SPEC,
            )
        )
    entries = _concat([p for p in parts if len(p)] or [parts[0]])
    entries["sop_step"] = np.nan
    order = np.lexsort((entries["seq"].to_numpy(), entries["reg_no"].cat.codes.to_numpy()))
    entries = entries.take(order).reset_index(drop=True)
    _add_handed_to(session, entries, stop)
    return History(period, cut, apps, permits, entries)


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Card-entry frames as one, the categorical columns kept categorical (categories of
    all parts, sorted)."""
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    cats = [c for c, kind in _ENTRY_SPEC.items() if kind == "cat"]
    out = pd.concat([p.drop(columns=cats) for p in parts], ignore_index=True)
    for c in cats:
        out[c] = union_categoricals([p[c] for p in parts], sort_categories=True)
    return out[list(_ENTRY_SPEC)]


def _add_handed_to(session: Session, entries: pd.DataFrame, stop: datetime) -> None:
    """``handed_to`` (where the file went) of the last entry of each unnumbered file: where
    it waits. Read separately: only these few rows need it. ``entries`` are ordered by
    file (categorical ``reg_no``) and ``seq``."""
    entries["handed_to"] = ""
    if entries.empty:
        return
    codes = entries["reg_no"].cat.codes.to_numpy()
    numbered = np.zeros(len(entries["reg_no"].cat.categories), dtype=bool)
    numbered[codes[column_is(entries["action"], NUMBERING)]] = True
    is_last = np.ones(len(entries), dtype=bool)
    is_last[:-1] = codes[1:] != codes[:-1]
    last = entries.loc[is_last & ~numbered[codes]]
    regs = sorted(set(last["reg_no"]))
    found: dict[tuple[str, int], str] = {}
    for i in range(0, len(regs), _CHUNK):
        q = select(
            CardEntry.reg_no.label("reg_no"),
            CardEntry.seq.label("seq"),
            CardEntry.handed_to.label("handed_to"),
        ).where(CardEntry.reg_no.in_(regs[i : i + _CHUNK]), CardEntry.handed_over_at < stop)
        rows = _frame(session, q, {"reg_no": "str", "seq": "int", "handed_to": "str"})
        found |= {
            (r, int(q_)): h or ""
            for r, q_, h in zip(rows["reg_no"], rows["seq"], rows["handed_to"], strict=True)
        }
    keys = zip(last["reg_no"].astype(str), last["seq"], strict=True)
    entries.loc[last.index, "handed_to"] = [found.get((r, int(q_)), "") for r, q_ in keys]


# ---------------------------------------------------------------------------------------
# figures


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
    issued = clocks.loc[clocks.index.intersection(permits.index)]
    # a check handed over after the numbering: the card's times are inconsistent (e.g. a
    # receipt time stored as office-local wall clock, 7 hours late); not a 0-minute clock
    issued = issued.loc[~(issued["start"] > issued["stop"]).to_numpy()].copy()
    issued["number"] = permits.loc[issued.index, "number"]
    issued["numbered_at"] = permits.loc[issued.index, "numbered_at"]
    issued["late"] = issued["minutes"] > total + 1 / 120
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

    # -- where the late files' time went ---------------------------------------------------
    late_ids = set(issued.index[issued["late"]]) | set(open_late.index)
    late_steps = all_steps.loc[all_steps["reg_no"].isin(late_ids)]

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

    # -- the list of late files ------------------------------------------------------------
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
    last = _last_per_file(e)
    last = last.set_index(pd.Index(np.asarray(last["reg_no"], dtype=object)))
    last = last.reindex(late.index)
    is_open = (late["status"] == "proses").to_numpy()
    waiting = np.zeros(len(late))
    if is_open.any():
        t = last["handed_over_at"].to_numpy()[is_open]
        hi_arr = np.full(t.shape, np.datetime64(naive_utc(hi), "us"))
        waiting[is_open] = np.nan_to_num(calendar.working_time_many(t, hi_arr, naive="utc").minutes)
    handed_to = pd.Series(np.asarray(last["handed_to"], dtype=object)).fillna("")
    waiting_desk = np.where(is_open, handed_to.to_numpy(), "")
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

    # -- per day: issued on time / late ----------------------------------------------------
    local = pd.DatetimeIndex(issued["numbered_at"]).tz_localize("UTC").tz_convert(WIB)
    local_day = local.tz_localize(None).to_numpy().astype("datetime64[D]")
    day = (local_day - np.datetime64(period.first, "D")).astype(np.int64)  # index in days()
    n_days = len(period.days())
    in_days = (day >= 0) & (day < n_days)
    is_late = issued["late"].to_numpy(dtype=bool)
    daily = pd.DataFrame({"hari": period.days()})
    daily["tepat"] = np.bincount(day[in_days & ~is_late], minlength=n_days).astype(np.int64)
    daily["terlambat"] = np.bincount(day[in_days & is_late], minlength=n_days).astype(np.int64)

    apps = history.applications
    summary: dict[str, float | int] = {
        "diterima": len(apps),
        "lengkap": int((apps["verdict"] == "complete").sum()),
        "dikembalikan": int((apps["verdict"] == "incomplete").sum()),
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
            _ids(apps["reg_no"]) | set(permits.index.tolist()) | _ids(in_period["reg_no"])
        ),
    }
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
