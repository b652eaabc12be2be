"""OCR of one page image: orientation (tesseract OSD), deskew, binarisation, tesseract.

Everything here works on one page and is safe to call from many threads: each thread has its
own single-threaded tesseract (see :mod:`loket.intake.tesseract`), and pages are parallelised by the
caller. Results are cached on disk by page key so the same page never costs OCR twice.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from loket.intake import tesseract

#: Bump when anything that changes OCR output changes: old cache entries are then ignored.
OCR_VERSION = "19"
LANG = "ind+eng"


@dataclass(frozen=True)
class OcrResult:
    """What reading one page gave (OCR or the PDF's text layer), as the OCR cache keeps it;
    ``pages.json`` holds it with the page's sorting as a
    :class:`~loket.intake.reading.PageReading`."""

    text: str
    rotation: int  # clockwise degrees the page was turned when scanned (0/90/180/270)
    skew: float  # small-angle skew corrected, degrees
    source: str  # "ocr" | "text-layer"
    ink: float  # fraction of clearly dark pixels (see ink_coverage), for blank detection
    faces: int = 0  # faces found on the page (passport photos)
    #: photo prints in which no face is seen, on a page with none that shows one (a dark
    #: photo on a black-and-white copy hides its face from the cascade, not its print)
    prints: int = 0

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def to_gray(image: Image.Image | np.ndarray) -> np.ndarray:
    """8-bit greyscale pixels; an array is taken as already grey."""
    if isinstance(image, np.ndarray):
        return image
    return np.asarray(image if image.mode == "L" else image.convert("L"))


def _osd_window(gray: np.ndarray) -> np.ndarray:
    """The most text-dense square of the page (about half its width): OSD's cost grows with
    the characters it looks at, and a few lines of text decide the orientation."""
    h, w = gray.shape
    side = max(200, int(min(h, w) * 0.45))
    if side >= min(h, w):
        return gray
    scale = 0.125
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, bw = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    k = max(1, int(side * scale))
    density = cv2.boxFilter(bw.astype(np.float32), -1, (k, k), normalize=True)
    # text is dense but not solid: photos and dark bands are skipped
    density[density > 0.35] = 0
    y, x = np.unravel_index(int(np.argmax(density)), density.shape)
    cy, cx = int(y / scale), int(x / scale)
    top = min(max(0, cy - side // 2), h - side)
    left = min(max(0, cx - side // 2), w - side)
    return gray[top : top + side, left : left + side]


def detect_orientation(gray: np.ndarray, min_confidence: float = 1.0) -> int:
    """Clockwise rotation of the page as scanned, by tesseract OSD; 0 when unsure.

    OSD looks at the densest text window first (~0.15 s) and at the whole page only when
    that window is inconclusive (~0.45 s).
    """
    for region in (_osd_window(gray), gray):
        found = tesseract.orientation(region)
        if found is None:
            continue  # too few characters in this region
        if found.confidence >= min_confidence:
            return found.degrees
        if region is gray:
            break
    return 0


#: Character-sized connected components needed before the text direction is judged.
MIN_GLYPHS = 30
#: |score| a page needs (see :func:`text_direction`) to count as upright or lying.
DIRECTION_MARGIN = 0.5


def text_direction(gray: np.ndarray) -> str | None:
    """Whether the page's text runs across ("across": upright or upside down) or up and down
    ("sideways": turned 90° or 270°), from where each glyph's nearest glyph lies; None when
    unclear (blank, a photo, too few glyphs).

    Letters in a word sit closer to each other than to the lines above and below, so on an
    upright page a glyph's nearest neighbour is beside it, on a page lying on its side above
    or below it (O'Gorman's docstrum). About 6 ms a page, against a second page read of
    0.5-1 s that a sideways page otherwise costs.
    """
    from scipy.spatial import cKDTree

    h, w = gray.shape
    scale = min(1.0, 1000 / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, centres = cv2.connectedComponentsWithStats(bw, connectivity=8)
    width, height, area = stats[1:, 2], stats[1:, 3], stats[1:, 4]
    glyph = (width >= 2) & (height >= 2) & (width <= 30) & (height <= 30) & (area >= 4)
    points = centres[1:][glyph]
    if len(points) < MIN_GLYPHS:
        return None
    _, nearest = cKDTree(points).query(points, k=2)
    dx, dy = np.abs((points[nearest[:, 1]] - points).T)
    beside, above = int((dx > 2 * dy).sum()), int((dy > 2 * dx).sum())
    score = (above - beside) / max(1, above + beside)
    if score >= DIRECTION_MARGIN:
        return "sideways"
    if score <= -DIRECTION_MARGIN:
        return "across"
    return None


def rotate_upright(gray: np.ndarray, rotation: int) -> np.ndarray:
    """Undo a clockwise ``rotation`` of 0/90/180/270 degrees."""
    turns = {
        0: None,
        90: cv2.ROTATE_90_COUNTERCLOCKWISE,
        180: cv2.ROTATE_180,
        270: cv2.ROTATE_90_CLOCKWISE,
    }[rotation]
    return gray if turns is None else cv2.rotate(gray, turns)


def estimate_skew(gray: np.ndarray, limit: float = 5.0) -> float:
    """Small skew angle in degrees (positive = counter-clockwise), by projection profiles:
    a coarse search in 1° steps, then 0.2° steps around the best coarse angle."""
    h, w = gray.shape
    scale = min(1.0, 700 / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, bw = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if bw.mean() < 0.5:  # nearly blank
        return 0.0
    center = (bw.shape[1] / 2, bw.shape[0] / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(center, angle, 1.0)
        rotated = cv2.warpAffine(bw, m, (bw.shape[1], bw.shape[0]), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    coarse = max(np.arange(-limit, limit + 0.5, 1.0), key=lambda a: sharpness(float(a)))
    fine = np.arange(coarse - 0.8, coarse + 0.9, 0.2)
    return round(float(max(fine, key=lambda a: sharpness(float(a)))), 2)


def deskew(gray: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.2:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Black text on white: a local (box-mean) threshold, so text on grey or patterned grounds
    (ID card photocopies) survives where one global threshold would drop it."""
    block = max(31, (min(gray.shape) // 40) | 1)
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, 15
    )


#: A dithered (error-diffusion) black-and-white scan draws the paper's light grey as
#: scattered single dots: most of its dark pixels have at most one dark neighbour, where a
#: scan thresholded at one level keeps strokes whole (measured on generated pages: dithered
#: 0.3-1.0, any other scan under 0.05, a speckled near-blank page up to ~0.2). A page of
#: pure speckle counts as dithered too: melted, it reads as the blank it is.
DITHER_ISOLATED = 0.3
#: Dark pixels below this share of the page say nothing about dithering (a blank page).
DITHER_MIN_DARK = 0.002
#: The blur that melts dither dots back into grey (in pixels: a dot is one pixel at any dpi)
DESCREEN_SIGMA = 1.0
#: Ceiling of the threshold a descreened page is read at: a near-blank page's Otsu level
#: falls inside the paper's own grain and would draw it as text.
DESCREEN_MAX_LEVEL = 160


def is_dithered(gray: np.ndarray) -> bool:
    """Whether the page is a dithered black-and-white scan (see :data:`DITHER_ISOLATED`)."""
    if min(gray.shape[:2], default=0) < MIN_SIDE:
        return False
    dark = (gray < 128).astype(np.uint8)
    count = int(dark.sum())
    if count < DITHER_MIN_DARK * dark.size:
        return False
    # the 3x3 sum counts the pixel itself: <= 2 is one dark neighbour at most
    neighbours = cv2.boxFilter(dark, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    isolated = int(np.count_nonzero((neighbours <= 2) & (dark > 0)))
    return isolated / count >= DITHER_ISOLATED


def descreen(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """(page, whether it was dithered): a dithered scan's dots melted back into grey (a
    light blur); any other page as it is.

    Tesseract reads dither as noise (a letter of dots, paper of dots: a page of 0-20
    characters where the same page thresholded reads whole), and face and card search see
    the blurred page better too. The one place that decides it: intake, the checks' page
    images and :func:`read_page` all ask here."""
    dithered = is_dithered(gray)
    return (melt(gray) if dithered else gray), dithered


def melt(gray: np.ndarray) -> np.ndarray:
    """A dithered scan's dots blurred into grey (:func:`descreen` without asking)."""
    return cv2.GaussianBlur(gray, (0, 0), DESCREEN_SIGMA)


def threshold_descreened(gray: np.ndarray) -> np.ndarray:
    """Black text on white from a descreened page: one Otsu level for the page (its blur
    leaves no fine texture for a local threshold to pick out), never above
    :data:`DESCREEN_MAX_LEVEL`."""
    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.where(gray < min(level, DESCREEN_MAX_LEVEL), 0, 255).astype(np.uint8)


def ink_coverage(gray: np.ndarray, level: int = 160) -> float:
    """Fraction of clearly dark pixels (text, stamps, photos); paper, scanner noise and faint
    bleed-through stay below it."""
    if gray.size == 0:
        return 0.0
    if min(gray.shape[:2]) < 8:  # too small to shrink: every pixel counts
        return float((gray < level).mean())
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    return float((small < level).mean())


@dataclass(frozen=True)
class Reading:
    """Text of a page as tesseract read it, with its mean word confidence (0-100)."""

    text: str
    confidence: float
    words: int
    vertical: float = 0.0  # share of words taller than wide: text running up or down
    side: int | None = None  # for text running up or down: 90 or 270, from the line order


def ocr_text(
    array: np.ndarray, psm: int = 3, lang: str = LANG, timeout: float | None = None
) -> Reading:
    """OCR an upright page image; text rebuilt line by line from tesseract's TSV.
    Raises :class:`loket.intake.tesseract.OcrTimeout` past ``timeout`` seconds."""
    tsv = tesseract.tsv(array, psm, lang, {"tessedit_do_invert": "0"}, timeout=timeout)
    lines: dict[tuple[int, int, int], list[str]] = {}
    confs: list[float] = []
    tall = long = 0
    centres: dict[tuple[int, int, int], list[float]] = {}
    for row in tsv.splitlines():  # the CLI's header row is not a word row (level 5)
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        lines.setdefault(key, []).append(cols[11])
        if float(cols[10]) >= 0:
            confs.append(float(cols[10]))
        if len(cols[11]) >= 4:
            width, height = int(cols[8]), int(cols[9])
            tall += height > 1.5 * width
            long += width > 1.5 * height
            centres.setdefault(key, []).append(int(cols[6]) + width / 2)
    out: list[str] = []
    previous: tuple[int, int] | None = None
    for (block, par, _line), words in lines.items():
        if previous is not None and previous != (block, par):
            out.append("")
        out.append(" ".join(words))
        previous = (block, par)
    confidence = sum(confs) / len(confs) if confs else 0.0
    vertical = tall / (tall + long) if tall + long else 0.0
    side = _side(list(centres.values())) if vertical > 0.5 else None
    return Reading("\n".join(out), confidence, len(confs), vertical, side)


@dataclass(frozen=True)
class Word:
    """One word tesseract read, with its box in pixels and the line it belongs to."""

    text: str
    confidence: float  # 0-100; -1 when tesseract gives none
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # (block, paragraph, line)

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


def ocr_lines(array: np.ndarray, psm: int = 3, lang: str = LANG) -> list[list[Word]]:
    """The words of an upright image with their boxes, line by line in reading order: for
    the few regions (a field's row) that a second look reads again from their pixels; the
    page text (:func:`ocr_text`) keeps no coordinates."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for row in tesseract.tsv(array, psm, lang, {"tessedit_do_invert": "0"}).splitlines():
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        left, top, width, height = (int(c) for c in cols[6:10])
        word = Word(cols[11], float(cols[10]), left, top, width, height, key)
        lines.setdefault(key, []).append(word)
    return list(lines.values())


def _side(line_centres: list[list[float]]) -> int | None:
    """Which way a page lies whose text runs up or down, from where its lines are.

    Lines come in reading order. On a page turned 90° clockwise the first line is at the
    right and the lines move left; turned 270° they move right. None when unclear."""
    xs = [sum(c) / len(c) for c in line_centres if c]
    if len(xs) < 4:
        return None
    order = np.arange(len(xs), dtype=np.float64)
    corr = float(np.corrcoef(order, np.asarray(xs))[0, 1])
    if np.isnan(corr) or abs(corr) < 0.6:
        return None
    return 90 if corr < 0 else 270


#: Below this mean word confidence a page with enough words is suspected to be turned.
UPRIGHT_CONFIDENCE = 60.0
MIN_WORDS_FOR_OSD = 6


def _left(deadline: float | None, timeout: float | None) -> float | None:
    """Seconds left of a page's time limit (all its readings share it); raises when none."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise tesseract.OcrTimeout(f"the page took longer than {timeout:g} s")
    return left


#: Pages narrower or lower than this many pixels hold no readable text; they are not OCR'd
#: (the image filters and tesseract need a few pixels to work on).
MIN_SIDE = 16


def read_page(
    image: Image.Image | np.ndarray,
    *,
    psm: int = 3,
    lang: str = LANG,
    rotation: int | None = None,
    timeout: float | None = None,
    descreened: bool | None = None,
) -> OcrResult:
    """OCR one page image: descreen a dithered scan, deskew, binarise, read.

    Orientation costs as little as possible: a page whose glyphs line up and down
    (:func:`text_direction`) is turned by OSD's verdict before its only reading; any other
    page is read as it lies, and only a poor reading (an upside-down page) asks OSD and reads
    again. A page that still reads as lying on its side (vertical lines, which tesseract
    follows, sometimes only in part) is read again upright. Pass ``rotation`` when it is
    known (e.g. from faces on a photo sheet). All readings of the page together are limited
    to ``timeout`` seconds (:class:`loket.intake.tesseract.OcrTimeout`). ``descreened``:
    whether the caller melted a dithered scan already (:func:`descreen`); None: look here.
    """
    gray = to_gray(image)
    if min(gray.shape[:2], default=0) < MIN_SIDE:
        return OcrResult(text="", rotation=0, skew=0.0, source="ocr", ink=ink_coverage(gray))
    deadline = None if timeout is None else time.monotonic() + timeout
    if descreened is None:
        gray, descreened = descreen(gray)
    to_bw = threshold_descreened if descreened else binarize

    def attempt(turn: int) -> tuple[Reading, float, float]:
        upright = rotate_upright(gray, turn)
        angle = estimate_skew(upright)
        bw = to_bw(deskew(upright, angle))
        return ocr_text(bw, psm, lang, _left(deadline, timeout)), angle, ink_coverage(upright)

    if rotation is None and text_direction(gray) == "sideways":
        side = detect_orientation(gray)
        if side in (90, 270):
            return _read_sideways(side, attempt)

    turn = rotation or 0
    first = attempt(turn)
    if rotation is None and first[0].words >= MIN_WORDS_FOR_OSD:
        turn, first = _read_again_if_turned(gray, turn, first, attempt)
    reading, angle, ink = first
    return OcrResult(text=reading.text, rotation=turn, skew=angle, source="ocr", ink=ink)


_Attempt = tuple[Reading, float, float]  # (reading, skew angle, ink coverage)


def _read_sideways(side: int, attempt: Callable[[int], _Attempt]) -> OcrResult:
    """A page whose glyphs run up and down, read turned by OSD's ``side`` (90 or 270)."""
    reading, angle, ink = attempt(side)
    if reading.confidence < UPRIGHT_CONFIDENCE and reading.words >= MIN_WORDS_FOR_OSD:
        other = (side + 180) % 360  # OSD can mistake one side for the other
        second = attempt(other)
        if second[0].confidence > reading.confidence:
            side, (reading, angle, ink) = other, second
    return OcrResult(text=reading.text, rotation=side, skew=angle, source="ocr", ink=ink)


def _read_again_if_turned(
    gray: np.ndarray, turn: int, first: _Attempt, attempt: Callable[[int], _Attempt]
) -> tuple[int, _Attempt]:
    """(turn, reading) after a second reading when the first says the page lies turned."""
    reading = first[0]
    if reading.confidence >= UPRIGHT_CONFIDENCE:
        if reading.vertical > 0.5:
            # read well although lying on its side (tesseract turns vertical text lines
            # itself), but sometimes only in part (a letter's lower half missing): the
            # direction from the line order or OSD, then the page is read upright
            side = reading.side or detect_orientation(gray)
            if side in (90, 270):
                second = attempt(side)
                if second[0].words >= reading.words * 0.9:
                    return side, second
                return side, first
        return turn, first
    # a poor reading: the page may be turned; OSD says how, and the better reading wins
    detected = detect_orientation(gray)
    if detected != 0:
        second = attempt(detected)
        if second[0].confidence > reading.confidence:
            return detected, second
    return turn, first


class OcrCache:
    """Page results on disk, keyed by page key (content hash + page index + OCR version)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> OcrResult | None:
        path = self._path(key)
        try:
            data = json.loads(path.read_text("utf-8"))
            return OcrResult(**data)
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, result: OcrResult) -> None:
        """Keep ``result`` under ``key``: written atomically under a random temporary name
        (threads and processes writing the same key do not collide) and never through a
        link planted in the cache."""
        from loket.common.safefs import write_text

        text = json.dumps(result.to_json(), ensure_ascii=False)
        write_text(self.directory, [key[:2], f"{key}.json"], text)


def page_key(sha256: str, index: int, psm: int) -> str:
    import hashlib

    return hashlib.sha256(f"{sha256}:{index}:{psm}:{OCR_VERSION}:{LANG}".encode()).hexdigest()
