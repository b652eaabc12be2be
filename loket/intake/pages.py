"""From archived files to pages: format sniffing, safety probes, rendering, text layers.

Formats are recognised by their content, not their name (a mislabelled ``.jpg`` that is a
PDF is read as a PDF). Probes reject what must be quarantined (empty, truncated, encrypted,
JavaScript, decompression bombs, 0×0) before any page is rendered.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageSequence

from loket.intake.quarantine import Unusable

PDF_DPI = 300

#: PDFium is not thread-safe, not even across documents ("doing so would crash or corrupt
#: the process", pypdfium2's documentation): every use of it, from any thread, holds this
#: lock. Two page readers opening PDFs at once were seen to make PDFium rebuild a sound
#: cross-reference table by scanning the whole file, with 100+ MiB spikes. Decoding a page
#: takes ~10-40 ms against ~0.5 s of OCR, so readers seldom wait.
PDFIUM_LOCK = threading.RLock()


@dataclass(frozen=True)
class PageRef:
    """One page of one archived file."""

    relpath: str
    path: Path  # the archived copy
    sha256: str
    kind: str  # pdf | tiff | jpeg | png
    index: int  # 0-based page index inside the file

    @property
    def page(self) -> int:
        return self.index + 1


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


#: An image narrower or lower than this holds no document (a 1×1 pixel, a 1×N strip).
MIN_IMAGE_SIDE = 16


def _check_pixels(width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise Unusable("no_pixels")
    if width * height > max_pixels:
        raise Unusable("bomb", f"{width}×{height} piksel/pixels")


def _check_image_size(width: int, height: int, max_pixels: int) -> None:
    _check_pixels(width, height, max_pixels)
    if min(width, height) < MIN_IMAGE_SIDE:
        raise Unusable("too_small", f"{width}×{height} piksel/pixels")


_JS_ACTION = re.compile(rb"/S\s*/JavaScript\b")
# For huge files, scanned in chunks: every JavaScript action or name tree says "/JavaScript"
# (11 bytes; "/JS" alone turns up by chance in compressed image data).
_JS_ANY = re.compile(rb"/JavaScript\b")


def _has_javascript(reader: object, raw: bytes) -> bool:
    """JavaScript actions anywhere: raw action dictionaries, the document's name tree,
    its open action, or page (annotation) actions."""
    if raw and _JS_ACTION.search(raw):
        return True
    root = reader.trailer["/Root"]  # type: ignore[attr-defined]
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    for holder in [root, *reader.pages]:  # type: ignore[attr-defined]
        for key in ("/OpenAction", "/AA"):
            action = holder.get(key)
            if action is not None and "/JavaScript" in str(action.get_object()):
                return True
    return False


#: Up to this size a PDF is parsed whole (pypdf) for its structure; larger ones are scanned
#: in chunks and opened with pdfium only, so a huge scan never sits in memory at once.
PDF_PARSE_LIMIT = 64 * 1024 * 1024


def _scan_chunks(path: Path, pattern: re.Pattern[bytes], chunk: int = 8 * 1024 * 1024) -> bool:
    overlap = b""
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            if pattern.search(overlap + block):
                return True
            overlap = block[-64:]
    return False


def _probe_pdf(path: Path, max_pages: int, max_pixels: int) -> int:
    import pypdf
    import pypdfium2 as pdfium

    size = path.stat().st_size
    if size <= PDF_PARSE_LIMIT:
        raw = path.read_bytes()
        try:
            reader = pypdf.PdfReader(path, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise Unusable("encrypted")
            if _has_javascript(reader, raw):
                raise Unusable("javascript")
        except Unusable:
            raise
        except Exception as exc:  # pypdf raises many types on broken files
            if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
                raise Unusable("encrypted") from exc
            raise Unusable("truncated", f"PDF: {exc}") from exc
        tail = raw[-2048:]
    else:
        if _scan_chunks(path, _JS_ANY):
            raise Unusable("javascript")
        with path.open("rb") as fh:
            fh.seek(max(0, size - 2048))
            tail = fh.read()
    with PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise Unusable("encrypted") from exc
            raise Unusable("truncated", f"PDF: {exc}") from exc
        try:
            count = len(doc)
            if count == 0:
                raise Unusable("no_pages")
            if count > max_pages:
                raise Unusable("too_many_pages", f"{count} > {max_pages}")
            for i in range(count):
                w, h = doc.get_page_size(i)
                _check_pixels(int(w / 72 * PDF_DPI), int(h / 72 * PDF_DPI), max_pixels)
        finally:
            doc.close()
    if b"%%EOF" not in tail:
        raise Unusable("truncated", "PDF tanpa penutup %%EOF / PDF without %%EOF trailer")
    return count


def _probe_image(path: Path, max_pixels: int) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as im:
                frames = 0
                for frame in ImageSequence.Iterator(im):
                    _check_image_size(frame.width, frame.height, max_pixels)
                    frame.load()
                    frames += 1
        except Unusable:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise Unusable("bomb", str(exc)[:120]) from exc
        except Exception as exc:  # Pillow raises many types on damaged files
            raise Unusable("truncated", f"{type(exc).__name__}: {exc}"[:200]) from exc
    if frames == 0:
        raise Unusable("no_pages")
    return frames


def probe(path: Path, *, max_bytes: int, max_pixels: int, max_pages: int) -> tuple[str, int]:
    """(kind, page count) of an archived file, or raise :class:`Unusable`.

    The parsers meet outside bytes here: whatever else they raise on a damaged file (PDFium
    refusing a page's size, a TIFF tag pointing nowhere) makes the file unusable, with the
    parser's words as the detail; running out of memory is the office's problem, not the
    file's, and is raised."""
    try:
        return _probe(path, max_bytes=max_bytes, max_pixels=max_pixels, max_pages=max_pages)
    except (Unusable, MemoryError):
        raise
    except Exception as exc:
        raise Unusable("truncated", f"{type(exc).__name__}: {exc}"[:200]) from exc


def _probe(path: Path, *, max_bytes: int, max_pixels: int, max_pages: int) -> tuple[str, int]:
    size = path.stat().st_size
    if size == 0:
        raise Unusable("empty")
    if size > max_bytes:
        raise Unusable("too_large", f"{size / 2**20:.0f} MiB > {max_bytes / 2**20:.0f} MiB")
    with path.open("rb") as fh:
        head = fh.read(2048)
    kind = sniff(head)
    if kind is None:
        raise Unusable("unsupported", repr(head[:8])[2:-1] or "-")
    if kind == "pdf":
        return kind, _probe_pdf(path, max_pages, max_pixels)
    if kind == "png" and head[12:16] == b"IHDR":
        _check_pixels(int.from_bytes(head[16:20]), int.from_bytes(head[20:24]), max_pixels)
    return kind, _probe_image(path, max_pixels)


def _pdf_scale(page: object, dpi: int) -> float:
    """Render scale for a PDF page: a scanned page (one image covering it) at the resolution
    of its image, never above ``dpi``, so a 200-dpi scan is not blown up to 300 dpi; other
    pages at ``dpi``. Widths are compared unrotated: a page turned by /Rotate has its image
    in the page's own coordinates."""
    box_left, _bottom, box_right, _top = page.get_bbox()  # type: ignore[attr-defined]
    width_pt = box_right - box_left
    images = [o for o in page.get_objects(max_depth=1) if o.type == 3]  # type: ignore[attr-defined]
    if len(images) == 1:
        left, _bottom, right, _top = images[0].get_bounds()
        px_width, _px_height = images[0].get_px_size()
        if right - left >= 0.9 * width_pt and px_width > 0:
            native = px_width / (right - left)  # pixels per point
            return max(MIN_SCAN_DPI / 72, min(dpi / 72, native))
    return dpi / 72


#: Scans below this resolution are rendered up to it (tesseract reads small print badly).
MIN_SCAN_DPI = 150


def _scan_bitmap(page: Any, dpi: int) -> Any | None:
    """The scanned image a PDF page consists of, decoded as stored (a pdfium bitmap); None
    unless the page is nothing but one upright image covering it at MIN_SCAN_DPI to ``dpi``.

    Rendering such a page at its scan's resolution gives back the same pixels, resampled,
    through a 4-byte-per-pixel page bitmap: decoding the image itself costs a quarter of the
    CPU and about a third of the memory (on a 200-dpi A4 page: 8 MiB against 24 MiB, measured
    with pdfium). Soft masks are not applied; paper scans have none.
    """
    import pypdfium2.raw as pdfium_c

    if page.get_rotation() % 360:
        return None
    objects = list(page.get_objects(max_depth=1))
    if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return None
    image = objects[0]
    m = image.get_matrix()
    if m.b or m.c or m.a <= 0 or m.d <= 0:  # turned, mirrored or sheared
        return None
    bounds, box = image.get_bounds(), page.get_bbox()  # (left, bottom, right, top)
    tolerance = 0.01 * max(box[2] - box[0], box[3] - box[1])
    if any(abs(edge - page_edge) > tolerance for edge, page_edge in zip(bounds, box, strict=True)):
        return None  # not the whole page: render_page, which places it on white paper
    px_width, _px_height = image.get_px_size()
    native_dpi = px_width / (bounds[2] - bounds[0]) * 72
    if not MIN_SCAN_DPI * 0.99 <= native_dpi <= dpi * 1.01:
        return None
    bitmap = image.get_bitmap(render=False)
    if bitmap.format not in (pdfium_c.FPDFBitmap_Gray, pdfium_c.FPDFBitmap_BGR):
        return None  # alpha or an unusual layout: let pdfium render_page the page
    return bitmap


def render_page(ref: PageRef, dpi: int = PDF_DPI, *, grayscale: bool = False) -> Image.Image:
    """The page as an RGB (or, with ``grayscale``, L) image; PDF pages rendered at the
    resolution of their scan, at most ``dpi`` (a scanned page's own image when it is the
    whole page, see :func:`_scan_bitmap`)."""
    mode = "L" if grayscale else "RGB"
    if ref.kind == "pdf":
        import pypdfium2 as pdfium

        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(str(ref.path))
            try:
                page = doc[ref.index]
                bitmap = _scan_bitmap(page, dpi)
                if bitmap is None:
                    bitmap = page.render(scale=_pdf_scale(page, dpi), grayscale=grayscale)
                shared = bitmap.to_pil()  # on pdfium's buffer
                image = shared.convert(mode) if shared.mode != mode else shared.copy()
                del shared, bitmap  # the last references: pdfium frees the buffer here, locked
            finally:
                doc.close()
        return image
    with Image.open(ref.path) as im:
        if ref.kind == "tiff":
            im.seek(ref.index)
        im.load()
        # the common scans converted once: a grey page read from a colour JPEG holds one
        # RGB image (PIL's 4 bytes a pixel, 15 MiB at 200 dpi), not three (issue #17)
        if im.mode in ("RGB", "L"):
            flat = im.convert(mode)
        else:
            flat = _flatten(im)
            flat = flat.convert(mode) if flat.mode != mode else flat
        # a phone photo stored sideways with an EXIF note of how to turn it: turned here
        return _exif_upright(im, flat) if ref.kind in ("jpeg", "png") else flat


#: EXIF orientation -> the turn that makes the image upright (as ``ImageOps.exif_transpose``)
_EXIF_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _exif_upright(source: Image.Image, image: Image.Image) -> Image.Image:
    """``image`` (converted from ``source``) turned as ``source``'s EXIF orientation says:
    turned after the conversion, so that a grey page needs no full-colour copy for it.
    (``ImageOps.exif_transpose`` on ``image`` would miss the note where ``_flatten`` made
    a new image: the note stays on ``source``.) The
    turned image keeps no EXIF or XMP note (it is upright now: turned again by whoever
    trusted the note, it would lie sideways), as ``ImageOps.exif_transpose`` leaves it."""
    turn = _EXIF_TURNS.get(source.getexif().get(0x0112, 1))
    if turn is None:
        return image
    turned = image.transpose(turn)
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "Raw profile type exif"):
        turned.info.pop(key, None)
    return turned


def _flatten(im: Image.Image) -> Image.Image:
    """RGB on white paper, whatever the image's mode: transparency laid on white, 16-bit
    and floating-point grey scaled to 8 bits (a plain conversion clips them to white)."""
    if im.mode in ("RGBA", "LA", "P", "PA", "RGBa", "La"):
        im = im.convert("RGBA")
        bg = Image.new("RGB", im.size, "white")
        bg.paste(im, mask=im.getchannel("A"))
        return bg
    if im.mode.startswith(("I", "F")):
        return Image.fromarray(_to_8bit(np.asarray(im))).convert("RGB")
    return im.convert("RGB")


def _to_8bit(values: Any, rows: int = 256) -> Any:
    """Grey values of any range scaled to 0-255 (16-bit scans use up to 0-65535), a band of
    ``rows`` at a time: a 120-megapixel 16-bit page never has a float copy of itself."""
    low, high = min(0.0, float(np.nanmin(values))), float(np.nanmax(values))
    if high <= 255 and low >= 0 and values.dtype != np.float32:
        return values.astype(np.uint8)
    scale = 255.0 / max(high - low, 1e-9) if high > 255 or low < 0 else 1.0
    out = np.empty(values.shape, dtype=np.uint8)
    for top in range(0, values.shape[0], rows):
        band = np.nan_to_num(values[top : top + rows].astype(np.float32))
        out[top : top + rows] = ((band - low) * scale).clip(0, 255)
    return out


_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


def text_layer(ref: PageRef, min_chars: int = 40) -> str | None:
    """The PDF page's own text when it is real text (not empty, not garbage), else None.

    Read with pdfium, page by page: the file is never loaded whole."""
    if ref.kind != "pdf":
        return None
    import pypdfium2 as pdfium

    try:
        with PDFIUM_LOCK:
            doc = pdfium.PdfDocument(str(ref.path))
            try:
                textpage = doc[ref.index].get_textpage()
                text = textpage.get_text_range() or ""
                textpage.close()
            finally:
                doc.close()
    except pdfium.PdfiumError:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    tokens = text.split()
    if len(text.strip()) < min_chars or not tokens:
        return None
    wordlike = sum(1 for t in tokens if _WORD.fullmatch(t.strip(".,:;()\"'")))
    return text if wordlike / len(tokens) >= 0.5 else None


def _descreened(image: Image.Image) -> Image.Image:
    """A dithered black-and-white scan as grey (see :func:`loket.intake.ocr.descreen`), as
    intake read it: the checks' re-readings threshold it again, and an officer's crop shows
    grey, not dots. Any other page as it was rendered (~35 ms to tell on an A4 page)."""
    from loket.intake.ocr import descreen

    melted, dithered = descreen(np.asarray(image.convert("L")))
    return Image.fromarray(melted).convert("RGB") if dithered else image


class PageImages:
    """The page images of one application by (file, page), as the requirement checks ask
    for them (ink stamps, re-reading, the crops of cells in review), and what reading them
    again gave, kept in the OCR cache beside their first readings.

    A re-reading costs as much as the first one (~0.6 s of tesseract a page and variant);
    kept under the page's key (content hash, page index) and ``how`` it was read (the
    caller's description of its preprocessing, versioned by the caller), a re-check of the
    application, or the same page in another application, reads it from the cache
    (issue #15 item 3: re-reading goes through the same cache as the first reading)."""

    def __init__(self, refs: Iterable[PageRef], cache: Any | None = None) -> None:
        self.refs = {(r.relpath, r.page): r for r in refs}
        self.cache = cache  # an OcrCache (get/put by key); None: nothing is kept
        #: the page rendered last and its image: asked for again at once, it is not
        #: rendered again (see __call__); one page only, not the application's pages
        self._last: tuple[tuple[str, int], Image.Image] | None = None
        self._lock = threading.Lock()

    def __call__(self, file: str, page: int) -> Image.Image:
        """The page's image (RGB), a copy of its own for each caller.

        The checks look at the same page several times in a row (its ink, then its stamps'
        words; a card read again, then its row looked at again), and a 300-dpi page costs
        ~50-100 ms of decoding or rendering each time: the last page rendered is kept and
        copied (~5 ms), never more than one page (26 MiB for A4 in colour)."""
        key = (file, page)
        with self._lock:
            last = self._last
        if last is not None and last[0] == key:
            return last[1].copy()
        image = _descreened(render_page(self.refs[key]))
        with self._lock:
            self._last = (key, image)
        return image.copy()

    def _key(self, file: str, page: int, how: str) -> str | None:
        ref = self.refs.get((file, page))
        if ref is None or self.cache is None:
            return None
        from loket.intake.ocr import LANG, OCR_VERSION

        text = f"{ref.sha256}:{ref.index}:{how}:{OCR_VERSION}:{LANG}"
        return hashlib.sha256(text.encode()).hexdigest()

    def recalled(self, file: str, page: int, how: str) -> str | None:
        """The text this page gave when read ``how`` before; None when it was not."""
        key = self._key(file, page, how)
        found = self.cache.get(key) if key else None
        return found.text if found is not None else None

    def remember(self, file: str, page: int, how: str, text: str) -> None:
        """Keep what reading the page ``how`` gave (nothing without a cache)."""
        key = self._key(file, page, how)
        if key:
            from loket.intake.ocr import OcrResult

            # the cache only saves time: a full disk or a planted link costs a re-read later
            with contextlib.suppress(OSError):
                self.cache.put(key, OcrResult(text, 0, 0.0, "reread", 0.0))
