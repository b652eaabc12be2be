"""Signed permits anyone can verify (issue #18, part 3).

The permit PDF is made as PDF/A and signed (PAdES, pyHanko) with the Kepala Dinas's
certificate; it carries a QR code with the permit number, the registration number and a
verification code that the register maps to the signed file's SHA-256 (why not the hash
itself: :mod:`loket.signature.qr`). ``loket permit verify`` checks the signature against the
configured trust roots, offline, and the register (:mod:`loket.signature.verify`).

No Prefect, Typer or Rich here: the approval chain composes :func:`make_pdf` and
:func:`record_issue`; the CLI calls :func:`verify_file`.
"""

from __future__ import annotations

from loket.signature.issue import (
    Issued,
    SigningConfig,
    close_key,
    load_key,
    make_pdf,
    record_issue,
    signing_config,
)
from loket.signature.keys import (
    KeyFiles,
    SigningSetupError,
    load_trust_roots,
    make_demo_keys,
)
from loket.signature.pdfa import PdfaError
from loket.signature.qr import QrData, new_code, payload, png
from loket.signature.register import by_number, by_reg_no, record, revoke
from loket.signature.verify import Result, Verdict, verify_file

__all__ = [
    "Issued",
    "KeyFiles",
    "PdfaError",
    "QrData",
    "Result",
    "SigningConfig",
    "SigningSetupError",
    "Verdict",
    "by_number",
    "by_reg_no",
    "close_key",
    "load_key",
    "load_trust_roots",
    "make_demo_keys",
    "make_pdf",
    "new_code",
    "payload",
    "png",
    "record",
    "record_issue",
    "revoke",
    "signing_config",
    "verify_file",
]
