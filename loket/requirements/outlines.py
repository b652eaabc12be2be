"""Closed outlines of a stamp's size on a map of ink: a framed stamp's rectangle (level or
pressed askew, its angle taken from the outline), and whether a block of ink is framed at
all (a rectangle, an oval, a round seal). Used by :mod:`loket.requirements.stamps`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

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


def _blocks(tree: np.ndarray, too_big: Callable[[int], bool]) -> Iterator[int]:
    """The outer edges to look at (``findContours``' RETR_TREE rows: next, previous, first
    child, parent): the outermost ones, and, inside a block too big to be a stamp (a page's
    printed border), the outer edges of the blocks within its holes, as if it were not
    there. Within a stamp-sized block (a double frame's inner line) nothing is looked at."""
    stack = [i for i in range(len(tree)) if tree[i][3] < 0]
    while stack:
        i = stack.pop()
        if not too_big(i):
            yield i
            continue
        hole = tree[i][2]
        while hole >= 0:
            inner = tree[hole][2]
            while inner >= 0:
                stack.append(inner)
                inner = tree[inner][0]
            hole = tree[hole][0]


def find_outlines(
    ink: np.ndarray, lo: float, hi: float, max_angle: float
) -> list[tuple[PageBox, float]]:
    """Rectangular outlines of a stamp's size with light ink inside (boxes in ``ink``'s
    pixels, levelling angle from the outline): a framed stamp, level or pressed askew. Looked
    for before straight rules are taken out, as a level frame's sides are such rules; a
    round seal or signature over the frame stays part of it."""
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    contours, tree = cv2.findContours(closed, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return []
    rects = [cv2.minAreaRect(c)[1] for c in contours]  # each ~µs; letters' holes included
    out = []
    for i in _blocks(tree[0], lambda i: max(rects[i]) > hi):
        c, (rw, rh) = contours[i], rects[i]
        if not (lo <= max(rw, rh) and min(rw, rh) >= 0.4 * lo):
            continue
        x, y, bw, bh = cv2.boundingRect(c)
        hull = cv2.convexHull(c)
        square = cv2.contourArea(hull) >= 0.9 * rw * rh  # a round seal fills ~79 %
        angle = outline_angle(c)
        if square and abs(angle) <= max_angle and framed(closed[y : y + bh, x : x + bw]):
            out.append(((x, y, x + bw, y + bh), angle))
    return out
