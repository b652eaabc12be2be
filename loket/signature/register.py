"""The register of issued permit files: record, look up, revoke.

The register is what makes a verification more than a signature check: a genuine signature on
a file the office replaced (signed again) or revoked is not a valid permit, and an altered copy
is recognised as the permit it claims to be (by its CMS signature or its QR code) instead of
being just "unknown".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.signature.models import PermitSignature
from loket.signature.pades import SignedFile


def by_number(session: Session, number: str) -> PermitSignature | None:
    return session.scalar(select(PermitSignature).where(PermitSignature.number == number))


def by_reg_no(session: Session, reg_no: str) -> PermitSignature | None:
    return session.scalar(select(PermitSignature).where(PermitSignature.reg_no == reg_no))


def by_sha256(session: Session, sha256: str) -> PermitSignature | None:
    return session.scalar(select(PermitSignature).where(PermitSignature.sha256 == sha256))


def by_cms(session: Session, cms_sha256: str) -> PermitSignature | None:
    return session.scalar(select(PermitSignature).where(PermitSignature.cms_sha256 == cms_sha256))


def by_code(session: Session, code: str) -> PermitSignature | None:
    return session.scalar(select(PermitSignature).where(PermitSignature.code == code))


def record(
    session: Session,
    *,
    number: str,
    reg_no: str,
    code: str,
    sha256: str | None,
    pdfa: bool,
    signed: SignedFile | None,
    signer_nip: str | None,
    now: datetime,
) -> PermitSignature:
    """Record the file issued for ``number`` (replacing an earlier file of the same permit)."""
    row = by_number(session, number) or PermitSignature(number=number)
    if row.id is None:
        session.add(row)
    row.reg_no, row.code, row.pdfa, row.recorded_at = reg_no, code, pdfa, now
    row.signed = signed is not None
    row.sha256 = signed.sha256 if signed else sha256
    row.cms_sha256 = signed.cms_sha256 if signed else None
    row.cert_serial = signed.cert_serial if signed else None
    row.cert_subject = signed.cert_subject if signed else None
    row.signed_at = signed.signed_at if signed else None
    row.timestamped = bool(signed and signed.timestamped)
    row.signer_nip = signer_nip if signed else None
    session.flush()
    return row


def revoke(
    session: Session, number: str, *, reason: str, by: str, now: datetime
) -> PermitSignature | None:
    """Mark the permit revoked (None when the register does not know the number)."""
    row = by_number(session, number)
    if row is None:
        return None
    row.revoked_at, row.revoked_reason, row.revoked_by = now, reason, by
    session.flush()
    return row
