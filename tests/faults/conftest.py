"""Fixtures of the fault suite."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def api_url(prefect_server: None) -> str:
    """The URL of the session's Prefect test server, for flow runs in subprocesses."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url, "the Prefect test harness did not set an API URL"
    return str(url)
