"""A database made by the first revision 0007 (before the register kept replaced files) is
brought up to the models by 0008: the columns are added, ``number`` and ``code`` stop being
unique, its rows are kept; ``alembic check`` then finds no difference."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

FIRST_0007 = """
CREATE TABLE permit_signatures (
    id INTEGER NOT NULL, number VARCHAR(64) NOT NULL, reg_no VARCHAR(32) NOT NULL,
    code VARCHAR(32) NOT NULL, sha256 VARCHAR(64), signed BOOLEAN NOT NULL,
    pdfa BOOLEAN NOT NULL, timestamped BOOLEAN NOT NULL, cms_sha256 VARCHAR(64),
    cert_serial VARCHAR(64), cert_subject TEXT, signer_nip VARCHAR(32), signed_at DATETIME,
    recorded_at DATETIME NOT NULL, revoked_at DATETIME, revoked_reason TEXT,
    revoked_by VARCHAR(64),
    CONSTRAINT pk_permit_signatures PRIMARY KEY (id),
    CONSTRAINT uq_permit_signatures_number UNIQUE (number),
    CONSTRAINT uq_permit_signatures_code UNIQUE (code)
)"""


def test_a_database_at_the_first_0007_is_repaired(tmp_path: Path) -> None:
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from loket.common.db import MIGRATIONS, Base, make_engine, open_database
    from loket.signature import by_number, record

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
        conn.execute(text(FIRST_0007))
        for column in ("reg_no", "sha256", "cms_sha256"):
            conn.execute(
                text(f"CREATE INDEX ix_permit_signatures_{column} ON permit_signatures ({column})")
            )
        conn.execute(
            text(
                "INSERT INTO permit_signatures (number, reg_no, code, sha256, signed, pdfa, "
                "timestamped, recorded_at) VALUES ('503/1', 'SIKR-1', 'KODE1', 'aa', 0, 0, 0, "
                "'2026-12-01 00:00:00')"
            )
        )
        command.stamp(cfg, "0007")
    engine.dispose()
    factory = open_database(url)  # migrates to head
    now = datetime(2026, 12, 6, tzinfo=UTC)
    with factory() as session:
        record(
            session,
            number="503/1",
            reg_no="SIKR-1",
            code="KODE1",
            sha256="bb",
            pdfa=False,
            signed=None,
            signer_nip=None,
            now=now,
        )
        session.commit()
        current = by_number(session, "503/1")
        assert current is not None and current.sha256 == "bb"
        count = session.execute(text("SELECT count(*) FROM permit_signatures")).scalar()
        assert count == 2  # the first file's row kept (was refused: number unique)
    with make_engine(url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diff if "permit_signatures" in repr(d)] == []
