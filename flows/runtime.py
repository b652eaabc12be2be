"""The process that runs flows: Prefect's defaults for an office machine, set before Prefect loads.

Kept out of :mod:`loket.common.settings` so that the domain never touches Prefect's environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from loket.common.settings import Settings, load_settings


def apply_prefect_defaults(settings: Settings | None = None) -> None:
    """Prefect defaults for an office machine; call before Prefect is imported.

    State under ``var/prefect`` (not ``~/.prefect``), no telemetry, a patient start of the
    ephemeral server, single-threaded tesseract. Explicit environment variables win.
    """
    var = (settings or load_settings()).var_dir
    os.environ.setdefault("PREFECT_HOME", str(var / "prefect"))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    limit_malloc_arenas()


def limit_malloc_arenas() -> None:
    """Keep the page readers' memory from piling up in glibc's heaps.

    Each thread that allocates gets its own malloc arena, and page-sized image buffers
    freed there are kept for reuse: with two page readers plus tesseract, the intake
    process peaked ~55 MiB higher (measured on a 40-page scanned PDF). Two arenas, and
    buffers over 1 MiB mapped and unmapped directly, keep the peak at what is in use.
    ``MALLOC_ARENA_MAX`` / ``MALLOC_MMAP_THRESHOLD_`` in the environment win. glibc only.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or "MALLOC_ARENA_MAX" in os.environ or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return  # not glibc
    m_arena_max, m_mmap_threshold = -8, -3
    mallopt(m_arena_max, 2)
    mallopt(m_mmap_threshold, 1 << 20)
