"""CLI: python -m samples OUT_DIR --count N --seed S [--truth FILE] [--dpi 200]"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .generator import generate_corpus
from .styles import FAMILIES, TUNING


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m samples",
        description="Generate synthetic SIKR applications (an inbox).",
    )
    ap.add_argument("out_dir", type=Path, help="inbox folder to write the submissions into")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--truth",
        type=Path,
        default=None,
        help="write the ground truth JSON here (not inside OUT_DIR)",
    )
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--defect-rate", type=float, default=0.5)
    ap.add_argument("--workers", type=int, default=1, help="parallel processes")
    ap.add_argument(
        "--family",
        choices=FAMILIES,
        default=TUNING,
        help="style family: tuning, or held-out (never looked at while tuning)",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        truths = generate_corpus(
            args.out_dir,
            args.count,
            args.seed,
            defect_rate=args.defect_rate,
            dpi=args.dpi,
            truth_path=args.truth,
            workers=args.workers,
            family=args.family,
        )
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    pages = sum(len(t["pages"]) for t in truths)
    print(
        f"{len(truths)} applications, {pages} pages in {args.out_dir} "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
