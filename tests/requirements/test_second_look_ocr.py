"""The second OCR engine through real RapidOCR and tesseract on pages the samples' renderers
draw and scan (issue #16, item 2): the card's NIK row, the STR's number row (plain and with
a letter prefix) and the stamps of legalised copies scanned without colour. Never a wrong
value, and no stamp phrase where there is no stamp."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from loket.intake import deskew, rotate_upright
from loket.intake.ocr import read_page
from loket.requirements import second_look as S
from loket.requirements.extract import DocumentText, extract, parse_value
from loket.requirements.identity import NikRule
from loket.requirements.legalization import level_crop, read_stamps, second_hits
from loket.requirements.rules import load_service_rules
from loket.requirements.stamps import find_stamp_regions
from loket.requirements.values import vote_key
from samples.applicant import Applicant
from tests.scans import generated_copy

pytestmark = pytest.mark.ocr

REPO = Path(__file__).resolve().parents[2]
RULES = load_service_rules(REPO / "rules" / "izin-kerja-radiografer.yaml")
RECEIVED = dt.date(2026, 8, 24)


def _page(
    doc_type: str,
    seed: int,
    mode: str,
    *,
    prefixed: bool = False,
    legal: bool = True,
    angle: float | None = None,
) -> tuple[Image.Image, Applicant]:
    """One page of ``doc_type`` rendered by the samples code and scanned in ``mode``."""
    return generated_copy(
        doc_type, seed, mode, RECEIVED, prefixed=prefixed, legal=legal, angle=angle
    )


def _upright(image: Image.Image) -> tuple[np.ndarray, int, float]:
    ocr = read_page(image)
    gray = deskew(rotate_upright(np.asarray(image.convert("L")), ocr.rotation), ocr.skew)
    return gray, ocr.rotation, ocr.skew


@pytest.mark.parametrize(("seed", "mode"), [(1, "grey"), (2, "bw"), (3, "colour")])
def test_the_cards_nik_row_reads_by_both_engines(seed: int, mode: str) -> None:
    image, app = _page("ktp", seed, mode)
    gray, _, _ = _upright(image)
    looks = S.look(gray, RULES.documents["ktp"].fields["nik"])
    decided = [S.decide_nik(x, set(), app.birth_date, NikRule(), 0.9) for x in looks]
    assert app.nik in decided, looks
    assert set(decided) <= {app.nik, None}  # never another number


def _letter_readings(seed: int, prefixed: bool) -> list[str]:
    """The STR number as tesseract reads it on the same applicant's application letter."""
    image, _ = _page("surat_permohonan", seed, "grey", prefixed=prefixed)
    text = read_page(image).text
    spec = RULES.documents["surat_permohonan"].fields["str_number"]
    return [str(f.value) for f in extract(spec, [DocumentText("surat.jpg", 1, text)])]


@pytest.mark.parametrize(("seed", "prefixed"), [(4, False), (5, True), (6, True)])
def test_the_str_number_row_reads_by_both_engines(seed: int, prefixed: bool) -> None:
    image, app = _page("str", seed, "grey", prefixed=prefixed)
    gray, _, _ = _upright(image)
    spec = RULES.documents["str"].fields["str_number"]
    looks = S.look(gray, spec)
    # the second engine reads the row; a number is decided when tesseract read the same, in
    # the row or on another page of the application (here the letter)
    assert app.str_number in [parse_value(x.text, spec) for x in looks], looks
    letter = _letter_readings(seed, prefixed)
    decided = [S.decide_registration(x, spec, letter, 0.9) for x in looks]
    assert set(decided) <= {app.str_number, None}  # never another number
    tesseract = letter + [str(parse_value(x.tesseract, spec)) for x in looks]
    if vote_key(app.str_number) in {vote_key(t) for t in tesseract}:
        assert app.str_number in decided, (looks, letter)  # spelt as the second engine reads
    else:  # tesseract read it nowhere: one engine alone does not decide
        assert decided == [None] * len(looks)


LEGALIZATION = RULES.legalization


@pytest.mark.parametrize(
    ("doc_type", "seed", "mode", "angle"),
    [("ijazah", 11, "grey", -15.0), ("str", 12, "bw", 18.0), ("ijazah", 13, "bw", 8.0)],
)
def test_a_grey_or_bw_stamp_is_read_by_the_second_engine(
    doc_type: str, seed: int, mode: str, angle: float
) -> None:
    assert LEGALIZATION is not None
    image, _ = _page(doc_type, seed, mode, angle=angle)
    gray, rotation, skew = _upright(image)
    regions = [r for r in find_stamp_regions(gray, LEGALIZATION.stamps) if r.stamp_like]
    hits = [
        h
        for r in regions
        for h in second_hits(level_crop(gray, r, LEGALIZATION.stamps), LEGALIZATION)
    ]
    assert hits
    reading = read_stamps(image, rotation, skew, LEGALIZATION, second=True)
    assert reading.hits and not reading.colour


@pytest.mark.parametrize(("doc_type", "seed", "mode"), [("ijazah", 21, "grey"), ("str", 22, "bw")])
def test_no_stamp_phrase_is_read_on_an_unlegalised_copy(
    doc_type: str, seed: int, mode: str
) -> None:
    assert LEGALIZATION is not None
    image, _ = _page(doc_type, seed, mode, legal=False)
    gray, rotation, skew = _upright(image)
    regions = find_stamp_regions(gray, LEGALIZATION.stamps)  # seals, signatures, headings
    assert regions
    for r in regions:
        assert not second_hits(level_crop(gray, r, LEGALIZATION.stamps), LEGALIZATION)
    reading = read_stamps(image, rotation, skew, LEGALIZATION, second=True)
    assert not reading.hits
