"""Loading the data of an SLA report period: register rows, permits and control-card entries.

:func:`load_history` reads the register, the permits and the control cards of a period into
pandas frames (on SQLite one ``group_concat`` string per column, parsed by numpy; the
registration number, action, role and actor as categoricals, so a year of a million card
entries loads in about a second). The figures are computed from them by
:mod:`loket.sla.figures`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from loket.approval import Approval, CardEntry, Permit
from loket.common.clock import as_utc
from loket.intake import Application
from loket.sla.periods import Period
from loket.sla.tracking import NUMBERING, column_is, naive_utc


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


def distinct_ids(column: pd.Series) -> set[str]:
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
    apps = _load_applications(session, start, stop, service)
    permits = _load_permits(session, start, stop, cutn, service)
    entries = _load_entries(session, start, stop, service)
    return History(period, cut, apps, permits, entries)


def _load_applications(
    session: Session, start: datetime, stop: datetime, service: str | None
) -> pd.DataFrame:
    """Register rows received in ``[start, stop)`` (naive UTC)."""
    q = select(
        Application.reg_no.label("reg_no"),
        Application.received_at.label("received_at"),
        Application.verdict.label("verdict"),
    ).where(Application.received_at >= start, Application.received_at < stop)
    if service:
        q = q.where(Application.service == service)
    apps = _frame(session, q, {"reg_no": "str", "received_at": "dt", "verdict": "str"})
    return apps


def _load_permits(
    session: Session, start: datetime, stop: datetime, cutn: datetime, service: str | None
) -> pd.DataFrame:
    """Permits numbered in ``[start, stop)``; a collection after the cut-off ``cutn`` (naive
    UTC) is not known yet."""
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
    return permits


def _load_entries(
    session: Session, start: datetime, stop: datetime, service: str | None
) -> pd.DataFrame:
    """The card entries of the relevant files handed over before ``stop``, ordered by file
    and ``seq``, with ``handed_to`` of the last entry of each unnumbered file."""
    # entries of the window [start - LOOKBACK, stop): one scan
    window = _frame(
        session,
        _entry_select().where(
            CardEntry.handed_over_at >= start - LOOKBACK, CardEntry.handed_over_at < stop
        ),
        _ENTRY_SPEC,
    )
    # by the codes of the categorical reg_no: no Python object per card entry
    codes = window["reg_no"].cat.codes.to_numpy().astype(np.int64)
    files = np.asarray(window["reg_no"].cat.categories, dtype=object)
    relevant = _relevant_files(session, window, codes, files, start, stop, service)
    keep = np.fromiter((f in relevant for f in files), dtype=bool, count=len(files))
    rows = keep[codes]
    window, codes = window[rows], codes[rows]
    parts = _whole_cards(session, window, codes, files, relevant, stop)
    entries = _concat([p for p in parts if len(p)] or [parts[0]])
    entries["sop_step"] = np.nan
    order = np.lexsort((entries["seq"].to_numpy(), entries["reg_no"].cat.codes.to_numpy()))
    entries = entries.take(order).reset_index(drop=True)
    _add_handed_to(session, entries, stop)
    return entries


def _relevant_files(
    session: Session,
    window: pd.DataFrame,
    codes: np.ndarray,
    files: np.ndarray,
    start: datetime,
    stop: datetime,
    service: str | None,
) -> set[str]:
    """Files with card activity in the period (``window`` entries from ``start``) or in the
    chain during it, of ``service`` if given."""
    q = select(Approval.reg_no.label("reg_no")).where(
        Approval.started_at < stop,
        or_(Approval.completed_at.is_(None), Approval.completed_at >= start),
    )
    if service:
        q = q.where(Approval.service == service)
    in_chain = distinct_ids(_frame(session, q, {"reg_no": "str"})["reg_no"])
    t = window["handed_over_at"].to_numpy()
    active = set(files[np.unique(codes[t >= np.datetime64(start, "us")])].tolist())
    relevant = active | in_chain
    if service and len(window):
        q = select(Approval.reg_no.label("reg_no")).where(Approval.service != service)
        relevant -= distinct_ids(_frame(session, q, {"reg_no": "str"})["reg_no"])
    return relevant


def _whole_cards(
    session: Session,
    window: pd.DataFrame,
    codes: np.ndarray,
    files: np.ndarray,
    relevant: set[str],
    stop: datetime,
) -> list[pd.DataFrame]:
    """The cards of the relevant files: those that start in ``window`` (with entry 1) from
    it, the older ones read completely."""
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
    return parts


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
