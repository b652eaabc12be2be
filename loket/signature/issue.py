"""Issuing the permit file: PDF/A from the rendered DOCX, signed when the office has its key.

Composed by :func:`loket.approval.documents.render_issued_permit` after numbering: the DOCX
already carries the QR code (:mod:`loket.signature.qr`), this module makes ``permit.pdf`` as
PDF/A-2b, signs it (PAdES, :mod:`loket.signature.pades`) and records it in the register.

An office that has not got its certificate yet is not stopped: with no key file the permit is
issued unsigned, the register records it as such (``loket permit verify`` then says
``TANPA TTE``) and a warning is logged. A key that is there but cannot be used (wrong
passphrase, readable by others, inside ``var/``) is logged as an error naming the command that
signs the permit once the key is fixed (the permit is already numbered when it is rendered),
and ``loket permit sign`` refuses to go on with it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from loket.common.settings import Settings
from loket.signature import pades, register
from loket.signature.keys import (
    KEY_FILE,
    PASSPHRASE_FILE,
    TRUST_DIR,
    KeyFiles,
    Pkcs11Token,
    SigningSetupError,
)
from loket.signature.pdfa import is_pdfa, to_pdfa

log = logging.getLogger("loket.signature")

UNSIGNED_WARNING = (
    "PERINGATAN: {number} diterbitkan TANPA tanda tangan elektronik: kunci penanda tangan "
    "belum dipasang ({key}). Lihat README, bagian izin bertanda tangan elektronik."
)


BROKEN_KEY = (
    "KESALAHAN: kunci penanda tangan tidak dapat dipakai ({error}); izin {reg_no} diterbitkan "
    "TANPA tanda tangan elektronik. Perbaiki kuncinya, lalu (Kepala Dinas): "
    "loket permit sign {reg_no} --as NIP"
)


@dataclass(frozen=True)
class SigningConfig:
    """The key files, the TSA and the verification URL (from the settings)."""

    files: KeyFiles
    tsa_url: str | None = None
    verify_url: str | None = None
    location: str = "Pekanbaru"
    token: Pkcs11Token | None = None  # a key on a PKCS#11 token instead of the PKCS#12 file

    @property
    def configured(self) -> bool:
        """A key is set up: a token, or the PKCS#12 file (else permits go out unsigned)."""
        return self.token is not None or self.files.configured


def signing_config(settings: Settings) -> SigningConfig:
    """The signing set-up from the settings; the key files default to ``keys/`` in LOKET_HOME
    (outside ``var/``, which the key must not be in)."""
    keys = settings.keys_dir
    token = None
    if settings.pkcs11_module:
        token = Pkcs11Token(
            settings.pkcs11_module,
            settings.pkcs11_token or "",
            settings.pkcs11_label or KEY_FILE.removesuffix(".p12"),
        )
    return SigningConfig(
        files=KeyFiles(
            key=settings.signing_key or keys / KEY_FILE,
            passphrase=settings.signing_passphrase_file or keys / PASSPHRASE_FILE,
            trust_roots=settings.trust_roots or keys / TRUST_DIR,
            forbidden=settings.var_dir,
        ),
        tsa_url=settings.tsa_url or None,
        verify_url=settings.verify_url or None,
        token=token,
    )


@dataclass(frozen=True)
class Issued:
    pdf: Path
    sha256: str
    signed: pades.SignedFile | None
    pdfa: bool


def load_key(
    config: SigningConfig, *, strict: bool = True, reg_no: str = ""
) -> tuple[object | None, str]:
    """The signer (None without a key file) and the name of its certificate's issuer, loaded
    before the permit is rendered. A key that is there but cannot be used raises with
    ``strict``; without, it is logged as an error and the permit goes out unsigned."""
    if not config.configured:
        return None, ""
    try:
        if config.token is not None:
            signer = pades.load_token_signer(config.token, config.files)
        else:
            signer = pades.load_signer(config.files)
    except SigningSetupError as exc:
        if strict:
            raise
        log.error(BROKEN_KEY.format(reg_no=reg_no, error=exc))
        return None, ""
    issuer = signer.signing_cert.issuer.native  # type: ignore[attr-defined]
    return signer, str(issuer.get("common_name") or issuer.get("organization_name") or "")


def close_key(signer: object | None) -> None:
    """Close the PKCS#11 session behind ``signer`` (logging the token out), if it has one: a
    session left open keeps the token logged in and the next login is refused."""
    session = getattr(signer, "pkcs11_session", None)
    if session is not None:
        session.close()


def make_pdf(
    docx: Path, out: Path, config: SigningConfig, signer: object | None, *, reason: str
) -> Issued:
    """``out``: the PDF/A of ``docx``, signed in place with ``signer`` when there is one."""
    to_pdfa(docx, out)
    pdfa = is_pdfa(out.read_bytes())
    signed = None
    if signer is not None:
        signed = pades.sign_pdf(
            out, out, signer, reason=reason, location=config.location, tsa_url=config.tsa_url
        )
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    return Issued(out, sha, signed, pdfa)


def record_issue(
    session: Session,
    issued: Issued,
    *,
    number: str,
    reg_no: str,
    code: str,
    signer_nip: str | None,
    now: datetime,
    config: SigningConfig,
    by_nip: str | None = None,
) -> None:
    """Register the issued file (``by_nip``: who had it signed again); warn (log) when it
    went out unsigned."""
    register.record(
        session,
        number=number,
        reg_no=reg_no,
        code=code,
        sha256=issued.sha256,
        pdfa=issued.pdfa,
        signed=issued.signed,
        signer_nip=signer_nip,
        now=now,
        by_nip=by_nip,
    )
    if issued.signed is None and not config.configured:  # a broken key: logged already
        log.warning(UNSIGNED_WARNING.format(number=number, key=config.files.key))
