"""Permit register: bring a database made by the first 0007 up to the extended one

Revision 0007 was extended before its release (earlier files kept with ``superseded_at``,
``issued_by_nip``, ``revoked_by_nip``; ``number`` and ``code`` no longer unique). A database
already stamped 0007 with the first table (a demo or development database) gets here what it
lacks; on a database made by the extended 0007 this revision changes nothing.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLE = "permit_signatures"
COLUMNS = {
    "issued_by_nip": lambda: sa.String(length=32),
    "superseded_at": lambda: sa.DateTime(timezone=True),
    "revoked_by_nip": lambda: sa.String(length=32),
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    columns = {c["name"] for c in inspector.get_columns(TABLE)}
    uniques = [u["name"] for u in inspector.get_unique_constraints(TABLE) if u["name"]]
    indexes = {i["name"] for i in inspector.get_indexes(TABLE)}
    missing = [name for name in COLUMNS if name not in columns]
    wanted = [n for n in ("number", "code") if f"ix_{TABLE}_{n}" not in indexes]
    if not (missing or uniques or wanted):
        return
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for name in missing:
            batch_op.add_column(sa.Column(name, COLUMNS[name](), nullable=True))
        for name in uniques:
            batch_op.drop_constraint(name, type_="unique")
        for name in wanted:
            batch_op.create_index(f"ix_{TABLE}_{name}", [name], unique=False)


def downgrade() -> None:
    """Nothing: what this revision adds belongs to 0007."""
