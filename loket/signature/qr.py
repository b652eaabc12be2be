"""The QR code printed on the permit, and reading it back from a PDF.

What the QR can honestly carry: the SHA-256 of the signed file cannot be inside that same file
(the QR is part of the page the signature covers, and the signature is part of the file), and
the hash of the unsigned PDF cannot be either (the QR is drawn on that PDF). So the QR carries
the **permit number, the registration number and a verification code** (16 random bytes,
base32) made before the permit is rendered; the register (:mod:`loket.signature.register`)
maps that code to the SHA-256 of the signed file, the certificate's serial number and the
signing time. Whoever scans it sees the number and registration number at once and, with the
office's verification URL configured, opens the office's page for that code, which can show the
SHA-256 of the original to compare with the file in hand; ``loket permit verify`` reads the QR
back from the page to tell which permit an altered file pretends to be.
"""

from __future__ import annotations

import base64
import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

#: The pages :func:`read_pdf` looks at (a permit has one) and the largest image it renders.
MAX_PAGES = 3
MAX_PIXELS = 40_000_000
#: Prefix of the payload when no verification URL is configured (a phone shows it as text).
TEXT_HEAD = "IZIN DPMPTSP KOTA PEKANBARU"


@dataclass(frozen=True)
class QrData:
    number: str
    reg_no: str
    code: str


def new_code() -> str:
    """A verification code: 128 random bits, base32 without padding (26 characters)."""
    return base64.b32encode(secrets.token_bytes(16)).decode().rstrip("=")


def payload(data: QrData, verify_url: str | None) -> str:
    """The QR text: the office's verification URL with the fields, else readable lines."""
    fields = {"nomor": data.number, "reg": data.reg_no, "kode": data.code}
    if verify_url:
        sep = "&" if "?" in verify_url else "?"
        return verify_url + sep + urlencode(fields)
    return (
        f"{TEXT_HEAD}\nNomor: {data.number}\nNo. Registrasi: {data.reg_no}\n"
        f"Kode verifikasi: {data.code}"
    )


def parse(text: str) -> QrData | None:
    """The fields of a payload made by :func:`payload` (None for any other text)."""
    if text.startswith(TEXT_HEAD):
        found = {}
        for line in text.splitlines()[1:]:
            key, _, value = line.partition(":")
            found[key.strip()] = value.strip()
        try:
            return QrData(found["Nomor"], found["No. Registrasi"], found["Kode verifikasi"])
        except KeyError:
            return None
    query = parse_qs(urlsplit(text).query)
    try:
        return QrData(query["nomor"][0], query["reg"][0], query["kode"][0])
    except (KeyError, IndexError):
        return None


def png(text: str) -> bytes:
    """The QR as a PNG (error correction M, a quiet zone of four modules)."""
    import segno

    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="png", scale=8, border=4)
    return buf.getvalue()


def read_pdf(path: Path) -> str | None:
    """The text of the first QR code found on the PDF's pages, or None.

    OpenCV's ArUco-based detector read every one of 60 permit-sized QR codes rendered at 2.5-5x
    here; the classic detector missed up to 5 of 60 at 2.5-3x (and one real permit at 3x), so
    both are tried, at two scales."""
    import cv2
    import numpy as np
    import pypdfium2 as pdfium

    detectors = (cv2.QRCodeDetectorAruco(), cv2.QRCodeDetector())
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError:
        return None
    try:
        for index in range(min(len(pdf), MAX_PAGES)):
            page = pdf[index]
            width, height = page.get_size()
            # outside data: a page the size of a wall is not rendered at full scale
            cap = (MAX_PIXELS / max(1.0, width * height)) ** 0.5
            for scale in (min(3.0, cap), min(4.5, cap)):
                bitmap = page.render(scale=scale, grayscale=True)
                image = np.asarray(bitmap.to_pil().convert("L"))
                for detector in detectors:
                    text = detector.detectAndDecode(image)[0]
                    if text:
                        return str(text)
    finally:
        pdf.close()
    return None
