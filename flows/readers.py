"""The page readers of an intake run, and the watchdog that keeps one hung page from
holding them.

Pages are read on a shared pool of threads, one per CPU (``ocr_workers``), each with its
own loaded tesseract. tesseract itself stops at the page's time limit
(:data:`loket.common.settings.PAGE_TIMEOUT`), but a decoder (PDFium, Pillow) cannot be interrupted
from Python. A page still being read :data:`HANG_FACTOR` times its time limit after it
started is therefore declared hung: it gets a page error with an id, its thread is left
behind (Python cannot end a thread) in a pool that takes no more work, and the pages not
started yet go to a fresh pool. The application and the run go on. A process that has left
a thread behind cannot exit normally (Python waits for every thread), so ``loket intake``
ends with ``os._exit`` when :func:`abandoned` says so.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from loket.common.errors import new_error_id
from loket.intake import steps as intake
from loket.intake.pages import PageRef

log = logging.getLogger("loket.flows.readers")

#: A page still being read this many times its tesseract time limit after it started hangs.
HANG_FACTOR = 3.0

_pool: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_abandoned = 0


def pool(workers: int) -> ThreadPoolExecutor:
    """The run's page readers (``workers`` threads)."""
    global _pool
    with _lock:
        if _pool is None or _pool._max_workers != workers:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ThreadPoolExecutor(workers, thread_name_prefix="page-reader")
        return _pool


def _replace(old: ThreadPoolExecutor, workers: int) -> ThreadPoolExecutor:
    """A fresh pool in place of ``old``, which keeps a hung thread and takes no more work."""
    global _pool, _abandoned
    with _lock:
        if _pool is old:
            old.shutdown(wait=False)
            _pool = None
            _abandoned += 1
    return pool(workers)


def abandoned() -> int:
    """How many hung page readers this process has left behind."""
    return _abandoned


def _hung(ref: PageRef, limit: float) -> intake.PageResult:
    error_id = new_error_id()
    log.error("%s page %d still being read after %.0f s: hung (%s)", ref.relpath, ref.page,
              limit, error_id)  # fmt: skip
    error = f"PageHang: still being read after {limit:.0f} s"
    return intake.PageResult(ref, None, False, error, error_id)


def read_all(
    refs: list[PageRef],
    read: Callable[[PageRef], intake.PageResult],
    workers: int,
    page_timeout: float,
    on_page: Callable[[], None] = lambda: None,
) -> list[intake.PageResult]:
    """``read`` every page on the readers, in page order; a page that hangs (see the
    module's docstring) gives a page error instead of holding the rest."""
    limit = page_timeout * HANG_FACTOR
    started: dict[int, float] = {}

    def one(i: int) -> intake.PageResult:
        started[i] = time.monotonic()
        try:
            return read(refs[i])
        finally:
            on_page()

    readers = pool(workers)
    futures: dict[int, Future[intake.PageResult]] = {
        i: readers.submit(one, i) for i in range(len(refs))
    }
    results: dict[int, intake.PageResult] = {}
    while len(results) < len(refs):
        waiting = [f for i, f in futures.items() if i not in results]
        wait(waiting, timeout=min(5.0, limit), return_when=FIRST_COMPLETED)
        now, hung = time.monotonic(), False
        for i, future in futures.items():
            if i in results:
                continue
            if future.done():
                results[i] = future.result()
            elif i in started and now - started[i] > limit:
                results[i], hung = _hung(refs[i], limit), True
                on_page()
        if hung:  # the pages not started yet go to a fresh pool
            readers = _replace(readers, workers)
            for i, future in list(futures.items()):
                if i not in results and i not in started and future.cancel():
                    futures[i] = readers.submit(one, i)
    return [results[i] for i in range(len(refs))]
