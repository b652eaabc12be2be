"""Page classification accuracy on a generated corpus, through the real intake flow.

    .venv/bin/python bench/classification.py [--count 30] [--seed 7]
        [--family tuning|heldout] [--work DIR]

Generates ``count`` varied applications of one style family (``samples/styles.py``: tune on
``tuning``; ``heldout`` is only measured, never looked into while the reading changes) with
packagings, defects, rotations, blank and unrelated pages, runs one real intake (tesseract +
Prefect) and compares every page's ``doc_type`` with the generator's ground truth. Prints
accuracy, a confusion list, rotation accuracy and the KTP / original-permit confusions; with
``--work`` the loket home is ``DIR/<family>-s<seed>-n<count>`` (made anew each run) and
``misses.json`` there keeps each miss's scores.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from common import isolated_home, warm_prefect

#: Page types whose confusions are reported apart (issue #16: KTP copies, original permits).
WATCHED = ("ktp", "surat_izin_asli")


def _home(work: Path | None, family: str, seed: int, count: int) -> Path:
    """The loket home of this run: a fresh folder under ``work``, or a temporary one."""
    at = None if work is None else work / f"{family}-s{seed}-n{count}"
    return isolated_home(f"classify-{family}", at)


def _compare(home: Path, truths: list[dict], summary: dict) -> dict:
    """Every page's sorting against its truth: counts, confusions and the misses."""
    by_source = {s["source"]: s["reg_no"] for s in summary["submissions"]}
    total = correct = rot_ok = 0
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[dict] = []
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
                    {
                        "page": f"{truth['source']}/{page['file']}#{page['page']}",
                        "truth": page["doc_type"],
                        "got": predicted,
                        "scores": (out or {}).get("scores", {}),
                        "faces": (out or {}).get("faces", 0),
                        "letters": sum(c.isalnum() for c in (out or {}).get("text", "")),
                    }
                )
            if out and out["rotation"] == page["rotation"]:
                rot_ok += 1
    watched = {
        t: sum(1 for tr in truths for p in tr["pages"] if p["doc_type"] == t) for t in WATCHED
    }
    return {
        "total": total,
        "correct": correct,
        "rot_ok": rot_ok,
        "confusion": confusion,
        "misses": misses,
        "watched": watched,
    }


def _print(r: dict, args: argparse.Namespace, gen_s: float, run_s: float, warm_s: float) -> None:
    total, correct, rot_ok = r["total"], r["correct"], r["rot_ok"]
    print(f"family: {args.family}  seed: {args.seed}  applications: {args.count}  pages: {total}")
    print(f"generated in {gen_s:.0f} s; intake: {run_s:.0f} s  (Prefect start {warm_s:.0f} s)")
    print(f"classification accuracy: {correct}/{total} = {correct / total:.2%}")
    print(f"rotation detected correctly: {rot_ok}/{total} = {rot_ok / total:.2%}")
    for t in WATCHED:
        wrong = sum(n for (tt, _), n in r["confusion"].items() if tt == t)
        taken = sum(n for (_, p), n in r["confusion"].items() if p == t)
        print(
            f"{t}: {r['watched'][t] - wrong}/{r['watched'][t]} sorted right; "
            f"{taken} other pages taken for it"
        )
    if r["confusion"]:
        print("confusions (truth -> predicted):")
        for (t, p), n in r["confusion"].most_common():
            print(f"  {t:32s} -> {p:32s} {n}")
        if args.show:
            for m in r["misses"][:40]:
                print(f"  {m['page']}: {m['truth']} -> {m['got']} {m['scores']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--family", choices=("tuning", "heldout"), default="tuning")
    parser.add_argument("--work", type=Path, default=None, help="keep the run under this folder")
    parser.add_argument("--workers", type=int, default=1, help="processes generating pages")
    parser.add_argument("--show", action="store_true", help="list the misses (not for heldout)")
    args = parser.parse_args()

    home = _home(args.work, args.family, args.seed, args.count)
    from samples import generate_corpus

    t0 = time.perf_counter()
    truths = generate_corpus(
        home / "inbox",
        args.count,
        args.seed,
        dpi=args.dpi,
        truth_path=home / "truth.json",
        workers=args.workers,
        family=args.family,
    )
    gen_s = time.perf_counter() - t0
    warm_s = warm_prefect()
    from flows.intake import intake_flow

    t0 = time.perf_counter()
    summary = intake_flow(check=False)  # page sorting only
    run_s = time.perf_counter() - t0
    result = _compare(home, truths, summary)
    _print(result, args, gen_s, run_s, warm_s)
    (home / "misses.json").write_text(json.dumps(result["misses"], indent=1))
    print(f"home: {home}")


if __name__ == "__main__":
    main()
