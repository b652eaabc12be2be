"""The ``photos`` check on generated photo sheets: two faces are the requirement met; a photo
print in which no face is seen (a dark photo on a black-and-white scan) is a doubt for the
officer, boxed tightly; one photo, or none, stays a defect."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from loket.intake import PageReading
from loket.intake.photos import find_photos_upright, photo_regions
from loket.requirements.checks import check_photos
from loket.requirements.context import Context
from loket.requirements.documents import Document
from loket.requirements.rules import PhotosCheck, load_service_rules
from samples import generate_application
from tests.scans import truth_pages

RULES = Path(__file__).resolve().parents[2] / "rules" / "izin-kerja-radiografer.yaml"


def _rule() -> PhotosCheck:
    rules = load_service_rules(RULES)
    req = next(r for r in rules.requirements if r.id == "pas_foto")
    return next(c for c in req.checks if isinstance(c, PhotosCheck))


def _sheets(root: Path, seed: int, kind: str, defects: list[str], packaging: str) -> list[Any]:
    """The photo pages of a generated application, as intake renders them."""
    truth = generate_application(
        root, f"app-{seed}", seed, application_type=kind, defects=defects, packaging=packaging
    )
    return [img for img, page in truth_pages(root, truth) if page["doc_type"] == "pas_foto"]


def _check(images: list[Image.Image], faces: int | None = None, *, looked: bool = True) -> Any:
    """The check over photo pages whose faces intake's own photo search counted (or
    ``faces`` on each); without ``looked`` the check has no page image to look at."""
    pages = [
        PageReading(
            f"foto-{i}.jpg",
            1,
            "pas_foto",
            faces=len(find_photos_upright(np.asarray(img.convert("L")))[0])
            if faces is None
            else faces,
        )
        for i, img in enumerate(images)
    ]
    doc = Document("pas_foto", pages)
    rules = load_service_rules(RULES)
    by_file = {p.file: img for p, img in zip(pages, images, strict=True)}
    image_for = (lambda f, _p: by_file[f]) if looked else None
    ctx = Context(rules, {"pas_foto": doc}, image_for, date(2026, 1, 30))
    return check_photos(ctx, doc, _rule())


def test_the_rules_count_two_photos_and_doubt_a_faceless_print() -> None:
    rule = _rule()
    assert (rule.min, rule.faceless) == (2, "review")


@pytest.mark.ocr  # generates an application and reads its photo sheets (slow)
def test_a_hidden_face_on_a_black_and_white_sheet_is_for_the_officer(tmp_path: Path) -> None:
    """A tuning application's photo sheet scanned black-and-white (seed 9015), its second
    print darkened until the cascade sees no face in it (its ink spread by 7 px, as a dark
    photo comes out of a heavy threshold). Two prints are there: review, not a defect."""
    import cv2

    [image] = _sheets(tmp_path, 9015, "renewal", [], "single_tiff")
    gray = np.asarray(image.convert("L")).copy()
    regions = photo_regions(gray)
    assert len(regions) == 2 and len(find_photos_upright(gray)[0]) == 2
    x, y, w, h = regions[1]
    gray[y : y + h, x : x + w] = cv2.erode(gray[y : y + h, x : x + w], np.ones((7, 7), np.uint8))
    assert len(photo_regions(gray)) == 2
    out = _check([Image.fromarray(gray)])
    assert out.review and not out.passed
    assert "2 cetakan pas foto" in out.reasons[0] and "pada 1" in out.reasons[0]
    assert len(out.evidence) == 1  # the print without a face, not the one with it
    left, top, right, bottom = out.evidence[0]["box"]
    assert 0.1 < right - left < 0.2 and 0.1 < bottom - top < 0.2  # a 3x4 cm print on A4
    page_h, page_w = gray.shape
    assert left <= (x + w / 2) / page_w <= right and top <= (y + h / 2) / page_h <= bottom
    faces, _ = find_photos_upright(gray)
    for fx, fy, fw, fh in faces:  # the boxed print is not the one with the face
        cx, cy = (fx + fw / 2) / page_w, (fy + fh / 2) / page_h
        assert not (left <= cx <= right and top <= cy <= bottom)


@pytest.mark.ocr  # generates an application and reads its photo sheets (slow)
def test_one_photo_stays_a_defect(tmp_path: Path) -> None:
    out = _check(_sheets(tmp_path, 7107, "renewal", ["one_photo"], "jpg_folder"))
    assert not out.passed and not out.review
    assert out.reasons == ["Hanya 1 pas foto ditemukan; diperlukan 2."]


@pytest.mark.ocr  # generates an application and reads its photo sheets (slow)
def test_two_faces_meet_the_requirement(tmp_path: Path) -> None:
    out = _check(_sheets(tmp_path, 7101, "new", [], "jpg_folder"))  # one photo a page
    assert out.passed and out.notes == ["2 pas foto ditemukan."]


@pytest.mark.parametrize("faces", [0, 1])
def test_an_empty_sheet_or_no_image_is_no_doubt(faces: int) -> None:
    blank = Image.new("L", (1654, 2339), 250)
    for looked in (True, False):
        out = _check([blank], faces=faces, looked=looked)
        assert not out.passed and not out.review
        assert out.reasons == [f"Hanya {faces} pas foto ditemukan; diperlukan 2."]
