"""Re-reading: a document's pages read again from their images with other preprocessing
(rules: ``reread``), for cards on a patterned ground and other poorly read pages."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

from PIL import Image

from loket.intake import PageReading
from loket.requirements.documents import Document, ImageFor, extract_all
from loket.requirements.extract import DocumentText
from loket.requirements.rules import DocumentRule, RereadVariant


def tesseract_text(array: Any, psm: int, lang: str = "ind+eng") -> str:
    """Plain text of a greyscale/binary image."""
    from loket.intake import tesseract_text

    return tesseract_text(array, psm, lang)


def reread(image: Image.Image, rotation: int, variant: RereadVariant) -> str:
    """OCR a page image again with other preprocessing (e.g. a card on a patterned ground)."""
    import cv2
    import numpy as np

    from loket.intake import deskew, estimate_skew, rotate_upright

    gray = rotate_upright(np.asarray(image.convert("L")), (rotation + variant.turn) % 360)
    gray = deskew(gray, estimate_skew(gray))
    if variant.scale != 1.0:
        gray = cv2.resize(
            gray, None, fx=variant.scale, fy=variant.scale, interpolation=cv2.INTER_CUBIC
        )
    if variant.threshold == "otsu":
        gray = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    elif variant.threshold == "fixed":
        gray = cv2.threshold(gray, variant.level, 255, cv2.THRESH_BINARY)[1]
    elif variant.threshold == "adaptive":
        gray = cv2.adaptiveThreshold(
            cv2.GaussianBlur(gray, (3, 3), 0),
            255,
            cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
            cv2.THRESH_BINARY,
            max(31, (min(gray.shape) // 40) | 1),
            15,
        )
    if variant.unrule:
        gray = erase_rules(gray)
    return tesseract_text(gray, variant.psm)


def erase_rules(gray: Any) -> Any:
    """The image with long horizontal and vertical lines (a table's ruling, a form's boxes)
    painted white: tesseract drops text rows that touch them, so a form's ruled rows (NIK,
    Nama) go missing while the prose around them reads. Lines are runs of ink at least 1/25
    of the page across (or down); letters are far shorter."""
    import cv2
    import numpy as np

    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    h, w = ink.shape[:2]
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 25)))
    lines = cv2.bitwise_or(
        cv2.morphologyEx(ink, cv2.MORPH_OPEN, across), cv2.morphologyEx(ink, cv2.MORPH_OPEN, down)
    )
    out = gray.copy()
    out[cv2.dilate(lines, np.ones((3, 3), np.uint8)) > 0] = 255
    return out


def _fields_ok(doc: Document, spec: DocumentRule, names: Sequence[str]) -> bool:
    for name in names or spec.fields:
        if name in spec.fields and not any(f.source == "reread" for f in doc.found.get(name, [])):
            return False
    return True


#: Bump when :func:`reread` reads differently: re-readings kept in the OCR cache are then
#: not taken (the first readings have their own version).
REREAD_VERSION = "1"


def how_read(rotation: int, variant: RereadVariant) -> str:
    """How a page is read again, as the OCR cache tells re-readings apart."""
    settings = json.dumps(variant.model_dump(), sort_keys=True, separators=(",", ":"))
    return f"reread-{REREAD_VERSION}:{rotation}:{settings}"


def reread_page(image_for: ImageFor, p: PageReading, variant: RereadVariant, image: Any) -> str:
    """The page read again with ``variant``: from the OCR cache when it was read so before
    (``image_for`` a :class:`~loket.intake.pages.PageImages` with a cache), else read now
    and kept there. ``image``: a callable giving the page's image (rendered once a page)."""
    how = how_read(p.rotation, variant)
    recalled = getattr(image_for, "recalled", None)
    text = recalled(p.file, p.page, how) if recalled else None
    if text is None:
        text = reread(image(), p.rotation, variant)
        remember = getattr(image_for, "remember", None)
        if remember:
            remember(p.file, p.page, how, text)
    return text


class _Unrenderable(Exception):
    """The page's image could not be made."""


def _render(image_for: ImageFor, p: PageReading) -> Any:
    try:
        return image_for(p.file, p.page)
    except Exception as exc:
        raise _Unrenderable from exc


def reread_document(
    doc: Document, spec: DocumentRule, image_for: ImageFor | None, *, doubt: bool = False
) -> None:
    """Read the document's pages again with each variant of its rules (``always``; when a
    field is missing; in ``doubt`` when the caller says so), until the fields read."""
    rule = spec.reread
    if rule is None or image_for is None or doc.reread:
        return
    complete = all(doc.found.get(n) for n in (rule.until or spec.fields))
    if rule.when != "always" and complete and not doubt:
        return
    doc.reread = True
    for p in doc.pages:
        image = functools.cache(functools.partial(_render, image_for, p))
        for variant in rule.variants:
            try:
                text = reread_page(image_for, p, variant, image)
            except _Unrenderable:  # a page that cannot be rendered keeps its first reading
                break
            doc.texts.insert(0, DocumentText(p.file, p.page, text, "reread"))
            extract_all(doc, spec)
            if _fields_ok(doc, spec, rule.until):
                break
