"""The ``legalized`` check: is a copy (ijazah, STR) legalised with a wet-ink stamp? The stamp's
words read by OCR, its coloured ink, or, on grey and black-and-white scans where colour is lost,
a stamp-like region that cannot be read (then the cell goes to the officer for review).

Stamps are pressed by hand at up to some twenty degrees to the page, so the page's own OCR
(made for level lines) often misses their words: the stamp-like regions are cut out, turned
level and read again, a few small crops per page (rules ``legalization.stamps``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

import cv2
import numpy as np
from PIL import Image

from loket.intake import PageReading
from loket.requirements.context import Context
from loket.requirements.documents import Document
from loket.requirements.results import RequirementOutcome, page_evidence
from loket.requirements.rules import LegalizedCheck
from loket.requirements.stamps import (
    InkResult,
    LegalizationRule,
    PhraseHit,
    StampRegion,
    StampRule,
    core_angle,
    find_ink,
    find_phrases,
    find_stamp_regions,
    has_colour,
)

Box = tuple[float, float, float, float]


@dataclass
class StampReading:
    """What the stamp regions of one page gave: words read (with the region's box, as
    fractions of the page image) and the most stamp-like region when none read."""

    colour: bool
    hits: list[PhraseHit] = field(default_factory=list)
    hit_box: Box | None = None
    unread_box: Box | None = None
    regions: int = 0
    ocr_calls: int = 0
    confidence: float = 0.0  # best word confidence of a line with a stamp phrase, sure or not
    second_calls: int = 0  # crops read by the second OCR engine (grey scans, none read)


def _page_box(box: tuple[int, int, int, int], shape: tuple[int, ...], rotation: int) -> Box:
    """A box on the upright page as fractions of the stored (possibly turned) page image."""
    h, w = shape[:2]
    x0, y0, x1, y1 = box[0] / w, box[1] / h, box[2] / w, box[3] / h
    corners = {
        0: (x0, y0, x1, y1),
        90: (1 - y1, x0, 1 - y0, x1),
        180: (1 - x1, 1 - y1, 1 - x0, 1 - y0),
        270: (y0, 1 - x1, y1, 1 - x0),
    }[rotation % 360]
    return tuple(min(1.0, max(0.0, v)) for v in corners)  # type: ignore[return-value]


def level_crop(gray: np.ndarray, region: StampRegion, rule: StampRule) -> np.ndarray:
    """The region cut out with a margin, turned level and made black on white for OCR (a
    dithered black-and-white scan is smoothed first, so its dots make strokes again)."""
    h, w = gray.shape
    x0, y0, x1, y1 = region.box
    m = int(0.1 * max(x1 - x0, y1 - y0))
    cut = gray[max(0, y0 - m) : min(h, y1 + m), max(0, x0 - m) : min(w, x1 + m)]
    scale = min(rule.scale, rule.max_crop / max(cut.shape))  # OCR time grows with the area
    if abs(scale - 1.0) > 0.05:
        cut = cv2.resize(cut, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    cut = cv2.GaussianBlur(cut, (3, 3), 0)
    # black on white before turning (the white corners of the turn must not sway a
    # threshold), against the local paper: a faded stamp beside dark print or a photo is
    # lighter than they are but darker than the paper around it
    block = max(15, int(0.02 * w * scale) | 1)  # a few letters high
    cut = cv2.adaptiveThreshold(
        cut, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, rule.crop_contrast
    )
    ch, cw = cut.shape
    cos, sin = abs(np.cos(np.radians(region.angle))), abs(np.sin(np.radians(region.angle)))
    side_w, side_h = int(cw * cos + ch * sin), int(cw * sin + ch * cos)
    mat = cv2.getRotationMatrix2D((cw / 2, ch / 2), region.angle, 1.0)
    mat[0, 2] += (side_w - cw) / 2
    mat[1, 2] += (side_h - ch) / 2
    level = cv2.warpAffine(cut, mat, (side_w, side_h), flags=cv2.INTER_LINEAR, borderValue=(255,))
    return cv2.threshold(level, 127, 255, cv2.THRESH_BINARY)[1]


def _ocr(image: np.ndarray, psm: int) -> list[tuple[str, float]]:
    """The crop's lines of text, each with tesseract's mean word confidence (0-100)."""
    from loket.intake import tesseract_tsv

    lines: dict[tuple[str, ...], list[tuple[str, float]]] = {}
    for row in tesseract_tsv(image, psm, "ind+eng").splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        lines.setdefault(tuple(cols[2:5]), []).append((cols[11], max(0.0, float(cols[10]))))
    return [
        (" ".join(w for w, _ in words), sum(c for _, c in words) / len(words))
        for words in lines.values()
    ]


def sure_hits(
    lines: list[tuple[str, float]], rule: LegalizationRule
) -> tuple[list[PhraseHit], float]:
    """The stamp phrases on ``lines`` read at least as surely as the rules ask (the mean word
    confidence of the line, or of the two lines a phrase runs over), and the best confidence
    of a phrase's line however sure (for the evidence and for measuring)."""
    conf = {text.strip(): c for text, c in lines}
    for (a, ca), (b, cb) in pairwise(lines):
        conf.setdefault(f"{a.strip()} {b.strip()}", (ca + cb) / 2)
    hits = find_phrases("\n".join(t for t, _ in lines), rule.phrases, rule.fuzzy)
    best = max((conf.get(h.line, 0.0) for h in hits), default=0.0)
    sure = [h for h in hits if conf.get(h.line, 0.0) >= rule.stamps.min_confidence]
    return sure, best


def _attempts(
    gray: np.ndarray, chosen: list[StampRegion], st: StampRule
) -> list[tuple[int, float, int]]:
    """(region, angle, page mode) to read, in order: every region at its own angle first,
    then at the angle of its middle (a seal's rim or a frame's lines can sway the whole
    block's) and level, then in the other page modes."""
    first = st.psm[0]
    out = [(i, r.angle, first) for i, r in enumerate(chosen)]
    for i, r in enumerate(chosen):
        tried = [r.angle]
        for a in (core_angle(gray, r, st), 0.0):
            if all(abs(a - b) > 3 for b in tried):
                tried.append(a)
                out.append((i, a, first))
    out += [(i, r.angle, psm) for psm in st.psm[1:] for i, r in enumerate(chosen)]
    return out


def _kind(r: StampRegion) -> str:
    return "outline" if r.outlined else "seal" if r.seal else "tilted" if r.tilted else "framed"


def _by_kind(regions: list[StampRegion]) -> list[StampRegion]:
    """Every stamp outline and the best seal, slanted block and other framed block first
    (in their order: an outline scores above the rest), then the others: one finder's
    false alarms (a line of italics that seems slanted, a printed emblem's ring) must not
    crowd the others out of the regions read."""
    firsts = [r for r in regions if r.outlined]
    for kind in ("seal", "tilted", "framed"):
        firsts += [r for r in regions if _kind(r) == kind][:1]
    front = [r for r in regions if any(r is f for f in firsts)]  # in their order
    return front + [r for r in regions if all(r is not f for f in firsts)]


def read_stamps(
    image: Image.Image,
    rotation: int,
    skew: float,
    rule: LegalizationRule,
    *,
    second: bool = False,
) -> StampReading:
    """Find the page's stamp-like regions and read their words, a bounded number of crops:
    stamps are pressed at any angle up to about twenty degrees, and the angle a region's ink
    suggests is not always its words', so a region is read at a few angles. With ``second``,
    a scan without colour whose stamps tesseract could not read is read by the second OCR
    engine too (:func:`second_hits`). On a scan without colour, a few blocks not chosen are
    read once each before that (``more_regions``): a stamp cut by the page's edge, or one
    run into the page's border, has neither a stamp's outline nor its place in the ranking."""
    from loket.intake import deskew, rotate_upright

    st = rule.stamps
    reading = StampReading(has_colour(image, st.colour_chroma))
    gray = deskew(rotate_upright(np.asarray(image.convert("L")), rotation), skew)
    regions = find_stamp_regions(gray, st)
    reading.regions = len(regions)
    chosen = _by_kind([r for r in regions if r.stamp_like])[: st.max_regions]
    rest: list[StampRegion] = []
    if not reading.colour:
        # no colour to tell a stamp by, and a level round seal (an open rim of letters, level
        # words) is neither framed nor tilted: other blocks fill the regions read (max_ocr);
        # last, a few more once each (a stamp cut by the page's edge: more_regions)
        chosen += [r for r in regions if not r.stamp_like][: st.max_regions - len(chosen)]
        rest = [r for r in regions if all(r is not c for c in chosen)][: st.more_regions]
    attempts = _attempts(gray, chosen, st)[: st.max_ocr]
    attempts += [(len(chosen) + i, r.angle, st.psm[0]) for i, r in enumerate(rest)]
    read = chosen + rest
    boxes = [_page_box(r.box, gray.shape, rotation) for r in read]
    if boxes and read[0].stamp_like:  # a block read only for want of colour is no stamp
        reading.unread_box = boxes[0]
    for i, angle, psm in attempts:
        reading.ocr_calls += 1
        crop = level_crop(gray, replace(read[i], angle=angle), st)
        hits, best = sure_hits(_ocr(crop, psm), rule)
        reading.confidence = max(reading.confidence, best)
        if hits:
            reading.hits, reading.hit_box = hits, boxes[i]
            break
    if second and not reading.hits and not reading.colour:
        for i, region in enumerate(chosen):
            hits = second_hits(level_crop(gray, region, st), rule)
            reading.second_calls += 1
            if hits:
                reading.hits, reading.hit_box = hits, boxes[i]
                break
    return reading


def second_hits(crop: np.ndarray, rule: LegalizationRule) -> list[PhraseHit]:
    """The stamp phrases the second OCR engine (RapidOCR) reads on a level crop, as surely as
    the rules ask of tesseract's words (its score 0-1 taken as a confidence 0-100): on a grey
    or black-and-white scan, where the ink's colour cannot tell, a stamp tesseract misses is
    often read by a recogniser that errs otherwise. Only the rules' phrases count."""
    import unicodedata

    from loket.intake import second_read_lines

    lines = [
        (unicodedata.normalize("NFKC", line.text), line.score * 100)
        for line in second_read_lines(crop)
    ]
    return sure_hits(lines, rule)[0] if lines else []


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------
#: ``Context.ink`` keeps a page's stamp reading under its file name with this suffix.
_STAMPS = "#stamps"
#: Reason of a cell the officer decides: the scan lost the colour and the words did not read.
NOT_LOOKED_REASON = (
    "Gambar halaman {label} tidak dapat diperiksa untuk cap legalisir; periksa berkas asli."
)
GREY_REASON = (
    "Cap legalisir pada {label} tidak dapat dipastikan pada pindaian hitam-putih/abu-abu; "
    "periksa berkas asli."
)


@dataclass
class _PageOutcome:
    status: str  # ok | review | invalid
    evidence: list[dict[str, Any]]
    notes: list[str]


#: Stored for a page whose image could not be examined (rendering or OCR failed).
NOT_LOOKED = object()


def _ink(ctx: Context, key: tuple[str, int], rule: LegalizationRule) -> InkResult | None:
    if rule.decide == "text" or ctx.image_for is None:
        return None
    if key not in ctx.ink:
        try:
            ctx.ink[key] = find_ink(ctx.image_for(*key), rule.ink)
        except Exception:  # the page could not be looked at: no evidence either way
            ctx.ink[key] = NOT_LOOKED
    found = ctx.ink[key]
    return None if found is NOT_LOOKED else found


def _stamps(ctx: Context, p: PageReading, rule: LegalizationRule) -> StampReading | None:
    key = (p.file + _STAMPS, p.page)
    if ctx.image_for is None:
        return None
    if key not in ctx.ink:
        try:
            image = ctx.image_for(p.file, p.page)
            second = ctx.rules.second_engine.enabled and ctx.rules.second_engine.stamps
            ctx.ink[key] = read_stamps(image, p.rotation, p.skew, rule, second=second)
        except Exception:  # unreadable image or OCR failure: no evidence either way
            ctx.ink[key] = NOT_LOOKED
    found = ctx.ink[key]
    return None if found is NOT_LOOKED else found


def _not_looked(ctx: Context, p: PageReading) -> bool:
    """The page's image could not be examined for ink or a stamp (a rendering or OCR
    failure): its absence of a stamp is then no finding."""
    return any(ctx.ink.get(k) is NOT_LOOKED for k in ((p.file, p.page), (p.file + _STAMPS, p.page)))


def _page(ctx: Context, doc: Document, p: PageReading, rule: LegalizationRule) -> _PageOutcome:
    """One page's outcome: ok (words or ink), review (grey scan, stamp not readable) or
    invalid (nothing of a legalisation)."""
    texts = [t.text for t in doc.texts if t.file == p.file and t.page == p.page]
    hits = find_phrases("\n".join(texts), rule.phrases, rule.fuzzy)
    ink = _ink(ctx, (p.file, p.page), rule)
    text_fired, ink_fired = bool(hits), bool(ink and ink.found)
    reading = None
    if not text_fired and rule.decide != "ink" and not (rule.decide == "any" and ink_fired):
        reading = _stamps(ctx, p, rule)  # the stamp's words, read from its turned crop
        text_fired = bool(reading and reading.hits)
    passed = {
        "any": text_fired or ink_fired,
        "all": text_fired and ink_fired,
        "text": text_fired,
        "ink": ink_fired,
    }[rule.decide]
    evidence = [page_evidence(p, h.line) for h in hits[:2]]
    if reading and reading.hits:
        evidence += [page_evidence(p, h.line, box=reading.hit_box) for h in reading.hits[:2]]
    if ink_fired and ink is not None:
        evidence.append(page_evidence(p, f"[{ink.describe()}]"))
    if passed:
        fired = [
            s
            for s, on in (("tulisan cap legalisir", text_fired), ("tinta cap berwarna", ink_fired))
            if on
        ]
        return _PageOutcome("ok", evidence, [f"Legalisir basah terdeteksi: {' dan '.join(fired)}."])
    if _not_looked(ctx, p):
        return _PageOutcome(
            "review",
            [page_evidence(p, "[gambar halaman tidak dapat diperiksa]")],
            [NOT_LOOKED_REASON],
        )
    if reading is not None and not reading.colour:
        if reading.unread_box is not None:
            note = "[cap tanpa tulisan legalisir yang terbaca; warna tinta tidak terlihat]"
            return _PageOutcome("review", [page_evidence(p, note, box=reading.unread_box)], [])
        if rule.stamps.no_region == "review":
            return _PageOutcome("review", [page_evidence(p, "[pindaian tanpa warna]")], [])
    miss = []
    if not text_fired:
        miss.append("tulisan 'dilegalisir'/'sesuai dengan aslinya'")
    if not ink_fired:
        miss.append("cap tinta berwarna (biru/ungu)")
    return _PageOutcome("invalid", evidence, miss)


def _label(ctx: Context, doc: Document) -> str:
    for r in ctx.rules.requirements:
        if r.document == doc.doc_type:
            return r.label.split(" yang ")[0].lower()
    return doc.doc_type


def check_legalized(ctx: Context, doc: Document, chk: LegalizedCheck) -> RequirementOutcome:
    """Legalised if a page shows the stamp's words or its coloured ink; for the officer when
    a scan without colour shows a stamp whose words do not read; else not legalised."""
    rule = chk.rule or ctx.rules.legalization
    assert rule is not None
    outcomes = []
    for p in doc.pages:
        out = _page(ctx, doc, p, rule)
        if out.status == "ok":
            return RequirementOutcome(True, evidence=out.evidence, notes=out.notes)
        outcomes.append(out)
    review = [o for o in outcomes if o.status == "review"]
    if review:
        said = next((o.notes[0] for o in review if o.notes), GREY_REASON)
        reason = said.format(label=_label(ctx, doc))
        return RequirementOutcome.undecided([reason], [e for o in review for e in o.evidence])
    best = max(outcomes, key=lambda o: len(o.evidence), default=None)
    miss = best.notes if best else []
    reason = chk.reason or (
        f"Tidak ditemukan legalisir basah pada {_label(ctx, doc)} "
        f"(tidak ada {' maupun '.join(miss)})."
    )
    return RequirementOutcome(False, [reason], best.evidence if best else [])
