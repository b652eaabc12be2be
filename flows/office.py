"""Everything an office serves: the deployments and the inbox watcher.

Run by ``loket serve`` as its runner process (``python -m flows.office``) against the Prefect
server that ``loket serve`` started (``PREFECT_API_URL``). :func:`office_deployments` collects
the deployments of every flow module (SLA monitor when ``flows.sla`` exists); the watcher
starts an ``intake`` run whenever the inbox holds something and no intake run is alive, in a
warm process started while the office was idle (:mod:`flows.warm`; through the ``intake``
deployment when that process is not ready).
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from multiprocessing.process import BaseProcess
from pathlib import Path

from prefect.deployments.runner import RunnerDeployment

from flows.warm import WarmIntake
from loket.common.settings import Settings
from loket.intake.inbox import scan
from loket.office import Office

INTAKE_DEPLOYMENT = "intake/intake"
log = logging.getLogger("loket.serve")


def intake_deployment() -> RunnerDeployment:
    from flows.intake import intake_run

    return intake_run.to_deployment(
        name="intake",
        description="Penerimaan berkas: inbox -> arsip, register, OCR -> outbox (dipicu watcher).",
        tags=["intake"],
    )


def office_deployments(
    names: tuple[str, ...] = ("sla", "guarantees", "reports", "approval", "evidence", "retention"),
) -> list[RunnerDeployment]:
    """Intake plus every ``flows.<name>.deployments()`` that exists."""
    deps = [intake_deployment()]
    for name in names:
        try:
            module = importlib.import_module(f"flows.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"flows.{name}":
                raise
            log.warning("flows.%s not found: its deployments are not served", name)
            continue
        deps += module.deployments()
    return deps


def _wait_events(inbox: Path, timeout: float, stop: threading.Event) -> bool:
    """Block until something changes under ``inbox`` (True) or ``timeout`` passes."""
    import watchfiles

    for _changes in watchfiles.watch(
        inbox, stop_event=stop, rust_timeout=int(timeout * 1000), yield_on_timeout=True
    ):
        return True
    return False


def _events_available(mode: str) -> bool:
    if mode == "poll":
        return False
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        if mode == "events":
            log.warning("watch = events but watchfiles is not installed: polling instead")
        return False
    return True


class InboxWatcher:
    """Starts intake runs: when the inbox changes, and again (with back-off) while it is not
    empty, so that submissions still being copied are taken once they are stable."""

    def __init__(self, settings: Settings, trigger: object = None) -> None:
        self.settings = settings
        self.stop = threading.Event()
        self.warm = WarmIntake() if trigger is None else None
        self.trigger = trigger or self._run_warm
        self.events = _events_available(settings.watch)
        self.runs = 0

    def _run_warm(self) -> object:
        """The intake run in the warm process (the deployment when it is not ready)."""
        assert self.warm is not None
        return self.warm.go() or self._run_deployment()

    def _run_deployment(self) -> object:
        from prefect.deployments import run_deployment

        return run_deployment(INTAKE_DEPLOYMENT, timeout=0, as_subflow=False)

    @staticmethod
    def _alive(run: object) -> bool:
        if isinstance(run, BaseProcess):
            return run.is_alive()
        from prefect import get_client

        with get_client(sync_client=True) as client:
            state = client.read_flow_run(run.id).state  # type: ignore[attr-defined]
        return state is not None and not state.is_final()

    def loop(self) -> None:
        inbox = self.settings.inbox_dir
        inbox.mkdir(parents=True, exist_ok=True)
        poll = max(0.5, self.settings.poll_seconds)
        last_run: object = None
        last_sig: object = None
        backoff, next_retry = poll, 0.0
        while not self.stop.is_set():
            try:
                if self.warm is not None and (last_run is None or not self._alive(last_run)):
                    self.warm.prepare()  # the next run's process, while nothing runs
                subs = scan(inbox)
                sig = tuple(s.signature for s in subs)
                if subs and (last_run is None or not self._alive(last_run)):
                    now = time.monotonic()
                    if sig != last_sig or now >= next_retry:
                        backoff = poll if sig != last_sig else min(backoff * 2, 300.0)
                        next_retry = now + max(backoff, self.settings.stable_seconds)
                        last_run, last_sig = self.trigger(), sig
                        self.runs += 1
                        log.info("intake run started for %d submission(s)", len(subs))
            except Exception:  # the watcher must outlive a failed look or trigger
                log.exception("inbox watcher")
            if self.events:
                try:
                    _wait_events(inbox, poll, self.stop)
                    continue
                except Exception:
                    log.exception("filesystem events unavailable: polling")
                    self.events = False
            self.stop.wait(poll)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.loop, name="inbox-watcher", daemon=True)
        thread.start()
        return thread


def main() -> None:  # pragma: no cover - exercised through `loket serve` in a subprocess
    from prefect import serve

    office = Office.from_environment()
    deps = office_deployments()
    for d in deps:
        d.apply()
    try:
        from flows.approval import reattach

        for line in reattach(office.desk()):
            log.warning("%s", line)
    except Exception:
        log.exception("re-attaching approval runs failed; they are re-attached daily")
    InboxWatcher(office.settings).start()
    print(f"READY {len(deps)} deployment(s): {', '.join(d.name for d in deps)}", flush=True)
    serve(*deps, print_starting_message=False, pause_on_shutdown=False)


if __name__ == "__main__":  # pragma: no cover
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    main()
