"""Pages for the reading tests: a typed letter page drawn here, and the pages of a generated
submission as intake renders them, paired with their truth."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont


def truth_pages(
    out_dir: Path, truth: dict[str, Any]
) -> Iterator[tuple[Image.Image, dict[str, Any]]]:
    """(greyscale page image, page truth) of every page of the submission ``truth`` describes
    (a folder or a single file under ``out_dir``, as ``generate_application`` wrote it)."""
    from loket.intake.pages import PageRef, probe, render_page

    folder = out_dir / truth["source"]
    base = folder if folder.is_dir() else out_dir
    kinds: dict[str, str] = {}
    for page in truth["pages"]:
        path = base / page["file"]
        if page["file"] not in kinds:
            kinds[page["file"]] = probe(path, max_bytes=2**31, max_pixels=2**31, max_pages=500)[0]
        ref = PageRef(page["file"], path, "-", kinds[page["file"]], page["page"] - 1)
        yield render_page(ref, grayscale=True), page


FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINES = [
    "PEMERINTAH KOTA PEKANBARU",
    "Perihal: Permohonan Surat Izin Kerja Radiografer",
    "Dengan hormat, yang bertanda tangan di bawah ini",
    "mengajukan permohonan izin kerja sebagai radiografer",
    "pada Rumah Sakit Umum Daerah Arifin Achmad Pekanbaru.",
    "Demikian permohonan ini kami sampaikan, atas perhatian",
    "Bapak/Ibu kami ucapkan terima kasih.",
] * 3


def letter_page() -> Image.Image:
    """An A4 page at 200 dpi with :data:`LINES` typed in a serif font, upright."""
    img = Image.new("L", (1654, 2339), 250)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 34)
    for i, line in enumerate(LINES):
        draw.text((140, 160 + i * 70), line, font=font, fill=20)
    return img


def generated_copy(
    doc_type: str,
    seed: int,
    mode: str,
    received: dt.date,
    *,
    prefixed: bool = False,
    legal: bool = True,
    angle: float | None = None,
) -> tuple[Image.Image, Any]:
    """(scanned page, applicant): the first page of ``doc_type`` drawn by the samples'
    renderer for a random applicant and scanned in ``mode`` (colour, grey, bw); a copy not
    ``legal`` has no legalisation, ``angle`` turns its stamp, ``prefixed`` gives the STR
    number a two-letter prefix."""
    import samples.legalize as legalize_mod
    from samples.applicant import make_applicant, prefixed_str_number
    from samples.docbase import Ctx
    from samples.generator import RENDERERS
    from samples.scan import ScannerProfile, scan

    rng = random.Random(seed)
    app = make_applicant(rng)
    if prefixed:
        app = dataclasses.replace(app, str_number=prefixed_str_number(rng, "tuning"))
    defects = frozenset() if legal else frozenset({f"{doc_type}_unlegalized"})
    ctx = Ctx(rng, 200, app, received, "new", defects, app.nik)
    saved = legalize_mod._angle
    if angle is not None:
        legalize_mod._angle = lambda _ctx: angle
    try:
        doc = RENDERERS[doc_type](ctx)
    finally:
        legalize_mod._angle = saved
    prof = ScannerProfile.random(rng)
    prof.mode = mode
    return scan(doc.pages[0].img, rng, prof, skew=rng.uniform(-1.0, 1.0)), app
