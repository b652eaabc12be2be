"""SLA report computation on a large synthetic history (not a timed test).

    .venv/bin/python bench/sla.py [--apps 100000] [--year 2025] [--keep]

Generates ``apps`` applications over one year (~1,000,000 control-card entries) straight
into a fresh SQLite database (bulk insert), then measures, each in a fresh process:

- the monthly report computation (load from SQLite + figures: ``load_history`` + ``compute``)
  for June, and the yearly one (targets: <= 5 s and <= 2 GiB for the year);
- the rendering of the monthly XLSX + charts (no PDF);
- the vectorised working-time computation per million intervals.

Wall-clock and CPU seconds are both printed: on a shared machine the CPU time is the
steadier figure. Peak memory is the child process' maximum resident set size (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _chain_and_calendar():  # type: ignore[no-untyped-def]
    from loket.approval.chain import load_chain
    from loket.calendar.loading import office_calendar

    chain = load_chain(ROOT / "rules" / "alur-persetujuan.yaml").for_service(
        "izin-kerja-radiografer"
    )
    return chain, office_calendar(ROOT / "rules" / "calendar")


def measure(kind: str, db: str, period: str, cutoff: str) -> None:
    """Child process: one measurement, printed as JSON."""
    import numpy as np
    import pandas as pd
    from sqlalchemy.orm import Session

    from loket.common.db import make_engine
    from loket.sla.figures import compute
    from loket.sla.loading import load_history
    from loket.sla.periods import parse_period

    chain, cal = _chain_and_calendar()
    cal.working_minutes(datetime(2025, 1, 2, tzinfo=UTC), datetime(2025, 1, 3, tzinfo=UTC))
    out: dict[str, object] = {"kind": kind}
    if kind == "report" or kind == "render":
        engine = make_engine(f"sqlite:///{db}")
        c0 = time.process_time()
        t0 = time.perf_counter()
        with Session(engine) as s:
            history = load_history(s, parse_period(period), datetime.fromisoformat(cutoff))
        t1 = time.perf_counter()
        report = compute(history, chain, cal)
        t2 = time.perf_counter()
        out |= {
            "period": period,
            "entries": len(history.entries),
            "files": report.files_covered,
            "issued": report.summary["terbit"],
            "on_time_pct": round(float(report.summary["persen_tepat"]), 2),
            "load_s": round(t1 - t0, 3),
            "compute_s": round(t2 - t1, 3),
            "total_s": round(t2 - t0, 3),
            "cpu_s": round(time.process_time() - c0, 3),
        }
        if kind == "render":
            from loket.sla.charts import render_charts
            from loket.sla.workbook import render_xlsx

            folder = Path(tempfile.mkdtemp(prefix="sla-render-"))
            t3 = time.perf_counter()
            render_xlsx(report, folder / "r.xlsx")
            render_charts(report, folder)
            out["render_xlsx_charts_s"] = round(time.perf_counter() - t3, 3)
            shutil.rmtree(folder)
    else:
        rng = np.random.default_rng(3)
        n = 1_000_000
        base = np.datetime64("2025-01-01T00:00", "us")
        a = base + (rng.uniform(0, 365 * 86400, n) * 1e6).astype("timedelta64[us]")
        b = a + (rng.exponential(3 * 86400, n) * 1e6).astype("timedelta64[us]")
        starts, ends = pd.DatetimeIndex(a), pd.DatetimeIndex(b)
        c0 = time.process_time()
        t0 = time.perf_counter()
        wt = cal.working_time_many(starts, ends, naive="utc")
        t1 = time.perf_counter()
        out["working_time_many_cpu_s"] = round(time.process_time() - c0, 3)
        due = cal.due_many(starts, minutes=np.full(n, 35.0), naive="utc")
        t2 = time.perf_counter()
        out |= {
            "intervals": n,
            "working_time_many_s": round(t1 - t0, 3),
            "due_many_s": round(t2 - t1, 3),
            "mean_minutes": round(float(np.nanmean(wt.minutes)), 1),
            "due_nat": int(due.at.isna().sum()),
        }
    out["peak_rss_mib"] = _peak_rss_mib()
    out["load1"] = round(os.getloadavg()[0], 1)  # machine load when the measurement ended
    print(json.dumps(out))


def _peak_rss_mib() -> float:
    """Peak resident set size of this process (VmHWM; ru_maxrss would include the parent's
    peak, inherited through fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--db", help="reuse this generated database (skip generation)")
    parser.add_argument("--measure", nargs=4, metavar=("KIND", "DB", "PERIOD", "CUTOFF"))
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return

    from loket.common.db import make_engine, migrate
    from samples.sla_history import generate

    chain, cal = _chain_and_calendar()
    y = args.year
    now = datetime(y + 1, 1, 15, 3, tzinfo=UTC)
    if args.db:
        db = Path(args.db)
        folder = db.parent
        args.keep = True
    else:
        folder = Path(tempfile.mkdtemp(prefix="bench-sla-"))
        db = folder / "loket.db"
        engine = make_engine(f"sqlite:///{db}")
        migrate(engine)
        engine.dispose()
        stats = generate(
            db,
            chain,
            cal,
            n=args.apps,
            first=date(y, 1, 1),
            last=date(y, 12, 31),
            now=now,
            complete_share=0.97,
        )
        size = db.stat().st_size / 2**20
        print(
            f"history: {stats.applications} applications, {stats.complete} complete, "
            f"{stats.entries} card entries, {stats.permits} permits; generated and "
            f"bulk-inserted in {stats.seconds:.1f} s; database {size:.0f} MiB"
        )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        ("report", f"{y}-06"),
        ("report", str(y)),
        ("render", f"{y}-06"),
        ("workingtime", "-"),
    ]
    for kind, period in runs:
        proc = subprocess.run(
            [sys.executable, __file__, "--measure", kind, str(db), period, now.isoformat()],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        print(proc.stdout.strip())
    if args.keep:
        print(f"database kept: {db}")
    else:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
