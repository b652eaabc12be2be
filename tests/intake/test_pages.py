"""Probing files before any page is read: every bad kind gets its reason."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from loket.intake import pages as pages_module
from loket.intake.pages import PageImages, PageRef, probe, render_page, sniff, text_layer
from loket.intake.quarantine import REASONS, Unusable
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
    sizes = {render_page(PageRef("a.tif", path, "x", kind, i)).size for i in range(count)}
    assert sizes == {(400, 560)}


def test_page_images_render_a_page_asked_again_at_once_only_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks ask for the same page several times in a row (ink, then stamps): it is
    rendered once and each caller gets a copy of its own; another page in between is
    rendered, and the first one again after it (one page kept, not the application's)."""
    path = tmp_path / "a.tif"
    path.write_bytes(badfiles.tiff_bytes(2))
    refs = [PageRef("a.tif", path, "x", "tiff", i) for i in range(2)]
    rendered: list[int] = []

    def counting(ref: PageRef, *args: object, **kwargs: object) -> Image.Image:
        rendered.append(ref.page)
        return render_page(ref, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pages_module, "render_page", counting)
    images = PageImages(refs)
    first = images("a.tif", 1)
    first.paste((255, 0, 0), (0, 0, 50, 50))  # one caller drawing on its copy
    again = images("a.tif", 1)
    assert rendered == [1]
    assert again.getpixel((0, 0)) != (255, 0, 0)
    assert np.array_equal(np.asarray(again), np.asarray(render_page(refs[0])))
    images("a.tif", 2)
    images("a.tif", 1)
    assert rendered == [1, 2, 1]
    with pytest.raises(KeyError):
        images("a.tif", 3)


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
    import loket.intake.pages as pages

    monkeypatch.setattr(pages, "PDF_PARSE_LIMIT", 100)
    js, scan = tmp_path / "js.pdf", tmp_path / "scan.pdf"
    badfiles.javascript_pdf(js)
    scan.write_bytes(badfiles.pdf_bytes(3).replace(b"%%EOF", b"/JS /JSx %%EOF"))
    with pytest.raises(Unusable) as info:
        probe(js, **LIMITS)
    assert info.value.code == "javascript"
    assert probe(scan, **LIMITS) == ("pdf", 3)


def _scan_pdf(
    path: Path,
    page: Image.Image,
    *,
    w: float = 210,
    h: float = 297,
    x: float = 0,
    y: float = 0,
    rotate: int = 0,
) -> None:
    """A PDF with one page carrying ``page`` losslessly (PNG), placed at (x, y, w, h) mm."""
    import io

    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=(210, 297))
    pdf.add_page()
    data = io.BytesIO()
    page.save(data, "PNG")
    pdf.image(data, x=x, y=y, w=w, h=h)
    path.write_bytes(bytes(pdf.output()))
    if rotate:
        import pypdf

        reader = pypdf.PdfReader(path)
        writer = pypdf.PdfWriter()
        writer.add_page(reader.pages[0])
        writer.pages[0].rotate(rotate)
        with path.open("wb") as fh:
            writer.write(fh)


def _noisy_page(width: int = 1240, height: int = 1754, seed: int = 3) -> Image.Image:
    """A 150-dpi A4 'scan': grey paper noise and dark strokes, never a flat colour."""
    rng = np.random.default_rng(seed)
    pixels = rng.normal(235, 12, (height, width)).clip(0, 255).astype(np.uint8)
    for _ in range(60):
        top, left = int(rng.integers(0, height - 30)), int(rng.integers(0, width - 400))
        pixels[top : top + 12, left : left + int(rng.integers(50, 400))] = 30
    return Image.fromarray(pixels, "L")


def test_a_scanned_pdf_page_gives_its_own_pixels(tmp_path: Path) -> None:
    """A page that is one upright image covering it: its pixels exactly, without rendering."""
    page = _noisy_page()
    path = tmp_path / "scan.pdf"
    _scan_pdf(path, page)
    out = render_page(PageRef("scan.pdf", path, "x", "pdf", 0), grayscale=True)
    assert out.size == page.size
    assert np.array_equal(np.asarray(out), np.asarray(page))
    colour = render_page(PageRef("scan.pdf", path, "x", "pdf", 0))
    assert colour.mode == "RGB" and colour.size == page.size


@pytest.mark.parametrize("layout", ["partial", "rotated"])
def test_other_pdf_pages_are_rendered(tmp_path: Path, layout: str) -> None:
    """An image that is not the whole page, or a page turned by /Rotate, is rendered: paper
    around the image, the page turned as a viewer shows it."""
    page = _noisy_page()
    path = tmp_path / "scan.pdf"
    if layout == "partial":
        _scan_pdf(path, page, w=105, h=148.5, x=52.5, y=74.25)
    else:
        _scan_pdf(path, page, rotate=90)
    out = np.asarray(render_page(PageRef("scan.pdf", path, "x", "pdf", 0), grayscale=True))
    if layout == "partial":
        a4_at_300_dpi = (3508, 2481)
        assert all(abs(a - b) <= 1 for a, b in zip(out.shape, a4_at_300_dpi, strict=True))
        assert out[:400, :].min() >= 250  # white paper above the image
        middle = out[out.shape[0] // 2, out.shape[1] // 2 - 200 : out.shape[1] // 2 + 200]
        assert middle.std() > 3  # the scan's noise, not paper
    else:  # turned to landscape, as a viewer shows it, at the scan's own resolution
        native = (page.size[0], page.size[1])
        assert all(abs(a - b) <= 1 for a, b in zip(out.shape, native, strict=True))


def test_every_pdfium_call_holds_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PDFium is not thread-safe, even across documents: probing, text layers and rendering
    open documents only while holding ``PDFIUM_LOCK``."""
    import pypdfium2 as pdfium

    import loket.intake.pages as pages

    opened: list[bool] = []
    real = pdfium.PdfDocument

    def checked(*args: object, **kwargs: object) -> object:
        opened.append(pages.PDFIUM_LOCK._is_owned())  # type: ignore[attr-defined]
        return real(*args, **kwargs)

    import pypdfium2.raw as pdfium_c

    freed: list[bool] = []
    destroy = pdfium_c.FPDFBitmap_Destroy

    def checked_destroy(bitmap: object) -> object:
        freed.append(pages.PDFIUM_LOCK._is_owned())  # type: ignore[attr-defined]
        return destroy(bitmap)

    monkeypatch.setattr(pdfium, "PdfDocument", checked)
    monkeypatch.setattr(pdfium_c, "FPDFBitmap_Destroy", checked_destroy)
    path = tmp_path / "scan.pdf"
    _scan_pdf(path, _noisy_page())
    kind, _count = probe(path, **LIMITS)
    ref = PageRef("scan.pdf", path, "x", kind, 0)
    text_layer(ref)
    render_page(ref)
    import gc

    gc.collect()
    assert opened == [True, True, True]
    assert freed == [True]  # the page bitmap: pdfium's buffer is freed inside the lock too


def test_page_images_give_a_dithered_scan_as_grey(tmp_path: Path) -> None:
    """The checks re-read and crop what PageImages gives: a dithered black-and-white scan
    comes as grey (its dots melted), a colour page exactly as rendered."""
    from loket.intake.ocr import is_dithered, melt
    from tests.intake.test_ocr import _bw_scan
    from tests.scans import letter_page

    Image.fromarray(_bw_scan(letter_page(), dither=True)).save(tmp_path / "dots.png")
    colour = Image.new("RGB", (800, 600), (250, 248, 240))
    colour.paste((30, 60, 200), (100, 100, 300, 200))  # a blue stamp
    colour.save(tmp_path / "colour.png")
    refs = [PageRef(n, tmp_path / n, n, "png", 0) for n in ("dots.png", "colour.png")]
    images = PageImages(refs)
    dots = np.asarray(images("dots.png", 1).convert("L"))
    assert not is_dithered(dots) and len(np.unique(dots)) > 50  # grey, not a blank page
    assert np.array_equal(dots, melt(np.asarray(render_page(refs[0], grayscale=True))))
    assert is_dithered(np.asarray(render_page(refs[0], grayscale=True)))
    assert np.array_equal(np.asarray(images("colour.png", 1)), np.asarray(render_page(refs[1])))


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("source_mode", ["RGB", "L", "P", "RGBA", "I;16"])
def test_pages_turned_by_exif_as_pillow_turns_them(
    orientation: int, source_mode: str, tmp_path: Path
) -> None:
    """A phone photo's EXIF orientation turns the page after its conversion (no colour copy
    made for the turn), exactly as ``ImageOps.exif_transpose`` turns the original, and the
    page keeps no orientation note to be turned by again."""
    from PIL import ImageOps

    rng = np.random.default_rng(orientation)
    if source_mode == "I;16":  # a 16-bit grey scan, scaled to 8 bits by its own range
        image = Image.fromarray(rng.integers(0, 65535, (30, 50), dtype=np.uint16))
    else:
        rgb = rng.integers(0, 255, (30, 50, 3), dtype=np.uint8)
        image = Image.fromarray(rgb).convert(source_mode)
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "foto.png"
    image.save(path, exif=exif.tobytes())
    with Image.open(path) as stored:
        expected = pages_module._flatten(ImageOps.exif_transpose(stored))
    ref = PageRef("foto.png", path, "x", "png", 0)
    for grayscale, want in ((False, expected), (True, expected.convert("L"))):
        got = render_page(ref, grayscale=grayscale)
        assert got.size == want.size
        assert np.array_equal(np.asarray(got), np.asarray(want))
        assert got.getexif().get(0x0112) in (None, 1)
