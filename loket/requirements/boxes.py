"""Boxes on a page (left, top, right, bottom, in pixels): how much two overlap, whether one
lies inside another. The stamp finders compare the blocks of ink they find with these."""

from __future__ import annotations

#: A box on a page: left, top, right, bottom.
PageBox = tuple[int, int, int, int]


def _meet(a: PageBox, b: PageBox) -> int:
    """Area of the two boxes' intersection (0 when they do not meet)."""
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0


def overlap(a: PageBox, b: PageBox) -> float:
    """Intersection over the smaller box's area."""
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return _meet(a, b) / max(small, 1)


def inside(a: PageBox, b: PageBox) -> bool:
    """Whether most of box ``a`` lies inside box ``b`` (a block of ink within a seal's box
    is the seal's own, read with it)."""
    return _meet(a, b) > 0.6 * (a[2] - a[0]) * (a[3] - a[1])


def grow(box: tuple[int, ...], by: int) -> PageBox:
    """``box`` widened by ``by`` pixels on every side."""
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)
