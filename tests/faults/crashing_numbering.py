"""Number every application waiting at the numbering desk, with phase markers (see
test_numbering_crash.py): ``kill -9`` lands inside the numbering transaction or after it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from loket.approval import acts
from loket.approval import desk as approval
from loket.approval.refusal import ApprovalError, Refused
from loket.office import Office
from tests.identity.helpers import sign_in

MARKERS = Path(os.environ["LOKET_FAULT_MARKERS"])
TARGET = os.environ.get("LOKET_FAULT_PHASE", "")
PAUSE = float(os.environ.get("LOKET_FAULT_PAUSE", "0"))


def mark(phase: str) -> None:
    with MARKERS.open("a") as fh:
        fh.write(phase + "\n")
    if phase == TARGET and PAUSE:
        time.sleep(PAUSE)


_assign = acts.assign_number


def _assign_marked(session, chain, **kwargs):  # type: ignore[no-untyped-def]
    mark("numbering")
    permit = _assign(session, chain, **kwargs)
    mark("numbered-uncommitted")
    return permit


acts.assign_number = _assign_marked  # type: ignore[assignment]

if __name__ == "__main__":
    nip, reg_nos = sys.argv[1], sys.argv[2:]
    desk = Office.from_environment().desk(pdf=False)
    actor = sign_in(desk, nip)  # the numbering officer, authenticated
    for reg_no in reg_nos:
        try:
            acts.act(desk, reg_no, actor, approval.APPROVE)
        except (ApprovalError, Refused):
            continue  # numbered by an earlier (killed) run
        mark("committed")
