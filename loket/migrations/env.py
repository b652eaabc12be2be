"""Alembic environment: runs against the connection handed over by :func:`loket.common.db.migrate`,
or against ``LOKET_DATABASE_URL`` when called from the ``alembic`` command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import loket.approval.models  # registers its tables (so do the next three lines)
import loket.complaints.models
import loket.intake.register
import loket.sla.models  # noqa: F401  (registers its tables)
from loket.common.db import Base, make_engine
from loket.common.settings import load_settings

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with make_engine(load_settings().db_url).connect() as conn:
        _run(conn)
        conn.commit()
