"""Passport photos on generated scans: every print counted, the sheet's turn found, and
nothing found on pages without photos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from loket.intake.photos import find_photos_upright, photo_regions
from samples import generate_application
from tests.scans import truth_pages

SEEDS = (3101, 3102, 3103, 3104, 3105, 3106)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[np.ndarray, dict[str, Any]]]:
    """(page image as scanned, page truth) of every page of a few generated applications
    that is a photo sheet, a KTP copy (its photo is no pas foto), blank, or unrelated."""
    root = tmp_path_factory.mktemp("photos")
    out = []
    kept = ("pas_foto", "blank", "other", "surat_permohonan", "ktp")
    for seed in SEEDS:
        truth = generate_application(root, f"app-{seed}", seed, packaging="jpg_folder", n_blank=1)
        out += [
            (np.asarray(image), {**page, "scan_mode": truth["scan_mode"]})
            for image, page in truth_pages(root, truth)
            if page["doc_type"] in kept
        ]
    assert sum(p["doc_type"] == "pas_foto" for _, p in out) >= len(SEEDS)
    return out


@pytest.mark.ocr
def test_every_photo_is_counted_and_the_sheet_turned_right(sheets) -> None:  # type: ignore[no-untyped-def]
    for gray, page in sheets:
        if page["doc_type"] == "ktp":
            continue  # its own face may be found; its text makes it a KTP (classify.py)
        boxes, rotation = find_photos_upright(gray, 0)
        want = page.get("photos", 0)
        if page["scan_mode"] == "bw" and want:
            # a black-and-white threshold can leave a print without a face to find (the
            # requirement then goes to the officer: rules `faceless: review`); never a
            # face that is not there
            assert len(boxes) <= want, page
            continue
        assert len(boxes) == want, page
        if want:
            assert rotation == page["rotation"], page


@pytest.mark.parametrize("turn", [90, 180, 270])
@pytest.mark.ocr
def test_a_turned_sheet_is_found_upright(sheets, turn: int) -> None:  # type: ignore[no-untyped-def]
    """The same sheets scanned a quarter turn further: the prints tell the turn."""
    for gray, page in sheets:
        if page["doc_type"] != "pas_foto" or page["rotation"] or page["scan_mode"] == "bw":
            continue  # black-and-white: see test_every_photo_is_counted_and_the_sheet_…
        turned = np.asarray(Image.fromarray(gray).rotate(-turn, expand=True))
        boxes, rotation = find_photos_upright(turned, 0)
        assert (len(boxes), rotation) == (page["photos"], turn), page


@pytest.mark.ocr
def test_prints_are_photo_sized(sheets) -> None:  # type: ignore[no-untyped-def]
    """3x4 prints on bare paper; never the photo inside a KTP copy."""
    assert any(page["doc_type"] == "ktp" for _, page in sheets)
    px_per_mm = 200 / 25.4  # the generator's resolution
    for gray, page in sheets:
        regions = photo_regions(gray)
        if page["doc_type"] != "pas_foto":
            assert regions == [], page
            continue
        assert len(regions) == page["photos"]
        for _x, _y, w, h in regions:  # 3x4 cm, tilted a little, with its border
            short, long_ = sorted((w / px_per_mm, h / px_per_mm))
            assert 28 <= short <= 38 and 38 <= long_ <= 48, (page, short, long_)


def test_a_photo_alone_is_left_to_the_face_search(tmp_path: Path) -> None:
    """A small image (a photo scanned on its own) has no prints to look for."""
    assert photo_regions(np.full((600, 450), 200, np.uint8)) == []


#: KTP copies whose photo a size-only detector took for a pas foto print (generated like
#: bench/requirements.py's corpus: seed 2026, applications 22 and 14)
KTP_CASES = [(2077191746, "multipage_folder"), (1534427131, "single_tiff")]


@pytest.mark.parametrize(("seed", "packaging"), KTP_CASES)
@pytest.mark.ocr
def test_the_photo_in_a_ktp_copy_is_no_print(tmp_path: Path, seed: int, packaging: str) -> None:
    truth = generate_application(tmp_path, "app", seed, packaging=packaging)
    ktp = [
        (image, page) for image, page in truth_pages(tmp_path, truth) if page["doc_type"] == "ktp"
    ]
    assert ktp
    for image, page in ktp:
        assert photo_regions(np.asarray(image)) == [], page


def test_a_face_decides_only_where_the_text_does_not() -> None:
    """rules/document-types.yaml: a sheet with faces and no document text is a pas foto; a
    KTP copy read poorly (too little text for the threshold) is still a KTP, its own photo
    backing the text up; without a face that weak text stays 'other'."""
    from loket.intake.classify import classify, load_classification_rules

    rules = load_classification_rules(
        Path(__file__).resolve().parents[2] / "rules" / "document-types.yaml"
    )
    assert classify("Pas foto 3 x 4 (2 lembar)", rules, faces=2).doc_type == "pas_foto"
    weak_ktp = "Jenis Kelamin : LAKI-LAKI\nBerlaku Hingga : SEUMUR HIDUP"  # scores 3 of 4
    assert classify(weak_ktp, rules).doc_type == "other"
    assert classify(weak_ktp, rules, faces=1).doc_type == "ktp"


@pytest.mark.ocr
def test_a_page_search_keeps_no_cascade(sheets) -> None:  # type: ignore[no-untyped-def]
    """The face cascade holds ~20 MiB of scale buffers after a search: a page reader keeps
    none between pages, and the searches of one page share one cascade."""
    import loket.intake.photos as photos

    loads = 0
    real = photos._load_cascade

    def counted():  # type: ignore[no-untyped-def]
        nonlocal loads
        loads += 1
        return real()

    sheet = next(gray for gray, page in sheets if page["doc_type"] == "pas_foto")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(photos, "_load_cascade", counted)
        boxes, _rotation = find_photos_upright(sheet, 90)  # the wrong turn: several searches
    assert boxes
    assert loads == 1
    assert getattr(photos._local, "cascade", None) is None


@pytest.mark.ocr
def test_a_sheet_whose_photo_shows_no_face_is_sorted_as_a_photo_sheet(tmp_path: Path) -> None:
    """A generated photo sheet (seed 7101) whose prints are thresholded so high that the
    cascade sees no face in them, as a dark photo comes out of a black-and-white copy:
    intake counts the prints and sorts the page as a photo sheet, not as blank (the checks
    then make it a doubt for the officer, tests/requirements/test_photos_check.py)."""
    from loket.intake.classify import load_classification_rules
    from loket.intake.ocr import OcrCache
    from loket.intake.pages import PageRef
    from loket.intake.steps import CLASSIFICATION_RULES, assemble, read

    root = tmp_path / "in"
    truth = generate_application(root, "app-7101", 7101, packaging="jpg_folder")
    gray = next(
        np.asarray(img).copy() for img, p in truth_pages(root, truth) if p["doc_type"] == "pas_foto"
    )
    regions = photo_regions(gray)
    assert regions
    for x, y, w, h in regions:
        crop = gray[y : y + h, x : x + w]  # thresholded high, as a dark photo is copied
        gray[y : y + h, x : x + w] = np.where(crop < 215, 0, 255).astype(np.uint8)
    assert find_photos_upright(gray)[0] == [] and len(photo_regions(gray)) == len(regions)
    path = tmp_path / "foto.png"
    Image.fromarray(gray).save(path)
    result = read(PageRef("foto.png", path, "0" * 64, "image", 0), OcrCache(tmp_path / "cache"))
    assert result.text is not None and (result.faces, result.prints) == (0, len(regions))
    rules = load_classification_rules(Path(__file__).parents[2] / "rules" / CLASSIFICATION_RULES)
    [page] = assemble("app", "app", [result], rules).pages
    assert page.doc_type == "pas_foto"


def test_photo_prints_without_a_face_make_a_photo_sheet_only_without_document_text() -> None:
    from loket.intake.classify import (
        FACELESS_PRINTS_CONFIDENCE,
        classify,
        load_classification_rules,
    )
    from loket.intake.steps import CLASSIFICATION_RULES

    rules = load_classification_rules(Path(__file__).parents[2] / "rules" / CLASSIFICATION_RULES)
    sheet = classify("", rules, faces=0, ink=0.02, prints=2)
    assert (sheet.doc_type, sheet.confidence) == ("pas_foto", FACELESS_PRINTS_CONFIDENCE)
    assert classify("", rules, faces=0, ink=0.02, prints=0).doc_type == "blank"
    letter = "PERIHAL: Permohonan Surat Izin Kerja Radiografer\nNama : Rina\nNIK : 1471015304950012"
    assert classify(letter, rules, faces=0, ink=0.05, prints=1).doc_type == "surat_permohonan"
