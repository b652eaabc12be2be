"""The C allocator's arenas and free pages (issue #17, :mod:`flows.memory`)."""

from __future__ import annotations

import ctypes
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from flows import memory

pytestmark = pytest.mark.unit
glibc = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator only")


@glibc
def test_freed_pages_are_given_back() -> None:
    """Small blocks freed below one still in use stay with the process until trimmed."""
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]

    def resident() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096

    blocks = [libc.malloc(1000) for _ in range(100_000)]  # ~100 MiB on the main heap
    for block in blocks:
        ctypes.memset(block, 1, 1000)
    held = resident()
    for block in blocks[:-1]:  # the heap's top stays in use: free() cannot shrink it
        libc.free(block)
    freed = resident()
    assert memory.trim()
    trimmed = resident()
    libc.free(blocks[-1])
    assert freed > held - 20 * 2**20  # kept by the allocator after free()
    assert freed - trimmed > 60 * 2**20  # given back by trim()


_THREADS_ALLOCATE = """
import ctypes, importlib.util, sys, threading
# flows/memory.py alone: importing the package (Prefect) would start threads of its own
spec = importlib.util.spec_from_file_location("memory", "flows/memory.py")
memory = importlib.util.module_from_spec(spec)
spec.loader.exec_module(memory)
if sys.argv[1] == "limit":
    assert memory.limit_arenas(memory.ARENAS)
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
held, together = [], threading.Barrier(6)


def allocate():
    held.append(libc.malloc(4096))
    together.wait()  # no thread ends (handing its arena on) before all have allocated


threads = [threading.Thread(target=allocate) for _ in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc.malloc_stats()  # one "Arena n:" block per arena, on stderr
"""


@glibc
@pytest.mark.parametrize("limit", [True, False])
def test_threads_share_the_arenas(limit: bool) -> None:
    """Six threads that allocate: at most :data:`memory.ARENAS` arenas once limited (each
    would otherwise get one of its own, up to eight per core)."""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", _THREADS_ALLOCATE, "limit" if limit else "default"],
        capture_output=True, text=True, check=True, cwd=root,
    )  # fmt: skip
    arenas = out.stderr.count("Arena ")
    assert arenas == memory.ARENAS if limit else arenas > memory.ARENAS


def test_without_glibc_nothing_happens(monkeypatch: pytest.MonkeyPatch) -> None:
    memory._libc.cache_clear()
    monkeypatch.setattr(memory.ctypes, "CDLL", _no_library)
    try:
        assert memory.trim() is False
        assert memory.limit_arenas() is False
    finally:
        memory._libc.cache_clear()


def _no_library(*args: object) -> None:
    raise OSError("no libc here")
