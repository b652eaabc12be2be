"""Passport photos (pas foto 3x4) made from scikit-image's bundled astronaut portrait.

`skimage.data.astronaut()` ships inside the scikit-image wheel (no download). The person is
cut out once (GrabCut, cached) and put on a red or blue studio background; each photo gets
its own crop, scale, brightness, colour cast, mirror and small tilt, so that OpenCV's
frontal-face Haar cascade still finds exactly one face per photo.
"""

from __future__ import annotations

import random
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageEnhance, ImageOps

# crop of the astronaut image (y0, y1, x0, x1): head and shoulders, 3:4
_CROP = (0, 336, 102, 354)
BACKGROUNDS = {
    "red": ((200, 30, 35), (176, 22, 30), (214, 44, 46)),
    "blue": ((40, 90, 190), (30, 110, 200), (58, 100, 170)),
}


@lru_cache(maxsize=1)
def _portrait() -> tuple[np.ndarray, np.ndarray]:
    """(RGB crop, float alpha 0..1) of the astronaut's head and shoulders."""
    from skimage import data

    y0, y1, x0, x1 = _CROP
    a = np.ascontiguousarray(data.astronaut()[y0:y1, x0:x1])
    h, w = a.shape[:2]
    mask = np.full((h, w), cv2.GC_PR_BGD, np.uint8)
    mask[5:, 20 : w - 12] = cv2.GC_PR_FGD
    cv2.ellipse(mask, (125, 100), (56, 68), 0, 0, 360, cv2.GC_FGD, -1)
    mask[245:, 45:210] = cv2.GC_FGD
    mask[:, :4] = cv2.GC_BGD
    mask[:3, :] = cv2.GC_BGD
    mask[:, -4:] = cv2.GC_BGD
    bgd = np.zeros((1, 65), np.float64)
    fgd = np.zeros((1, 65), np.float64)
    cv2.setRNGSeed(12345)
    cv2.grabCut(cv2.cvtColor(a, cv2.COLOR_RGB2BGR), mask, None, bgd, fgd, 6, cv2.GC_INIT_WITH_MASK)
    m = np.where((mask == 1) | (mask == 3), 255, 0).astype(np.uint8)
    n, lab, st, _ = cv2.connectedComponentsWithStats(m)
    if n > 1:
        k = 1 + int(np.argmax(st[1:, 4]))
        m = np.where(lab == k, 255, 0).astype(np.uint8)
    inv = 255 - m
    n, lab, st, _ = cv2.connectedComponentsWithStats(inv)
    for i in range(1, n):
        x, y, ww, _hh, _area = st[i]
        if not (x == 0 or y == 0 or x + ww == w):
            m[lab == i] = 255
    m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    alpha = cv2.GaussianBlur(m, (0, 0), 1.2).astype(np.float32) / 255.0
    return a, alpha


def pas_foto(
    rng: random.Random, w_px: int, h_px: int, background: str | None = None, gray: bool = False
) -> Image.Image:
    """One 3x4 passport photo (RGB) of size w_px x h_px."""
    a, alpha = _portrait()
    bg_name = background or rng.choice(("red", "red", "blue"))
    bg = np.array(rng.choice(BACKGROUNDS[bg_name]), np.float32)
    img = a.astype(np.float32) * alpha[..., None] + bg * (1 - alpha[..., None])
    # slight vertical gradient on the backdrop
    grad = np.linspace(1.05, 0.92, img.shape[0], dtype=np.float32)[:, None, None]
    img = img * (alpha[..., None] + (1 - alpha[..., None]) * grad)
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    # crop/zoom variations, keep 3:4
    h, w = pil.size[1], pil.size[0]
    zoom = rng.uniform(0.86, 1.0)
    cw, ch = int(w * zoom), int(h * zoom)
    ox = rng.randint(0, w - cw)
    oy = rng.randint(0, max(0, (h - ch) // 2))
    pil = pil.crop((ox, oy, ox + cw, oy + ch))
    if rng.random() < 0.4:
        pil = ImageOps.mirror(pil)
    tilt = rng.uniform(-4, 4)
    if abs(tilt) > 0.5:
        pil = pil.rotate(
            tilt, resample=Image.Resampling.BICUBIC, fillcolor=tuple(int(v) for v in bg)
        )
    pil = ImageEnhance.Brightness(pil).enhance(rng.uniform(0.85, 1.12))
    pil = ImageEnhance.Contrast(pil).enhance(rng.uniform(0.9, 1.12))
    pil = ImageEnhance.Color(pil).enhance(rng.uniform(0.8, 1.15))
    pil = pil.resize((w_px, h_px), Image.Resampling.LANCZOS)
    if gray:
        pil = ImageOps.grayscale(pil).convert("RGB")
    return pil


def id_photo(rng: random.Random, w_px: int, h_px: int) -> Image.Image:
    """A small photo for an ID card / diploma / permit (printed, later photocopied)."""
    return pas_foto(rng, w_px, h_px, background=rng.choice(("red", "blue")))


def face_cascade():
    """OpenCV's bundled frontal-face Haar cascade, or None where OpenCV ships none (5.x)."""
    if not hasattr(cv2, "CascadeClassifier"):
        return None
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]
    c = cv2.CascadeClassifier(path)
    return None if c.empty() else c


def detect_faces(img: Image.Image, cascade=None, dpi: int = 200) -> list[tuple[int, int, int, int]]:
    """Face boxes (x, y, w, h) found by the Haar cascade on a page scanned at `dpi`.

    Faces on a 3x4 cm photo are 1-3 cm wide: minSize/maxSize follow from the dpi, which also
    suppresses the occasional whole-photo false detection around a real face.
    """
    c = cascade or face_cascade()
    if c is None:
        raise RuntimeError("OpenCV without Haar cascades (opencv>=5): install opencv<5")
    g = np.asarray(img.convert("L"))
    lo = max(24, int(10 * dpi / 25.4))
    hi = max(lo + 1, int(32 * dpi / 25.4))
    faces = c.detectMultiScale(
        g, scaleFactor=1.1, minNeighbors=5, minSize=(lo, lo), maxSize=(hi, hi)
    )
    boxes = [tuple(int(v) for v in f) for f in faces]
    # drop a box that contains the centre of a smaller one
    keep = []
    for b in boxes:
        x, y, w, h = b
        inner = [
            o
            for o in boxes
            if o is not b
            and o[2] < w
            and x <= o[0] + o[2] / 2 <= x + w
            and y <= o[1] + o[3] / 2 <= y + h
        ]
        if not inner:
            keep.append(b)
    return keep  # type: ignore[return-value]


def count_faces(img: Image.Image, cascade=None, dpi: int = 200) -> int:
    """Number of faces the Haar cascade finds (see detect_faces)."""
    return len(detect_faces(img, cascade, dpi))
