"""``loket permit verify``: is this PDF a genuine permit of the office?

Three independent checks, offline:

1. **the signature** (pyHanko): intact, cryptographically valid, covering the whole file (no
   change after signing, not even an incremental update), and made with a certificate that
   chains to one of the configured trust roots (no network: revocation information is not
   fetched; the office's own register is the revocation list that counts here);
2. **the register**: the file's SHA-256 is the one recorded when the permit was issued;
3. **the permit's standing**: not revoked.

The file is matched to its register row by its SHA-256, else by the digest of its CMS signature
(an altered copy keeps it), else by the verification code in its QR code; a file matched by none
is unknown. The verdicts, with the exit code of the CLI:

====================  ======================================================  ====
``SAH``               valid: all three checks pass                            0
``DIUBAH``            altered: a check of the file or its signature fails     1
``DICABUT``           revoked by the office                                   2
``TIDAK DIKENAL``     unknown: not a file of the register                     3
``TANPA TTE``         issued unsigned (the office had no certificate yet)     4
``TIDAK SAH``         intact, but the certificate is not from a trust root    5
``DIGANTI``           intact, but replaced by a later signing of the permit   6
====================  ======================================================  ====

A replaced file (the applicant's copy of a permit the head signed again) is neither altered
nor valid: the register keeps its row, marked ``superseded_at``, and the verdict says to ask
for the current file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from sqlalchemy.orm import Session

from loket.common.clock import to_wib
from loket.signature import qr, register
from loket.signature.models import PermitSignature
from loket.signature.pades import cms_digest

#: A permit PDF is about 120 kB; anything this large is not one (and is not parsed).
MAX_BYTES = 50 * 1024 * 1024


class Verdict(Enum):
    VALID = ("SAH", 0)
    ALTERED = ("DIUBAH", 1)
    REVOKED = ("DICABUT", 2)
    UNKNOWN = ("TIDAK DIKENAL", 3)
    UNSIGNED = ("TANPA TTE", 4)
    UNTRUSTED = ("TIDAK SAH", 5)
    SUPERSEDED = ("DIGANTI", 6)

    @property
    def word(self) -> str:
        return self.value[0]

    @property
    def exit_code(self) -> int:
        return self.value[1]


@dataclass
class Result:
    """A verdict, why, and what the register says of the permit the file claims to be."""

    verdict: Verdict
    reasons: list[str] = field(default_factory=list)
    number: str | None = None
    reg_no: str | None = None
    signer: str | None = None
    signed_at: str | None = None
    sha256: str = ""


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko says of the file's last signature."""

    present: bool
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    cms_sha256: str | None = None
    problem: str | None = None


def check_signature(data: bytes, roots: list[object] | None) -> SignatureCheck:
    """Validate the last signature of ``data`` against ``roots`` (offline)."""
    import io

    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        sigs = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        return SignatureCheck(present=False, problem=f"PDF tidak dapat dibaca: {exc}")
    if not sigs:
        return SignatureCheck(present=False)
    sig = sigs[-1]
    digest = cms_digest(sig.signed_data.dump())
    vc = ValidationContext(
        trust_roots=roots or [], allow_fetching=False, revocation_mode="soft-fail"
    )
    try:
        status = validate_pdf_signature(sig, signer_validation_context=vc)
    except Exception as exc:  # pyHanko raises many kinds on a damaged signature
        return SignatureCheck(present=True, cms_sha256=digest, problem=str(exc)[:200])
    return SignatureCheck(
        present=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        cms_sha256=digest,
    )


def _find(
    session: Session,
    sha: str,
    sig: SignatureCheck,
    path: Path,
    read_qr: Callable[[Path], str | None],
) -> PermitSignature | None:
    row = register.by_sha256(session, sha)
    if row is None and sig.cms_sha256:
        row = register.by_cms(session, sig.cms_sha256)
    if row is None:
        text = read_qr(path)
        data = qr.parse(text) if text else None
        if data is not None:
            row = register.by_code(session, data.code)
    return row


def verify_file(
    path: Path,
    session: Session,
    roots: list[object] | None,
    *,
    read_qr: Callable[[Path], str | None] = qr.read_pdf,
) -> Result:
    """The verdict on the PDF at ``path`` (see the module's table)."""
    if path.stat().st_size > MAX_BYTES:
        return Result(Verdict.UNKNOWN, [f"berkas lebih dari {MAX_BYTES >> 20} MiB: bukan izin"])
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    sig = check_signature(data, roots)
    row = _find(session, sha, sig, path, read_qr)
    if row is None:
        why = "berkas ini tidak ada dalam register izin yang diterbitkan"
        if sig.present and sig.intact and sig.trusted:
            why += " (tanda tangannya utuh dan tepercaya, tetapi bukan izin yang tercatat)"
        return Result(Verdict.UNKNOWN, [why], sha256=sha)
    result = Result(
        Verdict.VALID,
        number=row.number,
        reg_no=row.reg_no,
        signer=row.cert_subject,
        signed_at=f"{to_wib(row.signed_at):%d-%m-%Y %H.%M.%S} WIB" if row.signed_at else None,
        sha256=sha,
    )
    current = register.by_number(session, row.number) or row
    result.verdict = _judge(row, current, sig, sha, roots, result.reasons)
    return result


def _judge(
    row: PermitSignature,
    current: PermitSignature,
    sig: SignatureCheck,
    sha: str,
    roots: list[object] | None,
    why: list[str],
) -> Verdict:
    """The verdict for a file matched to ``row`` (``current``: the permit's current file);
    the reasons are appended to ``why``."""
    if current.revoked_at is not None:
        why.append(f"izin dicabut: {current.revoked_reason or '-'}")
        return Verdict.REVOKED
    if row.superseded_at is not None and sha == row.sha256 and _whole(sig):
        why.append(
            f"berkas ini diganti dengan penandatanganan ulang pada "
            f"{to_wib(row.superseded_at):%d-%m-%Y %H.%M} WIB; berkas ini tidak berlaku lagi, "
            "mintalah berkas terbaru kepada kantor"
        )
        return Verdict.SUPERSEDED
    if not sig.present:
        if not row.signed and sha == row.sha256:
            why.append("izin diterbitkan tanpa tanda tangan elektronik (sertifikat belum ada)")
            return Verdict.UNSIGNED
        if not row.signed and row.sha256 is None:
            why.append(
                "izin terdaftar tanpa tanda tangan elektronik; PDF-nya tidak tercatat, "
                "isinya tidak dapat dicocokkan"
            )
            return Verdict.UNSIGNED
        why.append(sig.problem or "tanda tangan elektronik tidak ada pada berkas ini")
        return Verdict.ALTERED
    if not sig.intact:
        why.append("tanda tangan elektronik tidak cocok dengan isi berkas" + _extra(sig))
        return Verdict.ALTERED
    if not sig.whole_file:
        why.append("berkas diubah setelah ditandatangani")
        return Verdict.ALTERED
    if sha != row.sha256:
        why.append("berkas berbeda dari berkas yang tercatat untuk izin ini")
        return Verdict.ALTERED
    if not sig.trusted:
        why.append(
            "sertifikat penanda tangan tidak berasal dari akar kepercayaan yang dikonfigurasi"
            if roots
            else "akar kepercayaan (trust roots) belum dikonfigurasi"
        )
        return Verdict.UNTRUSTED
    why.append("tanda tangan utuh, sertifikat tepercaya, berkas sama dengan register")
    return Verdict.VALID


def _whole(sig: SignatureCheck) -> bool:
    """No signature (an unsigned issue), or one intact over the whole file."""
    return not sig.present or (sig.intact and sig.whole_file)


def _extra(sig: SignatureCheck) -> str:
    return f" ({sig.problem})" if sig.problem else ""
