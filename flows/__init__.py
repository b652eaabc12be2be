"""Prefect flows and deployments of loket.

Importing this package sets Prefect's defaults for an office machine before Prefect is
imported: state under ``var/prefect`` (not ``~/.prefect``), no telemetry, a patient
ephemeral-server start-up. Explicit environment variables win.
"""

from __future__ import annotations

import os
from pathlib import Path

from loket.config import load_settings

_settings = load_settings()
os.environ.setdefault("PREFECT_HOME", str(_settings.var_dir / "prefect"))
Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
