"""The keys of the control card, kept in a folder outside the database and outside ``var/``.

Whoever can write the database (a stolen backup restored, an administrator with SQL access)
must not be able to forge a card entry or a card's anchor. The keys therefore live in their own
folder (setting ``keys``, default ``<home>/keys``), each in a file of mode 0400 created on
first use, never through a link:

- ``card-k<N>.key``: an HMAC-SHA256 secret for card entries, with its key id ``k<N>`` and the
  moment it was made. New entries use the newest key; an entry records its key id so that
  after ``loket card rotate-key`` old entries still verify with their own key.
- ``anchor-ed25519.pem``: the private Ed25519 key that signs the anchors; its public half,
  ``anchor-ed25519.pub.pem``, is what an auditor checks an anchor with.

Losing this folder makes every keyed entry unverifiable: back it up apart from the database.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from loket.common.clock import as_utc, utcnow
from loket.common.safefs import directory, open_regular
from loket.common.settings import Settings, load_settings

_KEY_FILE = re.compile(r"^card-k([1-9][0-9]{0,5})\.key$")
SIGNING_KEY = "anchor-ed25519.pem"
PUBLIC_KEY = "anchor-ed25519.pub.pem"
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class KeyringError(Exception):
    """The keys folder is unusable (inside ``var/``, a link, a damaged key file)."""


@dataclass(frozen=True)
class CardKey:
    """One HMAC key of the control card."""

    kid: str
    secret: bytes
    created: datetime


def _number(kid: str) -> int:
    return int(kid.removeprefix("k"))


class Keyring:
    """The keys in ``folder``; card keys are read once per keyring and made on first use."""

    def __init__(self, folder: Path, *, var: Path | None = None) -> None:
        folder = Path(folder)
        if var is not None and folder.resolve().is_relative_to(Path(var).resolve()):
            raise KeyringError(f"the keys folder {folder} lies inside var/ ({var}): move it out")
        self.folder = folder
        self._keys: dict[str, CardKey] | None = None

    # -- files -------------------------------------------------------------------------------

    def _guard(self, fd: int) -> None:
        """Refuse a keys folder that another user owns or may write: a key planted there
        would let its author forge entries."""
        st = os.fstat(fd)
        if st.st_uid != os.geteuid() or st.st_mode & 0o022:
            raise KeyringError(
                f"the keys folder {self.folder} must belong to this user and be writable by no "
                f"one else (mode {stat.filemode(st.st_mode)}): chmod 700 it"
            )

    def _read(self, name: str) -> bytes | None:
        if not self.folder.is_dir():
            return None
        with directory(self.folder, []) as fd:
            self._guard(fd)
            try:
                handle = open_regular(fd, name)
            except FileNotFoundError:
                return None
            with os.fdopen(handle, "rb") as fh:
                return fh.read()

    def _create(self, name: str, data: bytes) -> bool:
        """Write ``name`` (0400) unless it exists; False if another process made it first."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with directory(self.folder, []) as fd:
            self._guard(fd)
            try:
                handle = os.open(name, _CREATE, 0o400, dir_fd=fd)
            except FileExistsError:
                return False
            with os.fdopen(handle, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        return True

    # -- card keys ---------------------------------------------------------------------------

    def card_keys(self) -> dict[str, CardKey]:
        """Every card key by id (read once)."""
        if self._keys is None:
            found: dict[str, CardKey] = {}
            names = os.listdir(self.folder) if self.folder.is_dir() else []
            for name in names:
                if _KEY_FILE.match(name):
                    key = self._parse(name)
                    found[key.kid] = key
            self._keys = found
        return self._keys

    def _parse(self, name: str) -> CardKey:
        raw = self._read(name) or b""
        try:
            data = json.loads(raw)
            key = CardKey(
                data["kid"], bytes.fromhex(data["secret"]), datetime.fromisoformat(data["created"])
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyringError(f"damaged key file {self.folder / name}: {exc}") from exc
        if f"card-{key.kid}.key" != name or len(key.secret) < 32:
            raise KeyringError(f"damaged key file {self.folder / name}")
        return key

    def get(self, kid: str) -> CardKey | None:
        return self.card_keys().get(kid)

    def newest(self) -> CardKey | None:
        keys = self.card_keys()
        return keys[max(keys, key=_number)] if keys else None

    def current(self) -> CardKey:
        """The key new entries are made with; the first is made on first use."""
        return self.newest() or self.rotate()

    def first_created(self) -> datetime | None:
        """When the first card key was made: no entry without a key id is recorded after it."""
        keys = self.card_keys()
        return min(as_utc(k.created) for k in keys.values()) if keys else None

    def rotate(self) -> CardKey:
        """Make a new card key (the newest from now on); old keys stay for verifying."""
        while True:
            newest = self.newest()
            kid = f"k{_number(newest.kid) + 1 if newest else 1}"
            body = {
                "kid": kid,
                "created": utcnow().isoformat(),
                "secret": secrets.token_bytes(32).hex(),
            }
            made = self._create(f"card-{kid}.key", json.dumps(body).encode())
            self._keys = None
            if made:
                key = self.get(kid)
                assert key is not None
                return key

    # -- anchor signing key ------------------------------------------------------------------

    def signing_key(self) -> Ed25519PrivateKey:
        """The Ed25519 key that signs anchors (made on first use, public half beside it)."""
        raw = self._read(SIGNING_KEY)
        if raw is None:
            key = Ed25519PrivateKey.generate()
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            self._create(SIGNING_KEY, pem)
            raw = self._read(SIGNING_KEY) or b""
        loaded = serialization.load_pem_private_key(raw, password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise KeyringError(f"{self.folder / SIGNING_KEY} is not an Ed25519 key")
        if self._read(PUBLIC_KEY) is None:
            self._create(PUBLIC_KEY, public_pem(loaded.public_key()))
        return loaded

    def public_key(self) -> Ed25519PublicKey | None:
        """The anchors' public key, from the private key when present (the trusted copy)."""
        raw = self._read(SIGNING_KEY)
        if raw is None:
            return None
        loaded = serialization.load_pem_private_key(raw, password=None)
        return loaded.public_key() if isinstance(loaded, Ed25519PrivateKey) else None


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def keyring_for(settings: Settings | None = None) -> Keyring:
    """The keyring of ``settings`` (default: the current settings)."""
    s = settings or load_settings()
    return Keyring(s.keys_dir, var=s.var_dir)
