"""Working-time calendar speed: time per million intervals, vectorised vs per-interval loops.

    .venv/bin/python bench/working_time.py [--count 1000000] [--sample 20000] [--seed 5]

Generates ``count`` random intervals (starts anywhere in 2025-2026, a quarter of them outside
office hours; lengths up to three weeks) and measures, in the same run:

* vectorised ``working_time_many`` / ``due_many`` on all of them (naive local and aware UTC
  input),
* the O(1) scalar functions called in a Python loop, and
* the simple reference loop (walks the days of every interval), both on ``sample``
  intervals, scaled to a million,

and checks that every method gives identical results on the sample.

(Not named ``bench/calendar.py``: a file of that name in ``bench/`` shadows the standard
library's ``calendar`` for every script run from this folder, and pandas then fails to
import.)
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import datetime

import numpy as np
import pandas as pd
from common import REPO

from loket.calendar.loading import load_calendar

MILLION = 1_000_000


def intervals(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Naive office-local starts and ends as datetime64[us]."""
    rng = np.random.default_rng(seed)
    lo = np.datetime64("2025-01-01T00:00", "us").astype(np.int64)
    hi = np.datetime64("2026-12-31T00:00", "us").astype(np.int64)
    starts = rng.integers(lo, hi, count)
    # three quarters inside 07:30-16:00, the rest anywhere in the day
    day = 86_400_000_000
    inside = rng.random(count) < 0.75
    tod = rng.integers(450 * 60_000_000, 960 * 60_000_000, count)
    starts = np.where(inside, starts - starts % day + tod, starts)
    lengths = (rng.exponential(4.0, count).clip(0, 21) * day).astype(np.int64)
    return starts.astype("datetime64[us]"), (starts + lengths).astype("datetime64[us]")


def timed(fn: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=MILLION)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    cal = load_calendar(REPO / "rules" / "calendar")
    starts, ends = intervals(args.count, args.seed)
    cal.working_time_many(starts[:10], ends[:10])  # compile 2025-2026 once (~ms)
    per_m = MILLION / args.count
    rows: list[tuple[str, float]] = []

    t, many = timed(lambda: cal.working_time_many(starts, ends))
    rows.append(("working_time_many, naive local datetime64", t * per_m))
    utc_s = pd.Series(starts).dt.tz_localize("Asia/Jakarta").dt.tz_convert("UTC")
    utc_e = pd.Series(ends).dt.tz_localize("Asia/Jakarta").dt.tz_convert("UTC")
    t, many_utc = timed(lambda: cal.working_time_many(utc_s, utc_e))
    rows.append(("working_time_many, aware UTC Series", t * per_m))
    t, due = timed(lambda: cal.due_many(starts, 2))
    rows.append(("due_many (+2 working days)", t * per_m))

    n = min(args.sample, args.count)
    py_s = [datetime.fromisoformat(str(s)) for s in starts[:n]]
    py_e = [datetime.fromisoformat(str(e)) for e in ends[:n]]
    t, scalar = timed(
        lambda: [cal.working_minutes(a, b) for a, b in zip(py_s, py_e, strict=True)], 1
    )
    rows.append((f"working_minutes in a Python loop ({n} intervals, scaled)", t * MILLION / n))
    t, loop = timed(
        lambda: [cal.working_minutes_loop(a, b) for a, b in zip(py_s, py_e, strict=True)], 1
    )
    rows.append((f"reference day-walking loop ({n} intervals, scaled)", t * MILLION / n))
    m = min(n, 5_000)
    t, due_scalar = timed(lambda: [cal.due(a, 2).at for a in py_s[:m]], 1)
    rows.append((f"due() in a Python loop ({m} starts, scaled)", t * MILLION / m))

    vec = many.minutes[:n]  # type: ignore[attr-defined]
    assert np.array_equal(vec, np.array(loop)), "vectorised != reference loop"
    assert np.array_equal(vec, np.array(scalar)), "vectorised != scalar"
    assert np.allclose(many_utc.minutes[:n], vec)  # type: ignore[attr-defined]
    due_at = due.at[:m]  # type: ignore[attr-defined]
    assert all(a.to_pydatetime() == b for a, b in zip(due_at, due_scalar, strict=True))

    width = max(len(r[0]) for r in rows)
    print(f"calendar benchmark: {args.count:,} intervals (seed {args.seed}), 2025-2026")
    print(f"{'method'.ljust(width)}  seconds per 1,000,000")
    for name, seconds in rows:
        print(f"{name.ljust(width)}  {seconds:10.3f}")
    base = rows[4][1]
    print(
        f"speed-up of working_time_many over the reference loop: {base / rows[0][1]:,.0f}x; "
        f"over the scalar O(1) loop: {rows[3][1] / rows[0][1]:,.0f}x"
    )
    print(f"results identical on the {n:,}-interval sample: yes")


if __name__ == "__main__":
    main()
