"""OCR of one page image: orientation (tesseract OSD), deskew, binarisation, tesseract.

Everything here works on one page and is safe to call from many threads: each call runs its
own tesseract process (``OMP_THREAD_LIMIT=1``), and pages are parallelised by the caller.
Results are cached on disk by page key so the same page never costs OCR twice.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from PIL import Image

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

#: Bump when anything that changes OCR output changes: old cache entries are then ignored.
OCR_VERSION = "1"
LANG = "ind+eng"


@dataclass(frozen=True)
class PageText:
    text: str
    rotation: int  # clockwise degrees the page was turned when scanned (0/90/180/270)
    skew: float  # small-angle skew corrected, degrees
    source: str  # "ocr" | "text-layer"
    ink: float  # fraction of dark pixels (after binarisation), for blank detection
    faces: int = 0  # faces found on the page (passport photos)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def to_gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


_ROT = re.compile(r"Orientation in degrees:\s*(\d+)")
_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def detect_orientation(gray: np.ndarray, min_confidence: float = 1.0) -> int:
    """Clockwise rotation of the page as scanned, by tesseract OSD; 0 when unsure."""
    h, w = gray.shape
    scale = min(1.0, 2000 / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    try:
        osd = _tesseract(small, "--psm 0", kind="osd")
    except pytesseract.TesseractError:
        return 0  # too little text to tell: photos, blank pages
    rot, conf = _ROT.search(osd), _CONF.search(osd)
    if not rot or (conf and float(conf.group(1)) < min_confidence):
        return 0
    return int(rot.group(1)) % 360


def rotate_upright(gray: np.ndarray, rotation: int) -> np.ndarray:
    """Undo a clockwise ``rotation`` of 0/90/180/270 degrees."""
    turns = {
        0: None,
        90: cv2.ROTATE_90_COUNTERCLOCKWISE,
        180: cv2.ROTATE_180,
        270: cv2.ROTATE_90_CLOCKWISE,
    }[rotation]
    return gray if turns is None else cv2.rotate(gray, turns)


def estimate_skew(gray: np.ndarray, limit: float = 5.0, step: float = 0.25) -> float:
    """Small skew angle in degrees (positive = counter-clockwise), by projection profiles."""
    h, w = gray.shape
    scale = min(1.0, 800 / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if bw.mean() < 0.5:  # nearly blank
        return 0.0
    center = (bw.shape[1] / 2, bw.shape[0] / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-limit, limit + step / 2, step):
        m = cv2.getRotationMatrix2D(center, float(angle), 1.0)
        rotated = cv2.warpAffine(bw, m, (bw.shape[1], bw.shape[0]), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(profile)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def deskew(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.2:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Black text on white: adaptive threshold, so text on grey or patterned grounds (ID card
    photocopies) survives where one global threshold would drop it."""
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    block = max(31, (min(gray.shape) // 40) | 1)
    return cv2.adaptiveThreshold(
        blurred, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15
    )


def _tesseract(array: np.ndarray, config: str, kind: str = "text", lang: str = LANG) -> str:
    # Hand tesseract an uncompressed PGM file: pytesseract would otherwise PNG-encode.
    with tempfile.NamedTemporaryFile(suffix=".pgm", delete=False) as tmp:
        path = tmp.name
    try:
        cv2.imwrite(path, array)
        if kind == "osd":
            return pytesseract.image_to_osd(path, config=config)
        return pytesseract.image_to_string(path, lang=lang, config=config)
    finally:
        os.unlink(path)


def read_page(image: Image.Image, *, psm: int = 3, lang: str = LANG) -> PageText:
    """OCR one page image: upright it, deskew, binarise, read."""
    gray = to_gray(image)
    rotation = detect_orientation(gray)
    gray = rotate_upright(gray, rotation)
    angle = estimate_skew(gray)
    gray = deskew(gray, angle)
    bw = binarize(gray)
    ink = float((bw < 128).mean())
    text = _tesseract(bw, f"--psm {psm}", lang=lang)
    return PageText(text=text, rotation=rotation, skew=angle, source="ocr", ink=ink)


class OcrCache:
    """Page results on disk, keyed by page key (content hash + page index + OCR version)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> PageText | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_text("utf-8"))
            return PageText(**data)
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, result: PageText) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(result.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)


def page_key(sha256: str, index: int, psm: int) -> str:
    import hashlib

    return hashlib.sha256(f"{sha256}:{index}:{psm}:{OCR_VERSION}:{LANG}".encode()).hexdigest()
