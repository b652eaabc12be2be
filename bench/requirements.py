"""Benchmark of the requirement checks on a generated corpus (real tesseract, no Prefect).

    .venv/bin/python bench/requirements.py [--count 40] [--seed 2026] [--work DIR]

Generates ``count`` varied applications (about half with planted defects) with the synthetic
generator, reads every page with the intake's own page reader (OCR cached in the work dir),
assembles ``pages.json`` with the intake's classifier, runs ``check_application`` and compares
with the ground truth. Prints:

* verdict accuracy (target ≥ 99 %),
* requirement-status accuracy over all ten ids (target ≥ 99.5 %),
* planted defects reported ``ok`` (must be 0),
* applicant fields exactly right (target ≥ 98 %);

once with the pipeline's page classification and once with the true page types ("oracle"),
which separates classification errors (intake) from requirement-engine errors. Re-runs reuse
the corpus and the OCR cache, so only the checks run again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from loket.intake import steps as intake  # noqa: E402
from loket.intake.classify import load_classification_rules  # noqa: E402
from loket.intake.ocr import OcrCache  # noqa: E402
from loket.intake.pages import PDFIUM_LOCK, PageRef, render_page, sniff  # noqa: E402

APPLICANT_FIELDS = (
    "name",
    "nik",
    "birth_place",
    "birth_date",
    "str_number",
    "str_valid_until",
    "workplace",
)


def _page_count(path: Path, kind: str) -> int:
    if kind == "pdf":
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(str(path))
            try:
                return len(doc)
            finally:
                doc.close()
    from PIL import Image, ImageSequence

    with Image.open(path) as im:
        return sum(1 for _ in ImageSequence.Iterator(im))


def page_refs(source: Path) -> list[PageRef]:
    """Pages of a submission as intake would list them (relpaths as in the register)."""
    files = sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
    refs: list[PageRef] = []
    for f in files:
        rel = f.relative_to(source).as_posix() if source.is_dir() else f.name
        data = f.read_bytes()
        kind = sniff(data[:2048])
        if kind is None:
            continue
        sha = hashlib.sha256(data).hexdigest()
        refs += [PageRef(rel, f, sha, kind, i) for i in range(_page_count(f, kind))]
    return refs


def _read(args: tuple[PageRef, str]) -> intake.PageResult:
    ref, cache = args
    return intake.read(ref, OcrCache(Path(cache)))


def _generate(args: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    from samples import generate_application

    out, item = args
    return generate_application(
        Path(out),
        item["name"],
        item["seed"],
        application_type=item["application_type"],
        defects=item["defects"],
        packaging=item["packaging"],
    )


def build_corpus(work: Path, count: int, seed: int, workers: int) -> list[dict[str, Any]]:
    """Generate (once) and read (once, cached) the corpus; return truths with pages docs."""
    from samples import corpus_plan

    inbox = work / "corpus"
    truth_dir = work / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    plan = corpus_plan(count, seed)
    todo = [item for item in plan if not (truth_dir / f"{item['name']}.json").exists()]
    if todo:
        print(f"generating {len(todo)} application(s) ...", flush=True)
        with ProcessPoolExecutor(workers) as pool:
            for item, truth in zip(
                todo, pool.map(_generate, [(str(inbox), i) for i in todo]), strict=True
            ):
                (truth_dir / f"{item['name']}.json").write_text(
                    json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
                )
    truths = [json.loads((truth_dir / f"{item['name']}.json").read_text("utf-8")) for item in plan]
    rules = load_classification_rules(REPO / "rules" / intake.CLASSIFICATION_RULES)
    cache = str(work / "ocr-cache")
    all_refs = {t["source"]: page_refs(inbox / t["source"]) for t in truths}
    flat = [(ref, cache) for refs in all_refs.values() for ref in refs]
    print(f"reading {len(flat)} page(s) (cached pages are free) ...", flush=True)
    t0 = time.monotonic()
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(_read, flat, chunksize=1))
    print(f"  {time.monotonic() - t0:.0f} s", flush=True)
    it = iter(results)
    for t in truths:
        refs = all_refs[t["source"]]
        page_results = [next(it) for _ in refs]
        t["_pages_doc"] = intake.assemble(t["source"], t["source"], page_results, rules)
        t["_refs"] = {(r.relpath, r.page): r for r in refs}
    return truths


def oracle(doc: dict[str, Any], truth: dict[str, Any]) -> dict[str, Any]:
    """The pages doc with the true page types (and photo counts on photo pages)."""
    by_page = {(p["file"], p["page"]): p for p in truth["pages"]}
    pages = []
    for p in doc["pages"]:
        tp = by_page.get((p["file"], p["page"]))
        q = dict(p)
        if tp is not None:
            q["doc_type"] = tp["doc_type"]
            if tp["doc_type"] == "pas_foto":
                q["faces"] = tp.get("photos", q["faces"])
        pages.append(q)
    return {**doc, "pages": pages}


def unavailable(truth: dict[str, Any], rules_path: Path) -> set[str]:
    """Applicant fields none of whose source documents is the applicant's own in this
    application (all missing, or another person's): nobody could read them."""
    from loket.requirements.rules import load_service_rules

    rules = load_service_rules(rules_path)
    gone = {d.removeprefix("missing_") for d in truth["defects"] if d.startswith("missing_")}
    gone |= set(truth.get("defect_targets", {}).values())
    return {
        key
        for key, spec in rules.applicant.items()
        if all(path.split(".")[0] in gone for path in spec.from_)
    }


def compare(truth: dict[str, Any], checklist: dict[str, Any]) -> dict[str, Any]:
    expected = truth["requirements"]
    got = {r["id"]: r["status"] for r in checklist["requirements"]}
    want_verdict = (
        "complete" if all(s in ("ok", "not_required") for s in expected.values()) else "incomplete"
    )
    fields = {}
    for key in APPLICANT_FIELDS:
        fields[key] = (str(checklist["applicant"].get(key)), str(truth["applicant"][key]))
    return {
        "verdict": (checklist["verdict"], want_verdict),
        "requirements": {k: (got.get(k), v) for k, v in expected.items()},
        "defect_ok": [
            k for k, v in expected.items() if v in ("missing", "invalid") and got.get(k) == "ok"
        ],
        "fields": fields,
        "application_type": (checklist["application_type"], truth["application_type"]),
    }


def run(truths: list[dict[str, Any]], rules_path: Path, use_oracle: bool) -> dict[str, Any]:
    from loket.requirements.engine import check_application

    rows = []
    t0 = time.monotonic()
    for t in truths:
        refs = t["_refs"]
        doc = oracle(t["_pages_doc"], t) if use_oracle else t["_pages_doc"]

        def image_for(file: str, page: int, _refs: dict = refs):  # type: ignore[no-untyped-def]
            return render_page(_refs[(file, page)])

        checklist = check_application(doc, image_for, rules_path, date.fromisoformat(t["received"]))
        c = compare(t, checklist)
        c["unavailable"] = unavailable(t, rules_path)
        rows.append((t, checklist, c))
    elapsed = time.monotonic() - t0
    verdict_ok = sum(c["verdict"][0] == c["verdict"][1] for _, _, c in rows)
    req_total = sum(len(c["requirements"]) for _, _, c in rows)
    req_ok = sum(g == w for _, _, c in rows for g, w in c["requirements"].values())
    defects = sum(
        1 for _, _, c in rows for _g, w in c["requirements"].values() if w in ("missing", "invalid")
    )
    defect_ok = sum(len(c["defect_ok"]) for _, _, c in rows)
    f_total = sum(len(c["fields"]) for _, _, c in rows)
    f_ok = sum(g == w for _, _, c in rows for g, w in c["fields"].values())
    a_total = sum(len(c["fields"]) - len(c["unavailable"]) for _, _, c in rows)
    a_ok = sum(
        g == w for _, _, c in rows for k, (g, w) in c["fields"].items() if k not in c["unavailable"]
    )
    errors = []
    field_errors: Counter[str] = Counter()
    for t, _checklist, c in rows:
        for rid, (g, w) in c["requirements"].items():
            if g != w:
                errors.append(f"{t['source']} {t['defects']} {rid}: got {g}, want {w}")
        for key, (g, w) in c["fields"].items():
            if g != w:
                field_errors[key] += 1
                note = " (unavailable)" if key in c["unavailable"] else ""
                errors.append(f"{t['source']} field {key}: got {g!r}, want {w!r}{note}")
    return {
        "applications": len(rows),
        "with_defects": sum(bool(t["defects"]) for t in truths),
        "verdict_accuracy": verdict_ok / len(rows),
        "requirement_accuracy": req_ok / req_total,
        "defects_planted": defects,
        "defects_reported_ok": defect_ok,
        "field_accuracy": f_ok / f_total,
        "field_accuracy_available": a_ok / a_total,
        "fields_unavailable": f_total - a_total,
        "field_errors": dict(field_errors),
        "seconds_per_application": elapsed / len(rows),
        "errors": errors,
        "checklists": {t["source"]: cl for t, cl, _ in rows},
    }


def _print(title: str, r: dict[str, Any]) -> None:
    print(f"\n== {title} ==")
    print(f"applications            {r['applications']} ({r['with_defects']} with defects)")
    print(f"verdict accuracy        {r['verdict_accuracy']:.2%}   (target >= 99%)")
    print(f"requirement accuracy    {r['requirement_accuracy']:.2%}   (target >= 99.5%)")
    print(
        f"defects reported ok     {r['defects_reported_ok']} of {r['defects_planted']} "
        "planted requirement defects   (must be 0)"
    )
    print(f"applicant fields exact  {r['field_accuracy']:.2%}   (target >= 98%)")
    print(
        f"  ... of those readable   {r['field_accuracy_available']:.2%}   "
        f"({r['fields_unavailable']} field(s) only on a missing or another person's document)"
    )
    print(f"check time              {r['seconds_per_application']:.2f} s per application")
    for line in r["errors"][:60]:
        print("  ", line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--work", type=Path, default=REPO / "var" / "bench-requirements")
    ap.add_argument("--rules", type=Path, default=REPO / "rules" / "izin-kerja-radiografer.yaml")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--report", type=Path, default=None, help="write the figures as JSON")
    ap.add_argument("--only", choices=("pipeline", "oracle", "both"), default="both")
    args = ap.parse_args()
    truths = build_corpus(args.work, args.count, args.seed, args.workers)
    report: dict[str, Any] = {}
    if args.only in ("pipeline", "both"):
        report["pipeline"] = run(truths, args.rules, use_oracle=False)
        _print("pipeline page types (intake classification)", report["pipeline"])
    if args.only in ("oracle", "both"):
        report["oracle"] = run(truths, args.rules, use_oracle=True)
        _print("true page types (requirement engine alone)", report["oracle"])
    if args.report:
        for r in report.values():
            r.pop("checklists", None)
        args.report.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
