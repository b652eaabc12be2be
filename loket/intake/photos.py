"""Passport photos: found as photo-shaped prints with a face in them, not as text.

Two signals, both cheap: the photo prints themselves (solid 3x4 cm rectangles darker than
the paper, their coloured background, on bare paper) and faces (OpenCV's bundled Haar
cascade). A face in a 3x4 photo is small on a whole A4 page, and the cascade
run over the page misses some; inside a print it is looked for at a size the cascade reads
well, in each quarter turn, which also tells which way up the sheet lies.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from loket.intake.ocr import Reading

_local = threading.local()


def _load_cascade() -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        raise RuntimeError(f"cannot load the face cascade {path}")
    return cascade


def _cascade() -> cv2.CascadeClassifier:
    """The face cascade of this thread's page search (see :func:`_page_cascade`), or a fresh
    one for a call outside a page search."""
    cascade: cv2.CascadeClassifier | None = getattr(_local, "cascade", None)
    return cascade if cascade is not None else _load_cascade()


@contextmanager
def _page_cascade() -> Iterator[None]:
    """One face cascade per thread for the searches of one page, dropped afterwards.

    OpenCV's cascade is not safe to share between threads (concurrent detectMultiScale calls
    silently find nothing), and after a search it holds ~20 MiB of scale buffers: one kept
    per page reader was the largest single item at the memory peak of a 200-page intake
    (measured with memray). Loading one takes ~7 ms, and few pages are searched for faces.
    """
    if getattr(_local, "cascade", None) is not None:
        yield  # a search inside a search: the outer one's cascade serves
        return
    _local.cascade = _load_cascade()
    try:
        yield
    finally:
        _local.cascade = None


Box = tuple[int, int, int, int]


def find_faces(image: Image.Image | np.ndarray, rotation: int = 0) -> list[Box]:
    """Face boxes (x, y, w, h) in a page downscaled to 900 px, upright per ``rotation``.

    A 3x4 cm passport photo then shows a face of about 60 px: plenty for the cascade."""
    gray = np.asarray(image.convert("L")) if isinstance(image, Image.Image) else image
    if rotation:
        from loket.intake.ocr import rotate_upright

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
    with _page_cascade():
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


#: Resolution at which photo prints are looked for on a page.
_REGION_PX_PER_MM = 3.0
#: Pas foto 3x4 prints (the standard asks for 3x4 cm): short side 3 cm, long side 4 cm, with
#: margins for the cut, a white border and the scan; nearly solid; and standing on bare
#: paper: a photo inside an ID card (a KTP copy) has the card's print and text around it.
_SHORT_MM, _LONG_MM, _RATIO, _SOLIDITY = (27.0, 38.0), (36.0, 50.0), (1.1, 1.6), 0.8
_RING_MM, _RING_MAX_INK = (2.0, 6.0), 0.05


def photo_regions(gray: np.ndarray) -> list[Box]:
    """Boxes (x, y, w, h, in ``gray``'s pixels) of photo-sized solid prints on a whole page
    (A4 assumed for the scale); none on a smaller image, which is a photo scanned alone."""
    if max(gray.shape) < 1500:
        return []
    scale = _REGION_PX_PER_MM / (max(gray.shape) / 297.0)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(small, 90))
    ink = (small < paper - 45).astype(np.uint8)
    mask = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes: list[Box] = []
    for contour in contours:
        (_cx, _cy), (w, h), _angle = cv2.minAreaRect(contour)
        if not w or not h:
            continue
        short, long_ = sorted((w / _REGION_PX_PER_MM, h / _REGION_PX_PER_MM))
        if not (
            _SHORT_MM[0] <= short <= _SHORT_MM[1]
            and _LONG_MM[0] <= long_ <= _LONG_MM[1]
            and _RATIO[0] <= long_ / short <= _RATIO[1]
            and cv2.contourArea(contour) / (w * h) >= _SOLIDITY
        ):
            continue
        x, y, bw, bh = cv2.boundingRect(contour)
        if _ring_ink(ink, (x, y, bw, bh)) > _RING_MAX_INK:
            continue
        boxes.append((int(x / scale), int(y / scale), int(bw / scale), int(bh / scale)))
    return boxes


def _ring_ink(ink: np.ndarray, box: Box) -> float:
    """Share of inked pixels in the band 2-6 mm around ``box`` (in ``ink``'s pixels)."""
    x, y, w, h = box
    near, far = (round(mm * _REGION_PX_PER_MM) for mm in _RING_MM)
    height, width = ink.shape
    top, left = max(0, y - far), max(0, x - far)
    outer = ink[top : min(height, y + h + far), left : min(width, x + w + far)]
    inside = np.zeros(outer.shape, bool)
    inside[
        max(0, y - near - top) : y + h + near - top, max(0, x - near - left) : x + w + near - left
    ] = True
    band = outer[~inside]
    return float(band.mean()) if band.size else 0.0


def face_strength(crop: np.ndarray, rotation: int) -> int:
    """How strongly the cascade sees a face filling a photo print turned upright by
    ``rotation`` (its neighbour count; 0 = no face)."""
    from loket.intake.ocr import rotate_upright

    upright = rotate_upright(crop, rotation) if rotation else crop
    k = 240 / min(upright.shape)
    big = cv2.resize(
        upright, None, fx=k, fy=k, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    )
    side = min(big.shape)
    boxes, neighbours = _cascade().detectMultiScale2(
        big,
        scaleFactor=1.08,
        minNeighbors=4,
        minSize=(int(side * 0.3), int(side * 0.3)),
        maxSize=(int(side * 0.95), int(side * 0.95)),
    )
    return int(max(neighbours)) if len(boxes) else 0


@dataclass(frozen=True)
class PhotoSearch:
    """What a page shows of passport photos (see :func:`search_photos`)."""

    boxes: list[Box]  # faces: in photo prints, or on the whole page
    rotation: int  # the quarter turn that shows them upright
    #: photo prints in which no face is seen, on a page where none is seen anywhere (a
    #: dark photo on a black-and-white copy hides its face from the cascade, not its print)
    faceless: int = 0


def search_photos(image: Image.Image | np.ndarray, preferred: int = 0) -> PhotoSearch:
    """Passport photos on a page and the quarter turn that shows them upright.

    Photo prints with a face in them (the turn most prints show their face in wins, ties
    going to ``preferred``); on a page without such prints, the whole-page face search
    (:func:`find_faces_upright`), e.g. for a photo on a white ground or scanned alone;
    with no face anywhere, how many prints there are.
    """
    gray = np.asarray(image.convert("L")) if isinstance(image, Image.Image) else image
    prints: list[Box] = []
    votes: Counter[int] = Counter()
    with _page_cascade():
        regions = photo_regions(gray)
        for x, y, w, h in regions:
            crop = gray[y : y + h, x : x + w]
            strength = {turn: face_strength(crop, turn) for turn in (0, 90, 180, 270)}
            best = max(strength, key=lambda t: (strength[t], t == preferred))
            if strength[best]:
                prints.append((x, y, w, h))
                votes[best] += 1
        if not prints:
            faces, turn = find_faces_upright(gray, preferred)
            return PhotoSearch(faces, turn, 0 if faces else len(regions))
    top = max(votes.values())
    turn = preferred if votes[preferred] == top else votes.most_common(1)[0][0]
    return PhotoSearch(prints, turn)


def find_photos_upright(
    image: Image.Image | np.ndarray, preferred: int = 0
) -> tuple[list[Box], int]:
    """The faces :func:`search_photos` finds and the turn that shows them upright."""
    found = search_photos(image, preferred)
    return found.boxes, found.rotation


#: ID cards (ISO/IEC 7810 ID-1, 85.6 x 54 mm: a KTP) as offices receive them photocopied: at
#: real size or enlarged up to about twice, whole or with their corners cut round.
_CARD_LONG_MM, _CARD_RATIO, _CARD_SOLIDITY = (75.0, 180.0), (1.35, 1.85), 0.75
#: Grey-level step (3x3 morphological gradient at 3 px/mm) that counts as a printed edge.
_CARD_EDGE = 30
#: An ID card's text, 2-3 mm high at real size, is read at this many pixels per mm (tesseract
#: reads best with letters some 20-40 px high).
_CARD_READ_PX_PER_MM = 14.0
#: A card read surely with this many letters is a card's front: the page's other cards are
#: not read.
_CARD_ENOUGH_LETTERS = 150
#: Mean word confidence below which a card's reading may be upside down (as for pages), or
#: crossed by its security lines.
_CARD_UPRIGHT_CONFIDENCE = 60.0
#: Closing (grey maximum, then minimum) that erases dark lines thinner than 3 px at the
#: reading scale (~0.2 mm: a card's security lines), keeping letters (strokes ~0.3 mm+).
_CARD_UNLINE = np.ones((3, 3), np.uint8)


def card_regions(gray: np.ndarray) -> list[Box]:
    """Boxes (x, y, w, h, in ``gray``'s pixels) of ID-card-shaped prints on a whole page (A4
    assumed for the scale), largest first: the edges of a card's text, security lines and
    outline, dense where plain paper has none, closed into one block of card proportions
    (a light card ground on a light copy is no darker than the paper, but its lines show).
    None on a smaller image."""
    if max(gray.shape) < 1500:
        return []
    scale = _REGION_PX_PER_MM / (max(gray.shape) / 297.0)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    edges = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    kernel = np.ones((9, 9), np.uint8)  # 3 mm: a card's lines and letters close into one block
    mask = cv2.morphologyEx((edges > _CARD_EDGE).astype(np.uint8), cv2.MORPH_CLOSE, kernel)
    paper = float(np.percentile(small, 90))
    mask = _without_bed(mask, (small < paper - 25).astype(np.uint8))
    # a card's outline encloses it: filled, it is one solid block; a speck or line joining
    # two cards (a front above its back) is thin, and opening cuts it
    outer, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(mask, outer, -1, 1, thickness=cv2.FILLED)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes: list[Box] = []
    for contour in contours:
        (_cx, _cy), (w, h), _angle = cv2.minAreaRect(contour)
        if not w or not h:
            continue
        short, long_ = sorted((w / _REGION_PX_PER_MM, h / _REGION_PX_PER_MM))
        if (
            _CARD_LONG_MM[0] <= long_ <= _CARD_LONG_MM[1]
            and _CARD_RATIO[0] <= long_ / short <= _CARD_RATIO[1]
            and cv2.contourArea(contour) / (w * h) >= _CARD_SOLIDITY
        ):
            x, y, bw, bh = cv2.boundingRect(contour)
            boxes.append((int(x / scale), int(y / scale), int(bw / scale), int(bh / scale)))
    return sorted(boxes, key=lambda b: -b[2] * b[3])


def _without_bed(mask: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """``mask`` without the scanner bed showing along the page's edges: bands of rows or
    columns of ``dark`` nearly all dark from an edge inwards, and their border, which would
    join a card lying near the edge into one block with it. A card, even enlarged, spans
    far less of a row."""
    mask = mask.copy()
    for view, dark_view in ((mask, dark), (mask.T, dark.T)):
        full = dark_view.mean(axis=1) > 0.9
        n = len(full)
        top = n if full.all() else int(np.argmin(full))
        bottom = n if full.all() else int(np.argmin(full[::-1]))
        view[: top + 2 if top else 0] = 0
        view[n - bottom - 2 if bottom else n :] = 0
    return mask


def read_cards(
    gray: np.ndarray, rotation: int = 0, *, max_cards: int = 2, timeout: float | None = None
) -> str:
    """The text of the ID cards on a page (:func:`card_regions`), each read on its own.

    A card photocopied at real size carries letters some 2.5 mm high on a printed ground
    crossed by security lines: read with the whole page, the page's local threshold keeps
    the lines and tesseract finds no text. Cut out, enlarged and thresholded globally (the
    ground and its lines are lighter than the print) the same card reads. A card lying
    across the page's orientation (taller than wide once the page is upright) is read in
    both quarter turns; a card that reads poorly is read turned over too (a page upside down
    with too little text for the page's own orientation check), the surer reading kept, and
    read again with its thin security lines closed away (a grey or black-and-white copy):
    up to twice the tesseract calls on a card that reads poorly (a photo taken for a card
    too), none more on one that reads well."""
    from loket.intake.ocr import rotate_upright

    page = rotate_upright(gray, rotation) if rotation else gray
    px_per_mm = max(page.shape) / 297.0
    texts: list[str] = []
    for x, y, w, h in card_regions(page)[:max_cards]:
        m = int(1.5 * px_per_mm)
        crop = page[max(0, y - m) : y + h + m, max(0, x - m) : x + w + m]
        k = max(1.0, _CARD_READ_PX_PER_MM / px_per_mm * 85.6 / (max(w, h) / px_per_mm))
        big = cv2.resize(crop, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)
        reading = _read_card(_otsu(big), timeout)
        if reading.confidence < _CARD_UPRIGHT_CONFIDENCE:
            # security lines that the threshold kept cross the letters (a grey or black-and-
            # white copy, where the ground's colour no longer tells them apart): lines
            # thinner than a letter's stroke are closed away in the grey, then thresholded
            closed = cv2.morphologyEx(big, cv2.MORPH_CLOSE, _CARD_UNLINE)
            other = _read_card(_otsu(closed), timeout)
            reading = other if other.confidence > reading.confidence else reading
        texts.append(reading.text)
        if (
            reading.confidence >= _CARD_UPRIGHT_CONFIDENCE
            and sum(ch.isalnum() for ch in reading.text) >= _CARD_ENOUGH_LETTERS
        ):
            break  # a card's front read well: the others are its back or a second copy
    return "\n\n".join(t for t in texts if t.strip())


def _otsu(gray: np.ndarray) -> np.ndarray:
    return cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]


def _read_card(bw: np.ndarray, timeout: float | None) -> Reading:
    """A thresholded card's text, from the turn that reads surest: as it lies, and turned
    over when that reads poorly (a card taller than wide is read in both quarter turns)."""
    from loket.intake.ocr import ocr_text, rotate_upright

    turns = (0, 180) if bw.shape[1] >= bw.shape[0] else (90, 270)
    best = ocr_text(rotate_upright(bw, turns[0]) if turns[0] else bw, 6, timeout=timeout)
    if best.confidence < _CARD_UPRIGHT_CONFIDENCE or turns[0]:
        other = ocr_text(rotate_upright(bw, turns[1]), 6, timeout=timeout)
        if other.confidence > best.confidence:
            best = other
    return best
