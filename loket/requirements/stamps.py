"""Wet-ink legalization stamps on copies: three signals.

* wording: the stamp's words ("dilegalisir", "sesuai dengan aslinya") in the page's OCR
  text, matched fuzzily (stamp text is often read with a few wrong letters);
* ink: blue/violet stamp-pad ink in the page image (OpenCV HSV mask). A photocopy is grey,
  so coloured ink on a copy was put there by hand, after copying: a wet stamp or signature.
  Blobs are grouped, and only a group as large as a stamp counts (a pen tick does not);
* regions: stamps found by shape, whatever the colour (a greyscale or black-and-white scan
  has none): blocks of ink the size of a stamp that are framed (rectangle, oval, round seal)
  or tilted against the body text, as a stamp pressed by hand is. Their words are read
  from the crop turned upright (:mod:`loket.requirements.legalization`).

Which hues, how saturated, how large and how tilted are the rules file's (``legalization``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz

from loket.requirements.boxes import grow, inside, overlap
from loket.requirements.extract import normalize
from loket.requirements.outlines import find_outlines, framed
from loket.requirements.seals import find_seals


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HueRange(_Strict):
    """OpenCV hue (0-179): blue ≈ 100-125, violet ≈ 125-150."""

    name: str
    low: int = Field(ge=0, le=179)
    high: int = Field(ge=0, le=179)

    @model_validator(mode="after")
    def _ordered(self) -> HueRange:
        if self.low > self.high:
            raise ValueError("low must not be above high")
        return self


class InkRule(_Strict):
    hues: list[HueRange] = Field(min_length=1)
    min_saturation: int = Field(30, ge=0, le=255, description="0-255")
    min_value: int = Field(40, ge=0, le=255, description="darker than this: not ink colour")
    max_value: int = Field(245, ge=0, le=255, description="lighter than this: paper")
    work_width: int = Field(1600, ge=200, description="page width in px the mask is made at")
    join: float = Field(0.012, ge=0, le=0.2, description="gap (fraction of width) joining ink")
    min_size: float = Field(0.08, ge=0, le=1, description="stamp group: width/height ≥ this")
    min_ink: float = Field(
        0.0004, ge=0, le=1, description="stamp group: ink pixels ≥ this fraction of the page"
    )


class StampRule(_Strict):
    """Finding stamps by shape and reading their words (``legalization.stamps``)."""

    work_width: int = Field(
        1000, ge=300, le=4000, description="page width in px regions are found at"
    )
    join: float = Field(0.01, gt=0, le=0.05, description="gap (fraction of width) joining ink")
    min_size: float = Field(0.1, gt=0, lt=1, description="stamp: longer side ≥ this x width")
    max_size: float = Field(0.6, gt=0, le=1, description="stamp: longer side ≤ this x width")
    max_angle: float = Field(25.0, ge=0, le=45, description="stamps are tried up to ± this")
    angle_step: float = Field(1.0, gt=0, le=10, description="degrees between tried angles")
    tilted: float = Field(2.0, ge=0, le=20, description="a block tilted more is no body text")
    tilt_gain: float = Field(
        1.5, ge=1, le=10, description="a block's lines this much sharper turned: tilted"
    )
    max_regions: int = Field(3, ge=1, le=10, description="regions read per page, best first")
    max_ocr: int = Field(
        5, ge=1, le=20, description="tesseract calls per page on the chosen regions at most"
    )
    more_regions: int = Field(
        0,
        ge=0,
        le=10,
        description="on a scan without colour whose chosen regions read no stamp words: "
        "this many of the other blocks read once each, as a last resort (tesseract calls "
        "beyond max_ocr)",
    )
    psm: list[int] = Field([6, 11], min_length=1, description="page modes tried on a crop")
    max_crop: int = Field(
        1100, ge=200, le=4000, description="a crop's longer side in px at most, for OCR time"
    )
    crop_contrast: int = Field(
        12, ge=1, le=80, description="ink in a crop: this much darker than the paper around"
    )
    scale: float = Field(1.5, ge=0.5, le=4, description="crop enlarged this much for OCR")
    min_confidence: float = Field(
        0,
        ge=0,
        le=100,
        description="a stamp's words count when tesseract's mean word confidence (0-100) "
        "over the line they are read on is at least this",
    )
    colour_chroma: int = Field(4, ge=1, le=100, description="channel spread that is colour")
    no_region: Literal["review", "invalid"] = Field(
        "review", description="grey scan, no words, no stamp-like region: review or invalid"
    )

    @model_validator(mode="after")
    def _sane(self) -> StampRule:
        if self.min_size >= self.max_size:
            raise ValueError(
                f"stamps.min_size ({self.min_size}) must be below stamps.max_size "
                f"({self.max_size}): lower min_size or raise max_size"
            )
        if self.angle_step > self.max_angle > 0:
            raise ValueError(
                f"stamps.angle_step ({self.angle_step}) is larger than stamps.max_angle "
                f"({self.max_angle}): use a step of at most max_angle (e.g. 1 or 2 degrees)"
            )
        bad = [p for p in self.psm if p not in (3, 4, 6, 7, 11, 12)]
        if bad:
            raise ValueError(
                f"stamps.psm {bad} are not tesseract page modes for a crop: use 6 (a block), "
                "11 (sparse text), 3, 4, 7 or 12"
            )
        return self


class LegalizationRule(_Strict):
    """How a legalized copy is recognised; ``decide``: which signals must fire."""

    phrases: list[str] = Field(min_length=1)
    fuzzy: int = Field(80, ge=50, le=100)
    ink: InkRule
    decide: str = Field("any", pattern="^(any|all|text|ink)$")
    stamps: StampRule = Field(default_factory=StampRule)


@dataclass(frozen=True)
class InkBlob:
    x: int
    y: int
    w: int
    h: int
    ink: int  # coloured pixels in the group (at work resolution)
    hue: str  # name of the dominant hue range


@dataclass(frozen=True)
class InkResult:
    blobs: tuple[InkBlob, ...]
    coverage: float  # coloured pixels / page pixels (at work resolution)
    width: int
    height: int

    @property
    def found(self) -> bool:
        return bool(self.blobs)

    def describe(self) -> str:
        if not self.blobs:
            return "tidak ada cap tinta berwarna"
        big = max(self.blobs, key=lambda b: b.ink)
        hues = sorted({b.hue for b in self.blobs})
        return (
            f"cap tinta berwarna ({'/'.join(hues)}) terdeteksi: {len(self.blobs)} area, "
            f"terbesar {big.w / self.width:.0%} x {big.h / self.width:.0%} lebar halaman"
        )


def ink_mask(image: Image.Image, rule: InkRule) -> tuple[np.ndarray, np.ndarray]:
    """(mask of coloured-ink pixels, hue image) at the rule's working width."""
    rgb = np.asarray(image.convert("RGB"))
    w = rgb.shape[1]
    scale = min(1.0, rule.work_width / w)
    if scale < 1.0:
        rgb = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    colour = (sat >= rule.min_saturation) & (val >= rule.min_value) & (val <= rule.max_value)
    in_range = np.zeros_like(colour)
    for r in rule.hues:
        in_range |= (hue >= r.low) & (hue <= r.high)
    mask = (colour & in_range).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return mask, hue


def find_ink(image: Image.Image, rule: InkRule) -> InkResult:
    """Groups of coloured ink as large as a stamp."""
    if image.mode in ("1", "L", "LA", "I", "I;16", "F"):  # a grey scan has no coloured ink
        w = min(image.width, rule.work_width)
        return InkResult((), 0.0, w, round(image.height * w / max(image.width, 1)))
    mask, hue = ink_mask(image, rule)
    h, w = mask.shape
    total = int(np.count_nonzero(mask))
    if total == 0:
        return InkResult((), 0.0, w, h)
    gap = max(1, int(rule.join * w))
    joined = cv2.dilate(mask, np.ones((gap, gap), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined)
    blobs = []
    for i in range(1, n):
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        region = (labels[y : y + bh, x : x + bw] == i) & (mask[y : y + bh, x : x + bw] > 0)
        ink = int(np.count_nonzero(region))
        if bw < rule.min_size * w or bh < rule.min_size * w or ink < rule.min_ink * w * h:
            continue
        hues = hue[y : y + bh, x : x + bw][region]
        counts = [
            (int(np.count_nonzero((hues >= r.low) & (hues <= r.high))), r.name) for r in rule.hues
        ]
        blobs.append(InkBlob(x, y, bw, bh, ink, max(counts)[1]))
    return InkResult(tuple(blobs), total / (w * h), w, h)


@dataclass(frozen=True)
class PhraseHit:
    phrase: str
    line: str
    score: float


def find_phrases(text: str, phrases: list[str], fuzzy: int) -> list[PhraseHit]:
    """Lines of ``text`` containing one of ``phrases`` (case/punctuation-insensitive, fuzzy)."""
    hits: list[PhraseHit] = []
    lines = [ln for ln in text.splitlines() if ln.strip()]
    # also look across line breaks: stamp wording is often split over two lines
    pairs = [f"{a} {b}" for a, b in pairwise(lines)]
    for phrase in phrases:
        target = normalize(phrase)
        if not target:
            continue
        best: PhraseHit | None = None
        for line in lines + pairs:
            norm = normalize(line)
            if not norm:
                continue
            if target in norm:
                score = 100.0
            elif len(target) >= 8 and len(norm) >= len(target):
                score = fuzz.partial_ratio(target, norm)
            elif len(target) >= 8 and len(norm) >= len(target) * 0.6:
                # a line shorter than the phrase: the whole phrase must be like it ("dengan
                # ini" is not "dengan aslinya" with letters lost)
                score = fuzz.ratio(target, norm)
            else:
                continue
            if score >= fuzzy and (best is None or score > best.score):
                best = PhraseHit(phrase, line.strip(), float(score))
        if best:
            hits.append(best)
    return hits


def has_words(text: str, pattern: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


# --------------------------------------------------------------------------------------------
# Stamps by shape: regions of a page whatever the colour of the scan
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StampRegion:
    """A block of ink that may be a stamp, in the upright page's pixels.

    ``angle``: degrees (counter-clockwise positive, as :func:`cv2.getRotationMatrix2D` takes
    them) that turn its lines level; ``framed``: inside a closed outline (frame, oval, seal)."""

    box: tuple[int, int, int, int]  # left, top, right, bottom
    angle: float
    framed: bool
    tilted: bool
    #: a stamp's rectangular outline, its angle taken from the outline itself
    outlined: bool = False
    #: a round seal found by its ring (:mod:`loket.requirements.seals`)
    seal: bool = False

    @property
    def stamp_like(self) -> bool:
        """Framed or tilted against the body text: where a hand-pressed stamp's words are."""
        return self.framed or self.tilted or self.outlined

    @property
    def score(self) -> float:
        """Order of reading: rectangular outlines (surest angle), tilted blocks (text pressed
        by hand), round seals found by their ring, then other framed blocks."""
        shape = 3.0 * self.outlined + 0.5 * self.seal + 2.0 * self.tilted + 1.0 * self.framed
        return shape + abs(self.angle) / 45


def has_colour(image: Image.Image, chroma: int) -> bool:
    """Whether the scan kept colour: a greyscale or black-and-white scan has every pixel's
    channels equal, so a stamp's blue cannot be told from a photocopy's grey."""
    if image.mode not in ("RGB", "RGBA", "P", "CMYK", "YCbCr"):
        return False
    rgb = np.asarray(image.convert("RGB"))
    step = max(1, max(rgb.shape[:2]) // 600)  # every few pixels, not averaged: noise stays
    a = rgb[::step, ::step].astype(np.int16)
    spread = a.max(axis=2) - a.min(axis=2)
    return float(np.percentile(spread, 99)) >= chroma


def ink_map(gray: np.ndarray) -> np.ndarray:
    """Ink (1) against the local paper (0): an adaptive threshold, so faded stamp ink and a
    dithered black-and-white scan count as well as toner."""
    block = max(15, (min(gray.shape) // 30) | 1)
    smooth = cv2.GaussianBlur(gray, (3, 3), 0)
    mask = cv2.adaptiveThreshold(
        smooth, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 18
    )
    return mask.astype(np.uint8)


def text_angle(mask: np.ndarray, limit: float, step: float) -> tuple[float, float]:
    """The angle that levels the lines of a block of ink (projection profiles, as the page's
    own deskew does, but over a stamp's range of angles), and how much sharper its lines are
    at that angle than level (a block of level text gains nothing from turning)."""
    h, w = mask.shape
    f = min(1.0, 220 / max(h, w))
    small = cv2.resize(mask * 255, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    side = int(np.hypot(*small.shape)) + 2
    pad = np.zeros((side, side), np.uint8)
    y0, x0 = (side - small.shape[0]) // 2, (side - small.shape[1]) // 2
    pad[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
    centre = (side / 2, side / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(pad, m, (side, side), flags=cv2.INTER_LINEAR)
        profile = turned.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    angles = np.arange(-limit, limit + step / 2, step) if limit > 0 else np.zeros(1)
    scores = {float(a): sharpness(float(a)) for a in angles}
    best = max(scores, key=lambda a: (scores[a], -abs(a)))
    return best, scores[best] / max(sharpness(0.0), 1.0)


def _pictures(small: np.ndarray) -> np.ndarray:
    """Photos and other dark areas (1): ink there is no stamp, and a photo beside a stamp
    would join it into one block."""
    k = max(5, int(0.02 * small.shape[1]) | 1)
    mean = cv2.blur(small, (k, k))
    dark = (mean < 130).astype(np.uint8)
    return cv2.dilate(dark, np.ones((k // 2 + 1, k // 2 + 1), np.uint8))


def _candidates(ink: np.ndarray, rule: StampRule) -> list[tuple[int, int, int, int]]:
    """Boxes (work pixels) of closed outlines and of joined blocks of ink of a stamp's size."""
    sw = ink.shape[1]
    lo, hi = rule.min_size * sw, rule.max_size * sw
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = []
    for c in contours:
        x, y, bw, bh = cv2.boundingRect(c)
        if lo <= max(bw, bh) <= hi and min(bw, bh) >= 0.4 * lo:
            boxes.append((x, y, x + bw, y + bh))
    gap = max(2, int(rule.join * sw))
    joined = cv2.dilate(ink, np.ones((gap * 3 // 2, gap), np.uint8))  # lines sit apart
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined)
    for i in range(1, n):
        x, y, bw, bh, _ = (int(v) for v in stats[i])
        if lo <= max(bw, bh) <= hi and min(bw, bh) >= 0.4 * lo:
            boxes.append((x, y, x + bw, y + bh))
    kept: list[tuple[int, int, int, int]] = []
    for b in sorted(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1])):
        if not any(overlap(b, k) > 0.6 for k in kept):
            kept.append(b)
    return kept


def _tilted_lines(ink: np.ndarray, rule: StampRule) -> list[tuple[tuple[int, ...], float]]:
    """Lines of text at a slant (box, levelling angle): letters joined into lines, each
    line's slant from its second moments. Body text, once the page is deskewed, is level."""
    sw = ink.shape[1]
    k = max(2, int(0.005 * sw))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3 * k, k))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(ink, kernel))
    out = []
    for i in range(1, n):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if not 0.05 * sw <= max(w, h) <= rule.max_size * sw:
            continue
        m = cv2.moments((labels[y : y + h, x : x + w] == i).astype(np.uint8), binaryImage=True)
        a, b, c = m["mu20"], m["mu02"], m["mu11"]
        spread = np.sqrt(max(((a - b) / 2) ** 2 + c * c, 0.0))
        long, short = (a + b) / 2 + spread, (a + b) / 2 - spread
        if short <= 0 or long < 16 * short:  # not a line: four times as long as high
            continue
        if np.sqrt(short / max(m["m00"], 1)) > 0.008 * sw:  # two rows run together
            continue
        angle = float(np.degrees(0.5 * np.arctan2(2 * c, a - b)))
        if rule.tilted <= abs(angle) <= rule.max_angle:
            out.append(((x, y, x + w, y + h), angle))
    return out


def _letter_runs(ink: np.ndarray, rule: StampRule) -> list[tuple[tuple[int, ...], float]]:
    """Lines of letters at a slant (box, levelling angle), found from the letters' centres
    (a Hough transform over the stamp's angles): unlike joined ink, a stamp line pressed
    over other text or touching its frame still lines up its own letters."""
    _, _, stats, centres = cv2.connectedComponentsWithStats(ink)
    sw = ink.shape[1]
    hs, ws = stats[1:, 3], stats[1:, 2]
    keep = (hs >= 0.004 * sw) & (hs <= 0.025 * sw) & (ws <= 0.03 * sw)
    pts, hs = centres[1:][keep], hs[keep]
    if len(pts) < 10:
        return []
    size = float(np.median(hs))
    least = max(rule.tilted, 5.0)  # gentler slants: level body text lines up as well
    out = []
    for a in np.arange(-rule.max_angle, rule.max_angle + 0.5, 1.0):
        if abs(a) < least:
            continue
        t = np.radians(a)
        rho = -pts[:, 0] * np.sin(t) + pts[:, 1] * np.cos(t)
        along = pts[:, 0] * np.cos(t) + pts[:, 1] * np.sin(t)
        for offset in (0.0, 0.5):
            bins = np.floor(rho / (0.6 * size) + offset).astype(np.int64)
            for b in np.unique(bins):
                idx = np.nonzero(bins == b)[0]
                if len(idx) < 10:
                    continue
                idx = idx[np.argsort(along[idx])]
                cuts = np.nonzero(np.diff(along[idx]) > 2.5 * size)[0] + 1
                for run in np.split(idx, cuts):
                    if len(run) >= 10 and np.ptp(along[run]) >= 8 * size:
                        x, y = pts[run, 0], pts[run, 1]
                        box = (int(x.min()), int(y.min() - size), int(x.max()), int(y.max() + size))
                        out.append((box, float(a), len(run)))
    return [(box, a) for box, a, _ in sorted(out, key=lambda r: -r[2])[:40]]


def _stamp_blocks(
    lines: list[tuple[tuple[int, ...], float]], width: int
) -> list[tuple[tuple[int, ...], float]]:
    """Tilted lines grouped into blocks (box, median angle): lines at one slant, close by;
    a lone line only if long (a stamp's heading), so that a signature stroke is seldom one."""
    groups: list[list[int]] = []
    for i, (box, angle) in enumerate(lines):
        reach = max(2 * (box[3] - box[1]), 10)
        near = [
            g
            for g in groups
            if any(
                abs(lines[j][1] - angle) <= 6 and overlap(grow(lines[j][0], reach), box) > 0
                for j in g
            )
        ]
        merged = [i] + [j for g in near for j in g]
        groups = [g for g in groups if g not in near] + [merged]
    blocks = []
    for g in groups:
        boxes = [lines[j][0] for j in g]
        if len(g) < 2 and boxes[0][2] - boxes[0][0] < 0.12 * width:
            continue
        box = (min(b[0] for b in boxes), min(b[1] for b in boxes))
        box += (max(b[2] for b in boxes), max(b[3] for b in boxes))
        pad = max(b[3] - b[1] for b in boxes)
        blocks.append((grow(box, pad), float(np.median([lines[j][1] for j in g]))))
    return blocks


def find_stamp_regions(gray: np.ndarray, rule: StampRule) -> list[StampRegion]:
    """Blocks of ink the size of a stamp on an upright page, best candidates first (boxes in
    the page's pixels): closed outlines, blocks of ink and groups of tilted lines. Long
    straight rules, page borders and photos are left out first, so that a stamp pressed
    over a line or beside a photo stays a block of its own."""
    w = gray.shape[1]
    f = min(1.0, rule.work_width / w)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    ink = ink_map(small)
    sw = ink.shape[1]
    outlines = find_outlines(ink, rule.min_size * sw, rule.max_size * sw, rule.max_angle)
    long = max(15, int(0.08 * small.shape[1]))
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, long), np.uint8))
    lines |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((long, 1), np.uint8))
    ink &= (1 - lines) & (1 - _pictures(small))
    found = [
        StampRegion((int(x0 / f), int(y0 / f), int(x1 / f), int(y1 / f)), a, True, False, True)
        for (x0, y0, x1, y1), a in outlines
    ]
    seals = [b for b in find_seals(small, ink) if all(overlap(b, o) <= 0.6 for o, _ in outlines)]
    for x0, y0, x1, y1 in seals:  # found by their ring, where their ink joins other ink
        found.append(
            StampRegion(
                (int(x0 / f), int(y0 / f), int(x1 / f), int(y1 / f)), 0.0, True, False, seal=True
            )
        )
    slanted = _letter_runs(ink, rule) + _tilted_lines(ink, rule)
    blocks = _stamp_blocks(slanted, ink.shape[1])
    for (x0, y0, x1, y1), angle in blocks:
        if any(overlap((x0, y0, x1, y1), b) > 0.6 for b, _ in outlines):
            continue  # inside a stamp's outline, whose angle is surer
        box = (int(x0 / f), int(y0 / f), int(x1 / f), int(y1 / f))
        found.append(StampRegion(box, angle, False, True))
    for x0, y0, x1, y1 in _candidates(ink, rule):
        if any(overlap((x0, y0, x1, y1), b) > 0.6 for b, _ in blocks + outlines) or any(
            inside((x0, y0, x1, y1), b) for b in seals
        ):
            continue
        block = ink[y0:y1, x0:x1]
        angle, gain = text_angle(block, rule.max_angle, rule.angle_step)
        box = (int(x0 / f), int(y0 / f), int(x1 / f), int(y1 / f))
        # tilted where its lines are much sharper turned, or slanted lines confirm it (a
        # ruled table's remains can fool the block's profile a little)
        tilted = abs(angle) >= rule.tilted and (
            gain >= rule.tilt_gain
            or any(abs(a - angle) <= 4 and overlap((x0, y0, x1, y1), b) > 0.5 for b, a in slanted)
        )
        found.append(StampRegion(box, angle, framed(block), tilted))
    return sorted(_merged(found), key=lambda r: -r.score)


def core_angle(gray: np.ndarray, region: StampRegion, rule: StampRule) -> float:
    """The levelling angle of a region's middle (its inner three fifths, at the work
    resolution): a round seal's rim of letters or a frame's lines are left out there."""
    x0, y0, x1, y1 = region.box
    dx, dy = (x1 - x0) // 5, (y1 - y0) // 5
    core = gray[max(0, y0 + dy) : y1 - dy, max(0, x0 + dx) : x1 - dx]
    if min(core.shape) < 20:
        return region.angle
    f = min(1.0, rule.work_width / gray.shape[1])
    small = cv2.resize(core, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else core
    return text_angle(ink_map(small), rule.max_angle, rule.angle_step)[0]


def _merged(regions: list[StampRegion]) -> list[StampRegion]:
    """Tilted regions at one slant that overlap, joined into one: a stamp's lines found as
    two blocks (a line crossed by a seal or a photo's edge) read whole only together."""
    out: list[StampRegion] = []
    for r in sorted(regions, key=lambda r: -(r.box[2] - r.box[0]) * (r.box[3] - r.box[1])):
        mate = next(
            (
                i
                for i, k in enumerate(out)
                if r.tilted
                and k.tilted
                and not k.outlined
                and abs(r.angle - k.angle) <= 3
                and overlap(r.box, k.box) > 0.25
            ),
            None,
        )
        if mate is None:
            out.append(r)
            continue
        k = out[mate]
        box = (min(k.box[0], r.box[0]), min(k.box[1], r.box[1]))
        box += (max(k.box[2], r.box[2]), max(k.box[3], r.box[3]))
        out[mate] = StampRegion(box, k.angle, k.framed or r.framed, True)  # type: ignore[arg-type]
    return out
