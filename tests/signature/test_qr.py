"""The permit's QR code: what it carries, read back by a QR decoder (OpenCV) as a phone would."""

from __future__ import annotations

import io

import pytest

from loket.signature.qr import QrData, new_code, parse, payload, png

DATA = QrData("503/SIKR/0007/DPMPTSP/XII/2026", "SIKR-2026-000001", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@pytest.mark.parametrize("url", [None, "https://dpmptsp.pekanbaru.go.id/verifikasi"])
def test_payload_round_trips_through_a_decoded_image(url: str | None) -> None:
    import cv2
    import numpy as np
    from PIL import Image

    text = payload(DATA, url)
    if url:
        assert text.startswith(url + "?") and "nomor=503%2FSIKR" in text
    else:
        assert "Nomor: 503/SIKR/0007/DPMPTSP/XII/2026" in text
    image = np.asarray(Image.open(io.BytesIO(png(text))).convert("L"))
    decoded, _points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert decoded == text
    assert parse(decoded) == DATA


def test_other_texts_are_not_a_permit_qr() -> None:
    assert parse("https://example.org/?q=1") is None
    assert parse("hello") is None


def test_codes_are_random_and_long() -> None:
    codes = {new_code() for _ in range(100)}
    assert len(codes) == 100
    assert all(len(c) == 26 and c.isalnum() for c in codes)


def test_a_huge_page_is_not_rendered_at_full_scale(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Outside data: a 5 m page would be 5 Gpx at 3x; read_pdf caps what it renders."""
    import pypdfium2 as pdfium
    from pypdf import PdfWriter

    from loket.signature import qr

    writer = PdfWriter()
    writer.add_blank_page(width=14400, height=14400)
    path = tmp_path / "dinding.pdf"
    with path.open("wb") as f:
        writer.write(f)
    rendered: list[float] = []
    real = pdfium.PdfPage.render

    def render(self, scale: float = 1, **kw):  # type: ignore[no-untyped-def]
        rendered.append(scale)
        return real(self, scale=scale, **kw)

    monkeypatch.setattr(pdfium.PdfPage, "render", render)
    assert qr.read_pdf(path) is None
    assert rendered and all(14400 * s * 14400 * s <= qr.MAX_PIXELS * 1.001 for s in rendered)
