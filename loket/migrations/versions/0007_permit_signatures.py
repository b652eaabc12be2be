"""Signed permits: the register of issued permit files (issue #18); a permit signed again keeps
its earlier files' rows (superseded_at), revocations record the NIP of who revoked

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "permit_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("reg_no", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("pdfa", sa.Boolean(), nullable=False),
        sa.Column("timestamped", sa.Boolean(), nullable=False),
        sa.Column("cms_sha256", sa.String(length=64), nullable=True),
        sa.Column("cert_serial", sa.String(length=64), nullable=True),
        sa.Column("cert_subject", sa.Text(), nullable=True),
        sa.Column("signer_nip", sa.String(length=32), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_nip", sa.String(length=32), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.Column("revoked_by_nip", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permit_signatures")),
    )
    with op.batch_alter_table("permit_signatures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_permit_signatures_number"), ["number"], unique=False)
        batch_op.create_index(batch_op.f("ix_permit_signatures_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_permit_signatures_reg_no"), ["reg_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_permit_signatures_sha256"), ["sha256"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_permit_signatures_cms_sha256"), ["cms_sha256"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("permit_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_permit_signatures_cms_sha256"))
        batch_op.drop_index(batch_op.f("ix_permit_signatures_sha256"))
        batch_op.drop_index(batch_op.f("ix_permit_signatures_reg_no"))
        batch_op.drop_index(batch_op.f("ix_permit_signatures_code"))
        batch_op.drop_index(batch_op.f("ix_permit_signatures_number"))
    op.drop_table("permit_signatures")
