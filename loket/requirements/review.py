"""Cells in review and the officer's confirmation of each.

A requirement the scan cannot decide (a field not readable, the ink colour not visible on a
grey scan, a reading below the confidence threshold) has the status ``review``: the checks
abstain instead of guessing, and the front-office officer looks at the document and decides
it. :func:`confirm` records that decision in the checklist, keeping what the checks had said,
and gives the checklist its verdict again: a file goes on to the approval chain only when no
cell is left in review, and a return letter names only decided defects.

Pure functions over the :class:`~loket.requirements.model.Checklist` (or the file's dict,
read into one): the desk that authorises the officer, writes
the files and the control card is :mod:`loket.approval.review`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from loket.requirements.model import Cell, Checklist, Confirmation, Finding
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


def open_reviews(checklist: Checklist | Mapping[str, Any]) -> list[Cell]:
    """The cells still in review, in the order of the checklist."""
    return Checklist.of(checklist).open_reviews()


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
    checklist: Checklist | Mapping[str, Any],
    requirement: str,
    decision: str,
    *,
    officer: Officer,
    note: str | None,
    at: datetime,
) -> Checklist:
    """``checklist`` with the review cell ``requirement`` decided by ``officer``.

    ``invalid`` needs a ``note``: it is the reason the return letter gives the applicant.
    What the checks had said stays in the cell's ``review``; the confirmation is appended to
    ``confirmations`` and the verdict is worked out again.
    """
    status = decision_status(decision)
    note = (note or "").strip() or None
    checklist = Checklist.of(checklist)
    if checklist.verdict != Verdict.REVIEW:
        raise ReviewError(
            f"berkas berstatus {checklist.verdict}, bukan 'perlu diperiksa petugas'; "
            "tidak ada sel yang menunggu keputusan petugas"
        )
    cell = checklist.cell(requirement)
    if cell is None:
        known = ", ".join(c.id for c in checklist.requirements) or "-"
        raise ReviewError(f"persyaratan {requirement!r} tidak ada di daftar periksa ({known})")
    if cell.status != Status.REVIEW:
        raise ReviewError(
            f"persyaratan {requirement} berstatus {cell.status}, bukan "
            "'perlu diperiksa petugas'; hanya sel yang perlu diperiksa yang dikonfirmasi"
        )
    if status == Status.INVALID and note is None:
        raise ReviewError(
            "keputusan tidak memenuhi wajib disertai catatan (--note): catatan itu menjadi "
            "alasan dalam surat pengembalian"
        )
    record = Confirmation(
        requirement=requirement,
        decision=status,
        nip=officer.nip,
        name=officer.name,
        capacity=officer.capacity,
        acting=officer.acting,
        note=note,
        at=at.isoformat(timespec="seconds"),
    )
    said = f"Diperiksa petugas ({officer.name}): {DECISION_ID[status]}."
    reasons = (note,) if status == Status.INVALID else (said + (f" {note}" if note else ""),)
    out = replace(
        checklist,
        requirements=tuple(
            _decided(c, record, reasons) if c.id == requirement else c
            for c in checklist.requirements
        ),
        confirmations=(*checklist.confirmations, record),
    )
    return out.with_verdict(_verdict(out))


def _decided(cell: Cell, record: Confirmation, reasons: tuple[str, ...]) -> Cell:
    """``cell`` decided as ``record`` says, what the checks had said kept in its ``review``."""
    return replace(
        cell,
        review=Finding(cell.reasons, cell.evidence),
        status=record.decision,
        reasons=reasons,
        confirmed=record,
    )


def _verdict(checklist: Checklist) -> Verdict:
    """The verdict while the officer works through the cells: a defect the checks decided
    returns the file at once, as at intake; one the officer found waits until the last
    cell is decided, so that the applicant gets one letter naming every defect."""
    cells = checklist.requirements
    if any(c.status in UNMET and c.confirmed is None for c in cells):
        return Verdict.INCOMPLETE
    if checklist.open_reviews():
        return Verdict.REVIEW
    return verdict_of([c.status for c in cells])


def carry_confirmations(
    checked: Checklist | Mapping[str, Any], before: Checklist | Mapping[str, Any] | None
) -> Checklist:
    """``checked`` (a new reading of the same file) with the officer's earlier decisions
    applied again to the cells the checks still cannot decide: a re-check does not undo
    what an officer decided, nor lose it from the checklist. A cell the checks now decide
    keeps the checks' status; the confirmation stays in the list as what happened.
    ``before``: the checklist written before (the file's dict or the model), None: none."""
    checked = Checklist.of(checked)
    earlier = Checklist.of(before).confirmations if before else ()
    if not earlier:
        return checked
    cells = {c.id: c for c in checked.requirements}
    for record in earlier:
        cell = cells.get(record.requirement)
        if cell is not None and cell.status == Status.REVIEW:
            reasons = (
                (record.note,)
                if record.decision == Status.INVALID
                else (f"Diperiksa petugas ({record.name}): {DECISION_ID[record.decision]}.",)
            )
            cells[cell.id] = _decided(cell, record, reasons)  # type: ignore[arg-type]
    out = replace(checked, requirements=tuple(cells.values()), confirmations=tuple(earlier))
    return out.with_verdict(_verdict(out))
