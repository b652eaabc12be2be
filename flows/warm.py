"""A warm intake process for ``loket serve``: started before it is needed, used once.

Started through the ``intake`` deployment, every run pays for a fresh Python process, its
imports (Prefect, OpenCV, the checks, great-expectations: 3-6 s on an office PC) and the
runner's polling before the first page is read: on one small application that is most of
what the officer waits for. Here the next intake process is started while the office is
idle; it imports everything, loads the OCR engines and waits on a pipe. When the watcher
sees a submission it tells that process to go: the intake flow runs at once (a real Prefect
flow run, on the same API as every other run) and the process exits when it is done, so each
run still has a process of its own (memory returns to the system, a decoder that crashes the
process takes only that run down: the next run finds its attempt and takes it alone, see
:mod:`loket.intake.faults`). Its successor is started as soon as it is gone.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import multiprocessing
import signal
import threading
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

log = logging.getLogger("loket.serve")

#: Seconds a warm process may take to get ready before the watcher falls back to starting
#: the run through the deployment.
READY_TIMEOUT = 120.0
#: Pauses before starting a warm process again after one died getting ready (seconds).
BACKOFF_START, BACKOFF_MAX = 5.0, 300.0
GO = "go"
READY = "ready"


def _prepare() -> None:
    """Everything a run needs that does not depend on the inbox: imports, OCR engines."""
    from flows.runtime import apply_prefect_defaults

    apply_prefect_defaults()
    import flows.intake  # noqa: F401  (Prefect, OpenCV, the checks)
    from loket.intake.tesseract import engine

    engine()  # decides the OCR engine (and loads it) now rather than on the first page


def _main(conn: Connection) -> None:
    """The warm process: prepare, say so, wait for the word, run one intake, exit.

    ``kill -USR1 <pid>`` writes where every thread of the process is to its stderr (the
    runner's log under ``loket serve``): what an engineer asks first of a run that hangs."""
    with contextlib.suppress(AttributeError, ValueError, OSError):  # no SIGUSR1, no stderr
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        _prepare()
        conn.send(READY)
        print("warm intake process ready", flush=True)  # runner.log: when to measure from
        if conn.recv() != GO:
            return
    except (EOFError, KeyboardInterrupt):
        return  # the office stopped before this process was needed
    from flows.intake import intake_flow

    intake_flow()


class WarmIntake:
    """The one waiting intake process, and the run it has become."""

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context("spawn")
        self._waiting: tuple[BaseProcess, Connection] | None = None
        self._lock = threading.Lock()
        self._not_before = 0.0  # after a process died getting ready: when to try again
        self._backoff = BACKOFF_START

    def prepare(self) -> None:
        """Start the next warm process unless one is waiting already; one that died getting
        ready (tesseract missing, a broken install) is tried again with growing pauses, not
        in a loop that keeps both cores busy."""
        with self._lock:
            if self._waiting is not None:
                if self._waiting[0].is_alive():
                    return
                self._died(self._waiting[0])
            if time.monotonic() < self._not_before:
                return
            parent, child = self._ctx.Pipe()
            proc = self._ctx.Process(target=_main, args=(child,), name="loket-intake", daemon=True)
            proc.start()
            child.close()
            self._waiting = (proc, parent)

    def _died(self, proc: BaseProcess) -> None:
        """A waiting process is gone before it was used: note it, pause before the next."""
        log.warning(
            "warm intake process ended before it was used (exit code %s); next try in %.0f s",
            proc.exitcode,
            self._backoff,
        )
        self._waiting = None
        self._not_before = time.monotonic() + self._backoff
        self._backoff = min(self._backoff * 2, BACKOFF_MAX)

    def _after(self, proc: BaseProcess) -> None:
        """When the run's process is gone, its successor starts warming up."""
        proc.join()
        self.prepare()

    def go(self) -> BaseProcess | None:
        """Hand the inbox to the waiting process; it runs one intake. None when no process
        became ready in time (the caller then starts the run another way)."""
        self.prepare()
        with self._lock:
            if self._waiting is None:  # pausing after failures: the deployment path
                return None
            proc, conn = self._waiting
            self._waiting = None
        try:
            ready = conn.poll(READY_TIMEOUT) and conn.recv() == READY
            if ready:
                conn.send(GO)
        except (EOFError, OSError):
            ready = False
        finally:
            conn.close()
        if not ready:
            log.warning("warm intake process not ready; starting the run through Prefect")
            proc.terminate()
            return None
        self._backoff = BACKOFF_START
        threading.Thread(target=self._after, args=(proc,), daemon=True).start()
        return proc

    def stop(self) -> None:
        """End the waiting process (the office is stopping)."""
        with self._lock:
            if self._waiting is not None:
                proc, conn = self._waiting
                conn.close()
                proc.terminate()
                self._waiting = None
