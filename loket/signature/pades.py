"""PAdES signing of the permit PDF with pyHanko.

The signature is added as an incremental update (the PDF/A bytes LibreOffice wrote stay a byte
prefix of the signed file), with the PAdES subfilter (``ETSI.CAdES.detached``), SHA-256, the
signer's certificate chain embedded, and a RFC 3161 timestamp from the office's TSA when one is
configured (without one, the signing time is the signer's claim, not proven). The signature is
invisible: what a reader sees on paper is the QR code and the electronic-signature note the
template prints; what a PDF reader shows is this signature.

Measured here: sign ~135 ms, validate ~13 ms (``/work/shared/stack-notes.md``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from loket.signature.keys import (
    KeyFiles,
    Pkcs11Token,
    SigningSetupError,
    load_pkcs12,
    read_passphrase,
)

FIELD_NAME = "TTE-Kepala-Dinas"


@dataclass(frozen=True)
class SignedFile:
    """What the register keeps of a signed file."""

    path: Path
    sha256: str
    cms_sha256: str
    cert_serial: str
    cert_subject: str
    signed_at: datetime
    timestamped: bool


def load_signer(files: KeyFiles) -> object:
    """A pyHanko signer from the PKCS#12 and passphrase files (checked by :mod:`keys`)."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    data, passphrase = load_pkcs12(files)
    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        raise SigningSetupError(
            f"berkas kunci {files.key} tidak dapat dibuka (frasa sandi salah?): {exc}"
        ) from exc
    if key is None or cert is None:
        raise SigningSetupError(f"berkas kunci {files.key} tidak memuat kunci dan sertifikatnya")
    # the bytes read once (and checked) by keys: never copied to a file, never read again
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, [], passphrase=passphrase)
    except ValueError as exc:
        raise SigningSetupError(f"pyHanko tidak dapat memuat {files.key}: {exc}") from exc
    return signer


def load_token_signer(token: Pkcs11Token, files: KeyFiles) -> object:
    """A pyHanko signer for the key on a PKCS#11 token; its PIN from the passphrase file."""
    from pkcs11.exceptions import PKCS11Error
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    pin = read_passphrase(files).decode()
    session = None
    try:
        session = open_pkcs11_session(
            str(token.module), token_criteria=TokenCriteria(label=token.token or None), user_pin=pin
        )
        signer = PKCS11Signer(session, cert_label=token.label, key_label=token.label)
        signer.signing_cert  # noqa: B018  (fetched now: a missing certificate fails here)
    except (PKCS11Error, OSError, ValueError, SigningError) as exc:
        if session is not None:
            session.close()
        raise SigningSetupError(
            f"token PKCS#11 '{token.token}' ({token.module}) tidak dapat dipakai: "
            f"{type(exc).__name__} {exc}"
        ) from exc
    return signer


def cms_digest(cms_dump: bytes) -> str:
    return hashlib.sha256(cms_dump).hexdigest()


def sign_pdf(
    src: Path,
    dst: Path,
    signer: object,
    *,
    reason: str,
    location: str,
    tsa_url: str | None = None,
) -> SignedFile:
    """Sign ``src`` into ``dst`` (written beside it, then renamed over: never half a file)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers, timestamps

    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    stamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    with src.open("rb") as f:
        writer = IncrementalPdfFileWriter(f, strict=False)
        fd, tmp = tempfile.mkstemp(prefix=".signing-", suffix=".pdf", dir=dst.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                os.fchmod(fd, 0o640)
                signers.sign_pdf(writer, meta, signer=signer, timestamper=stamper, output=out)  # type: ignore[arg-type]
            os.replace(tmp, dst)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return describe(dst)


def has_timestamp(sig: object) -> bool:
    """The signature carries an RFC 3161 signature timestamp token (unsigned attribute)."""
    attrs = sig.signer_info["unsigned_attrs"].native or []  # type: ignore[attr-defined]
    return any(a["type"] == "signature_time_stamp_token" for a in attrs)


def describe(path: Path) -> SignedFile:
    """The register's facts about the signed file at ``path`` (its last signature)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    data = path.read_bytes()
    with path.open("rb") as f:
        sig = PdfFileReader(f, strict=False).embedded_signatures[-1]
        cert = sig.signer_cert
        signed_at = sig.self_reported_timestamp or datetime.now(UTC)
        return SignedFile(
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            cms_sha256=cms_digest(sig.signed_data.dump()),
            cert_serial=format(cert.serial_number, "x"),
            cert_subject=cert.subject.human_friendly,
            signed_at=signed_at,
            timestamped=has_timestamp(sig),
        )
