"""Wet-ink legalization stamps on copies: two independent signals.

* wording: the stamp's words ("dilegalisir", "sesuai dengan aslinya") in the page's OCR
  text, matched fuzzily (stamp text is often read with a few wrong letters);
* ink: blue/violet stamp-pad ink in the page image (OpenCV HSV mask). A photocopy is grey,
  so coloured ink on a copy was put there by hand, after copying: a wet stamp or signature.
  Blobs are grouped, and only a group as large as a stamp counts (a pen tick does not).

Which hues, how saturated and how large are the rules file's (``legalization.ink``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz

from loket.requirements.extract import normalize


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


class LegalizationRule(_Strict):
    """How a legalized copy is recognised; ``decide``: which signals must fire."""

    phrases: list[str] = Field(min_length=1)
    fuzzy: int = Field(80, ge=50, le=100)
    ink: InkRule
    decide: str = Field("any", pattern="^(any|all|text|ink)$")


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
            elif len(target) >= 8 and len(norm) >= len(target) * 0.6:
                score = fuzz.partial_ratio(target, norm)
            else:
                continue
            if score >= fuzzy and (best is None or score > best.score):
                best = PhraseHit(phrase, line.strip(), float(score))
        if best:
            hits.append(best)
    return hits


def has_words(text: str, pattern: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None
