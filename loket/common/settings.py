"""Runtime settings: paths, database URL and intake knobs.

Every setting has a default that works from a checkout. It can be set in ``loket.toml`` in
``LOKET_HOME`` (or the file named by ``LOKET_CONFIG``) and overridden with an environment
variable ``LOKET_<NAME>`` (e.g. ``LOKET_DATABASE_URL``): environment wins. See
``docs/configuration.md``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

TEMP_SUFFIXES = (".part", ".filepart", ".crdownload", ".tmp", ".partial")

#: Files and folders loket writes are not world-readable (applicants' data): every ``loket``
#: command and ``loket serve`` run with this umask.
UMASK = 0o027


def _root() -> Path:
    return Path(os.environ.get("LOKET_HOME", Path.cwd())).resolve()


#: Seconds tesseract may spend on all readings of one page (a normal page takes 0.5-3 s).
PAGE_TIMEOUT = 90.0


@dataclass(frozen=True)
class Settings:
    """Where loket keeps its files and how intake behaves."""

    home: Path = field(default_factory=_root)
    inbox: Path | None = None
    outbox: Path | None = None
    var: Path | None = None
    rules: Path | None = None
    #: The control card's keys (HMAC keys, the anchors' signing key): outside ``var/`` and the
    #: database, backed up apart from them.
    keys: Path | None = None
    database_url: str | None = None
    stable_seconds: float = 5.0
    ocr_workers: int = 0
    max_file_bytes: int = 512 * 1024 * 1024
    max_image_pixels: int = 120_000_000
    max_pdf_pages: int = 2000
    #: Seconds tesseract may spend on one reading of one page before the page is reported
    #: unreadable (a normal page takes 0.5-3 s).
    page_timeout: float = PAGE_TIMEOUT
    service: str = "izin-kerja-radiografer"
    registration_prefix: str = "SIKR"
    #: Prefect API of an existing server (scale-out); empty: ``loket serve`` starts its own.
    prefect_api_url: str | None = None
    #: File holding the Prefect API auth string (0600); empty: ``var/prefect-api-auth``, made by
    #: ``loket serve`` on first start. With ``prefect_api_url``: that server's string.
    prefect_auth_file: Path | None = None
    #: Where ``loket serve`` binds its Prefect server and UI (loopback by default).
    server_host: str = "127.0.0.1"
    server_port: int = 4200
    #: How ``loket serve`` notices new submissions: auto (filesystem events when watchfiles is
    #: installed, else polling), events, or poll (network shares: events do not cross them).
    watch: str = "auto"
    #: The tesseract engine: ``api`` (tesserocr, in process) or ``cli`` (one tesseract process
    #: per page); empty: ``api`` when tesserocr loads, else ``cli``.
    ocr_engine: str | None = None
    #: Seconds between looks at the inbox when polling (and the longest wait with events).
    poll_seconds: float = 10.0
    #: Days after a file is closed (permit collected, returned, withdrawn) that its OCR cache
    #: and page texts are kept before ``loket purge`` removes them (0: purge at once).
    retention_days: int = 30

    #: Cost of the officials' passphrase hashes (argon2id): passes, memory in KiB, lanes.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 1
    #: Wrong passphrases in a row that lock an official's credential, and for how long.
    login_max_failures: int = 5
    login_lockout_minutes: float = 15.0
    #: Hours a ``loket login`` session lasts (it ends at midnight WIB at the latest).
    session_hours: float = 8.0
    #: Minutes a decision token (a CLI decision resuming a Prefect flow run) stays valid.
    decision_token_minutes: float = 10.0

    #: The Kepala Dinas's certificate and key as PKCS#12 (outside ``var/``, mode 0400); empty:
    #: ``kepala-dinas.p12`` in the keys folder. No such file: permits are issued unsigned.
    signing_key: Path | None = None
    #: File holding the PKCS#12's passphrase (mode 0400); empty: ``kepala-dinas.pass`` there.
    signing_passphrase_file: Path | None = None
    #: CA certificates ``loket permit verify`` trusts (a PEM/DER file or a folder of them);
    #: empty: the folder ``trust`` in the keys folder.
    trust_roots: Path | None = None
    #: RFC 3161 timestamp authority for the permits' signatures; empty: no timestamp.
    tsa_url: str | None = None
    #: The office's permit verification page, put in the permit's QR code; empty: plain text.
    verify_url: str | None = None
    #: A PKCS#11 token instead of the PKCS#12 file: its maker's module (``.so``), the token's
    #: label and the label of the key and certificate on it (empty: ``kepala-dinas``); the
    #: token's user PIN is kept in ``signing_passphrase_file``.
    pkcs11_module: Path | None = None
    pkcs11_token: str | None = None
    pkcs11_label: str | None = None

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
    def keys_dir(self) -> Path:
        return self.keys or self.home / "keys"

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'loket.db'}"

    @property
    def workers(self) -> int:
        return self.ocr_workers or max(1, os.cpu_count() or 1)

    def with_overrides(self, **kwargs: object) -> Settings:
        """A copy with the non-None keyword arguments replaced."""
        return replace(self, **{k: v for k, v in kwargs.items() if v is not None})


#: Settings read from ``loket.toml`` and ``LOKET_<NAME>``, with their converters.
CONFIGURABLE: dict[str, type] = {
    "inbox": Path,
    "outbox": Path,
    "var": Path,
    "rules": Path,
    "keys": Path,
    "database_url": str,
    "stable_seconds": float,
    "ocr_workers": int,
    "max_file_bytes": int,
    "max_image_pixels": int,
    "max_pdf_pages": int,
    "page_timeout": float,
    "service": str,
    "registration_prefix": str,
    "prefect_api_url": str,
    "prefect_auth_file": Path,
    "server_host": str,
    "server_port": int,
    "watch": str,
    "poll_seconds": float,
    "ocr_engine": str,
    "retention_days": int,
    "argon2_time_cost": int,
    "argon2_memory_kib": int,
    "argon2_parallelism": int,
    "login_max_failures": int,
    "login_lockout_minutes": float,
    "session_hours": float,
    "decision_token_minutes": float,
    "signing_key": Path,
    "signing_passphrase_file": Path,
    "trust_roots": Path,
    "tsa_url": str,
    "verify_url": str,
    "pkcs11_module": Path,
    "pkcs11_token": str,
    "pkcs11_label": str,
}
CONFIG_FILE = "loket.toml"
WATCH_MODES = ("auto", "events", "poll")
OCR_ENGINES = ("api", "cli")


class ConfigError(ValueError):
    """``loket.toml`` or a ``LOKET_*`` variable holds a value loket cannot use."""


def config_file(home: Path | None = None) -> Path:
    """``LOKET_CONFIG`` if set, else ``loket.toml`` in ``LOKET_HOME``."""
    named = os.environ.get("LOKET_CONFIG")
    return Path(named) if named else (home or _root()) / CONFIG_FILE


def _convert(name: str, raw: object, home: Path, origin: str) -> object:
    conv = CONFIGURABLE[name]
    try:
        value = conv(raw)  # type: ignore[call-arg]
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{origin}: {name} = {raw!r}: {exc}") from exc
    if isinstance(value, Path) and not value.is_absolute():
        value = home / value
    if name == "watch" and value not in WATCH_MODES:
        raise ConfigError(f"{origin}: watch = {raw!r}: expected one of {', '.join(WATCH_MODES)}")
    if name == "ocr_engine" and value not in OCR_ENGINES:
        raise ConfigError(
            f"{origin}: ocr_engine = {raw!r}: expected one of {', '.join(OCR_ENGINES)}"
        )
    return value


def _from_file(path: Path, home: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    flat: dict[str, object] = {}
    for key, value in data.items():  # [sections] are only for readability: flatten them
        if isinstance(value, dict):
            flat.update(value)
        else:
            flat[key] = value
    unknown = sorted(set(flat) - set(CONFIGURABLE))
    if unknown:
        raise ConfigError(
            f"{path}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(CONFIGURABLE)}"
        )
    return {k: _convert(k, v, home, str(path)) for k, v in flat.items()}


def load_settings(**overrides: object) -> Settings:
    """Settings: defaults, then ``loket.toml``, then ``LOKET_*`` variables, then overrides."""
    env = os.environ
    home = _root()
    values = _from_file(config_file(home), home)
    for name in CONFIGURABLE:
        raw = env.get(f"LOKET_{name.upper()}")
        if raw:
            values[name] = _convert(name, raw, Path.cwd(), f"LOKET_{name.upper()}")
    return Settings(home=home).with_overrides(**values).with_overrides(**overrides)


def describe_settings(settings: Settings) -> dict[str, object]:
    """Every setting with its effective value (for ``loket config``)."""
    out: dict[str, object] = {f.name: getattr(settings, f.name) for f in fields(settings)}
    out.update(
        inbox=settings.inbox_dir,
        outbox=settings.outbox_dir,
        var=settings.var_dir,
        rules=settings.rules_dir,
        keys=settings.keys_dir,
        database_url=settings.db_url,
    )
    return {k: str(v) if isinstance(v, Path) else v for k, v in out.items()}
