"""Probing files before any page is read: every bad kind gets its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from loket.pages import PageRef, probe, render, sniff, text_layer
from loket.quarantine import REASONS, Unusable
from tests import badfiles

LIMITS = {"max_bytes": 50 * 2**20, "max_pixels": 120_000_000, "max_pages": 500}


@pytest.mark.parametrize("kind", sorted(badfiles.CATALOGUE))
def test_bad_input_catalogue(kind: str, tmp_path: Path) -> None:
    name, write, expected = badfiles.CATALOGUE[kind]
    path = tmp_path / name
    write(path)
    if expected is None:
        kind, pages = probe(path, **LIMITS)
        assert pages >= 1
        assert kind == sniff(path.read_bytes()[:2048])  # read by content, whatever its name
        return
    with pytest.raises(Unusable) as info:
        probe(path, **LIMITS)
    assert info.value.code == expected
    indonesian, english = REASONS[expected]
    assert indonesian and english


def test_too_large_and_too_many_pages(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(badfiles.pdf_bytes(4))
    with pytest.raises(Unusable) as info:
        probe(path, max_bytes=100, max_pixels=10**9, max_pages=10)
    assert info.value.code == "too_large"
    with pytest.raises(Unusable) as info:
        probe(path, max_bytes=10**9, max_pixels=10**9, max_pages=3)
    assert info.value.code == "too_many_pages"


def test_multipage_tiff_pages_render_separately(tmp_path: Path) -> None:
    path = tmp_path / "a.tif"
    path.write_bytes(badfiles.tiff_bytes(3))
    kind, count = probe(path, **LIMITS)
    assert (kind, count) == ("tiff", 3)
    sizes = {render(PageRef("a.tif", path, "x", kind, i)).size for i in range(count)}
    assert sizes == {(400, 560)}


def test_sniff_ignores_names() -> None:
    assert sniff(b"%PDF-1.7\n") == "pdf"
    assert sniff(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff(b"II*\x00") == "tiff"
    assert sniff(b"hello") is None


def test_text_layer_is_used_only_when_real(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Perihal: Permohonan Surat Izin Kerja Radiografer. " * 4)
    path = tmp_path / "digital.pdf"
    pdf.output(str(path))
    ref = PageRef("digital.pdf", path, "x", "pdf", 0)
    assert "Permohonan Surat Izin Kerja" in (text_layer(ref) or "")
    scanned = tmp_path / "scan.pdf"
    scanned.write_bytes(badfiles.pdf_bytes(1))
    assert text_layer(PageRef("scan.pdf", scanned, "x", "pdf", 0)) is None


def test_huge_pdfs_are_probed_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the parse limit a PDF is never loaded whole: its JavaScript is still found, and
    compressed image data that happens to contain '/JS' is not mistaken for it."""
    import loket.pages as pages

    monkeypatch.setattr(pages, "PDF_PARSE_LIMIT", 100)
    js, scan = tmp_path / "js.pdf", tmp_path / "scan.pdf"
    badfiles.javascript_pdf(js)
    scan.write_bytes(badfiles.pdf_bytes(3).replace(b"%%EOF", b"/JS /JSx %%EOF"))
    with pytest.raises(Unusable) as info:
        probe(js, **LIMITS)
    assert info.value.code == "javascript"
    assert probe(scan, **LIMITS) == ("pdf", 3)
