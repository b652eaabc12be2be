"""The intake flow with phase markers, for the crash trials of ``test_crash.py``.

Runs ``flows.intake.intake_flow`` (a real flow run against ``PREFECT_API_URL``) after wrapping
the steps where a crash hurts most, so that the test can ``kill -9`` this process inside a
chosen phase: each wrapper appends ``<phase>`` to the file ``LOKET_FAULT_MARKERS`` and, when
it is the phase the test is waiting for, sleeps ``LOKET_FAULT_PAUSE`` seconds in the middle
of the step (the kill lands there). Nothing here changes what the steps do.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from loket.intake import archive, register
from loket.intake import steps as intake

MARKERS = Path(os.environ["LOKET_FAULT_MARKERS"])
TARGET = os.environ.get("LOKET_FAULT_PHASE", "")
PAUSE = float(os.environ.get("LOKET_FAULT_PAUSE", "0"))


def mark(phase: str) -> None:
    with MARKERS.open("a") as fh:
        fh.write(phase + "\n")
    if phase == TARGET and PAUSE:
        time.sleep(PAUSE)


_fsync = os.fsync


def _fsync_marked(fd: int) -> None:  # archive.store: after the copy, before the rename
    mark("archive-copy")
    _fsync(fd)


_register = register.register


def _register_marked(session, **kwargs):  # type: ignore[no-untyped-def]
    mark("before-register")  # archived and verified, nothing registered yet
    app = _register(session, **kwargs)
    mark("register-uncommitted")  # number taken inside the open transaction
    return app


_remove = intake._remove_from_inbox


def _remove_marked(sub, settings, shas):  # type: ignore[no-untyped-def]
    mark("registered")  # committed, inbox not yet cleared
    files = list(sub.files)
    if len(files) > 1 and files[0].relpath in shas:
        files[0].path.unlink(missing_ok=True)  # as _remove does: its archived copy verified
        mark("clearing-inbox")  # part of a folder removed
    _remove(sub, settings, shas)


_read_page = intake.read_page


def _read_page_marked(image, **kwargs):  # type: ignore[no-untyped-def]
    mark("ocr")
    return _read_page(image, **kwargs)


_write_json = intake.write_json


def _write_json_marked(path, data):  # type: ignore[no-untyped-def]
    mark("writing-outbox")
    _write_json(path, data)
    mark("outbox-written")  # pages.json there, status not yet processed


os.fsync = _fsync_marked  # type: ignore[assignment]
register.register = _register_marked  # type: ignore[assignment]
intake._remove_from_inbox = _remove_marked  # type: ignore[assignment]
intake.read_page = _read_page_marked  # type: ignore[assignment]
intake.write_json = _write_json_marked  # type: ignore[assignment]
assert archive.store  # imported so that its os.fsync is the wrapped one

if __name__ == "__main__":
    from flows.intake import intake_flow

    summary = intake_flow(lock_wait_seconds=30, check=False)  # intake robustness only
    mark("done")
    print(len(summary["processed"]), "processed")
