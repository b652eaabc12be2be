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
- ``legacy-closure.json``: written (and signed with the anchor key) when the first card key is
  made: every card's head at that moment. An entry without a key id is accepted only on a card
  named there and only up to that entry; with keys but no closure, none is.
- ``anchor-latest.json``: the newest anchor's file name and SHA-256, rewritten at each
  anchoring, so that a deleted or replayed newest anchor in ``outbox/anchors`` is noticed.

The folder and every file in it must be this user's, not a link, and closed to group and
others (``mode & 0o077 == 0``); a key is written to a temporary name and linked into place, so
two processes making the first key at once both end up with the same complete key.

Losing this folder makes every keyed entry unverifiable: back it up apart from the database.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from loket.common.clock import as_utc, utcnow
from loket.common.safefs import open_regular
from loket.common.settings import Settings

_KEY_FILE = re.compile(r"^card-k([1-9][0-9]{0,5})\.key$")
SIGNING_KEY = "anchor-ed25519.pem"
PUBLIC_KEY = "anchor-ed25519.pub.pem"
CLOSURE = "legacy-closure.json"
CLOSURE_FORMAT = "loket-legacy-closure/1"
LATEST = "anchor-latest.json"
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC

#: card heads: registration number -> (seq, hash)
Heads = dict[str, tuple[int, str]]


class KeyringError(Exception):
    """The keys folder is unusable (inside ``var/``, a link, open to others, a damaged key
    file). The message is one line of Bahasa Indonesia with the fix: officers read it."""


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
            raise KeyringError(
                f"folder kunci {folder} berada di dalam var/ ({var}): pindahkan ke luar var/ "
                "(pengaturan keys / LOKET_KEYS)"
            )
        self.folder = folder
        self._keys: dict[str, CardKey] | None = None

    # -- files -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _folder(self) -> Iterator[int]:
        """A handle on the keys folder itself, never through a link, refused when another user
        owns it or group/others may use it: a key planted there would let its author forge
        entries, a key read there would let the reader forge them."""
        try:
            fd = os.open(self.folder, _FOLDER)
        except OSError as exc:
            raise KeyringError(
                f"folder kunci {self.folder} tidak dapat dibuka sebagai folder biasa (tautan?): "
                "jadikan folder biasa milik pengguna layanan loket, chmod 700"
            ) from exc
        try:
            st = os.fstat(fd)
            if st.st_uid != os.geteuid() or st.st_mode & 0o077:
                raise KeyringError(
                    f"folder kunci {self.folder} harus milik pengguna ini dan tertutup bagi "
                    f"orang lain (mode {stat.filemode(st.st_mode)}): chmod 700 {self.folder}"
                )
            yield fd
        finally:
            os.close(fd)

    def _check_file(self, handle: int, name: str) -> None:
        st = os.fstat(handle)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o077:
            raise KeyringError(
                f"berkas kunci {self.folder / name} harus berkas biasa milik pengguna ini dan "
                f"tertutup bagi orang lain (mode {stat.filemode(st.st_mode)}): "
                f"chmod 400 {self.folder / name}"
            )

    def _read(self, name: str) -> bytes | None:
        if not self.folder.is_dir():
            return None
        with self._folder() as fd:
            try:
                handle = open_regular(fd, name)
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise KeyringError(
                    f"berkas kunci {self.folder / name} bukan berkas biasa (tautan?): "
                    "hapus lalu pulihkan dari cadangan folder kunci"
                ) from exc
            with os.fdopen(handle, "rb") as fh:
                self._check_file(fh.fileno(), name)
                return fh.read()

    def _create(self, name: str, data: bytes, *, replace: bool = False) -> bool:
        """Write ``name`` (0400; 0600 with ``replace``) complete under a temporary name, then
        link it into place: False if another process made ``name`` first (theirs is kept).
        With ``replace`` the file is renamed over the old one instead."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = f".{name}.{secrets.token_hex(6)}.tmp"
        with self._folder() as fd:
            handle = os.open(tmp, _CREATE, 0o600 if replace else 0o400, dir_fd=fd)
            try:
                with os.fdopen(handle, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                if replace:
                    os.replace(tmp, name, src_dir_fd=fd, dst_dir_fd=fd)
                    return True
                try:
                    os.link(tmp, name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
                except FileExistsError:
                    return False
                return True
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp, dir_fd=fd)

    # -- card keys ---------------------------------------------------------------------------

    def card_keys(self) -> dict[str, CardKey]:
        """Every card key by id (read once)."""
        if self._keys is None:
            found: dict[str, CardKey] = {}
            names: list[str] = []
            if self.folder.is_dir():
                with self._folder() as fd:
                    names = os.listdir(fd)
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
            raise KeyringError(
                f"berkas kunci {self.folder / name} rusak (bukan kunci kartu loket): pulihkan "
                "dari cadangan folder kunci"
            ) from exc
        if f"card-{key.kid}.key" != name or len(key.secret) < 32:
            raise KeyringError(
                f"berkas kunci {self.folder / name} rusak: pulihkan dari cadangan folder kunci"
            )
        return key

    def get(self, kid: str) -> CardKey | None:
        return self.card_keys().get(kid)

    def newest(self) -> CardKey | None:
        keys = self.card_keys()
        return keys[max(keys, key=_number)] if keys else None

    def current(self, closure: Callable[[], Heads] | None = None) -> CardKey:
        """The key new entries are made with; the first is made on first use, with the legacy
        closure of ``closure()`` (the cards' heads as they stand, see :meth:`rotate`). Two
        processes making the first key at once both get the one that was linked first."""
        newest = self.newest()
        if newest is not None:
            return newest
        self._close(closure)
        return self._make("k1")[0]

    def first_created(self) -> datetime | None:
        """When the first card key was made."""
        keys = self.card_keys()
        return min(as_utc(k.created) for k in keys.values()) if keys else None

    def rotate(self, closure: Callable[[], Heads] | None = None) -> CardKey:
        """Make a new card key (the newest from now on); old keys stay for verifying. Before
        the first key, the heads ``closure()`` returns are signed into the legacy closure:
        entries without a key id are accepted only up to those heads (none without it)."""
        self._close(closure)
        while True:
            newest = self.newest()
            key, made = self._make(f"k{_number(newest.kid) + 1 if newest else 1}")
            if made:
                return key

    def _close(self, closure: Callable[[], Heads] | None) -> None:
        if closure is not None and self.newest() is None and self._read(CLOSURE) is None:
            self.write_closure(closure())

    def _make(self, kid: str) -> tuple[CardKey, bool]:
        """The key ``kid``, made now (True) or by another process first (False)."""
        body = {
            "kid": kid,
            "created": utcnow().isoformat(),
            "secret": secrets.token_bytes(32).hex(),
        }
        made = self._create(f"card-{kid}.key", json.dumps(body).encode())
        self._keys = None
        key = self.get(kid)
        if key is None:
            raise KeyringError(
                f"kunci kartu {kid} tidak dapat dibuat di {self.folder}: periksa folder kunci"
            )
        return key, made

    # -- legacy closure and the newest anchor's record ---------------------------------------

    def write_closure(self, heads: Heads) -> bool:
        """Sign ``heads`` (the cards as they stood before the first key) into the closure;
        False if one was there already (it is kept: the first closure is the true one)."""
        private = self.signing_key()
        body = {
            "format": CLOSURE_FORMAT,
            "time": utcnow().isoformat(),
            "cards": {reg: {"seq": q, "hash": h} for reg, (q, h) in sorted(heads.items())},
            "public_key": key_fingerprint(private.public_key()),
        }
        signature = base64.b64encode(private.sign(canonical(body))).decode()
        return self._create(CLOSURE, json.dumps({"body": body, "signature": signature}).encode())

    def legacy_closure(self) -> Heads | None:
        """The signed heads of the legacy closure; None when there is none. A closure whose
        signature does not hold raises :class:`KeyringError`."""
        raw = self._read(CLOSURE)
        if raw is None:
            return None
        public = self.public_key()
        try:
            doc = json.loads(raw)
            body = doc["body"]
            if public is None or body.get("format") != CLOSURE_FORMAT:
                raise ValueError("bukan penutupan entri lama loket")
            public.verify(base64.b64decode(doc["signature"], validate=True), canonical(body))
            return {r: (int(v["seq"]), str(v["hash"])) for r, v in body["cards"].items()}
        except (ValueError, KeyError, TypeError, AttributeError, InvalidSignature) as exc:
            raise KeyringError(
                f"penutupan entri lama {self.folder / CLOSURE} tidak sah ({type(exc).__name__}): "
                "pulihkan dari cadangan folder kunci"
            ) from exc

    def record_latest_anchor(self, name: str, sha256: str) -> None:
        """Remember the newest anchor written (see :mod:`loket.approval.anchors`)."""
        data = json.dumps({"file": name, "sha256": sha256}).encode()
        self._create(LATEST, data, replace=True)

    def latest_anchor(self) -> tuple[str, str] | None:
        """The newest anchor's (file name, SHA-256) as last recorded; None before any."""
        raw = self._read(LATEST)
        if raw is None:
            return None
        try:
            doc = json.loads(raw)
            return str(doc["file"]), str(doc["sha256"])
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyringError(
                f"catatan anchor terbaru {self.folder / LATEST} rusak: hapus berkas itu lalu "
                "jalankan loket card anchor"
            ) from exc

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
        loaded = self._private(raw)
        if self._read(PUBLIC_KEY) is None:
            self._create(PUBLIC_KEY, public_pem(loaded.public_key()))
        return loaded

    def public_key(self) -> Ed25519PublicKey | None:
        """The anchors' public key, from the private key when present (the trusted copy)."""
        raw = self._read(SIGNING_KEY)
        if raw is None:
            return None
        return self._private(raw).public_key()

    def _private(self, raw: bytes) -> Ed25519PrivateKey:
        try:
            loaded = serialization.load_pem_private_key(raw, password=None)
        except (ValueError, TypeError):
            loaded = None
        if not isinstance(loaded, Ed25519PrivateKey):
            raise KeyringError(
                f"{self.folder / SIGNING_KEY} bukan kunci Ed25519 yang utuh: pulihkan dari "
                "cadangan folder kunci"
            )
        return loaded


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def canonical(body: dict[str, object]) -> bytes:
    """The bytes that are signed (``jq -cjS .body`` prints the same)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key: what an anchor names and ``check-anchor`` prints."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def keyring_for(settings: Settings) -> Keyring:
    """The keyring of ``settings``: its keys folder, the record of the latest anchor in
    ``var``."""
    return Keyring(settings.keys_dir, var=settings.var_dir)
