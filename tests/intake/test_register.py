"""The application register: migrations, registration numbers, fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from loket.common.db import make_engine, migrate, open_database
from loket.intake import register


def _files(*shas: str) -> list[register.FileRecord]:
    return [register.FileRecord(f"scan{i}.jpg", sha, 10) for i, sha in enumerate(shas)]


def test_migrations_create_the_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    migrate(engine)
    migrate(engine)  # idempotent
    tables = set(inspect(engine).get_table_names())
    assert {"applications", "archived_files", "intake_events", "counters"} <= tables
    assert "alembic_version" in tables


def test_numbers_are_sequential_per_year_and_readable(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    numbers = []
    for i in range(3):
        with db.begin() as s:
            app = register.register(
                s, prefix="SIKR", service="x", source=f"app-{i}", files=_files(f"{i:064d}")
            )
            numbers.append(app.reg_no)
    from datetime import datetime

    year = datetime.now().year
    assert numbers == [f"SIKR-{year}-00000{i}" for i in (1, 2, 3)]


def test_a_rolled_back_registration_gives_its_number_back(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    with db.begin() as s:
        first = register.register(s, prefix="SIKR", service="x", source="a", files=_files("1" * 64))
    with pytest.raises(RuntimeError), db.begin() as s:
        register.register(s, prefix="SIKR", service="x", source="b", files=_files("2" * 64))
        raise RuntimeError("crash before commit")
    with db.begin() as s:
        third = register.register(s, prefix="SIKR", service="x", source="c", files=_files("3" * 64))
    assert int(third.reg_no[-6:]) == int(first.reg_no[-6:]) + 1


def test_fingerprint_ignores_names_and_order() -> None:
    a = [register.FileRecord("scan1.jpg", "a" * 64, 1), register.FileRecord("x.pdf", "b" * 64, 2)]
    b = [register.FileRecord("B.pdf", "b" * 64, 2), register.FileRecord("z/A.jpg", "a" * 64, 1)]
    assert register.fingerprint(a) == register.fingerprint(b)
    assert register.fingerprint(a) != register.fingerprint(a[:1])
