"""Helpers shared by the benchmarks: an isolated loket home and a warmed Prefect."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def isolated_home(prefix: str, at: Path | None = None) -> Path:
    """A fresh LOKET_HOME (inbox/outbox/var) with the repository's rules; env set for it.
    ``at``: that folder, emptied first (a run kept for a look afterwards); default a new
    temporary one."""
    if at is None:
        home = Path(tempfile.mkdtemp(prefix=f"loket-{prefix}-"))
    else:
        home = at
        if home.exists():
            shutil.rmtree(home)
    for name in ("inbox", "outbox", "var"):
        (home / name).mkdir(parents=True)
    os.environ["LOKET_HOME"] = str(home)
    os.environ["LOKET_RULES"] = str(REPO / "rules")
    os.environ["LOKET_STABLE_SECONDS"] = "0"
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    os.environ.setdefault("PREFECT_HOME", str(home / "prefect"))
    return home


def warm_prefect() -> float:
    """Start Prefect's ephemeral server with a trivial flow; return the seconds it took."""
    from flows.runtime import apply_prefect_defaults

    apply_prefect_defaults()
    from prefect import flow

    @flow(name="warm-up")
    def warm() -> int:
        return 1

    start = time.perf_counter()
    warm()
    return time.perf_counter() - start


def shell_env(home: Path, prefect: str = "prefect") -> dict[str, str]:
    """The environment of a ``loket`` command run from a fresh shell in ``home``: its own
    Prefect home (``home/prefect``), so Prefect's ephemeral server starts as it would for a
    user, and nothing from the bench's own environment deciding for loket."""
    env = dict(
        os.environ,
        LOKET_HOME=str(home),
        LOKET_STABLE_SECONDS="0",
        LOKET_RULES=str(REPO / "rules"),
        PREFECT_HOME=str(home / prefect),
    )
    env.pop("PREFECT_API_URL", None)  # the ephemeral server, as from a fresh shell
    env.pop("OMP_THREAD_LIMIT", None)  # loket sets what it needs itself
    return env
