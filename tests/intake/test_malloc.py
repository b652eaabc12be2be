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


_AFTER_A_BIG_FREE = """
import ctypes, importlib.util, sys
# flows/memory.py alone: importing the package (Prefect) would move the allocator's state
spec = importlib.util.spec_from_file_location("memory", "flows/memory.py")
memory = importlib.util.module_from_spec(spec)
spec.loader.exec_module(memory)
if sys.argv[1] == "limit":
    assert memory.limit_arenas(memory.ARENAS)
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096
libc.free(libc.malloc(16 << 20))  # glibc now maps only blocks of 16 MiB or more
block = libc.malloc(8 << 20)
ctypes.memset(block, 1, 8 << 20)
small = libc.malloc(64)  # above it on the heap, if it is there
held = resident()
libc.free(block)
print(held - resident())
"""


@glibc
@pytest.mark.parametrize("limit", [True, False])
def test_a_freed_page_image_leaves_the_process(limit: bool) -> None:
    """After :func:`memory.limit_arenas`, a freed image-sized block (8 MiB) is given back at
    once, also after a bigger one was freed (which, left to glibc, raises the size from
    which blocks are mapped on their own: the 8 MiB then stay with the process)."""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", _AFTER_A_BIG_FREE, "limit" if limit else "default"],
        capture_output=True, text=True, check=True, cwd=root,
    )  # fmt: skip
    given_back = int(out.stdout)
    assert (given_back > 6 << 20) is limit


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
