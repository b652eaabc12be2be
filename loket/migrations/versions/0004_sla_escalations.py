"""SLA escalations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sla_escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reg_no", sa.String(length=32), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("threshold", sa.String(length=48), nullable=False),
        sa.Column("step_code", sa.String(length=32), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("working_minutes", sa.Float(), nullable=False),
        sa.Column("limit_minutes", sa.Float(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("card_seq", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_escalations")),
        sa.UniqueConstraint("reg_no", "scope", "threshold", name=op.f("uq_sla_escalations_reg_no")),
    )
    with op.batch_alter_table("sla_escalations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_escalations_reg_no"), ["reg_no"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sla_escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_escalations_reg_no"))
    op.drop_table("sla_escalations")
