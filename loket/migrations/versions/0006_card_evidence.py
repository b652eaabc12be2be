"""Control card key ids (issue #18): each entry names the key its HMAC is under

Entries recorded before this revision keep ``key_id`` NULL: plain SHA-256 entries, which
``loket card verify`` reports as "lama" (legacy) instead of accepting them as keyed. The
anchors are files in ``outbox/anchors/``, not tables.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("card_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("card_entries", schema=None) as batch_op:
        batch_op.drop_column("key_id")
