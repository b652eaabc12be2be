"""The pages of a generated submission as intake renders them, paired with their truth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image


def truth_pages(
    out_dir: Path, truth: dict[str, Any]
) -> Iterator[tuple[Image.Image, dict[str, Any]]]:
    """(greyscale page image, page truth) of every page of the submission ``truth`` describes
    (a folder or a single file under ``out_dir``, as ``generate_application`` wrote it)."""
    from loket.intake.pages import PageRef, probe, render

    folder = out_dir / truth["source"]
    base = folder if folder.is_dir() else out_dir
    kinds: dict[str, str] = {}
    for page in truth["pages"]:
        path = base / page["file"]
        if page["file"] not in kinds:
            kinds[page["file"]] = probe(path, max_bytes=2**31, max_pixels=2**31, max_pages=500)[0]
        ref = PageRef(page["file"], path, "-", kinds[page["file"]], page["page"] - 1)
        yield render(ref, grayscale=True), page
