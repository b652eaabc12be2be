"""Generators of degenerate images and PDFs (issue #14): strange but possible scans that must
be read, or quarantined with a reason, and never stop an intake run."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

WORD = "PERMOHONAN"


def page(size: tuple[int, int] = (900, 500), text: str = WORD, mode: str = "RGB") -> Image.Image:
    """A page with one line of large print (readable by tesseract at any of the sizes used)."""
    img = Image.new(mode, size, "white")
    font = ImageFont.load_default(size=64)
    ImageDraw.Draw(img).text((40, 150), f"SURAT {text}", fill="black", font=font)
    return img


def pixel_1x1(path: Path) -> None:
    Image.new("L", (1, 1)).save(path, "PNG")


def strip_1xn(path: Path) -> None:
    Image.new("L", (1, 900), 255).save(path, "PNG")


def strip_nx1(path: Path) -> None:
    Image.new("L", (900, 1), 0).save(path, "PNG")


def grey_16bit(path: Path) -> None:
    """A 16-bit greyscale PNG (0-65535): converted naively it turns white and unreadable."""
    values = np.asarray(page().convert("L"), dtype=np.uint16) * 257
    Image.fromarray(values).save(path, "PNG")  # mode I;16


def cmyk_jpeg(path: Path) -> None:
    page().convert("CMYK").save(path, "JPEG", quality=90)


def palette_alpha(path: Path) -> None:
    """A palette PNG with a transparent background: laid on white, not on black."""
    img = page().convert("RGBA")
    img.putalpha(Image.eval(img.convert("L"), lambda v: 255 - v))  # paper transparent
    img.quantize(colors=16, method=Image.Quantize.FASTOCTREE).save(path, "PNG")


def exif_rotated_jpeg(path: Path) -> None:
    """A phone photo stored sideways with an EXIF note (orientation 6: turn 90° clockwise)."""
    stored = page().rotate(90, expand=True)  # pixels lie turned 90° counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(path, "JPEG", quality=90, exif=exif.tobytes())


def tiff_bad_frame(path: Path) -> None:
    """A three-page TIFF whose second page's image data is cut short."""
    buf = io.BytesIO()
    frames = [page(text=f"HALAMAN {i}") for i in range(3)]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    data = bytearray(buf.getvalue())
    # the second IFD's strip offsets point past the end of the file
    first_ifd = struct.unpack("<I", data[4:8])[0]
    count = struct.unpack("<H", data[first_ifd : first_ifd + 2])[0]
    second_ifd = struct.unpack("<I", data[first_ifd + 2 + 12 * count : first_ifd + 6 + 12 * count])[
        0
    ]
    entries = struct.unpack("<H", data[second_ifd : second_ifd + 2])[0]
    for i in range(entries):
        at = second_ifd + 2 + 12 * i
        tag = struct.unpack("<H", data[at : at + 2])[0]
        if tag == 273:  # StripOffsets
            data[at + 8 : at + 12] = struct.pack("<I", len(data) + 10_000)
    path.write_bytes(bytes(data))


def pdf_zero_pages(path: Path) -> None:
    import pypdf

    with path.open("wb") as fh:
        pypdf.PdfWriter().write(fh)


def pdf_3000_pages(path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(3000):
        writer.add_blank_page(595, 842)
    with path.open("wb") as fh:
        writer.write(fh)


def pdf_broken_xref(path: Path) -> None:
    """A one-page scan PDF whose cross-reference table points at the wrong offsets."""
    buf = io.BytesIO()
    page().save(buf, "PDF", resolution=150)
    data = buf.getvalue()
    start = data.rfind(b"xref")
    table = data[start:]
    broken = table.replace(b"0000000", b"0000999", 3)
    path.write_bytes(data[:start] + broken)


def over_pixel_budget(path: Path) -> None:
    """A real 12,000 × 11,000 image: over the 120-megapixel budget, a few KiB on disk."""
    Image.new("1", (12_000, 11_000), 1).save(path, "PNG", optimize=True)


#: kind -> (file name, writer, expected: "read" or the quarantine code)
DEGENERATE: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "1x1": ("satu-piksel.png", pixel_1x1, "too_small"),
    "1xN": ("garis-tegak.png", strip_1xn, "too_small"),
    "Nx1": ("garis-datar.png", strip_nx1, "too_small"),
    "16-bit": ("abu-16bit.png", grey_16bit, "read"),
    "CMYK": ("cmyk.jpg", cmyk_jpeg, "read"),
    "palette+alpha": ("palet-transparan.png", palette_alpha, "read"),
    "EXIF-rotated": ("foto-hp.jpg", exif_rotated_jpeg, "read"),
    "TIFF bad frame": ("rusak-tengah.tif", tiff_bad_frame, "truncated"),
    "0-page PDF": ("nol-halaman.pdf", pdf_zero_pages, "truncated"),
    "3000-page PDF": ("tiga-ribu.pdf", pdf_3000_pages, "too_many_pages"),
    "broken xref": ("xref-rusak.pdf", pdf_broken_xref, "read"),
    "over pixel budget": ("terlalu-besar.png", over_pixel_budget, "bomb"),
}
