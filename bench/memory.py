"""Memory of ``loket intake`` as a user runs it, by batch size (issue #17).

    .venv/bin/python bench/memory.py [--counts 1 10 40] [--big] [--seed 11] [--keep DIR]

For each batch size, a batch of generated applications (``python -m samples``) goes into a
fresh LOKET_HOME and ``loket intake --json`` runs on it in its own process, as from the
shell. Every ``--interval`` seconds (0.5) the resident set is sampled of:

- the intake tree: the ``loket intake`` process and its children other than Prefect's
  server (the page readers are threads of the intake process; LibreOffice, if started,
  is a child);
- Prefect's ephemeral API server (the uvicorn child that ``loket intake`` starts; not there
  under ``loket serve``), apart.

The intake process's own high-water mark (``VmHWM``, exact, not sampled) is read as well.

Phases, told apart after the run from the register's own events (``intake_events.at``):

- start: process start, imports, Prefect's server starting, until the first application's
  pages start being read (its first ``attempt`` at stage ``read``);
- reading: until the last application's pages are read and assembled (its ``processed``
  event; the checks of applications read earlier run meanwhile);
- checks: until the last application is checked (its ``checked`` event: stamps, re-reading,
  decisions, and its checklist PDF / return letter written);
- outputs: until the process exits (the batch's data-quality report and Data Docs, the
  approval chain started for each complete file: draft permit DOCX/PDF through LibreOffice,
  control card; the summary).

"steady" is the median of the intake tree's samples after the start phase: what the
process holds most of the run, beside its peak. Not a timed test: a bench a user runs;
``--big`` adds a batch of 400 applications (hours on two busy cores).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from common import REPO, shell_env

MIB = 1024 * 1024
PHASES = ("start", "reading", "checks", "outputs")

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is a dependency of loket
    psutil = None


# --- resident set of a process tree --------------------------------------------------------


def _proc_rss(pid: int) -> int:
    """Resident bytes of ``pid`` from /proc (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _proc_children(pid: int) -> list[int]:
    """Direct children of ``pid`` from /proc (every thread's ``children`` file)."""
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def is_prefect_server(pid: int) -> bool:
    """Prefect's ephemeral server: ``python -m uvicorn ... prefect.server...``."""
    cmd = _cmdline(pid)
    return "uvicorn" in cmd and "prefect" in cmd


def tree(pid: int) -> list[int]:
    """``pid`` and every descendant."""
    if psutil is not None:
        try:
            return [pid] + [c.pid for c in psutil.Process(pid).children(recursive=True)]
        except psutil.Error:
            return [pid]
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _proc_children(p)
    return out


def rss(pid: int) -> int:
    if psutil is not None:
        try:
            return psutil.Process(pid).memory_info().rss
        except psutil.Error:
            return 0
    return _proc_rss(pid)


def hwm(pid: int) -> int:
    """The process's resident high-water mark so far (exact; kept by the kernel)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def sample(pid: int, children: dict[str, int]) -> tuple[int, int]:
    """(intake tree bytes, Prefect server tree bytes) now; ``children``: the peak of each
    other child of the intake tree by its program's name, updated."""
    servers = [c for c in tree(pid) if c != pid and is_prefect_server(c)]
    server_pids = {p for s in servers for p in tree(s)}
    intake = 0
    for p in tree(pid):
        if p in server_pids:
            continue
        size = rss(p)
        intake += size
        if p != pid and size:
            name = Path(_cmdline(p).split(" ")[0]).name or str(p)
            children[name] = max(children.get(name, 0), size)
    return intake, sum(rss(p) for p in server_pids)


# --- one run ------------------------------------------------------------------------------


@dataclass
class Run:
    """One ``loket intake`` run: its samples and phase boundaries (epoch seconds)."""

    count: int
    pages: int = 0
    wall: float = 0.0
    hwm: int = 0
    samples: list[tuple[float, int, int]] = field(default_factory=list)
    children: dict[str, int] = field(default_factory=dict)
    bounds: dict[str, float] = field(default_factory=dict)

    def phase_of(self, t: float) -> str:
        for name in PHASES[:-1]:
            if t <= self.bounds.get(name, float("inf")):
                return name
        return PHASES[-1]

    def peaks(self) -> dict[str, int]:
        out = dict.fromkeys(PHASES, 0)
        for t, intake, _ in self.samples:
            phase = self.phase_of(t)
            out[phase] = max(out[phase], intake)
        return out

    def steady(self) -> int:
        after = [s[1] for s in self.samples if self.phase_of(s[0]) != "start"]
        return int(statistics.median(after)) if after else 0


def generate(inbox: Path, count: int, seed: int) -> None:
    """A batch of ``count`` generated applications, as ``python -m samples`` writes it."""
    cmd = [sys.executable, "-m", "samples", str(inbox), "--count", str(count), "--seed", str(seed)]
    subprocess.run(cmd, check=True, cwd=REPO, capture_output=True, env=_env(inbox.parent))


def _env(home: Path) -> dict[str, str]:
    return shell_env(home)


def run_intake(home: Path, count: int, interval: float) -> Run:
    """``loket intake --json`` on ``home``'s inbox, sampled every ``interval`` seconds."""
    run = Run(count)
    loket = Path(sys.executable).parent / "loket"
    out_path = home / "intake.out"
    start = time.time()
    with open(out_path, "w") as out, open(home / "intake.err", "w") as err:
        proc = subprocess.Popen(
            [str(loket), "intake", "--json"], env=_env(home), cwd=home, stdout=out, stderr=err
        )
        while proc.poll() is None:
            now = time.time()
            intake, server = sample(proc.pid, run.children)
            run.hwm = max(run.hwm, hwm(proc.pid))
            if intake:
                run.samples.append((now, intake, server))
            time.sleep(max(0.0, interval - (time.time() - now)))
    run.wall = time.time() - start
    if proc.returncode != 0:
        raise SystemExit(f"loket intake exited {proc.returncode}: {_tail(home / 'intake.err')}")
    text = out_path.read_text()
    run.pages = int(json.loads(text[text.index("{") :])["pages"])
    run.bounds = phase_bounds(home / "var" / "loket.db", start)
    return run


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:]


def phase_bounds(db: Path, start: float) -> dict[str, float]:
    """End of each phase but the last (epoch seconds), from the register's events."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute("select kind, at, detail from intake_events order by id").fetchall()
    reads, processed, checked = [], [], []
    for kind, at, detail in rows:
        when = _epoch(at)
        if kind == "attempt" and json.loads(detail or "{}").get("stage") == "read":
            reads.append(when)
        elif kind == "processed":
            processed.append(when)
        elif kind == "checked":
            checked.append(when)
    first_read = min(reads, default=start)
    last_read = max(processed, default=first_read)
    return {"start": first_read, "reading": last_read, "checks": max(checked, default=last_read)}


def _epoch(value: str) -> float:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:  # stored as UTC without an offset
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


# --- report -------------------------------------------------------------------------------

HEADER = (
    "| batch | pages | peak RSS intake tree | steady | intake VmHWM "
    "| peak start | peak reading | peak checks | peak outputs | Prefect server peak | wall |"
)


def row(run: Run) -> str:
    peaks = run.peaks()
    peak = max((s[1] for s in run.samples), default=0)
    server = max((s[2] for s in run.samples), default=0)
    cells = [
        f"{run.count}",
        f"{run.pages}",
        f"**{peak / MIB:,.0f} MiB**",
        f"{run.steady() / MIB:,.0f} MiB",
        f"{run.hwm / MIB:,.0f} MiB",
        *(f"{peaks[p] / MIB:,.0f} MiB" if peaks[p] else "-" for p in PHASES),
        f"{server / MIB:,.0f} MiB",
        f"{run.wall:,.0f} s",
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 10, 40])
    parser.add_argument("--big", action="store_true", help="also a batch of 400 applications")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between samples")
    parser.add_argument("--keep", type=Path, help="keep each run's home under this folder")
    args = parser.parse_args()
    counts = args.counts + ([400] if args.big else [])
    print(f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; sampled every {args.interval} s")
    print(HEADER)
    print("|" + "---|" * (HEADER.count("|") - 1))
    notes: list[str] = []
    for count in counts:
        base = args.keep or Path(tempfile.gettempdir())
        base.mkdir(parents=True, exist_ok=True)
        home = Path(tempfile.mkdtemp(prefix=f"loket-memory-{count}-", dir=base))
        for name in ("outbox", "var"):
            (home / name).mkdir()
        generate(home / "inbox", count, args.seed)
        run = run_intake(home, count, args.interval)
        print(row(run), flush=True)
        others = ", ".join(f"{k} {v / MIB:,.0f} MiB" for k, v in sorted(run.children.items()))
        notes.append(f"batch {count}: other children of the intake (peak each): {others or '-'}")
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)
    print("\n".join(notes))
    print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
