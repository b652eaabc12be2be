"""Assemble, "scan" and package whole applications; build corpora with ground truth."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import random
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .applicant import (
    Applicant,
    make_applicant,
    make_str_number,
    mistype_nik,
    other_person,
    transpose_nik,
    with_family_str_number,
    with_str_validity,
)
from .cards import ijazah, ktp, pas_foto_doc
from .common import REQUIREMENT_IDS, rand_date, to_workday
from .defects import (
    DEFECT_DOC,
    DEFECTS,
    OTHER_PERSON_TARGETS,
    check_defects,
    expected_requirements,
)
from .docbase import Ctx, Document
from .letters import surat_permohonan
from .noise import paper_wear
from .others import blank_doc, other_doc
from .packaging import PACKAGINGS, ScannedPage, check_free, write
from .permits import surat_izin_asli
from .recommendations import rekomendasi_dinkes, rekomendasi_organisasi_profesi
from .scan import ScannerProfile, scan
from .statements import surat_keterangan_sehat, surat_pernyataan_tempat_kerja
from .strcard import str_doc
from .styles import TUNING, chance, check_family
from .textpdf import render_letter_pdf

RENDERERS = {
    "surat_permohonan": surat_permohonan,
    "ktp": ktp,
    "pas_foto": pas_foto_doc,
    "ijazah": ijazah,
    "str": str_doc,
    "rekomendasi_organisasi_profesi": rekomendasi_organisasi_profesi,
    "surat_keterangan_sehat": surat_keterangan_sehat,
    "surat_pernyataan_tempat_kerja": surat_pernyataan_tempat_kerja,
    "rekomendasi_dinkes": rekomendasi_dinkes,
    "surat_izin_asli": surat_izin_asli,
}

RECEIVED_RANGE = (dt.date(2026, 1, 5), dt.date(2026, 11, 20))


def _fit_dates(rng: random.Random, app: Applicant, received: dt.date, expired: bool) -> Applicant:
    """Make graduation/STR dates consistent with the received date (and the defect)."""
    for _ in range(200):
        a = app
        latest_grad = received - dt.timedelta(days=200)
        if expired:
            valid = received - dt.timedelta(days=rng.randint(15, 700))
            a = with_str_validity(a, valid)
            latest_grad = min(latest_grad, a.str_issued - dt.timedelta(days=90))
        elif a.str_valid_until is not None and a.str_valid_until <= received:
            a = with_str_validity(a, received + dt.timedelta(days=rng.randint(120, 1500)))
        earliest_grad = dt.date(a.birth_date.year + 20, 7, 1)
        if earliest_grad > latest_grad:
            app = make_applicant(rng)
            continue
        if not (earliest_grad <= a.graduation <= latest_grad):
            a = dataclasses.replace(a, graduation=rand_date(rng, earliest_grad, latest_grad))
        if a.str_valid_until is None:
            lo = max(a.graduation + dt.timedelta(days=90), dt.date(2024, 3, 1))
            hi = received - dt.timedelta(days=30)
            if lo > hi:
                a = dataclasses.replace(
                    a, str_valid_until=None, str_issued=a.graduation + dt.timedelta(days=90)
                )
            elif not (lo <= a.str_issued <= hi):
                a = dataclasses.replace(a, str_issued=rand_date(rng, lo, hi))
        elif a.str_issued < a.graduation + dt.timedelta(days=60):
            a = dataclasses.replace(a, graduation=a.str_issued - dt.timedelta(days=120))
        return a
    raise RuntimeError("could not fit applicant dates")


def _render_fit(req: str, ctx: Ctx) -> Document:
    """Render a document; re-render tighter if a page's text ran off the sheet."""
    doc = RENDERERS[req](ctx)
    for attempt in range(1, 4):
        if all(p.fill <= 0.95 for p in doc.pages):
            break
        ctx.attempt = attempt
        doc = RENDERERS[req](ctx)
    ctx.attempt = 0
    return doc


def _order(rng: random.Random, docs: list[Document]) -> list[Document]:
    docs = list(docs)
    x = rng.random()
    if x < 0.1:
        rng.shuffle(docs)
    elif x < 0.45:
        for _ in range(rng.randint(1, 3)):
            i, j = rng.randrange(len(docs)), rng.randrange(len(docs))
            docs[i], docs[j] = docs[j], docs[i]
    return docs


def _rotation(rng: random.Random) -> int:
    if rng.random() < 1 / 8:
        return rng.choice((90, 90, 180, 270, 270))
    return 0


def _skew(rng: random.Random) -> float:
    return round(rng.uniform(-3.0, 3.0) if rng.random() < 0.75 else rng.uniform(-0.3, 0.3), 2)


def generate_application(
    out_dir: Path,
    name: str,
    seed: int,
    *,
    application_type: str = "new",
    defects: Sequence[str] = (),
    packaging: str | None = None,
    dpi: int = 200,
    received: dt.date | None = None,
    n_other: int | None = None,
    n_blank: int | None = None,
    family: str = TUNING,
) -> dict[str, Any]:
    """Write one synthetic submission into out_dir and return its ground truth.

    The submission is the folder out_dir/<name>/ or the file out_dir/<name>.pdf|.tif
    depending on the packaging (see PACKAGINGS). Deterministic for equal arguments.
    n_other / n_blank force the number of unrelated and blank pages (default: drawn).
    ``family`` is the style family (:mod:`samples.styles`): tuning or held-out choices on
    every axis the documents and the scanner vary along.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    defects = list(defects)
    check_defects(application_type, defects)
    check_family(family)
    if packaging is not None and packaging not in PACKAGINGS:
        raise ValueError(f"unknown packaging {packaging!r}; known: {', '.join(PACKAGINGS)}")
    check_free(out_dir, name)
    rng = random.Random(seed)
    if received is None:
        received = to_workday(rand_date(rng, *RECEIVED_RANGE))
    app = _fit_dates(rng, make_applicant(rng), received, "str_expired" in defects)
    app = with_family_str_number(rng, app, family)
    dset = frozenset(defects)

    targets: dict[str, str] = {}
    other: Applicant | None = None
    if "other_person" in dset:
        missing = {d[len("missing_") :] for d in dset if d.startswith("missing_")}
        altered = {DEFECT_DOC[d] for d in dset if d in DEFECT_DOC}
        cands = [t for t in OTHER_PERSON_TARGETS if t not in missing and t not in altered] or [
            t for t in OTHER_PERSON_TARGETS if t not in missing
        ]
        if not cands:
            raise ValueError("other_person needs one of its target documents to be present")
        targets["other_person"] = rng.choice(cands)
        other = with_family_str_number(rng, other_person(rng, app), family)
    mistake = transpose_nik if family == TUNING else mistype_nik
    letter_nik = mistake(rng, app.nik) if "nik_mismatch" in dset else app.nik
    lo = max(app.graduation + dt.timedelta(days=120), received - dt.timedelta(days=5 * 365))
    hi = received - dt.timedelta(days=540)
    if lo > hi:
        lo, hi = app.graduation + dt.timedelta(days=60), received - dt.timedelta(days=60)
    old_date = to_workday(rand_date(rng, lo, max(lo, hi)))
    old_str = (
        app.str_number
        if old_date >= app.str_issued
        else make_str_number(rng, old_date - dt.timedelta(days=rng.randint(30, 400)))
    )
    old_no = rng.choice(
        (
            f"503/DPMPTSP/SIKR/{rng.randint(1, 999):04d}/{old_date.year}",
            f"503/DPMPTSP-PKU/IKR/{rng.randint(1, 999)}/{old_date.year}",
            f"SIKR/{rng.randint(1, 999):03d}/DPMPTSP/{old_date.month:02d}/{old_date.year}",
        )
    )
    ctx = Ctx(
        rng=rng,
        dpi=dpi,
        app=app,
        received=received,
        application_type=application_type,
        defects=dset,
        letter_nik=letter_nik,
        other=other,
        other_target=targets.get("other_person"),
        old_permit_no=old_no,
        old_permit_date=old_date,
        old_str_number=old_str,
        family=family,
    )

    # ---- documents ---------------------------------------------------------------------
    docs: list[Document] = []
    for req in REQUIREMENT_IDS:
        if f"missing_{req}" in dset:
            continue
        if req == "surat_izin_asli" and (
            application_type == "new" or "renewal_without_permit" in dset
        ):
            continue
        docs.append(_render_fit(req, ctx))
    docs = _order(rng, docs)
    drawn_other = rng.choices((0, 1, 2), (0.55, 0.35, 0.10))[0]
    n_other = drawn_other if n_other is None else n_other
    for _ in range(n_other):
        docs.insert(rng.randint(0, len(docs)), other_doc(ctx))
    drawn_blank = rng.choices((0, 1, 2), (0.7, 0.25, 0.05))[0]
    n_blank = drawn_blank if n_blank is None else n_blank
    for _ in range(n_blank):
        pos = rng.randint(0, len(docs))
        neighbour = docs[pos - 1].pages[-1].img if pos > 0 else None
        docs.insert(pos, blank_doc(ctx, neighbour))

    if packaging is None:
        packaging = rng.choice(PACKAGINGS)
    digital_letter: Document | None = None
    if packaging == "text_pdf_letter":
        for d in docs:
            if d.doc_type == "surat_permohonan":
                digital_letter = d
        if digital_letter is not None:
            docs.remove(digital_letter)

    # ---- scanning ----------------------------------------------------------------------
    prof = ScannerProfile.random(rng, family)
    pages: list[ScannedPage] = []
    for di, d in enumerate(docs):
        for pi, dp in enumerate(d.pages):
            rot = _rotation(rng)
            sk = _skew(rng)
            printed = dp.img
            if d.doc_type != "pas_foto" and chance(rng, family, tuning=0.3, heldout=0.35):
                printed = paper_wear(printed, rng, family)
            img = scan(
                printed, rng, prof, skew=sk, rotation=rot, dpi=dpi, holes=rng.random() < 0.08
            )
            pages.append(ScannedPage(img, d.doc_type, di, pi + 1, rot, sk, dp.photos))

    def write_letter(path: Path) -> int:
        assert digital_letter is not None and digital_letter.blocks is not None
        meta = digital_letter.meta
        return render_letter_pdf(
            path,
            digital_letter.blocks,
            family=str(meta["family"]),
            size=float(meta["size"]),  # type: ignore[arg-type]
            margins=meta["margins"],
            rng=rng,
            leading=float(meta["leading"]),  # type: ignore[arg-type]
            created=dt.datetime.combine(
                received - dt.timedelta(days=rng.randint(1, 6)),
                dt.time(rng.randint(8, 21), rng.randint(0, 59)),
            ),
        )

    scanned_at = dt.datetime.combine(
        received - dt.timedelta(days=rng.randint(0, 3)),
        dt.time(rng.randint(7, 20), rng.randint(0, 59)),
    )
    source, placed = write(
        packaging,
        out_dir,
        name,
        pages,
        rng,
        dpi,
        prof.jpeg_quality,
        write_letter if digital_letter is not None else None,
        scanned_at,
    )

    def natural(s: str) -> list[Any]:
        return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", s)]

    placed.sort(key=lambda p: (natural(p.file), p.page))
    page_truth = []
    for p in placed:
        rec: dict[str, Any] = {
            "file": p.file,
            "page": p.page,
            "doc_type": p.sp.doc_type,
            "rotation": p.sp.rotation,
        }
        if p.sp.doc_type == "pas_foto":
            rec["photos"] = p.sp.photos
        rec["skew"] = p.sp.skew
        rec["doc_page"] = p.sp.doc_page
        rec["text_layer"] = p.sp.text_layer
        page_truth.append(rec)
    return {
        "source": source,
        "seed": seed,
        "family": family,
        "packaging": packaging,
        "application_type": application_type,
        "received": received.isoformat(),
        "defects": defects,
        "defect_targets": targets,
        "dpi": dpi,
        "scan_mode": prof.mode,  # colour | grey | bw: whether ink colour can be seen at all
        "applicant": app.truth(),
        "pages": page_truth,
        "requirements": expected_requirements(application_type, defects, targets),
    }


# --------------------------------------------------------------------------------------------
# Corpus
# --------------------------------------------------------------------------------------------
def _pick_defects(rng: random.Random, application_type: str) -> list[str]:
    pool = [d for d in DEFECTS if application_type == "renewal" or d != "renewal_without_permit"]
    k = 1 if rng.random() < 0.7 else 2
    chosen: list[str] = []
    docs_hit: set[str] = set()
    while len(chosen) < k:
        d = rng.choice(pool)
        doc = DEFECT_DOC.get(d, "?other_person")
        if d in chosen or doc in docs_hit:
            continue
        if d == "other_person" and len(chosen) and all(t in docs_hit for t in OTHER_PERSON_TARGETS):
            continue
        chosen.append(d)
        docs_hit.add(doc)
    return chosen


def corpus_plan(
    count: int, seed: int, defect_rate: float = 0.5, family: str = TUNING
) -> list[dict[str, Any]]:
    """The per-application arguments of a corpus (cheap; no rendering), all of one style
    family (the held-out family draws other seeds than the tuning family's)."""
    rng = random.Random(seed if check_family(family) == TUNING else f"{seed}-{family}")
    packs: list[str] = []
    plan = []
    for i in range(count):
        if not packs:
            packs = list(PACKAGINGS)
            rng.shuffle(packs)
        app_type = "renewal" if rng.random() < 0.35 else "new"
        packaging = packs.pop()
        defects = _pick_defects(rng, app_type) if rng.random() < defect_rate else []
        while packaging == "text_pdf_letter" and "missing_surat_permohonan" in defects:
            defects = _pick_defects(rng, app_type)  # that packaging is about the letter
        plan.append(
            {
                "name": f"app-{i + 1:03d}",
                "seed": rng.randrange(1, 2**31),
                "application_type": app_type,
                "defects": defects,
                "packaging": packaging,
                "family": family,
            }
        )
    return plan


def _one(args: tuple[str, dict[str, Any], int]) -> dict[str, Any]:
    out_dir, item, dpi = args
    return generate_application(
        Path(out_dir),
        item["name"],
        item["seed"],
        application_type=item["application_type"],
        defects=item["defects"],
        packaging=item["packaging"],
        dpi=dpi,
        family=item.get("family", TUNING),
    )


def generate_corpus(
    out_dir: Path,
    count: int,
    seed: int,
    *,
    defect_rate: float = 0.5,
    dpi: int = 200,
    truth_path: Path | None = None,
    workers: int = 1,
    family: str = TUNING,
) -> list[dict[str, Any]]:
    """Generate `count` applications into out_dir (an inbox); return the ground truths.

    Packagings are dealt round-robin from a shuffled list, so any 6 consecutive applications
    cover all of them. The truth list is written as JSON to truth_path, which must not lie
    inside out_dir.
    """
    out_dir = Path(out_dir)
    if truth_path is not None:
        tp = Path(truth_path).resolve()
        od = out_dir.resolve()
        if tp == od or od in tp.parents:
            raise ValueError(f"truth_path {truth_path} must not be inside the inbox {out_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = corpus_plan(count, seed, defect_rate, family)
    jobs = [(str(out_dir), item, dpi) for item in plan]
    if workers > 1 and count > 1:
        with ProcessPoolExecutor(max_workers=min(workers, os.cpu_count() or 1)) as ex:
            truths = list(ex.map(_one, jobs))
    else:
        truths = [_one(j) for j in jobs]
    if truth_path is not None:
        Path(truth_path).parent.mkdir(parents=True, exist_ok=True)
        Path(truth_path).write_text(
            json.dumps(truths, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return truths
