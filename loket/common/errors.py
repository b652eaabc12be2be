"""Errors the office explains: an id that ties a reason to its log line, a bounded one-line
description, and the faults of the office itself (database, disk, rules) told apart from the
faults of one input.

Whatever goes wrong with one input gets an error id and a reason; only an office fault stops a
run (see :mod:`loket.intake.faults` for how intake keeps failures to their input).
"""

from __future__ import annotations

import errno
import secrets

from sqlalchemy.exc import DBAPIError, OperationalError

from loket.common.rulesfile import RulesError

#: OSError numbers that say the office's storage, not one input, is at fault.
_STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}


class OfficeBroken(RuntimeError):
    """The office itself cannot work (database, disk, rules): the run stops and says so."""


def office_fault(exc: BaseException) -> str | None:
    """Why ``exc`` is a fault of the office rather than of one input, or None."""
    if isinstance(exc, OfficeBroken):
        return str(exc)
    if isinstance(exc, RulesError):
        return f"aturan tidak valid / rules invalid: {exc}"
    if isinstance(exc, OperationalError | DBAPIError) and not _is_integrity(exc):
        return f"basis data tidak dapat dipakai / database unusable: {exc.orig or exc}"
    if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS:
        return f"penyimpanan bermasalah / storage failed: {exc.strerror} ({exc.filename or ''})"
    if isinstance(exc, MemoryError):
        return "memori habis / out of memory"
    return None


def _is_integrity(exc: DBAPIError) -> bool:
    from sqlalchemy.exc import IntegrityError

    return isinstance(exc, IntegrityError)


def new_error_id() -> str:
    """A short id that ties an officer's reason text to the log line with the traceback."""
    return f"E-{secrets.token_hex(4)}"


def describe_error(exc: BaseException) -> str:
    """One line naming the error, bounded (an exception text may quote outside data)."""
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:299] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
