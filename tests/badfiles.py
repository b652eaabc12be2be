"""Generators of bad input files, one per kind the intake must quarantine (or survive)."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw


def _page_image(text: str = "Halaman uji") -> Image.Image:
    img = Image.new("RGB", (400, 560), "white")
    ImageDraw.Draw(img).text((40, 40), text, fill="black")
    return img


def jpeg_bytes(text: str = "Halaman uji") -> bytes:
    buf = io.BytesIO()
    _page_image(text).save(buf, "JPEG", quality=85)
    return buf.getvalue()


def pdf_bytes(pages: int = 1) -> bytes:
    buf = io.BytesIO()
    imgs = [_page_image(f"Halaman {i + 1}") for i in range(pages)]
    imgs[0].save(buf, "PDF", save_all=True, append_images=imgs[1:], resolution=72)
    return buf.getvalue()


def tiff_bytes(pages: int = 2) -> bytes:
    buf = io.BytesIO()
    imgs = [_page_image(f"Halaman {i + 1}") for i in range(pages)]
    imgs[0].save(buf, "TIFF", save_all=True, append_images=imgs[1:], compression="tiff_lzw")
    return buf.getvalue()


def empty(path: Path) -> None:
    path.write_bytes(b"")


def truncated_jpeg(path: Path) -> None:
    data = jpeg_bytes()
    path.write_bytes(data[: len(data) // 2])


def truncated_pdf(path: Path) -> None:
    data = pdf_bytes(3)
    path.write_bytes(data[: len(data) // 2])


def truncated_tiff(path: Path) -> None:
    data = tiff_bytes(3)
    path.write_bytes(data[: len(data) // 3])


def encrypted_pdf(path: Path) -> None:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes()))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="rahasia", owner_password="rahasia")
    with path.open("wb") as fh:
        writer.write(fh)


def javascript_pdf(path: Path) -> None:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes()))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hai');"),
        }
    )
    with path.open("wb") as fh:
        writer.write(fh)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def decompression_bomb_png(path: Path) -> None:
    """A 50,000 × 50,000 pixel PNG of a few kilobytes (2.5 gigapixels if decoded)."""
    width = height = 50_000
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit grey
    row = b"\x00" + b"\x00" * (width // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def zero_pixel_png(path: Path) -> None:
    header = struct.pack(">IIBBBBB", 0, 0, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b""))
        + _png_chunk(b"IEND", b"")
    )


def text_as_jpg(path: Path) -> None:
    path.write_text("Ini bukan gambar, hanya catatan.\n", encoding="utf-8")


def pdf_named_jpg(path: Path) -> None:
    """Mislabelled but good: a PDF with a .jpg name is read as the PDF it is."""
    path.write_bytes(pdf_bytes(2))


def truncated_png(path: Path) -> None:
    buf = io.BytesIO()
    _page_image().save(buf, "PNG")
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])


def html_named_pdf(path: Path) -> None:
    """A web page saved with a .pdf name (a common mistake of online forms)."""
    path.write_text("<!DOCTYPE html><html><body>Formulir</body></html>\n", encoding="utf-8")


def docx_named_pdf(path: Path) -> None:
    """A ZIP container (a Word document) with a .pdf name."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    path.write_bytes(buf.getvalue())


def gif_image(path: Path) -> None:
    """A real image in a format the office does not accept."""
    _page_image().save(path, "GIF")


def pdf_without_pages(path: Path) -> None:
    import pypdf

    with path.open("wb") as fh:
        pypdf.PdfWriter().write(fh)


def pdf_giant_page(path: Path) -> None:
    """One 200 × 200 inch page: 60,000 × 60,000 pixels at 300 dpi if rendered."""
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(200 * 72, 200 * 72)
    with path.open("wb") as fh:
        writer.write(fh)


def png_named_pdf(path: Path) -> None:
    """Mislabelled but good: a PNG scan with a .pdf name is read as the PNG it is."""
    _page_image("Halaman PNG").save(path, "PNG")


#: kind -> (file name, writer, expected quarantine code or None when it must be processed)
CATALOGUE: dict[str, tuple[str, Callable[[Path], None], str | None]] = {
    "empty": ("kosong.jpg", empty, "empty"),
    "truncated_jpeg": ("potong.jpg", truncated_jpeg, "truncated"),
    "truncated_pdf": ("potong.pdf", truncated_pdf, "truncated"),
    "truncated_tiff": ("potong.tif", truncated_tiff, "truncated"),
    "encrypted_pdf": ("terkunci.pdf", encrypted_pdf, "encrypted"),
    "javascript_pdf": ("skrip.pdf", javascript_pdf, "javascript"),
    "decompression_bomb": ("bom.png", decompression_bomb_png, "bomb"),
    "zero_pixels": ("nol.png", zero_pixel_png, "no_pixels"),
    "not_an_image": ("catatan.jpg", text_as_jpg, "unsupported"),
    "mislabelled_pdf": ("sebenarnya-pdf.jpg", pdf_named_jpg, None),
    "truncated_png": ("potong.png", truncated_png, "truncated"),
    "html_named_pdf": ("formulir.pdf", html_named_pdf, "unsupported"),
    "docx_named_pdf": ("dokumen.pdf", docx_named_pdf, "unsupported"),
    "gif_image": ("gambar.gif", gif_image, "unsupported"),
    "pdf_without_pages": ("tanpa-halaman.pdf", pdf_without_pages, "truncated"),
    "pdf_giant_page": ("halaman-raksasa.pdf", pdf_giant_page, "bomb"),
    "mislabelled_png": ("sebenarnya-png.pdf", png_named_pdf, None),
}
#: Situations rather than files (links, names, trees, timing, permissions, disk space) are
#: built and checked by ``tests/faults/test_badinput.py``: together 27 kinds.
