"""Round seals found by their ring (loket.requirements.seals), on drawn pages."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from loket.requirements.seals import find_seals, ring_share
from loket.requirements.stamps import ink_map

pytestmark = pytest.mark.unit


def _page() -> np.ndarray:
    """A white upright page at the work resolution (1000 px wide) with lines of body text."""
    page = np.full((1414, 1000), 235, np.uint8)
    for i in range(14):
        words = "telah menyelesaikan dengan baik dan memenuhi segala syarat"
        cv2.putText(page, words, (60, 120 + 40 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 30, 2)
    return page


def _seal(page: np.ndarray, centre: tuple[int, int], radius: int) -> None:
    """A seal's two rings and its words, run into a signature's stroke and the border."""
    cv2.circle(page, centre, radius, 40, 3)
    cv2.circle(page, centre, radius - 14, 40, 2)
    x, y = centre
    cv2.putText(page, "DILEGALISIR", (x - 55, y), cv2.FONT_HERSHEY_SIMPLEX, 0.55, 40, 2)
    cv2.line(page, (x - 250, y + 30), (x + 40, y + 10), 20, 4)  # the signature over it
    cv2.line(page, (20, y + radius - 8), (980, y + radius - 8), 60, 3)  # the page's border


def test_a_seal_run_into_other_ink_is_found_by_its_ring() -> None:
    page = _page()
    _seal(page, (420, 1180), 85)
    boxes = find_seals(page, ink_map(page))
    assert len(boxes) == 1
    x0, y0, x1, y1 = boxes[0]
    assert x0 <= 420 <= x1 and y0 <= 1180 <= y1
    assert 150 <= x1 - x0 <= 190  # the outer ring's box, not the inner ring's


def test_body_text_and_a_circle_of_no_ink_make_no_seal() -> None:
    page = _page()
    assert find_seals(page, ink_map(page)) == []
    ink = ink_map(page)
    assert ring_share(ink, 500.0, 1200.0, 80.0) == 0.0  # blank paper under the ring


def test_a_ring_cut_by_the_page_edge_is_still_a_seal_but_a_scatter_of_dots_is_not() -> None:
    page = _page()
    cv2.circle(page, (960, 1150), 90, 40, 3)  # pressed over the page's right edge
    cv2.circle(page, (960, 1150), 76, 40, 2)
    (box,) = find_seals(page, ink_map(page))
    assert box[0] <= 960 <= box[2] and box[2] == 1000  # clipped to the page
    dots = np.zeros((400, 400), np.uint8)
    for a in range(0, 360, 30):  # twelve dots on a circle
        t = np.radians(a)
        cv2.circle(dots, (int(200 + 90 * np.cos(t)), int(200 + 90 * np.sin(t))), 2, 1, -1)
    assert ring_share(dots, 200.0, 200.0, 90.0) < 0.2


def test_ink_on_the_page_edge_is_no_ring_beyond_it() -> None:
    """Points of a ring that fall off the page are misses, not the border's ink."""
    ink = np.zeros((400, 400), np.uint8)
    ink[:, :3] = 1  # a dark scanner margin down the left edge
    assert ring_share(ink, 10.0, 200.0, 60.0) < 0.05


def test_a_sliver_of_a_page_has_no_seal() -> None:
    for shape in ((20, 20), (2000, 20), (20, 2000)):
        page = np.full(shape, 235, np.uint8)
        assert find_seals(page, ink_map(page)) == []
