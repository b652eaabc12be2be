"""Passport photos: found as faces (OpenCV's bundled Haar cascade), not as text."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
from PIL import Image


@cache
def _cascade() -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError(f"cannot load the face cascade {path}")
    return cascade


Box = tuple[int, int, int, int]


def find_faces(image: Image.Image | np.ndarray, rotation: int = 0) -> list[Box]:
    """Face boxes (x, y, w, h) in a page downscaled to 1400 px, upright per ``rotation``."""
    gray = np.asarray(image.convert("L")) if isinstance(image, Image.Image) else image
    if rotation:
        from loket.ocr import rotate_upright

        gray = rotate_upright(gray, rotation)
    scale = min(1.0, 1400 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = cv2.equalizeHist(small)
    min_side = max(24, int(min(small.shape) * 0.035))
    boxes = _cascade().detectMultiScale(
        small, scaleFactor=1.1, minNeighbors=7, minSize=(min_side, min_side)
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
