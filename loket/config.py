"""Runtime settings: paths, database URL and intake knobs.

Every setting has a default that works from a checkout and can be overridden with an
environment variable ``LOKET_<NAME>`` (e.g. ``LOKET_DATABASE_URL``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

TEMP_SUFFIXES = (".part", ".filepart", ".crdownload", ".tmp", ".partial")


def _root() -> Path:
    return Path(os.environ.get("LOKET_HOME", Path.cwd())).resolve()


@dataclass(frozen=True)
class Settings:
    """Where loket keeps its files and how intake behaves."""

    home: Path = field(default_factory=_root)
    inbox: Path | None = None
    outbox: Path | None = None
    var: Path | None = None
    rules: Path | None = None
    database_url: str | None = None
    stable_seconds: float = 5.0
    ocr_workers: int = 0
    max_file_bytes: int = 512 * 1024 * 1024
    max_image_pixels: int = 120_000_000
    max_pdf_pages: int = 2000
    service: str = "izin-kerja-radiografer"
    registration_prefix: str = "SIKR"

    @property
    def inbox_dir(self) -> Path:
        return self.inbox or self.home / "inbox"

    @property
    def outbox_dir(self) -> Path:
        return self.outbox or self.home / "outbox"

    @property
    def var_dir(self) -> Path:
        """Private state: archive of originals, OCR cache, SQLite database."""
        return self.var or self.home / "var"

    @property
    def archive_dir(self) -> Path:
        return self.var_dir / "archive"

    @property
    def cache_dir(self) -> Path:
        return self.var_dir / "ocr-cache"

    @property
    def quarantine_dir(self) -> Path:
        return self.outbox_dir / "_quarantine"

    @property
    def rules_dir(self) -> Path:
        return self.rules or self.home / "rules"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'loket.db'}"

    @property
    def workers(self) -> int:
        return self.ocr_workers or max(1, os.cpu_count() or 1)

    def with_overrides(self, **kwargs: object) -> Settings:
        """A copy with the non-None keyword arguments replaced."""
        return replace(self, **{k: v for k, v in kwargs.items() if v is not None})


def load_settings(**overrides: object) -> Settings:
    """Settings from ``LOKET_*`` environment variables, then explicit overrides."""
    env = os.environ
    values: dict[str, object] = {}
    for name, conv in (
        ("inbox", Path),
        ("outbox", Path),
        ("var", Path),
        ("rules", Path),
        ("database_url", str),
        ("stable_seconds", float),
        ("ocr_workers", int),
        ("max_file_bytes", int),
        ("max_image_pixels", int),
        ("service", str),
    ):
        raw = env.get(f"LOKET_{name.upper()}")
        if raw:
            values[name] = conv(raw)
    return Settings().with_overrides(**values).with_overrides(**overrides)


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
