"""Page classification accuracy on a generated corpus, through the real intake flow.

    .venv/bin/python bench/classification.py [--count 30] [--seed 7]

Generates ``count`` varied applications (packagings, defects, rotations, blank and unrelated
pages), runs one real intake (tesseract + Prefect) and compares every page's ``doc_type``
with the generator's ground truth. Prints accuracy, a confusion list and rotation accuracy.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

from common import isolated_home, warm_prefect


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dpi", type=int, default=200)
    args = parser.parse_args()

    home = isolated_home("classify")
    from samples import generate_corpus

    t0 = time.perf_counter()
    truths = generate_corpus(
        home / "inbox", args.count, args.seed, dpi=args.dpi, truth_path=home / "truth.json"
    )
    gen_s = time.perf_counter() - t0
    warm_s = warm_prefect()
    from flows.intake import intake_flow

    t0 = time.perf_counter()
    summary = intake_flow(check=False)  # page sorting only
    run_s = time.perf_counter() - t0
    by_source = {s["source"]: s["reg_no"] for s in summary["submissions"]}

    total = correct = rot_ok = 0
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[str] = []
    for truth in truths:
        reg_no = by_source.get(truth["source"])
        doc = json.loads((home / "outbox" / reg_no / "pages.json").read_text()) if reg_no else None
        got = {(p["file"], p["page"]): p for p in (doc["pages"] if doc else [])}
        for page in truth["pages"]:
            total += 1
            out = got.get((page["file"], page["page"]))
            predicted = out["doc_type"] if out else "(missing)"
            if predicted == page["doc_type"]:
                correct += 1
            else:
                confusion[(page["doc_type"], predicted)] += 1
                misses.append(
                    f"  {truth['source']}/{page['file']}#{page['page']}: "
                    f"{page['doc_type']} -> {predicted}"
                )
            if out and out["rotation"] == page["rotation"]:
                rot_ok += 1

    print(f"applications: {len(truths)}  pages: {total}  (generated in {gen_s:.0f} s)")
    print(f"intake: {run_s:.0f} s  ({total / run_s:.2f} pages/s; Prefect start {warm_s:.0f} s)")
    print(f"classification accuracy: {correct}/{total} = {correct / total:.2%}")
    print(f"rotation detected correctly: {rot_ok}/{total} = {rot_ok / total:.2%}")
    if confusion:
        print("confusions (truth -> predicted):")
        for (t, p), n in confusion.most_common():
            print(f"  {t:32s} -> {p:32s} {n}")
        print("\n".join(misses[:40]))
    print(f"home: {home}")


if __name__ == "__main__":
    main()
