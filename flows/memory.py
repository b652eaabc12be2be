"""The C allocator's share of an intake run's memory (issue #17), on glibc.

Freed memory is not always given back: glibc keeps an arena per thread that allocates at
once (up to eight per core), and the free pages inside each stay with the process until
``malloc_trim``. An intake run allocates on many threads (page readers, checks, Prefect's
workers) and frees page images tens of MiB at a time, so its resident set grew with the
batch although what it held did not. :func:`limit_arenas` caps the arenas before the run's
threads start; :func:`trim` gives the free pages back after each application. Elsewhere
than glibc (musl, macOS) both do nothing. (Fixing glibc's threshold for mapping big blocks
on their own, ``M_MMAP_THRESHOLD`` at 1 MiB, was tried: no difference at 10 applications.)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any

#: ``mallopt``'s parameter for the most arenas (glibc's malloc.h).
M_ARENA_MAX = -8
#: Arenas: two cover the page readers of a two-core office PC without lock waits to speak of.
ARENAS = 2


@functools.cache
def _libc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    return libc


def limit_arenas(arenas: int = ARENAS) -> bool:
    """At most ``arenas`` malloc arenas from now on (threads that allocated already keep
    theirs); False where the allocator is not glibc's."""
    libc = _libc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas) == 1)


def trim() -> bool:
    """Give the allocator's free pages back to the system; True when some were."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0) == 1)
