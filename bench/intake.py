"""Intake speed against raw tesseract, the cache, and memory on a 200-page PDF.

    .venv/bin/python bench/intake.py [--count 8] [--pdf-pages 200]

Measured in one run, on the same generated pages, with all cores:
1. raw ``tesseract <page> - -l ind+eng`` CLI over every page image (one process per page,
   as many at once as there are cores)  -> pages/s (baseline);
2. the intake flow (archive, register, orientation, deskew, OCR, faces, classification,
   pages.json) over the same submissions -> pages/s; ratio = pipeline / raw;
3. the same content intaken again (a second drop, then a fresh register over the same cache)
   -> time ÷ first time;
4. peak RSS of an intake process given one 200-page scanned PDF (tesseract runs inside
   that process, so its memory is counted).
Prefect's ephemeral server start-up is measured and printed separately.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import REPO, isolated_home, warm_prefect


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
    parser.add_argument("--count", type=int, default=8, help="applications to generate")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pdf-pages", type=int, default=200)
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
    raw_before = raw_tesseract(images)
    warm_s = warm_prefect()
    from flows.intake import intake_flow

    start = time.perf_counter()
    summary = intake_flow(check=False)  # OCR and sorting only: what raw tesseract is held to
    first_s = time.perf_counter() - start
    assert summary["pages"] == n, (summary["pages"], n)
    raw_after = raw_tesseract(images)
    raw_s = (raw_before + raw_after) / 2
    print(
        f"raw tesseract CLI:  {raw_s:7.1f} s  {n / raw_s:6.2f} pages/s"
        f"   (before {raw_before:.1f} s, after {raw_after:.1f} s)"
    )
    print(
        f"loket intake:       {first_s:7.1f} s  {n / first_s:6.2f} pages/s"
        f"   (Prefect ephemeral start-up, not included: {warm_s:.1f} s)"
    )
    print(f"ratio pipeline/raw: {raw_s / first_s:.2f}   (target >= 0.9)")

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
