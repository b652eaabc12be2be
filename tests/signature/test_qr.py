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
