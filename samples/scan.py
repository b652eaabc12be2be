"""Photocopy and scanner simulation.

Rotation convention: a page's ``rotation`` is the clockwise angle (0/90/180/270) by which the
upright page image was turned when it was "scanned"; rotating the stored image back
counter-clockwise by that angle uprights it (PIL: ``img.rotate(rotation, expand=True)``,
which turns counter-clockwise). ``skew`` is the small extra tilt in degrees, positive =
counter-clockwise, applied before the quarter turn.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from .styles import HELDOUT, TUNING, chance


@dataclass
class ScannerProfile:
    """Per-application scanner settings (pages jitter around them)."""

    noise: float  # gaussian noise sigma (0..255 scale)
    blur: float  # gaussian blur sigma in px at 200 dpi
    paper: tuple[int, int, int]
    light: float  # amplitude of uneven lighting (0..0.2)
    speckles: int  # dark dust dots per page
    mode: str  # colour mode: "colour", "grey" or "bw" (black-and-white, thresholded)
    bed: int  # grey level of the scanner lid/background around the sheet
    jpeg_quality: int
    bw_level: int = 160  # black-and-white: grey level below which a pixel is black
    dither: bool = False  # black-and-white: error-diffusion dithering instead of a threshold

    @property
    def gray(self) -> bool:
        """No colour in the scan (greyscale or black-and-white)."""
        return self.mode != "colour"

    @staticmethod
    def random(rng: random.Random, family: str = TUNING) -> ScannerProfile:
        """A scanner of the style ``family`` (:mod:`samples.styles`)."""
        tone = rng.choice(
            ((252, 250, 244), (248, 246, 238), (250, 250, 250), (244, 241, 230), (253, 252, 250))
        )
        # offices scan in colour, greyscale or black-and-white (the mode the copier was left
        # in); black-and-white loses the colour of a wet stamp and thins faint ink
        mode = rng.choices(
            ("colour", "grey", "bw"),
            weights=(0.2, 0.45, 0.35) if family == HELDOUT else (0.45, 0.3, 0.25),
        )[0]
        return ScannerProfile(
            noise=rng.uniform(2.0, 7.0),
            blur=rng.uniform(0.35, 0.9),
            paper=tone,
            light=rng.uniform(0.0, 0.12),
            speckles=rng.randint(10, 250),
            mode=mode,
            bed=rng.randint(215, 250),
            jpeg_quality=rng.randint(60, 90),
            bw_level=rng.randint(120, 150) if family == HELDOUT else rng.randint(135, 180),
            dither=mode == "bw" and chance(rng, family, tuning=0.2, heldout=0.25),
        )


def photocopy(img: Image.Image, rng: random.Random, darkness: float | None = None) -> Image.Image:
    """A photocopy of img: grey toner, raised contrast, toner grain, dirty edges (RGB grey)."""
    g = np.asarray(img.convert("L"), dtype=np.float32) / 255.0
    h, w = g.shape
    nr = np.random.default_rng(rng.getrandbits(32))
    dark = darkness if darkness is not None else rng.uniform(0.0, 0.25)
    # contrast curve: blacks deeper, light greys pushed to white or grey
    g = np.clip((g - 0.08) / 0.86, 0, 1) ** rng.uniform(1.1, 1.6)
    bg = rng.uniform(0.86, 0.97) - dark * 0.15
    g = g * bg
    grain = nr.standard_normal((h // 2 + 1, w // 2 + 1), dtype=np.float32)
    grain = cv2.resize(grain, (w, h), interpolation=cv2.INTER_LINEAR)[:h, :w]
    g = g + grain * 0.025 * (0.5 + g)
    # toner smudge near one or two edges
    for _ in range(rng.randint(0, 2)):
        side = rng.choice("lrtb")
        width = int(rng.uniform(0.005, 0.03) * (w if side in "lr" else h))
        val = rng.uniform(0.2, 0.6)
        if side == "l":
            g[:, :width] *= val
        elif side == "r":
            g[:, w - width :] *= val
        elif side == "t":
            g[: height_clip(width, h), :] *= val
        else:
            g[h - width :, :] *= val
    out = (np.clip(g, 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(out).convert("RGB")


def height_clip(v: int, h: int) -> int:
    return max(0, min(v, h))


def scan(
    img: Image.Image,
    rng: random.Random,
    prof: ScannerProfile,
    *,
    skew: float = 0.0,
    rotation: int = 0,
    dpi: int = 200,
    bleed: Image.Image | None = None,
    holes: bool = False,
) -> Image.Image:
    """Simulate a flatbed scan of a printed page; returns RGB (or L in grey and black-and-white
    modes)."""
    nr = np.random.default_rng(rng.getrandbits(32))
    a = np.asarray(img.convert("RGB"), dtype=np.float32)
    h, w = a.shape[:2]
    scale = dpi / 200.0
    # bleed-through of the back side (mirrored, very faint)
    if bleed is not None:
        b = np.asarray(
            bleed.convert("L").resize((w, h)).transpose(Image.Transpose.FLIP_LEFT_RIGHT),
            dtype=np.float32,
        )
        b = cv2.GaussianBlur(b, (0, 0), 2.5 * scale)
        a *= (1.0 - (1.0 - b / 255.0) * rng.uniform(0.04, 0.1))[..., None]
    # paper tone
    a *= np.array(prof.paper, np.float32)[None, None, :] / 255.0
    # punch holes / staple
    if holes:
        cy = h // 2
        for dy in (-int(40 * dpi / 25.4), int(40 * dpi / 25.4)):
            cv2.circle(
                a, (int(12 * dpi / 25.4), cy + dy), int(3 * dpi / 25.4), (prof.bed * 0.55,) * 3, -1
            )
    if rng.random() < 0.15:
        x, y = int(rng.uniform(5, 20) * dpi / 25.4), int(rng.uniform(5, 15) * dpi / 25.4)
        cv2.line(
            a,
            (x, y),
            (x + int(12 * dpi / 25.4), y + int(rng.uniform(-3, 3) * dpi / 25.4)),
            (90, 90, 95),
            max(2, int(2 * scale)),
        )
    # uneven lighting
    amp = prof.light * rng.uniform(0.6, 1.3)
    if amp > 0.005:
        low = nr.random((3, 4), dtype=np.float32)
        low = cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC)
        low = (low - low.min()) / max(float(low.max() - low.min()), 1e-6)
        a *= (1.0 - amp * low)[..., None]
    # skew (page slightly tilted on the glass)
    if abs(skew) > 0.01:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        a = cv2.warpAffine(
            a,
            m,
            (w, h),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(prof.bed,) * 3,
        )
    # optics
    sigma = prof.blur * scale * rng.uniform(0.8, 1.2)
    if sigma > 0.2:
        a = cv2.GaussianBlur(a, (0, 0), sigma)
    # sensor noise
    sd = prof.noise * rng.uniform(0.7, 1.3)
    a += (nr.standard_normal((h, w), dtype=np.float32) * sd)[..., None]
    if prof.mode == "colour":  # a colour sensor's channels are noisy each on its own
        a += nr.standard_normal((h, w, 3), dtype=np.float32) * (sd * 0.5)
    # dust
    for _ in range(int(prof.speckles * rng.uniform(0.5, 1.5))):
        x, y = int(nr.integers(0, w)), int(nr.integers(0, h))
        r = int(nr.integers(1, max(2, int(2.5 * scale))))
        v = float(nr.uniform(20, 120))
        cv2.circle(a, (x, y), r, (v, v, v), -1)
    if rng.random() < 0.1:  # a hair on the glass
        x, y = int(nr.integers(0, w)), int(nr.integers(0, h))
        n = int(30 * scale)
        pts = [(x, y)]
        for _ in range(6):
            x += int(nr.integers(-n, n + 1))
            y += int(nr.integers(-n, n + 1))
            pts.append((x, y))
        cv2.polylines(a, [np.array(pts, np.int32)], False, (110, 110, 110), 1)
    out = np.clip(a, 0, 255).astype(np.uint8)
    if rotation:
        out = np.ascontiguousarray(np.rot90(out, k=-(rotation // 90)))  # clockwise
    pil = Image.fromarray(out)
    if prof.mode == "bw":
        return black_and_white(pil, prof)
    return pil.convert("L") if prof.gray else pil


def black_and_white(img: Image.Image, prof: ScannerProfile) -> Image.Image:
    """A black-and-white scan (as L, 0 or 255): a fixed threshold, or error diffusion."""
    gray = img.convert("L")
    if prof.dither:
        return gray.convert("1").convert("L")  # Floyd-Steinberg
    return gray.point(lambda v: 0 if v < prof.bw_level else 255)


def blank_page(
    rng: random.Random,
    dpi: int,
    size_mm: tuple[float, float] = (210, 297),
    bleed: Image.Image | None = None,
) -> Image.Image:
    w, h = int(size_mm[0] * dpi / 25.4), int(size_mm[1] * dpi / 25.4)
    img = Image.new("RGB", (w, h), (255, 255, 255))
    if bleed is not None:
        # stronger bleed-through than normal pages: it is the only thing on the page
        b = np.asarray(
            bleed.convert("L").resize((w, h)).transpose(Image.Transpose.FLIP_LEFT_RIGHT),
            dtype=np.float32,
        )
        b = cv2.GaussianBlur(b, (0, 0), 3.0 * dpi / 200)
        a = 255.0 - (255.0 - b) * rng.uniform(0.05, 0.12)
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).convert("RGB")
    return img
