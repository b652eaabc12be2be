"""Passport photos: found as faces (OpenCV's bundled Haar cascade), not as text."""

from __future__ import annotations

import threading

import cv2
import numpy as np
from PIL import Image

_local = threading.local()


def _cascade() -> cv2.CascadeClassifier:
    """One classifier per thread: OpenCV's cascade is not safe to share between threads
    (concurrent detectMultiScale calls silently find nothing)."""
    cascade = getattr(_local, "cascade", None)
    if cascade is None:
        path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
        cascade = cv2.CascadeClassifier(path)
        if cascade.empty():
            raise RuntimeError(f"cannot load the face cascade {path}")
        _local.cascade = cascade
    return cascade


Box = tuple[int, int, int, int]


def find_faces(image: Image.Image | np.ndarray, rotation: int = 0) -> list[Box]:
    """Face boxes (x, y, w, h) in a page downscaled to 900 px, upright per ``rotation``.

    A 3x4 cm passport photo then shows a face of about 60 px: plenty for the cascade."""
    gray = np.asarray(image.convert("L")) if isinstance(image, Image.Image) else image
    if rotation:
        from loket.ocr import rotate_upright

        gray = rotate_upright(gray, rotation)
    scale = min(1.0, 900 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # No histogram equalisation: on a mostly white sheet it flattens the face itself and the
    # cascade then finds nothing (measured on synthetic pas foto pages).
    if max(gray.shape) >= 1500:  # a whole page: faces of passport and ID photos, 10-32 mm
        px_per_mm = max(small.shape) / 297
        min_side, max_side = int(10 * px_per_mm), int(32 * px_per_mm)
    else:  # a photo scanned on its own
        min_side, max_side = max(24, int(min(small.shape) * 0.15)), max(small.shape)
    boxes = _cascade().detectMultiScale(
        small,
        scaleFactor=1.1,
        minNeighbors=7,
        minSize=(min_side, min_side),
        maxSize=(max_side, max_side),
    )
    return _dedupe([tuple(int(v) for v in b) for b in boxes])  # type: ignore[misc]


def _dedupe(boxes: list[Box]) -> list[Box]:
    """Drop boxes whose centre lies inside a larger kept box (nested detections)."""
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: -b[2] * b[3]):
        cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
        if not any(k[0] <= cx <= k[0] + k[2] and k[1] <= cy <= k[1] + k[3] for k in kept):
            kept.append(box)
    return kept


def find_faces_upright(
    image: Image.Image | np.ndarray, preferred: int = 0, *, try_all: bool = False
) -> tuple[list[Box], int]:
    """Faces and the quarter turn that shows them upright.

    Photo sheets carry too little text for OSD, so the faces themselves tell the page's
    rotation: the turn with the most faces wins, ties going to ``preferred``. The other
    turns are tried only when ``preferred`` shows no face, or when ``try_all``.
    """
    gray = np.asarray(image.convert("L")) if isinstance(image, Image.Image) else image
    best: tuple[list[Box], int] = (find_faces(gray, preferred), preferred)
    if best[0] and not try_all:
        return best
    for rotation in (0, 90, 180, 270):
        if rotation == preferred:
            continue
        boxes = find_faces(gray, rotation)
        if len(boxes) > len(best[0]):
            best = (boxes, rotation)
    return best
