"""The composition root: an :class:`~loket.office.Office` built from the settings gives every
part (database, calendar, rules, keys, desk, OCR engine) from those settings and nowhere
else, and no loket module reads the environment when it is imported."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from loket.common.settings import ConfigError, load_settings
from loket.office import Office

REPO = Path(__file__).resolve().parents[2]


def test_office_parts_come_from_its_settings(office: Office, home: Path) -> None:
    assert office.settings.home == home
    with office.db() as session:  # migrated on first use
        assert session.execute(text("select count(*) from applications")).scalar() == 0
    assert office.db is office.db  # one session factory per office
    assert office.rules().service == "izin-kerja-radiografer"
    assert office.rules_path("izin-praktik-perawat").name == "izin-praktik-perawat.yaml"
    assert office.calendar_dir == REPO / "rules" / "calendar"
    assert not office.calendar.is_working_day(date(2026, 8, 17))  # Hari Kemerdekaan
    assert office.keys.folder == home / "keys"
    assert office.ocr_engine is None
    assert REPO / "rules" / "officials.yaml" in office.rules_files()
    desk = office.desk(pdf=False)
    assert desk.settings is office.settings and desk.db is office.db and not desk.pdf
    assert desk.clock is office.clock


def test_two_offices_do_not_share_their_folders(office: Office, tmp_path: Path) -> None:
    """What a part uses is the office it is handed, not the environment's."""
    other_home = tmp_path / "other"
    other = Office(dataclasses.replace(office.settings, home=other_home))
    assert other.desk(pdf=False).folder("X") == other_home / "outbox" / "X"
    assert office.desk(pdf=False).folder("X") == office.settings.home / "outbox" / "X"
    assert other.keys.folder == other_home / "keys"


def test_from_environment_reads_loket_variables(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOKET_OCR_ENGINE", "cli")
    assert Office.from_environment().ocr_engine == "cli"
    assert Office.from_environment(service="izin-praktik-perawat").settings.service == (
        "izin-praktik-perawat"
    )
    monkeypatch.setenv("LOKET_OCR_ENGINE", "gpu")
    with pytest.raises(ConfigError, match="ocr_engine"):
        load_settings()


@pytest.mark.e2e  # starts a fresh interpreter (issue #15: not a unit test)
def test_no_loket_module_reads_the_environment_when_imported() -> None:
    """Every module of ``loket`` and ``flows`` imported in a fresh interpreter whose
    ``os.environ`` records the ``LOKET_*`` names asked for: none is read at import (but for
    ``flows/__init__``, which sets Prefect's environment from the settings before Prefect is
    imported and reads its own)."""
    code = r"""
import importlib, os, pkgutil, sys

asked = []

class Watched(dict):
    def _see(self, key):
        if isinstance(key, str) and key.startswith("LOKET_"):
            asked.append(key)
    def __getitem__(self, key):
        self._see(key)
        return super().__getitem__(key)
    def get(self, key, default=None):
        self._see(key)
        return super().get(key, default)
    def __contains__(self, key):
        self._see(key)
        return super().__contains__(key)

os.environ = Watched(os.environ)
import loket
import flows  # its __init__ sets Prefect's environment, which Prefect reads when imported
asked.clear()
names = []
for pkg in (loket, flows):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if ".migrations." in info.name or info.name.endswith(".__main__"):
            continue
        names.append(info.name)
for name in sorted(names):
    importlib.import_module(name)
print(len(names), sorted(set(asked)))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    count, asked = out.stdout.strip().split(" ", 1)
    assert int(count) > 100 and asked == "[]"
