"""Control card key ids and anchors (issue #18; filled by the control-card work)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 21:30:00
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
