"""Cells in review and the officer's confirmation of each.

A requirement the scan cannot decide (a field not readable, the ink colour not visible on a
grey scan, a reading below the confidence threshold) has the status ``review``: the checks
abstain instead of guessing, and the front-office officer looks at the document and decides
it. :func:`confirm` records that decision in the checklist, keeping what the checks had said,
and gives the checklist its verdict again: a file goes on to the approval chain only when no
cell is left in review, and a return letter names only decided defects.

Pure functions over the ``checklist.json`` dict: the desk that authorises the officer, writes
the files and the control card is :mod:`loket.approval.review`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loket.requirements.results import Status, verdict_of

#: What an officer may decide of a cell in review.
DECISIONS: dict[str, Status] = {"ok": Status.OK, "invalid": Status.INVALID}
#: The decision in the officer's words (control card, checklist).
DECISION_ID: dict[Status, str] = {Status.OK: "memenuhi", Status.INVALID: "tidak memenuhi"}


class ReviewError(ValueError):
    """A confirmation that cannot be recorded; the message is meant for the officer."""


@dataclass(frozen=True)
class Officer:
    """Who confirms: the NIP and name from the officials' list, and the capacity."""

    nip: str
    name: str
    capacity: str = "Front Office"


def open_reviews(checklist: dict[str, Any]) -> list[dict[str, Any]]:
    """The requirement items still in review, in the order of the checklist."""
    return [r for r in checklist.get("requirements", []) if r.get("status") == Status.REVIEW]


def decision_status(decision: str) -> Status:
    """The status an officer's word (``ok`` | ``invalid``) gives a cell."""
    try:
        return DECISIONS[decision.strip().lower()]
    except KeyError:
        raise ReviewError(
            f"keputusan {decision!r} tidak dikenal: gunakan ok (memenuhi) atau invalid "
            "(tidak memenuhi)"
        ) from None


def confirm(
    checklist: dict[str, Any],
    requirement: str,
    decision: str,
    *,
    officer: Officer,
    note: str | None,
    at: datetime,
) -> dict[str, Any]:
    """A copy of ``checklist`` with the review cell ``requirement`` decided by ``officer``.

    ``invalid`` needs a ``note``: it is the reason the return letter gives the applicant.
    What the checks had said stays under the item's ``review`` key; the confirmation is
    appended to ``confirmations`` and the verdict is worked out again.
    """
    status = decision_status(decision)
    note = (note or "").strip() or None
    items = {r["id"]: r for r in checklist.get("requirements", [])}
    if requirement not in items:
        known = ", ".join(items) or "-"
        raise ReviewError(f"persyaratan {requirement!r} tidak ada di daftar periksa ({known})")
    if items[requirement]["status"] != Status.REVIEW:
        raise ReviewError(
            f"persyaratan {requirement} berstatus {items[requirement]['status']}, bukan "
            "'perlu diperiksa petugas'; hanya sel yang perlu diperiksa yang dikonfirmasi"
        )
    if status == Status.INVALID and note is None:
        raise ReviewError(
            "keputusan tidak memenuhi wajib disertai catatan (--note): catatan itu menjadi "
            "alasan dalam surat pengembalian"
        )
    out = copy.deepcopy(checklist)
    item = next(r for r in out["requirements"] if r["id"] == requirement)
    record = {
        "requirement": requirement,
        "decision": str(status),
        "nip": officer.nip,
        "name": officer.name,
        "capacity": officer.capacity,
        "note": note,
        "at": at.isoformat(timespec="seconds"),
    }
    item["review"] = {"reasons": item.get("reasons", []), "evidence": item.get("evidence", [])}
    item["status"] = status
    said = f"Diperiksa petugas ({officer.name}): {DECISION_ID[status]}."
    item["reasons"] = [note] if status == Status.INVALID else [said + (f" {note}" if note else "")]
    item["confirmed"] = record
    out.setdefault("confirmations", []).append(record)
    out["verdict"] = verdict_of([r["status"] for r in out["requirements"]])
    return out
