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
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "240")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# The CLI's Rich consoles take their width from the environment when their module is imported,
# once per process; tests read their tables. A fixed wide width keeps the columns whole
# whatever runs the tests (an 80-column terminal, a pytest-xdist worker without a terminal).
os.environ["COLUMNS"] = "200"

REPO = Path(__file__).resolve().parent.parent

# fixtures shared across the test packages
pytest_plugins = ["tests.postgres"]
#: fixtures that start (or hand out) a Prefect server: their tests are e2e
_SERVER_FIXTURES = frozenset({"prefect_server", "complaints_prefect", "api_url"})


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Test tiers (issue #15): a test marked neither ``ocr`` (the real tesseract, or sample scans
    generated and read by the test) nor ``e2e`` (a Prefect server, servers or a fresh
    interpreter in subprocesses, a whole flow or the demo, real LibreOffice/great-expectations
    runs, the production argon2 cost) is ``unit``:
    ``make test-fast`` runs ``-m unit``. Mark a module or a test ocr/e2e where that applies;
    unit tests need no marker. A test that uses a Prefect server fixture and is not marked e2e
    stops the collection."""
    unmarked = []
    for item in items:
        if item.get_closest_marker("e2e") is None and _SERVER_FIXTURES.intersection(
            getattr(item, "fixturenames", ())
        ):
            unmarked.append(item.nodeid)
        if item.get_closest_marker("ocr") is None and item.get_closest_marker("e2e") is None:
            item.add_marker(pytest.mark.unit)
    if unmarked:
        raise pytest.UsageError(
            "tests using a Prefect server must be marked e2e: " + ", ".join(unmarked)
        )


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """A real (temporary) Prefect server for flow runs; started once, ~20 s (up to minutes on
    a loaded machine: the limit is generous so that load alone does not fail a run)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=240):
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
    from loket.common.settings import load_settings

    return load_settings()


@pytest.fixture
def office(settings):  # type: ignore[no-untyped-def]
    """The :class:`loket.office.Office` of a fresh temporary home: what a command or a flow
    builds at its start, handed to the code under test."""
    from loket.office import Office

    return Office(settings)


# The repository's own folders that a test might write to by mistake (a test that forgot to
# set LOKET_HOME, a path escaping its temporary home): compared before and after the session.
_GUARDED = ("inbox", "outbox", "var", "rules", "templates")


def _snapshot() -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for name in _GUARDED:
        for dirpath, dirnames, filenames in os.walk(REPO / name):
            dirnames[:] = [d for d in dirnames if d not in ("prefect", "__pycache__")]
            for entry in filenames:
                path = Path(dirpath) / entry
                st = path.lstat()
                found[str(path.relative_to(REPO))] = (st.st_size, st.st_mtime_ns)
    return found


_BEFORE = _snapshot()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No test writes outside the folders it was given (issue #14): the repository's inbox,
    outbox, var, rules and templates are as they were before the session."""
    after = _snapshot()
    changed = sorted(k for k in set(_BEFORE) | set(after) if _BEFORE.get(k) != after.get(k))
    if changed:
        print(f"\nwritten outside the tests' own folders: {changed[:20]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
