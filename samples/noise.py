"""Light OCR-hostile wear on a printed page, before it is scanned.

Real copies arrive with toner specks, characters broken by a worn cartridge, a faint streak
from a dirty drum or a smudge: each costs the OCR a few characters, never a whole document.
The kinds differ between the style families (:mod:`samples.styles`) so that the held-out
figures also measure wear the reading was not tuned on. The scanner's own effects (colour
mode, resolution, JPEG) are :mod:`samples.scan`'s.

Only neutral grey is added or taken away: no wear may look like coloured ink (a stamp).
"""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image

from .styles import pick

TUNING_KINDS: tuple[str, ...] = ("specks", "broken", "showthrough", "crease")
HELDOUT_KINDS: tuple[str, ...] = ("streak", "smudge", "faded")


def _specks(a: np.ndarray, rng: np.random.Generator) -> None:
    """Dark toner specks, one or two pixels, sparse."""
    h, w = a.shape[:2]
    n = int(h * w * rng.uniform(2e-5, 8e-5))
    ys, xs = rng.integers(0, h - 2, n), rng.integers(0, w - 2, n)
    for dy in (0, 1):
        a[ys + dy * (rng.random(n) < 0.5), xs] = rng.integers(30, 90)


def _broken(a: np.ndarray, rng: np.random.Generator, p: float) -> None:
    """Ink pixels dropped at random (a worn cartridge breaks the strokes)."""
    dark = a.min(axis=2) < 110
    drop = dark & (rng.random(dark.shape) < p)
    a[drop] = 235


def _streak(a: np.ndarray, rng: np.random.Generator) -> None:
    """A faint grey band down the page (a dirty drum)."""
    w = a.shape[1]
    x = int(rng.integers(0, w - 20))
    width = int(rng.integers(3, max(4, w // 150)))
    band = a[:, x : x + width].astype(np.int16) - int(rng.integers(18, 40))
    a[:, x : x + width] = np.clip(band, 0, 255).astype(np.uint8)


def _smudge(a: np.ndarray, rng: np.random.Generator) -> None:
    """A soft grey smudge somewhere on the page."""
    h, w = a.shape[:2]
    r = int(rng.integers(w // 40, w // 15))
    cy, cx = int(rng.integers(r, h - r)), int(rng.integers(r, w - r))
    yy, xx = np.ogrid[-r:r, -r:r]
    fall = np.clip(1 - np.sqrt(yy**2 + xx**2) / r, 0, 1) * rng.uniform(25, 50)
    patch = a[cy - r : cy + r, cx - r : cx + r].astype(np.float32) - fall[..., None]
    a[cy - r : cy + r, cx - r : cx + r] = np.clip(patch, 0, 255).astype(np.uint8)


def _showthrough(a: np.ndarray, rng: np.random.Generator) -> None:
    """The back of the sheet shows through thin paper: the page's own print, mirrored, as a
    faint grey (a double-sided copy), shifted a little."""
    ink = 255 - a.min(axis=2).astype(np.float32)
    back = np.roll(ink[:, ::-1], (int(rng.integers(-40, 40)), int(rng.integers(-30, 30))), (0, 1))
    back = cv2.GaussianBlur(back, (0, 0), 1.5)  # seen through the paper: soft
    shade = back * rng.uniform(0.06, 0.13)
    a[:] = np.clip(a.astype(np.float32) - shade[..., None], 0, 255).astype(np.uint8)


def _crease(a: np.ndarray, rng: np.random.Generator) -> None:
    """A fold across the page: a thin dark line with a light band beside it."""
    h = a.shape[0]
    y = int(rng.integers(h // 4, 3 * h // 4))
    t = max(1, h // 1500)
    dark = a[y : y + t].astype(np.int16) - int(rng.integers(40, 90))
    a[y : y + t] = np.clip(dark, 0, 255).astype(np.uint8)
    light = a[y + t : y + 4 * t].astype(np.int16) + 12
    a[y + t : y + 4 * t] = np.clip(light, 0, 255).astype(np.uint8)


def paper_wear(img: Image.Image, rng: random.Random, family: str) -> Image.Image:
    """The page with one or two kinds of light wear of ``family``."""
    kinds = {pick(rng, family, TUNING_KINDS, HELDOUT_KINDS) for _ in range(rng.randint(1, 2))}
    g = np.random.default_rng(rng.randrange(2**32))
    a = np.array(img.convert("RGB"))
    for kind in sorted(kinds):
        if kind == "specks":
            _specks(a, g)
        elif kind == "broken":
            _broken(a, g, g.uniform(0.03, 0.07))
        elif kind == "faded":
            _broken(a, g, g.uniform(0.06, 0.10))
        elif kind == "showthrough":
            _showthrough(a, g)
        elif kind == "crease":
            _crease(a, g)
        elif kind == "streak":
            _streak(a, g)
        else:
            _smudge(a, g)
    return Image.fromarray(a)
