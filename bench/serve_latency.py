"""What an officer waits for under ``loket serve``: one application copied into the watched
inbox, until its ``checklist.json`` is written; against raw tesseract on the same pages.

    .venv/bin/python bench/serve_latency.py [--seed 11]

(also run by ``bench/intake.py --serve`` on its corpus). ``loket serve`` runs as the office
runs it, with its default settings (``stable_seconds``, ``poll_seconds``, the watcher), in an
isolated home on a free port. The copy is made next to the inbox and renamed into it, as a
scanner's software or a file manager finishing a copy would leave it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO

#: target: waiting at most this many times what raw tesseract takes on the same pages
TARGET = 1.5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(home: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, LOKET_HOME=str(home), LOKET_RULES=str(REPO / "rules"))
    env["LOKET_SERVER_PORT"] = str(_free_port())
    for key in ("PREFECT_API_URL", "LOKET_STABLE_SECONDS", "OMP_THREAD_LIMIT"):
        env.pop(key, None)
    env["PREFECT_HOME"] = str(home / "prefect")
    loket = Path(sys.executable).parent / "loket"
    proc = subprocess.Popen(
        [str(loket), "serve"],
        env=env,
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    log = home / "var" / "logs" / "runner.log"
    deadline = time.monotonic() + 300
    # an office drops its first scans long after loket serve started: wait until the intake
    # process that will take them is warm, as it is then
    while not (log.exists() and b"warm intake process ready" in log.read_bytes()):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"loket serve did not get ready; see {home / 'var' / 'logs'}")
        time.sleep(0.5)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def _checklist(home: Path) -> Path | None:
    return next((home / "outbox").glob("*/checklist.json"), None)


def serve_wait(corpus: Path, images: list[Path]) -> float:
    """Print and return the officer's wait for the first application of ``corpus``."""
    from intake import raw_tesseract  # bench/intake.py: the same baseline

    first = sorted(corpus.iterdir())[0]
    mine = {f"{i:04d}-" for i in _indices(corpus, first)}
    own = [img for img in images if img.name[:5] in mine]
    raw = raw_tesseract(own) if own else float("nan")
    home = Path(tempfile.mkdtemp(prefix="loket-serve-bench-"))
    for name in ("inbox", "outbox", "var"):
        (home / name).mkdir()
    proc = _start(home)
    try:
        staging = home / f".{first.name}.copying"
        (shutil.copytree if first.is_dir() else shutil.copy2)(first, staging)
        start = time.perf_counter()
        staging.rename(home / "inbox" / first.name)
        while _checklist(home) is None:
            if proc.poll() is not None or time.perf_counter() - start > 600:
                raise SystemExit(f"no checklist.json; see {home / 'var' / 'logs'}")
            time.sleep(0.2)
        waited = time.perf_counter() - start
    finally:
        _stop(proc)
    # raw tesseract again after: the mean of before and after cancels a drift in machine load
    after = raw_tesseract(own) if own else float("nan")
    mean = (raw + after) / 2
    print(
        f"loket serve, one application ({len(own)} pages) dropped -> checklist.json: "
        f"{waited:.1f} s; raw tesseract on its pages {mean:.1f} s (before {raw:.1f} s, after "
        f"{after:.1f} s); {waited / mean:.2f}x   (target <= {TARGET}x)"
    )
    return waited


def _indices(corpus: Path, item: Path) -> list[int]:
    """The numbers bench/intake.py's page_images gave the files of submission ``item``."""
    files = [p for p in sorted(corpus.rglob("*")) if p.is_file()]
    return [i for i, p in enumerate(files) if p == item or item in p.parents]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    from intake import page_images

    from samples import generate_corpus

    work = Path(tempfile.mkdtemp(prefix="loket-serve-corpus-"))
    generate_corpus(work / "corpus", 1, args.seed)
    pgm = work / "pgm"
    pgm.mkdir()
    serve_wait(work / "corpus", page_images(work / "corpus", pgm))


if __name__ == "__main__":
    main()
