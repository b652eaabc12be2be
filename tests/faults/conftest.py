"""Fixtures of the fault suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.faults.helpers import make_home


@pytest.fixture(scope="session")
def api_url(prefect_server: None) -> str:
    """The URL of the session's Prefect test server, for flow runs in subprocesses."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the Prefect test harness did not set an API URL"
    return str(url)


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """(home, settings) of a fresh office under ``tmp_path/kantor`` with the repository's
    rules; submissions are taken at once (no stability wait)."""
    home = make_home(tmp_path / "kantor")
    monkeypatch.setenv("LOKET_HOME", str(home))
    monkeypatch.setenv("LOKET_STABLE_SECONDS", "0")
    for key in ("LOKET_RULES", "LOKET_DATABASE_URL", "LOKET_INBOX", "LOKET_OUTBOX", "LOKET_VAR"):
        monkeypatch.delenv(key, raising=False)
    from loket.common.settings import load_settings

    return home, load_settings()
