"""Re-reading a page goes through the OCR cache of its first reading (issue #15 item 3,
issue #16 part 4): a re-check of an application does not run tesseract on a page again."""

from __future__ import annotations

from pathlib import Path

import pytest

from loket.intake import PageReading, PagesDocument
from loket.intake.ocr import OcrCache
from loket.intake.pages import PageImages, PageRef
from loket.requirements import reread as reread_module
from loket.requirements.documents import Document, group_documents
from loket.requirements.reread import how_read, reread_document
from loket.requirements.rules import RereadVariant, load_service_rules
from tests.scans import letter_page

RULES = Path(__file__).resolve().parents[2] / "rules" / "izin-kerja-radiografer.yaml"


def _page(tmp_path: Path) -> PageRef:
    path = tmp_path / "surat.png"
    letter_page().save(path)
    return PageRef("surat.png", path, "ab" * 32, "png", 0)


def test_a_reading_is_recalled_by_page_and_how(tmp_path: Path) -> None:
    ref = _page(tmp_path)
    other = PageRef("lain.png", ref.path, "cd" * 32, "png", 0)
    images = PageImages([ref, other], OcrCache(tmp_path / "cache"))
    assert images.recalled("surat.png", 1, "a") is None
    images.remember("surat.png", 1, "a", "teks A")
    assert images.recalled("surat.png", 1, "a") == "teks A"
    assert images.recalled("surat.png", 1, "b") is None  # read otherwise
    assert images.recalled("lain.png", 1, "a") is None  # another page's content
    assert images("surat.png", 1).size == letter_page().size
    uncached = PageImages([ref])
    uncached.remember("surat.png", 1, "a", "teks")
    assert uncached.recalled("surat.png", 1, "a") is None


def test_every_setting_of_a_variant_and_the_turn_tell_readings_apart() -> None:
    base = RereadVariant()
    seen = {how_read(0, base), how_read(180, base)}
    for change in (
        {"threshold": "fixed"},
        {"turn": 180},
        {"level": 110},
        {"psm": 4},
        {"scale": 1.5},
        {"unrule": True},
    ):
        seen.add(how_read(0, base.model_copy(update=change)))
    assert len(seen) == 8


@pytest.fixture
def ktp_spec():  # type: ignore[no-untyped-def]
    spec = load_service_rules(RULES).documents["ktp"]
    assert spec.reread is not None and len(spec.reread.variants) >= 2
    return spec


def _document(ref: PageRef) -> Document:
    reading = PageReading(ref.relpath, ref.page, "ktp", text="")
    return group_documents(PagesDocument("x", None, None, (reading,)))["ktp"]


@pytest.mark.ocr  # real tesseract (4.2 CPU-s): not a unit test
def test_a_recheck_reads_from_the_cache_not_tesseract(
    tmp_path: Path, ktp_spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real tesseract the first time (a letter is no KTP: every variant is tried), none the
    second, with the same texts; without a cache tesseract runs again."""
    ref = _page(tmp_path)
    calls: list[int] = []
    real = reread_module.reread

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(reread_module, "reread", counted)
    cache = OcrCache(tmp_path / "cache")
    first = _document(ref)
    reread_document(first, ktp_spec, PageImages([ref], cache))
    assert len(calls) == len(ktp_spec.reread.variants)
    assert any("Pekanbaru" in t.text for t in first.texts if t.source == "reread")

    again = _document(ref)
    reread_document(again, ktp_spec, PageImages([ref], cache))
    assert len(calls) == len(ktp_spec.reread.variants)  # nothing read again
    assert [t.text for t in again.texts] == [t.text for t in first.texts]

    uncached = _document(ref)
    reread_document(uncached, ktp_spec, PageImages([ref]))
    assert len(calls) == 2 * len(ktp_spec.reread.variants)


def test_a_page_that_cannot_be_rendered_keeps_its_first_reading(tmp_path: Path, ktp_spec) -> None:
    ref = _page(tmp_path)
    ref.path.unlink()
    doc = _document(ref)
    reread_document(doc, ktp_spec, PageImages([ref], OcrCache(tmp_path / "cache")))
    assert [t.source for t in doc.texts] == ["ocr"]
