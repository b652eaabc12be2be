"""Intake speed as the user waits for it, against raw tesseract; the cache; memory.

    .venv/bin/python bench/intake.py [--count 6] [--pdf-pages 200] [--serve] [--shell-only]
        [--fresh-prefect]

Measured in one run, on the same generated pages, with all cores:
1. raw ``tesseract <page> - -l ind+eng`` CLI over every page image (``OMP_THREAD_LIMIT=1``,
   one process per page, as many at once as there are cores) -> the baseline, timed before
   and after the pipeline (their mean cancels a drift in machine load);
2. ``loket intake`` as a user runs it from the shell, in its own process (Prefect's home made
   by a flow run before, as on every day but an office's first: ``--fresh-prefect`` times
   that first run, ~4 CPU-s more): Prefect's ephemeral
   server start (overlapped with taking the submissions and reading their pages), archive,
   register, OCR, photos, sorting, the requirement checks (stamps, re-reading, data-quality
   gate; each application's start when its pages are read), checklist PDFs and return
   letters. ratio = raw / loket (target >= 0.9), and where the rest went: start-up (process
   start, imports), reading, the checks left after reading, and inside the checks (summed
   over applications, which run in parallel) reading and deciding, the data-quality gate
   and the written files;
3. the intake flow in this process without the checks (what the ratio meant before #16);
4. the same content intaken again (a second drop, then a fresh register over the same cache)
   -> time ÷ first time;
5. with ``--serve``: what an officer waits for under ``loket serve``, from one application
   copied into the watched inbox to its ``checklist.json``, against raw tesseract on the same
   pages (target <= 1.5x);
6. peak RSS of an intake process given one ``--pdf-pages`` scanned PDF (0: skipped).
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
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import REPO, isolated_home, shell_env, warm_prefect


def page_images(inbox: Path, out: Path) -> list[Path]:
    """Every page of every submission as a PGM file (what raw tesseract is given)."""
    from loket.intake.pages import PageRef, probe, render_page

    images = []
    files = [p for p in sorted(inbox.rglob("*")) if p.is_file()]
    for i, path in enumerate(files):
        kind, count = probe(path, max_bytes=2**31, max_pixels=2**31, max_pages=10_000)
        for index in range(count):
            img = render_page(PageRef(path.name, path, "-", kind, index)).convert("L")
            target = out / f"{i:04d}-{index:03d}.pgm"
            img.save(target)
            images.append(target)
    return images


def children_cpu() -> float:
    """CPU seconds (user + system) of this process's finished children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_env(home: Path) -> dict[str, str]:
    """The environment of ``loket intake`` run from the shell in ``home``."""
    return shell_env(home, "prefect-cli")


def first_prefect_start(home: Path) -> float:
    """CPU seconds of an office's first flow run ever, in a new Prefect home: the ephemeral
    server makes its database (~4 CPU-s more than every later start). Done before the timed
    run, as every run after an office's first finds the database made."""
    code = (
        "from flows.runtime import apply_prefect_defaults\n"
        "apply_prefect_defaults()\n"
        "from prefect import flow\n"
        "flow(name='first-start')(lambda: 1)()\n"
    )
    cpu = children_cpu()
    subprocess.run(
        [sys.executable, "-c", code], env=cli_env(home), cwd=REPO, check=True, capture_output=True
    )
    return children_cpu() - cpu


def run_cli(home: Path) -> tuple[float, dict]:
    """``loket intake --json`` in its own process, as from the shell: (wall seconds, summary
    with the CPU seconds of the process and its Prefect server as ``cpu``)."""
    env = cli_env(home)
    loket = Path(sys.executable).parent / "loket"
    start, cpu = time.perf_counter(), children_cpu()
    proc = subprocess.Popen(
        [str(loket), "intake", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=home,
    )
    seen: dict[int, tuple[str, float]] = {}
    watch = threading.Thread(target=_watch_children, args=(proc, seen), daemon=True)
    watch.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    watch.join()
    if proc.returncode != 0:
        raise SystemExit(stderr[-3000:])
    summary = json.loads(stdout[stdout.index("{") :])
    summary["cpu"] = children_cpu() - cpu
    summary["cpu_children"] = _by_kind(seen)
    return wall, summary


def _watch_children(proc: subprocess.Popen[str], seen: dict[int, tuple[str, float]]) -> None:
    """The CPU seconds of each child of the intake process (Prefect's server, LibreOffice),
    last seen alive every 0.2 s: they end before the process, inside its total."""
    import psutil

    while proc.poll() is None:
        try:
            children = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            break
        for child in children:
            try:
                times = child.cpu_times()
                seen[child.pid] = (" ".join(child.cmdline()), times.user + times.system)
            except psutil.Error:
                continue
        time.sleep(0.2)


def _by_kind(seen: dict[int, tuple[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for cmdline, cpu in seen.values():
        kind = (
            "Prefect server"
            if "uvicorn" in cmdline
            else "LibreOffice"
            if "office" in cmdline
            else "other"
        )
        out[kind] = out.get(kind, 0.0) + cpu
    return out


def check_seconds(home: Path) -> dict[str, float]:
    """The checks' own timings, summed over the applications (register: ``checked``)."""
    import sqlite3

    totals: dict[str, float] = {}
    with sqlite3.connect(home / "var" / "loket.db") as con:
        rows = con.execute("select detail from intake_events where kind = 'checked'").fetchall()
    for (detail,) in rows:
        for key, value in (json.loads(detail).get("seconds") or {}).items():
            totals[key] = totals.get(key, 0.0) + float(value)
    return totals


def report_cli(
    wall: float, summary: dict, raw_s: float, pages: int, home: Path, raw_cpu: float
) -> None:
    """The user's figure: the whole process against raw tesseract, and where the time went;
    and the CPU both spent (on a busy machine the wall-clock ratio tends to the CPU ratio)."""
    phases = summary.get("seconds") or {}
    read, checks = phases.get("read", 0.0), phases.get("checks", 0.0)
    print(
        f"loket intake (shell): {wall:7.1f} s  {pages / wall:6.2f} pages/s"
        f"   ratio raw/loket {raw_s / wall:.2f}   (target >= 0.9)"
    )
    print(
        f"  start-up {wall - read - checks:5.1f} s (process, imports; Prefect's server starts"
        f" meanwhile) | reading {read:5.1f} s | checks after reading {checks:5.1f} s"
    )
    if "prefect_wait" in phases:
        print(
            f"  Prefect's ephemeral server: ready {phases['prefect_wait']:.1f} s after the"
            " submissions were taken (their pages being read meanwhile)"
        )
    print(
        f"  CPU: loket {summary['cpu']:.1f} s (with its Prefect server) against raw tesseract"
        f" {raw_cpu:.1f} s (mean of its runs before and after):"
        f" ratio {raw_cpu / summary['cpu']:.2f}"
    )
    children = summary.get("cpu_children") or {}
    if children:
        shares = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(children.items()))
        own = summary["cpu"] - sum(children.values())
        print(f"  CPU by process: intake process {own:.1f} s, {shares} (last seen alive)")
    own_cpu = summary.get("cpu_seconds") or {}
    if own_cpu:
        print(
            f"  CPU of the intake process by phase: start {own_cpu['start']:.1f} s (interpreter,"
            f" imports) | reading {own_cpu['read']:.1f} s (with the checks started meanwhile)"
            f" | checks after reading {own_cpu['checks']:.1f} s"
        )
    inside = check_seconds(home)
    if inside:
        shares = ", ".join(f"{k} {v:.1f} s" for k, v in inside.items())
        print(
            f"  inside the checks, summed over {len(summary.get('verdicts', {}))} "
            f"application(s): {shares}"
        )
    print(f"  verdicts: {dict(sorted(_count(summary.get('verdicts', {})).items()))}")


def _count(verdicts: dict[str, str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in verdicts.values():
        out[v] = out.get(v, 0) + 1
    return out


def raw_tesseract(images: list[Path]) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def run(path: Path) -> None:
        subprocess.run(
            ["tesseract", str(path), "-", "-l", "ind+eng"],
            check=True,
            capture_output=True,
            env=env,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(run, images))
    return time.perf_counter() - start


def peak_rss_200_pages(pages: int, source_images: list[Path]) -> tuple[float, float]:
    """(peak RSS MiB of the intake process, seconds) for one ``pages``-page scanned PDF."""
    from PIL import Image

    home = Path(tempfile.mkdtemp(prefix="loket-rss-"))
    (home / "inbox").mkdir()
    pdf = home / "inbox" / "berkas-200-halaman.pdf"
    frames = (Image.open(source_images[i % len(source_images)]).convert("L") for i in range(pages))
    first = next(frames)
    # the page images were rendered at 300 dpi: say so, or the PDF pages grow to 17 inches
    first.save(pdf, "PDF", save_all=True, append_images=frames, resolution=300)
    env = dict(
        os.environ,
        LOKET_HOME=str(home),
        LOKET_STABLE_SECONDS="0",
        LOKET_RULES=str(REPO / "rules"),
        PREFECT_HOME=str(home / "prefect"),
    )
    env.pop("PREFECT_API_URL", None)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork and exec, so a child of this
    # (large) bench process would report at least the bench's own peak
    code = (
        "import flows\n"
        "from flows.intake import intake_flow\n"
        "s = intake_flow(check=False)\n"
        f"assert s['pages'] == {pages}, s['pages']\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
        "print(int(hwm.split()[1]))\n"
    )
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=REPO
    )
    seconds = time.perf_counter() - start
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    rss_kib = int(out.stdout.strip().splitlines()[-1])
    shutil.rmtree(home, ignore_errors=True)
    return rss_kib / 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=6, help="applications to generate")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pdf-pages", type=int, default=200, help="0: no memory figure")
    parser.add_argument("--serve", action="store_true", help="also time loket serve")
    parser.add_argument(
        "--shell-only", action="store_true", help="only raw tesseract against loket intake"
    )
    parser.add_argument(
        "--fresh-prefect",
        action="store_true",
        help="time an office's first run ever (Prefect's database made in the run)",
    )
    args = parser.parse_args()

    home = isolated_home("bench")
    from samples import generate_corpus

    generate_corpus(home / "inbox", args.count, args.seed)
    keep = home / "inbox-copy"
    shutil.copytree(home / "inbox", keep)
    pgm = home / "pgm"
    pgm.mkdir()
    images = page_images(home / "inbox", pgm)
    n = len(images)
    print(f"pages: {n} from {args.count} applications, {os.cpu_count()} cores")

    # raw tesseract before and after the pipeline: their mean cancels a drift in machine load
    raw_cpu = children_cpu()
    raw_before = raw_tesseract(images)
    raw_cpu = children_cpu() - raw_cpu
    cli_home = Path(tempfile.mkdtemp(prefix="loket-bench-cli-"))
    for name in ("outbox", "var"):
        (cli_home / name).mkdir()
    shutil.copytree(keep, cli_home / "inbox")
    if not args.fresh_prefect:
        first = first_prefect_start(cli_home)
        print(f"Prefect's first start in a new home (not timed): {first:.1f} CPU-s")
    cli_s, cli_summary = run_cli(cli_home)
    assert cli_summary["pages"] == n, (cli_summary["pages"], n)
    raw_cpu_after = children_cpu()
    raw_after = raw_tesseract(images)
    # the CPU of both raw runs too, as their wall time: a load that rose or fell during the
    # pipeline weighs on both sides alike (the CPU a process is billed grows with the load)
    raw_cpu = (raw_cpu + children_cpu() - raw_cpu_after) / 2
    raw_s = (raw_before + raw_after) / 2
    print(
        f"raw tesseract CLI:    {raw_s:7.1f} s  {n / raw_s:6.2f} pages/s"
        f"   (before {raw_before:.1f} s, after {raw_after:.1f} s)"
    )
    report_cli(cli_s, cli_summary, raw_s, n, cli_home, raw_cpu)
    if args.shell_only:
        return

    warm_s = warm_prefect()
    from flows.intake import intake_flow

    start = time.perf_counter()
    summary = intake_flow(check=False)  # OCR and sorting only, in this process
    first_s = time.perf_counter() - start
    assert summary["pages"] == n, (summary["pages"], n)
    print(
        f"intake flow without checks, in-process: {first_s:.1f} s  ratio raw/flow "
        f"{raw_s / first_s:.2f}   (Prefect ephemeral start-up, not included: {warm_s:.1f} s)"
    )

    shutil.copytree(keep, home / "inbox", dirs_exist_ok=True)
    start = time.perf_counter()
    again = intake_flow(check=False)
    dup_s = time.perf_counter() - start
    outcomes = {s["outcome"] for s in again["submissions"]}
    print(
        f"same content dropped again: {dup_s:.2f} s ({outcomes}); "
        f"ratio {dup_s / first_s:.3f}   (target <= 0.05)"
    )

    # a fresh register over the same OCR cache: every page re-read, none re-OCR'd
    (home / "var" / "loket.db").unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{home / 'var' / 'loket.db'}{suffix}").unlink(missing_ok=True)
    from loket.common import db as loket_db

    loket_db._factory.cache_clear()
    shutil.rmtree(home / "outbox")
    shutil.copytree(keep, home / "inbox", dirs_exist_ok=True)
    start = time.perf_counter()
    cached = intake_flow(check=False)
    cache_s = time.perf_counter() - start
    print(
        f"re-intake, new register, warm OCR cache: {cache_s:.2f} s "
        f"({cached['pages_cached']}/{cached['pages']} pages from cache); "
        f"ratio {cache_s / first_s:.3f}   (no target: a new register probes every file again)"
    )

    if args.serve:
        from serve_latency import serve_wait

        serve_wait(keep, images)
    if args.pdf_pages <= 0:
        return
    rss, secs = peak_rss_200_pages(args.pdf_pages, images)
    print(
        f"{args.pdf_pages}-page scanned PDF: peak RSS of the intake process {rss:.0f} MiB "
        f"(target <= 500), {secs:.0f} s"
    )
    print(
        f"self RSS of this bench process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
