"""The process that runs flows: Prefect's defaults for an office machine, set before Prefect loads.

Kept out of :mod:`loket.common.settings` so that the domain never touches Prefect's environment.

It also holds the Prefect API's **auth string**: Prefect's server refuses every API request
(``/api/health`` aside) that does not carry it as HTTP Basic credentials when it is started
with ``PREFECT_SERVER_API_AUTH_STRING``, and every Prefect client sends
``PREFECT_API_AUTH_STRING``. ``loket serve`` generates the string on first start into
``var/prefect-api-auth`` (mode 0600, :func:`ensure_auth_string`); every process that talks to
Prefect from this office (served flow runs, the warm intake process, ``loket`` commands) finds
it there through :func:`apply_prefect_defaults`. Without it a local user who cannot read
``loket.db`` could still resume an approval run or start the intake on any folder.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path

from loket.common.safefs import UnsafePath, directory, open_file, write_bytes
from loket.common.settings import UMASK, Settings, load_settings

#: The auth string's file under ``var/`` (unless ``prefect_auth_file`` names another).
AUTH_FILE = "prefect-api-auth"
#: Client and server variables of Prefect (3.x) that carry the auth string.
CLIENT_AUTH = "PREFECT_API_AUTH_STRING"
SERVER_AUTH = "PREFECT_SERVER_API_AUTH_STRING"


def auth_file(settings: Settings) -> Path:
    """Where this office keeps its Prefect API auth string."""
    return settings.prefect_auth_file or settings.var_dir / AUTH_FILE


def read_auth_string(settings: Settings) -> str | None:
    """The auth string stored for this office, None when there is none yet.

    The file is read without following a link; one that others may read is refused (the
    string would no longer be a secret). Whatever is wrong with it — readable by others,
    another user's, a link — is one :class:`UnsafePath` whose text says it in one line,
    with the fix, for ``loket serve`` to print and other processes to warn with."""
    path = auth_file(settings)
    try:
        fd = open_file(path)
    except FileNotFoundError:
        return None
    except UnsafePath as exc:  # a link, a folder, a FIFO
        raise UnsafePath(
            f"{path}: bukan berkas biasa (tautan?); hapus, loket serve membuatnya lagi / "
            f"not a regular file ({exc.strerror or exc})"
        ) from exc
    except PermissionError as exc:
        raise UnsafePath(
            f"{path}: tidak bisa dibaca pengguna ini (milik pengguna lain?) / "
            "not readable by this user"
        ) from exc
    with os.fdopen(fd, "rb") as fh:
        if stat.S_IMODE(os.fstat(fh.fileno()).st_mode) & 0o077:
            raise UnsafePath(
                f"{path}: bisa dibaca pengguna lain; jalankan chmod 600 {path} / "
                "readable by others: chmod 600 it"
            )
        try:
            value = fh.read().decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            raise UnsafePath(
                f"{path}: isinya bukan auth string; hapus, loket serve membuatnya lagi / "
                "not an auth string"
            ) from exc
    return value or None


def ensure_auth_string(settings: Settings) -> str:
    """The stored auth string, generated (256 random bits) and written 0600 on first use.

    Called by ``loket serve`` while it holds ``var/serve.lock``, so two first starts cannot
    race; the file is written atomically (temporary name, rename) never through a link."""
    existing = read_auth_string(settings)
    if existing:
        return existing
    value = secrets.token_urlsafe(32)
    path = auth_file(settings)
    with directory(path.parent, [], create=True) as fd:
        write_bytes(fd, path.name, f"{value}\n".encode(), mode=0o600)
    return value


def apply_prefect_defaults(settings: Settings | None = None) -> None:
    """Prefect defaults for an office machine; call before Prefect is imported.

    State under ``var/prefect`` (not ``~/.prefect``), no telemetry, a patient start of the
    ephemeral server, single-threaded tesseract, the office's API auth string (when
    ``loket serve`` made one) for every client. Explicit environment variables win.

    It also sets loket's umask (0o027): every ``loket`` command sets it itself (the app
    callback in ``loket/cli/main.py``, which ``loket serve`` passes too), but a flow process
    started otherwise — a Prefect worker of a scale-out office, ``python -m flows.…`` — would
    write pages.json, checklists and permits (through LibreOffice too) readable by every user
    of the machine.
    """
    settings = settings or load_settings()
    os.umask(UMASK)  # applicants' data: not world-readable, whoever started this process
    var = settings.var_dir
    os.environ.setdefault("PREFECT_HOME", str(var / "prefect"))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if not os.environ.get(CLIENT_AUTH):
        token = _auth_or_warn(settings)
        if token:
            os.environ[CLIENT_AUTH] = token
    limit_malloc_arenas()


_warned = False


def _auth_or_warn(settings: Settings) -> str | None:
    """The stored auth string; None, with one warning line per process, when the file is
    unsafe or unreadable: every command that imports the flows would otherwise fail on it
    (a traceback), and without the line only the API's 401 would be seen, not why."""
    global _warned
    try:
        return read_auth_string(settings)
    except OSError as exc:
        if not _warned:
            _warned = True
            logging.getLogger(__name__).warning(
                "Auth string Prefect tidak dipakai, API loket serve akan menolak / not used: %s",
                exc,
            )
        return None


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
