"""KTP copies at real card size and original permits, as offices receive them: pages drawn
by the project's generator (samples.cards.ktp, samples.permits.surat_izin_asli), scanned by
samples.scan, then found, read with the real tesseract and sorted with the rules.

A KTP photocopied at its real size (85.6 x 54 mm, letters ~2.5 mm high on a printed ground
crossed by security lines) often reads as nothing on the whole page; cut out, enlarged and
thresholded globally it reads (:func:`loket.intake.photos.read_cards`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from pathlib import Path

import numpy as np
import pytest

from loket.intake.classify import classify, load_classification_rules
from loket.intake.ocr import read_page, to_gray
from loket.intake.photos import card_regions, read_cards
from samples import make_applicant
from samples.cards import ktp, pas_foto_doc
from samples.docbase import Ctx
from samples.permits import surat_izin_asli
from samples.scan import ScannerProfile, scan

REPO = Path(__file__).resolve().parents[2]
DPI = 200  # the generator's and the corpus's resolution
CARD_MM = (85.6, 54.0)


def _ctx(seed: int) -> Ctx:
    rng = random.Random(seed)
    app = make_applicant(rng)
    return Ctx(
        rng=rng,
        dpi=DPI,
        app=app,
        received=dt.date(2026, 5, 4),
        application_type="renewal",
        defects=frozenset(),
        letter_nik=app.nik,
        old_permit_no=f"503/DPMPTSP/SIKR/{seed % 1000:04d}/2021",
        old_permit_date=dt.date(2021, 3, 4),
    )


def _scanned(page: object, seed: int, mode: str, rotation: int = 0) -> np.ndarray:
    """The printed page as an office scanner in ``mode`` (colour, grey, bw) gives it."""
    rng = random.Random(seed)
    prof = dataclasses.replace(ScannerProfile.random(rng), mode=mode)
    return to_gray(scan(page, rng, prof, dpi=DPI, rotation=rotation))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seed", "scale", "arrangement"),
    [(501, 1.0, "front"), (502, 1.05, "stacked"), (503, 1.6, "stacked"), (504, 1.0, "twice")],
)
def test_a_card_copy_is_found_at_its_size(seed: int, scale: float, arrangement: str) -> None:
    ctx = _ctx(seed)
    doc = ktp(ctx, scale=scale, arrangement=arrangement)
    gray = _scanned(doc.pages[0].img, seed, "grey")
    boxes = card_regions(gray)
    assert len(boxes) == (1 if arrangement == "front" else 2)
    px_per_mm = DPI / 25.4
    for _x, _y, w, h in boxes:  # the card upright, a little tilted on the glass, blurred
        for got, side in ((w, CARD_MM[0] * scale), (h, CARD_MM[1] * scale)):
            assert abs(got / px_per_mm - side) < 0.05 * side + 2, (w, h)


@pytest.mark.parametrize("seed", [511, 512])
def test_no_card_on_a_photo_sheet_or_a_letter(seed: int) -> None:
    ctx = _ctx(seed)
    for doc in (pas_foto_doc(ctx), surat_izin_asli(ctx)):
        assert card_regions(_scanned(doc.pages[0].img, seed, "grey")) == [], doc.doc_type


@pytest.mark.ocr
@pytest.mark.parametrize(("seed", "layout"), [(521, "ektp"), (522, "ektp"), (523, "old_siak")])
def test_a_real_size_ktp_copy_in_grey_reads_as_a_ktp(seed: int, layout: str) -> None:
    """The card read on its own gives the KTP's words and its NIK: the page sorts as a KTP
    even with no face found (no photo rule helping)."""
    rules = load_classification_rules(REPO / "rules" / "document-types.yaml")
    ctx = _ctx(seed)
    doc = ktp(ctx, scale=random.Random(seed).uniform(1.0, 1.1), layout=layout)
    gray = _scanned(doc.pages[0].img, seed, "grey")
    page = read_page(gray)
    cards = read_cards(gray, page.rotation)
    assert classify(f"{page.text}\n\n{cards}", rules, faces=0).doc_type == "ktp"
    digits = re.sub(r"\D", "", cards)
    assert ctx.app.nik in digits


@pytest.mark.ocr
def test_a_card_on_a_page_upside_down_is_read_turned_over() -> None:
    """Too little text for the page's orientation check: the card, read poorly as it lies,
    is read turned over too and the surer reading kept."""
    seed = 571
    ctx = _ctx(seed)
    doc = ktp(ctx, scale=1.0, layout="ektp", arrangement="stacked")
    cards = read_cards(_scanned(doc.pages[0].img, seed, "grey", rotation=180), 0)
    assert ctx.app.nik in re.sub(r"\D", "", cards)


@pytest.mark.ocr
@pytest.mark.parametrize(
    ("seed", "issuer", "layout"),
    [
        (531, "dpmptsp", "grant"),
        (532, "dpmptsp", "decree"),
        (533, "dinkes", "grant"),
        (534, "dinkes", "decree"),
    ],
)
def test_a_permit_sorts_as_the_permit(seed: int, issuer: str, layout: str) -> None:
    """Issued by DPMPTSP or by the Dinas Kesehatan (whose name a recommendation letter also
    carries), as a grant or as a decree, scanned in grey: the original permit, and no other
    type comes near it."""
    rules = load_classification_rules(REPO / "rules" / "document-types.yaml")
    doc = surat_izin_asli(_ctx(seed), issuer=issuer, layout=layout)
    sort = classify(read_page(_scanned(doc.pages[0].img, seed, "grey")).text, rules)
    assert sort.doc_type == "surat_izin_asli", sort.scores
    others = sorted(v for k, v in sort.scores.items() if k != "surat_izin_asli")
    assert sort.scores["surat_izin_asli"] >= 2 * others[-1], sort.scores


def _unsorted(gray: np.ndarray, doc_type: str) -> tuple[object, object]:
    """The page read as intake reads it, but sorted as ``doc_type`` (the sorting missed it),
    grouped as the requirement engine groups pages; and the page's image for re-reading."""
    from PIL import Image

    from loket.intake.reading import PageReading, PagesDocument
    from loket.requirements.documents import group_documents

    page = read_page(gray)
    reading = PageReading(file="scan.jpg", page=1, doc_type=doc_type, text=page.text)
    docs = group_documents(PagesDocument("app", None, None, (reading,)))
    return docs, lambda file, n: Image.fromarray(gray)


@pytest.mark.ocr
@pytest.mark.parametrize(("seed", "sorted_as"), [(541, "pas_foto"), (542, "other")])
def test_a_real_size_ktp_the_sorting_missed_is_rescued(seed: int, sorted_as: str) -> None:
    """A real-size KTP copy in grey taken for a photo page or left unsorted: the requirement
    engine's rescue (rules: documents.ktp.rescue) reads its NIK and name and takes it."""
    from loket.requirements.rescue import rescue
    from loket.requirements.rules import load_service_rules

    rules = load_service_rules(REPO / "rules" / "izin-kerja-radiografer.yaml")
    ctx = _ctx(seed)
    doc = ktp(ctx, scale=1.0, arrangement="front")
    docs, image_for = _unsorted(_scanned(doc.pages[0].img, seed, "grey"), sorted_as)
    rescue(docs, "ktp", rules.documents["ktp"], image_for)  # type: ignore[arg-type]
    card = docs["ktp"]  # type: ignore[index]
    assert card.rescued_from == sorted_as
    assert ctx.app.nik in [f.value for f in card.found["nik"]]


@pytest.mark.ocr
@pytest.mark.parametrize(("seed", "issuer", "layout"), [(551, "dinkes", "decree")])
def test_an_unsorted_permit_is_rescued(seed: int, issuer: str, layout: str) -> None:
    """An original permit left unsorted is taken as the permit from its holder's name and
    its grant/decree words (rules: documents.surat_izin_asli.rescue)."""
    from loket.requirements.rescue import rescue
    from loket.requirements.rules import load_service_rules

    rules = load_service_rules(REPO / "rules" / "izin-kerja-radiografer.yaml")
    doc = surat_izin_asli(_ctx(seed), issuer=issuer, layout=layout)
    docs, image_for = _unsorted(_scanned(doc.pages[0].img, seed, "grey"), "other")
    rescue(docs, "surat_izin_asli", rules.documents["surat_izin_asli"], image_for)  # type: ignore[arg-type]
    assert docs["surat_izin_asli"].rescued_from == "other"  # type: ignore[index]


@pytest.mark.ocr
@pytest.mark.parametrize("seed", [561, 562])
def test_letters_about_the_permit_are_not_rescued_as_it(seed: int) -> None:
    """Every letter of a renewal names the permit (often with its number): left unsorted,
    a letter, a recommendation or an STR is not taken for the missing permit (a renewal
    without its permit must stay 'missing', never be accepted)."""
    from loket.requirements.rescue import rescue
    from loket.requirements.rules import load_service_rules
    from samples.letters import surat_permohonan
    from samples.recommendations import rekomendasi_dinkes, rekomendasi_organisasi_profesi
    from samples.strcard import str_doc

    rules = load_service_rules(REPO / "rules" / "izin-kerja-radiografer.yaml")
    for make in (surat_permohonan, rekomendasi_dinkes, rekomendasi_organisasi_profesi, str_doc):
        doc = make(_ctx(seed))
        docs, image_for = _unsorted(_scanned(doc.pages[0].img, seed, "grey"), "other")
        rescue(docs, "surat_izin_asli", rules.documents["surat_izin_asli"], image_for)  # type: ignore[arg-type]
        assert "surat_izin_asli" not in docs, doc.doc_type  # type: ignore[operator]


@pytest.mark.ocr
@pytest.mark.parametrize("seed", [1, 16])
def test_a_black_and_white_ktp_copy_is_read_through_its_security_lines(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KTP copied in black and white keeps its security lines as dark as its letters, and
    the card's threshold keeps both: the card read as nothing a sorter knows, and the page
    went to ``other``. Read again with the lines closed away it sorts as a KTP (generated
    copies that sorted as ``other`` before; each is read as intake reads a page)."""
    from loket.intake import photos
    from loket.intake.pages import PageRef
    from loket.intake.steps import _read_page
    from tests.scans import generated_copy

    rules = load_classification_rules(REPO / "rules" / "document-types.yaml")
    image, _ = generated_copy("ktp", seed, "bw", dt.date(2026, 11, 2))
    path = tmp_path / "ktp.png"
    image.save(path)

    def sorted_as() -> str:
        read = _read_page(PageRef(path.name, path, "x", "png", 0), 3, 120)
        return classify(read.text, rules, faces=read.faces, ink=read.ink).doc_type

    assert sorted_as() == "ktp"
    monkeypatch.setattr(photos, "_CARD_UNLINE", np.ones((1, 1), np.uint8))  # closes nothing
    assert sorted_as() == "other"
