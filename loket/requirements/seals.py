"""Round seals found by their ring, wherever their ink runs into the page's other ink.

A round seal (*cap*) is the commonest stamp in Indonesian offices, and a legalisation is
often one: the office's name on the rim, "DILEGALISIR" or "SESUAI DENGAN ASLINYA" in the
middle. Pressed over a signature, beside a photo or across the page's border, its ink joins
theirs into one block that is neither a stamp's size nor its shape, so the block finders of
:mod:`loket.requirements.stamps` miss it. Its ring does not change: a circle of ink, found
here by OpenCV's Hough transform and kept only where ink really lies along most of it.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Seal diameters, as fractions of the page's width at the work resolution: 26-45 mm seals
#: on an A4 page, upright (210 mm) or landscape (297 mm).
DIAMETER = (0.08, 0.22)
#: Share of the ring's points that must lie on ink (a ring line, or a rim of letters seen
#: through an inner ring): a circle the transform imagines in body text has far less.
MIN_RING = 0.6
#: Width (px) the circles are looked for at: 500 px find a seal's ring in a few
#: milliseconds, where the work resolution (1,000 px) took over a second on a busy page.
HOUGH_WIDTH = 500
#: A seal's outer ring lies within this many times its inner ring's radius.
OUTER = 1.4
#: Offsets (px at the work resolution) of the centres tried about a circle found.
SHIFTS = (-3.0, -1.5, 0.0, 1.5, 3.0)
#: Points sampled along a ring.
RING_POINTS = 180


def ring_share(ink: np.ndarray, cx: float, cy: float, r: float) -> float:
    """Share of the points of the circle (cx, cy, r) that lie on ink, allowing for a ring
    line a pixel thick either way; a point off the page is no ink (a seal cut by the page's
    edge keeps the share of its ring that was pressed on it)."""
    return float(_shares(ink, np.array([cx]), np.array([cy]), np.array([r]))[0])


def _shares(ink: np.ndarray, cx: np.ndarray, cy: np.ndarray, r: np.ndarray) -> np.ndarray:
    """:func:`ring_share` of many circles at once (arrays of their centres and radii)."""
    h, w = ink.shape
    t = np.linspace(0, 2 * np.pi, RING_POINTS, endpoint=False)
    hits = np.zeros((len(r), RING_POINTS), dtype=bool)
    for dr in (-1.0, 0.0, 1.0):
        rr = (r + dr)[:, None]
        x = np.round(cx[:, None] + rr * np.cos(t)).astype(int)
        y = np.round(cy[:, None] + rr * np.sin(t)).astype(int)
        on = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        hits |= on & (ink[np.clip(y, 0, h - 1), np.clip(x, 0, w - 1)] > 0)
    return hits.mean(axis=1)


def _ring(ink: np.ndarray, cx: float, cy: float, r: float) -> tuple[float, float, float] | None:
    """The centre and the radius of the seal's outer ring about a circle the transform found
    at a lower resolution (so looked for a few pixels about its centre and from a little
    inside its radius, out to :data:`OUTER` times it: the transform keeps one circle per
    centre, often the inner ring, and the rim's letters lie between the two); None when no
    ring of ink lies there."""
    dx, dy, rr = np.meshgrid(SHIFTS, SHIFTS, np.arange(r * 0.95, r * OUTER, 1.0), indexing="ij")
    dx, dy, rr = dx.ravel(), dy.ravel(), rr.ravel()
    ok = _shares(ink, cx + dx, cy + dy, rr) >= MIN_RING
    if not ok.any():
        return None
    i = int(np.argmax(np.where(ok, rr, -1.0)))  # the widest ring: the seal's outer line
    return cx + float(dx[i]), cy + float(dy[i]), float(rr[i])


def find_seals(gray: np.ndarray, ink: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (``gray``'s pixels, clipped to the page) of round seals: circles of a seal's
    size with ink along most of their ring, the largest ring of a seal (its outer line)."""
    w = gray.shape[1]
    f = min(1.0, HOUGH_WIDTH / w)  # the transform's cost grows fast with the pixels
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    lo, hi = (int(d * w * f / 2) for d in DIAMETER)
    if lo < 1 or min(small.shape) < 3:  # a sliver of a page: no seal fits on it
        return []
    circles = cv2.HoughCircles(
        cv2.medianBlur(small, 3),
        cv2.HOUGH_GRADIENT,
        dp=1.0,
        minDist=lo,
        param1=120,
        param2=25,
        minRadius=lo,
        maxRadius=hi,
    )
    if circles is None:
        return []
    circles = circles[0] / f
    found = [_ring(ink, float(cx), float(cy), float(r)) for cx, cy, r in circles]
    rings = [ring for ring in found if ring is not None]
    boxes: list[tuple[int, int, int, int]] = []
    for cx, cy, r in sorted(rings, key=lambda c: -c[2]):  # an outer ring before inner ones
        if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
            continue
        x0, y0 = max(0, int(cx - r)), max(0, int(cy - r))
        x1, y1 = min(w, int(cx + r) + 1), min(gray.shape[0], int(cy + r) + 1)
        boxes.append((x0, y0, x1, y1))
    return boxes
