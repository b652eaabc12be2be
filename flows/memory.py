"""The C allocator's share of an intake run's memory (issue #17), on glibc.

Freed memory is not always given back: glibc keeps an arena per thread that allocates at
once (up to eight per core), and the free pages inside each stay with the process until
``malloc_trim``. An intake run allocates on many threads (page readers, checks, Prefect's
workers) and frees page images tens of MiB at a time, so its resident set grew with the
batch although what it held did not. And a block of a page image (MiBs) freed raises glibc's
threshold for mapping a block of its own, so later images come from the arenas and their
pages stay when freed. :func:`limit_arenas` caps the arenas and fixes that threshold before
the run's threads start; :func:`trim` gives the free pages back after each application.
Elsewhere than glibc (musl, macOS) both do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any

#: ``mallopt``'s parameters (glibc's malloc.h): the most arenas; the size from which a block
#: is mapped on its own (and unmapped when freed); fixing it ends glibc's raising of it.
M_ARENA_MAX, M_MMAP_THRESHOLD = -8, -3
#: Arenas: two cover the page readers of a two-core office PC without lock waits to speak of.
ARENAS = 2
#: Blocks from 1 MiB on (a page image is 8-30 MiB) go back to the system when freed.
MMAP_THRESHOLD = 1 << 20


@functools.cache
def _libc() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None
    return libc


def limit_arenas(arenas: int = ARENAS, mmap_threshold: int = MMAP_THRESHOLD) -> bool:
    """At most ``arenas`` malloc arenas from now on (threads that allocated already keep
    theirs), and blocks of ``mmap_threshold`` bytes or more mapped on their own; False where
    the allocator is not glibc's."""
    libc = _libc()
    return bool(
        libc is not None
        and libc.mallopt(M_ARENA_MAX, arenas) == 1
        and libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1
    )


def trim() -> bool:
    """Give the allocator's free pages back to the system; True when some were."""
    libc = _libc()
    return bool(libc is not None and libc.malloc_trim(0) == 1)
