"""loket's own secret keys, under ``var/keys/`` (folder 0700, key files 0400).

The session files and the decision tokens are HMAC'd with a key that is neither in the
database nor given to Prefect, so that neither a copy of the database nor the Prefect API can
forge them. A key is made on first use (32 random bytes), created exclusively so that two
processes starting together agree on one key, and read without following links.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from pathlib import Path

from loket.common.safefs import UnsafePath, directory, open_regular

KEY_BYTES = 32
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def key(var: Path, name: str) -> bytes:
    """The key ``var/keys/<name>.key``, made (mode 0400) if absent."""
    with directory(var, ["keys"], create=True) as fd:
        os.fchmod(fd, 0o700)
        with contextlib.suppress(FileExistsError):
            new = os.open(f"{name}.key", _CREATE, 0o400, dir_fd=fd)
            try:
                os.write(new, secrets.token_bytes(KEY_BYTES))
                os.fsync(new)
            finally:
                os.close(new)
        for _ in range(50):  # another process may be writing it this very moment
            data = _read(fd, f"{name}.key")
            if len(data) >= KEY_BYTES:
                return data
            time.sleep(0.01)
    raise UnsafePath(0, f"{var / 'keys' / name}.key is shorter than {KEY_BYTES} bytes")


def _read(dir_fd: int, name: str) -> bytes:
    fd = open_regular(dir_fd, name)
    try:
        if os.fstat(fd).st_mode & 0o077:
            raise UnsafePath(0, f"{name}: readable by others; expected mode 0400")
        return os.read(fd, 4096)
    finally:
        os.close(fd)
