"""What the officer sees of a cell in review: the region of the page the checks looked at.

A check that abstains names the page and, when it knows it, the region (``box``: fractions of
the page image, left/top/right/bottom) in its evidence. :func:`evidence_crops` cuts those
regions out of the page images, with a margin so that the officer sees the context, and
:func:`review_section` prints them under the checklist table with the reason, so that the
officer can decide from the checklist PDF and only fetches the paper when still unsure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from loket.requirements.results import Status

#: Page image for (file, page), as the checks get it.
ImageFor = Callable[[str, int], Image.Image]

#: Margin around a box, as a fraction of the page (context for the eye).
MARGIN = 0.03
#: Longest side of a crop in the PDF, in pixels (keeps the PDF small).
MAX_SIDE = 900
#: Crops per cell.
MAX_CROPS = 2


@dataclass(frozen=True)
class Crop:
    """One region of a page shown for a cell in review."""

    requirement: str
    file: str
    page: int
    image: Image.Image


def crop(image: Image.Image, box: list[float] | None) -> Image.Image:
    """The region ``box`` (fractions; None: the whole page) of ``image`` with a margin,
    scaled down to :data:`MAX_SIDE`."""
    w, h = image.size
    if box is None or len(box) != 4:
        left, top, right, bottom = 0.0, 0.0, 1.0, 1.0
    else:
        left, top, right, bottom = (min(1.0, max(0.0, float(v))) for v in box)
    if right <= left or bottom <= top:
        left, top, right, bottom = 0.0, 0.0, 1.0, 1.0
    px = (
        int(max(0.0, left - MARGIN) * w),
        int(max(0.0, top - MARGIN) * h),
        int(min(1.0, right + MARGIN) * w),
        int(min(1.0, bottom + MARGIN) * h),
    )
    out = image.convert("RGB").crop(px)
    out.thumbnail((MAX_SIDE, MAX_SIDE))
    return out


def evidence_crops(checklist: dict[str, Any], image_for: ImageFor | None) -> list[Crop]:
    """The crops of every cell in review (none without page images; a page that cannot be
    rendered is skipped: the reason and the page reference are printed anyway)."""
    if image_for is None:
        return []
    crops: list[Crop] = []
    for item in checklist.get("requirements", []):
        if item.get("status") != Status.REVIEW:
            continue
        for ev in [e for e in item.get("evidence", []) if e.get("file")][:MAX_CROPS]:
            try:
                page = image_for(str(ev["file"]), int(ev["page"]))
            except Exception:  # a page that cannot be rendered must not lose the checklist
                continue
            crops.append(
                Crop(item["id"], str(ev["file"]), int(ev["page"]), crop(page, ev.get("box")))
            )
    return crops


def review_section(
    pdf: Any,
    family: str,
    text: Callable[[str], str],
    checklist: dict[str, Any],
    labels: dict[str, str],
    crops: list[Crop],
) -> None:
    """Under the table: each cell in review, its reason, its pages and their crops."""
    from fpdf.enums import XPos, YPos

    items = [r for r in checklist.get("requirements", []) if r.get("status") == Status.REVIEW]
    if not items:
        return
    pdf.ln(3)
    pdf.set_font(family, "B", 10)
    pdf.multi_cell(0, 6, text("Perlu diperiksa petugas"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for item in items:
        pdf.set_font(family, "B", 9)
        label = labels.get(item["id"], item["id"])
        pdf.multi_cell(0, 5, text(f"? {label} ({item['id']})"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(family, "", 8.5)
        reason = " ".join(item.get("reasons", [])) or "Tidak dapat dipastikan dari pindaian."
        pdf.multi_cell(0, 4.2, text(reason), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for c in [c for c in crops if c.requirement == item["id"]]:
            _image(pdf, text, c)
        pdf.ln(2)


def _image(pdf: Any, text: Callable[[str], str], c: Crop) -> None:
    """One crop, at most 120 mm wide and 70 mm high, with its page reference."""
    from fpdf.enums import XPos, YPos

    w, h = c.image.size
    width = min(120.0, 70.0 * w / h)
    height = width * h / w
    if pdf.get_y() + height + 6 > pdf.h - 15:
        pdf.add_page()
    pdf.multi_cell(0, 4, text(f"{c.file} hlm. {c.page}:"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.image(c.image, w=width, h=height)
    pdf.ln(1)
