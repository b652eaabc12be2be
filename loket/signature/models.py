"""The register of issued permit files (migration ``0007``).

One row per issued file of a permit: the verification code its QR carries, the SHA-256 of the
file (signed, or unsigned when the office had no certificate yet), and for a signed file the
certificate's serial number and subject, the signing time and the digest of the CMS signature
(which tells an altered copy's claimed permit even when its bytes no longer hash to the
register). Signing the permit again (``loket permit sign``, the head's act) adds a row and
marks the earlier one ``superseded_at``: only the newest file is genuine, an earlier one is
recognised as replaced (``DIGANTI``), not as altered. A revoked permit's current row keeps the
time, reason and who revoked (their NIP too).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from loket.common.clock import utcnow
from loket.common.db import Base, UtcDateTime


class PermitSignature(Base):
    """The issued file of one permit and how it was signed."""

    __tablename__ = "permit_signatures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), index=True)
    reg_no: Mapped[str] = mapped_column(String(32), index=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    pdfa: Mapped[bool] = mapped_column(Boolean, default=False)
    timestamped: Mapped[bool] = mapped_column(Boolean, default=False)
    cms_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    cert_serial: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cert_subject: Mapped[str | None] = mapped_column(Text, nullable=True)
    signer_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    #: who had this file signed again (``loket permit sign``); None: issued by the chain
    issued_by_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    #: when a later signing replaced this file (None: the permit's current file)
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revoked_by_nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
