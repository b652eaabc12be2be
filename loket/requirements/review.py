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

from loket.requirements.results import UNMET, Status, Verdict, verdict_of

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
    acting: str | None = None  # "Plh." when acting for the role's holder


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
    if checklist.get("verdict") != Verdict.REVIEW:
        raise ReviewError(
            f"berkas berstatus {checklist.get('verdict')}, bukan 'perlu diperiksa petugas'; "
            "tidak ada sel yang menunggu keputusan petugas"
        )
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
        "acting": officer.acting,
        "note": note,
        "at": at.isoformat(timespec="seconds"),
    }
    item["review"] = {"reasons": item.get("reasons", []), "evidence": item.get("evidence", [])}
    item["status"] = status
    said = f"Diperiksa petugas ({officer.name}): {DECISION_ID[status]}."
    item["reasons"] = [note] if status == Status.INVALID else [said + (f" {note}" if note else "")]
    item["confirmed"] = record
    out.setdefault("confirmations", []).append(record)
    out["verdict"] = _verdict(out)
    return out


def _verdict(checklist: dict[str, Any]) -> Verdict:
    """The verdict while the officer works through the cells: a defect the checks decided
    returns the file at once, as at intake; one the officer found waits until the last
    cell is decided, so that the applicant gets one letter naming every defect."""
    items = checklist["requirements"]
    if any(r["status"] in UNMET and "confirmed" not in r for r in items):
        return Verdict.INCOMPLETE
    if open_reviews(checklist):
        return Verdict.REVIEW
    return verdict_of([r["status"] for r in items])


def carry_confirmations(checked: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    """``checked`` (a new reading of the same file) with the officer's earlier decisions
    applied again to the cells the checks still cannot decide: a re-check does not undo
    what an officer decided, nor lose it from the checklist. A cell the checks now decide
    keeps the checks' status; the confirmation stays in the list as what happened."""
    earlier = (before or {}).get("confirmations") or []
    if not earlier:
        return checked
    out = copy.deepcopy(checked)
    for record in earlier:
        item = next((r for r in out["requirements"] if r["id"] == record["requirement"]), None)
        if item is not None and item["status"] == Status.REVIEW:
            status = Status(record["decision"])
            item["review"] = {"reasons": item["reasons"], "evidence": item["evidence"]}
            item["status"] = status
            item["reasons"] = (
                [record["note"]]
                if status == Status.INVALID
                else [f"Diperiksa petugas ({record['name']}): {DECISION_ID[status]}."]
            )
            item["confirmed"] = record
    out["confirmations"] = list(earlier)
    out["verdict"] = _verdict(out)
    return out
