"""Closed outlines of a stamp's size on a map of ink: a framed stamp's rectangle (level or
pressed askew, its angle taken from the outline), and whether a block of ink is framed at
all (a rectangle, an oval, a round seal). Used by :mod:`loket.requirements.stamps`."""

from __future__ import annotations

import cv2
import numpy as np

from loket.requirements.boxes import PageBox


def framed(ink: np.ndarray) -> bool:
    """A closed outline around most of the block (rectangle, oval, round seal), with light
    ink inside it (a photo is dark all over); or a round seal's shape, whose rim of letters
    is no closed line: all its ink within a circle that it fills out to the edge."""
    h, w = ink.shape
    contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return False
    big = max(contours, key=cv2.contourArea)
    if cv2.contourArea(cv2.convexHull(big)) >= 0.45 * w * h:
        inside = np.zeros_like(ink)
        cv2.drawContours(inside, [big], -1, 1, thickness=-1)
        if float(ink[inside > 0].mean()) < 0.45:
            return True
    if not 0.8 <= w / h <= 1.25:
        return False
    hull = cv2.convexHull(np.concatenate(contours))
    return bool(cv2.contourArea(hull) >= 0.85 * np.pi * w * h / 4 and ink.mean() < 0.35)


def outline_angle(contour: np.ndarray) -> float:
    """The angle (as :class:`StampRegion` keeps it) that levels a rectangle's long sides."""
    pts = cv2.boxPoints(cv2.minAreaRect(contour))
    edges = [pts[(i + 1) % 4] - pts[i] for i in range(2)]
    dx, dy = max(edges, key=lambda e: float(np.hypot(*e)))
    angle = float(np.degrees(np.arctan2(dy, dx)))
    return (angle + 90) % 180 - 90  # a direction, not a vector: within -90..90


def find_outlines(
    ink: np.ndarray, lo: float, hi: float, max_angle: float
) -> list[tuple[PageBox, float]]:
    """Rectangular outlines of a stamp's size with light ink inside (boxes in ``ink``'s
    pixels, levelling angle from the outline): a framed stamp, level or pressed askew. Looked
    for before straight rules are taken out, as a level frame's sides are such rules; a
    round seal or signature over the frame stays part of it."""
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    # the outer edge of every block of ink, also of those inside another's outline: a
    # diploma's printed border holds the whole page, the stamp on it too
    contours, tree = cv2.findContours(closed, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c, (*_, parent) in zip(contours, tree[0] if contours else [], strict=True):
        (_, _), (rw, rh), _ = cv2.minAreaRect(c)
        if parent >= 0:  # the inside edge of an outline
            continue
        if not (lo <= max(rw, rh) <= hi and min(rw, rh) >= 0.4 * lo):
            continue
        x, y, bw, bh = cv2.boundingRect(c)
        hull = cv2.convexHull(c)
        square = cv2.contourArea(hull) >= 0.9 * rw * rh  # a round seal fills ~79 %
        angle = outline_angle(c)
        if square and abs(angle) <= max_angle and framed(closed[y : y + bh, x : x + bw]):
            out.append(((x, y, x + bw, y + bh), angle))
    return out
