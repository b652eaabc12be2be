"""Officials' credentials, sessions, decision tokens and identity events (issue #18)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "official_credentials",
        sa.Column("nip", sa.String(length=32), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("must_change", sa.Boolean(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("nip", name=op.f("pk_official_credentials")),
    )
    op.create_table(
        "identity_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("nip", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_events")),
    )
    with op.batch_alter_table("identity_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_identity_events_nip"), ["nip"], unique=False)
    op.create_table(
        "official_sessions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("nip", sa.String(length=32), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_official_sessions")),
    )
    with op.batch_alter_table("official_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_official_sessions_nip"), ["nip"], unique=False)
    op.create_table(
        "decision_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("nip", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_decision_tokens")),
    )
    with op.batch_alter_table("decision_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decision_tokens_task_id"), ["task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("decision_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_tokens_task_id"))
    op.drop_table("decision_tokens")
    with op.batch_alter_table("official_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_official_sessions_nip"))
    op.drop_table("official_sessions")
    with op.batch_alter_table("identity_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_events_nip"))
        batch_op.drop_index(batch_op.f("ix_identity_events_at"))
    op.drop_table("identity_events")
    op.drop_table("official_credentials")
