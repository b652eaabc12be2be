"""A timestamp on the signature when a TSA is configured: a throw-away RFC 3161 TSA (pyHanko's
DummyTimeStamper, certificate from the test's CA) answers on a loopback HTTP port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from loket.signature import KeyFiles, Verdict, load_trust_roots
from loket.signature import register as reg
from loket.signature.pades import load_signer, sign_pdf
from loket.signature.verify import verify_file


def _tsa_identity(key_files: KeyFiles, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A TSA certificate issued by a CA made here, which is added to the trust roots."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    from loket.signature.keys import make_ca, make_signer_cert

    ca_key, ca = make_ca("Test TSA Root")
    key, _ = make_signer_cert(ca_key, ca, "unused")
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    (key_files.trust_roots / "tsa-root.pem").write_bytes(
        ca.public_bytes(serialization.Encoding.PEM)
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


@pytest.fixture
def tsa_url(key_files: KeyFiles, tmp_path: Path) -> Iterator[str]:
    from asn1crypto import tsp
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    cert, key = _tsa_identity(key_files, tmp_path)
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
    served: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            served.append(len(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/tsa"
    server.shutdown()
    assert served, "the TSA was never asked"


def test_a_configured_tsa_timestamps_the_signature(
    key_files: KeyFiles, plain_pdf: Path, session, tsa_url: str
) -> None:  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils.reader import PdfFileReader

    from loket.signature.pades import has_timestamp

    signed = sign_pdf(
        plain_pdf, plain_pdf, load_signer(key_files), reason="x", location="y", tsa_url=tsa_url
    )
    assert signed.timestamped
    with plain_pdf.open("rb") as f:
        sig = PdfFileReader(f).embedded_signatures[-1]
        assert has_timestamp(sig)
    reg.record(
        session,
        number="503/SIKR/0001/DPMPTSP/2026",
        reg_no="SIKR-1",
        code="C1",
        sha256=None,
        pdfa=False,
        signed=signed,
        signer_nip=None,
        now=datetime.now(UTC),
    )
    session.commit()
    result = verify_file(
        plain_pdf, session, load_trust_roots(key_files.trust_roots), read_qr=lambda _p: None
    )
    assert result.verdict is Verdict.VALID, result.reasons
