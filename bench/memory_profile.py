"""Where the intake's memory goes, phase by phase (issue #17): tracemalloc in one process.

    .venv/bin/python bench/memory_profile.py [--count 10] [--seed 11] [--top 15] [--frames 8]

Runs the intake flow in this process as ``loket intake`` does (``flows.intake.intake_flow``,
checks included; Prefect's ephemeral server is a child process, not traced) on a generated
batch. A watcher thread follows the phases from the register's events (start, reading,
checks, outputs: see ``bench/memory.py``) and, in each phase, keeps the tracemalloc snapshot
taken when the traced memory was highest, with the process's resident set and a census of
the objects that could be held (page images, data frames, Prefect futures and states) at
that moment. Printed per phase: traced vs resident (the rest is native memory tracemalloc
does not see: tesseract's models and buffers, Pillow's and PDFium's pixel buffers, glibc's
arenas), the top allocation sites by line, the sites that grew most from the reading peak
to the checks peak, and the census. At the end, after the flow has returned, what is still
held, and what ``malloc_trim`` gives back (freed but kept by the allocator).

tracemalloc slows Python code (not tesseract): the run takes longer than ``loket intake``.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common import REPO, isolated_home

MIB = 1024 * 1024
PHASES = ("start", "reading", "checks", "outputs")
#: Frames of no interest as an allocation site (the tracer itself).
IGNORE = (tracemalloc.__file__, __file__)


ENGINES: list[tuple[str, str]] = []


def count_engines() -> None:
    """Count tesseract engines as loket loads them (thread, language): they are native
    memory, which tracemalloc does not see. (Each call sets its own page mode on an engine
    lent to it: :data:`loket.intake.tesseract.ENGINES`.)"""
    import tesserocr

    make = tesserocr.PyTessBaseAPI

    def counted(*args: object, **kwargs: object) -> object:
        ENGINES.append((threading.current_thread().name, str(kwargs.get("lang"))))
        return make(*args, **kwargs)

    tesserocr.PyTessBaseAPI = counted


def engines_line() -> str:
    threads = Counter(t.rsplit("_", 1)[0].rstrip("-0123456789") for t, _ in ENGINES)
    langs = Counter(lang for _, lang in ENGINES)
    return (
        f"tesseract engines loaded so far: {len(ENGINES)}, by language {dict(langs)}, "
        f"first asked for by threads {dict(threads)}"
    )


def rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def census() -> dict[str, tuple[int, int]]:
    """type -> (live objects, bytes they point at) for what the intake could hold on to:
    PIL images (pixel buffers, outside tracemalloc), pandas data frames, numpy arrays
    reachable from containers, Prefect futures and states."""
    out: dict[str, list[int]] = {}

    def add(name: str, size: int) -> None:
        entry = out.setdefault(name, [0, 0])
        entry[0] += 1
        entry[1] += size

    for obj in gc.get_objects():
        module = type(obj).__module__ or ""
        name = type(obj).__name__
        try:
            if module.startswith("PIL.") and hasattr(obj, "im") and hasattr(obj, "size"):
                w, h = obj.size
                add("PIL image (pixels)", w * h * len(obj.getbands()))
            elif name == "DataFrame" and module.startswith("pandas"):
                add("pandas DataFrame", int(obj.memory_usage(deep=True).sum()))
            elif module.startswith("prefect") and ("Future" in name or name == "State"):
                add(f"prefect {name}", 0)
            elif name == "PageResult":
                add("PageResult (page text, words)", 0)
        except Exception:  # an object half torn down by another thread
            continue
    return {k: (v[0], v[1]) for k, v in out.items()}


@dataclass
class Peak:
    """The highest traced moment of a phase."""

    traced: int = 0
    rss: int = 0
    max_rss: int = 0
    snapshot: tracemalloc.Snapshot | None = None
    objects: dict[str, tuple[int, int]] = field(default_factory=dict)
    engines: str = ""


class Watcher(threading.Thread):
    """Follows the phases from the register's events; keeps each phase's peak snapshot."""

    def __init__(self, db: Path, submissions: int, interval: float) -> None:
        super().__init__(name="memory-watcher", daemon=True)
        self.db, self.applications, self.interval = db, submissions, interval
        self.peaks = {p: Peak() for p in PHASES}
        self.phase = "start"
        self.stop = threading.Event()

    def current_phase(self) -> str:
        if not self.db.exists():
            return "start"
        try:
            with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=1) as con:
                kinds = Counter(
                    k if k != "attempt" or '"stage": "read"' not in (d or "") else "read"
                    for k, d in con.execute("select kind, detail from intake_events")
                )
        except sqlite3.Error:
            return self.phase
        if not kinds["read"]:
            return "start"
        if kinds["accepted"] < self.applications or kinds["processed"] < kinds["registered"]:
            return "reading"
        if kinds["checked"] < kinds["processed"]:
            return "checks"
        return "outputs"

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            self.look()

    def look(self) -> None:
        phase = self.current_phase()
        # phases only move forward (a stale read of the register must not move one back)
        if PHASES.index(phase) > PHASES.index(self.phase):
            self.phase = phase
        peak = self.peaks[self.phase]
        now_rss = rss()
        peak.max_rss = max(peak.max_rss, now_rss)
        traced = tracemalloc.get_traced_memory()[0]
        if traced > peak.traced * 1.03:  # a new high: keep this moment's snapshot
            peak.traced, peak.rss = traced, now_rss
            peak.snapshot = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, f) for f in IGNORE]
            )
            peak.objects = census()
            peak.engines = engines_line()


def short(frame: tracemalloc.Frame) -> str:
    name = frame.filename
    for root in (str(REPO) + os.sep, *(p + os.sep for p in sys.path if "site-packages" in p)):
        if name.startswith(root):
            name = name[len(root) :]
            break
    return f"{name}:{frame.lineno}"


def report(watcher: Watcher, top: int) -> None:
    previous: tracemalloc.Snapshot | None = None
    for phase in PHASES:
        peak = watcher.peaks[phase]
        print(
            f"\n== {phase}: highest traced {peak.traced / MIB:,.0f} MiB, resident then "
            f"{peak.rss / MIB:,.0f} MiB (not traced: {(peak.rss - peak.traced) / MIB:,.0f} MiB),"
            f" resident peak in the phase {peak.max_rss / MIB:,.0f} MiB"
        )
        if peak.snapshot is None:
            continue
        print("  top allocation sites (line, MiB, blocks):")
        for stat in peak.snapshot.statistics("lineno")[:top]:
            frame = stat.traceback[0]
            print(f"    {stat.size / MIB:7.1f}  {stat.count:8d}  {short(frame)}")
        if previous is not None:
            print("  grew most since the previous phase's peak:")
            for stat in peak.snapshot.compare_to(previous, "lineno")[: top // 2]:
                print(
                    f"    {stat.size_diff / MIB:+7.1f}  {short(stat.traceback[0])}"
                    f"  (now {stat.size / MIB:.1f})"
                )
        print("  who allocated the three largest (traceback):")
        for stat in peak.snapshot.statistics("traceback")[:3]:
            print(f"    {stat.size / MIB:.1f} MiB:")
            for frame in list(stat.traceback)[-6:]:
                print(f"        {short(frame)}")
        print("  live objects: " + "; ".join(
            f"{k} {n} ({b / MIB:,.0f} MiB)" for k, (n, b) in sorted(peak.objects.items())
        ) or "-")  # fmt: skip
        print(f"  {peak.engines}")
        previous = peak.snapshot


def after(result: dict, top: int) -> None:
    """What the process still holds once the flow has returned, and what glibc gives back."""
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, f) for f in IGNORE]
    )
    traced, before = tracemalloc.get_traced_memory()[0], rss()
    print(
        f"\n== after the flow returned ({result.get('pages')} pages, verdicts "
        f"{Counter((result.get('verdicts') or {}).values())}): traced {traced / MIB:,.0f} MiB, "
        f"resident {before / MIB:,.0f} MiB, of which the tracer's own tables "
        f"{tracemalloc.get_tracemalloc_memory() / MIB:,.0f} MiB and the phase snapshots this "
        "bench keeps (not traced either): resident here is no measure of the intake's, "
        "bench/memory.py is"
    )
    for stat in snapshot.statistics("lineno")[: top // 2]:
        print(f"    {stat.size / MIB:7.1f}  {stat.count:8d}  {short(stat.traceback[0])}")
    print("  live objects: " + "; ".join(
        f"{k} {n} ({b / MIB:,.0f} MiB)" for k, (n, b) in sorted(census().items())
    ))  # fmt: skip
    print(f"  {engines_line()}")
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        print(f"  resident after malloc_trim(0): {rss() / MIB:,.0f} MiB (freed, kept by glibc)")
    except OSError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10, help="applications to generate")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--top", type=int, default=15, help="allocation sites per phase")
    parser.add_argument("--frames", type=int, default=8, help="frames kept per allocation")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks")
    parser.add_argument("--keep", type=Path, help="run in this folder (emptied first)")
    args = parser.parse_args()

    home = isolated_home("memprof", at=args.keep)
    # generated in its own process: the generator's images must not inflate this one
    subprocess.run(
        [sys.executable, "-m", "samples", str(home / "inbox"), "--count", str(args.count),
         "--seed", str(args.seed)],
        check=True, cwd=REPO,
    )  # fmt: skip
    submissions = sum(1 for _ in (home / "inbox").iterdir())
    print(
        f"{args.count} applications ({submissions} submissions), {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}; resident before the flow {rss() / MIB:,.0f} MiB"
    )
    os.environ.pop("PREFECT_API_URL", None)  # the ephemeral server, as ``loket intake``
    count_engines()
    tracemalloc.start(args.frames)
    watcher = Watcher(home / "var" / "loket.db", submissions, args.interval)
    watcher.start()
    from flows.intake import intake_flow

    started = time.perf_counter()
    result = intake_flow()
    watcher.stop.set()
    watcher.join()
    watcher.look()  # the last moment, in the outputs phase
    print(f"intake flow: {time.perf_counter() - started:,.0f} s with tracemalloc on")
    report(watcher, args.top)
    after(result, args.top)
    sys.stdout.flush()
    os._exit(0)  # a page reader left behind (flows/readers.py) would hold the exit


if __name__ == "__main__":
    main()
