"""The register of issued permit files: record, look up, revoke.

The register is what makes a verification more than a signature check: a genuine signature on
a file the office replaced (signed again) or revoked is not a valid permit, and an altered copy
is recognised as the permit it claims to be (by its CMS signature or its QR code) instead of
being just "unknown".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from loket.signature.models import PermitSignature
from loket.signature.pades import SignedFile


def _current(*where: object) -> Select[tuple[PermitSignature]]:
    """The permit's current row (not replaced by a later signing) matching ``where``."""
    return select(PermitSignature).where(PermitSignature.superseded_at.is_(None), *where)


def by_number(session: Session, number: str) -> PermitSignature | None:
    """The current file of permit ``number``."""
    return session.scalar(_current(PermitSignature.number == number))


def by_reg_no(session: Session, reg_no: str) -> PermitSignature | None:
    return session.scalar(_current(PermitSignature.reg_no == reg_no))


def by_code(session: Session, code: str) -> PermitSignature | None:
    return session.scalar(_current(PermitSignature.code == code))


def _newest(session: Session, *where: object) -> PermitSignature | None:
    stmt = select(PermitSignature).where(*where).order_by(PermitSignature.id.desc()).limit(1)
    return session.scalar(stmt)


def by_sha256(session: Session, sha256: str) -> PermitSignature | None:
    """The row of the file with this SHA-256, current or replaced."""
    return _newest(session, PermitSignature.sha256 == sha256)


def by_cms(session: Session, cms_sha256: str) -> PermitSignature | None:
    """The row of the file signed with this CMS signature, current or replaced."""
    return _newest(session, PermitSignature.cms_sha256 == cms_sha256)


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
    by_nip: str | None = None,
) -> PermitSignature:
    """Record the file issued for ``number``. An earlier file of the permit keeps its row,
    marked replaced (``superseded_at``), so that a copy of it is told apart from an altered
    one; a row that had no file yet (only the QR code) is filled in."""
    new_sha = signed.sha256 if signed else sha256
    row = by_number(session, number)
    if row is not None and row.sha256 is not None and row.sha256 != new_sha:
        row.superseded_at = now
        session.flush()
        row = None
    if row is None:
        row = PermitSignature(number=number)
        session.add(row)
    row.reg_no, row.code, row.pdfa, row.recorded_at = reg_no, code, pdfa, now
    row.issued_by_nip = by_nip
    row.signed = signed is not None
    row.sha256 = new_sha
    row.cms_sha256 = signed.cms_sha256 if signed else None
    row.cert_serial = signed.cert_serial if signed else None
    row.cert_subject = signed.cert_subject if signed else None
    row.signed_at = signed.signed_at if signed else None
    row.timestamped = bool(signed and signed.timestamped)
    row.signer_nip = signer_nip if signed else None
    session.flush()
    return row


def revoke(
    session: Session,
    number: str,
    *,
    reason: str,
    by: str,
    now: datetime,
    by_nip: str | None = None,
) -> PermitSignature | None:
    """Mark the permit revoked (None when the register does not know the number)."""
    row = by_number(session, number)
    if row is None:
        return None
    row.revoked_at, row.revoked_reason, row.revoked_by = now, reason, by
    row.revoked_by_nip = by_nip
    session.flush()
    return row
