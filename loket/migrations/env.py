"""Alembic environment: runs against the connection handed over by :func:`loket.common.db.migrate`,
or against ``LOKET_DATABASE_URL`` when called from the ``alembic`` command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

# every part's tables, registered on Base.metadata by importing their modules
import loket.approval.models
import loket.complaints.models
import loket.identity.models
import loket.intake.register
import loket.signature.models
import loket.sla.models
import loket.survey.storage  # noqa: F401  (the SKM tables, in migration 0002 with the complaints)
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
