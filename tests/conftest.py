"""Shared fixtures: an isolated loket home per test, and one Prefect test server per session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Prefect state of the test session lives in a throw-away folder, never in ~/.prefect.
_PREFECT_HOME = tempfile.mkdtemp(prefix="loket-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
atexit.register(shutil.rmtree, _PREFECT_HOME, ignore_errors=True)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """A real (temporary) Prefect server for flow runs; started once, ~20 s."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh loket home: inbox, outbox, var; the repository's rules."""
    for name in ("inbox", "outbox", "var"):
        (tmp_path / name).mkdir()
    monkeypatch.setenv("LOKET_HOME", str(tmp_path))
    monkeypatch.setenv("LOKET_RULES", str(REPO / "rules"))
    monkeypatch.setenv("LOKET_STABLE_SECONDS", "0")
    monkeypatch.delenv("LOKET_DATABASE_URL", raising=False)
    return tmp_path


@pytest.fixture
def settings(home: Path):  # type: ignore[no-untyped-def]
    from loket.config import load_settings

    return load_settings()
