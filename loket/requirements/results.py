"""What the checks find: a requirement's :class:`Status`, a checklist's :class:`Verdict`, one
check's :class:`RequirementOutcome`, and the evidence (file, page, line) a checklist cites."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from loket.intake import PageReading


class Status(StrEnum):
    """A requirement's status in ``checklist.json``: a closed set, so a typo is an error, not a
    silently unmet requirement. A member is its string (equal to it, written as it in JSON)."""

    OK = "ok"
    MISSING = "missing"
    INVALID = "invalid"
    NOT_REQUIRED = "not_required"
    #: not decidable from the scan (a field unreadable, ink colour not visible, a reading
    #: below the confidence threshold): the front-office officer looks and confirms
    REVIEW = "review"


#: The statuses that make a checklist incomplete (the return letter lists them): decided
#: defects only. A cell in review is not a defect until an officer says so.
UNMET = (Status.MISSING, Status.INVALID)
#: The statuses of a requirement that needs nothing more.
MET = (Status.OK, Status.NOT_REQUIRED)


class Verdict(StrEnum):
    """A checklist's verdict: complete (passed on to approval), incomplete (a decided defect:
    returned) or review (no decided defect, but a cell an officer must confirm first). Not a
    page's sorting, which is :class:`loket.intake.classify.PageSort`."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    REVIEW = "review"


def verdict_of(statuses: list[Status] | list[str]) -> Verdict:
    """The verdict of a checklist whose requirements have these statuses: a decided defect
    returns the file; otherwise a cell in review holds it for the officer."""
    if any(s in UNMET for s in statuses):
        return Verdict.INCOMPLETE
    if any(s == Status.REVIEW for s in statuses):
        return Verdict.REVIEW
    return Verdict.COMPLETE


@dataclass
class RequirementOutcome:
    """What one check found: passed or not, sentences and evidence.

    A check that cannot decide from the scan says so with ``review`` (and ``passed`` False):
    its reasons say what could not be read, its evidence the page and, under ``box``, the
    region looked at as fractions of the page image ``[left, top, right, bottom]``, which the
    checklist shows cropped for the officer.
    """

    passed: bool
    reasons: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said when passed (which signal fired…)
    review: bool = False  # not decided: an officer must look

    @classmethod
    def undecided(
        cls, reasons: list[str], evidence: list[dict[str, Any]] | None = None
    ) -> RequirementOutcome:
        """An outcome the scan cannot decide: the cell goes to the officer."""
        return cls(False, reasons, evidence or [], review=True)


def page_evidence(
    p: PageReading, text: str, box: tuple[float, float, float, float] | None = None
) -> dict[str, Any]:
    """Evidence on a page of ``pages.json``: its file, page number and ``text``; ``box`` is
    the region looked at, as fractions of the page image (left, top, right, bottom)."""
    ev: dict[str, Any] = {"file": p.file, "page": p.page, "text": text}
    if box is not None:
        ev["box"] = [round(float(v), 4) for v in box]
    return ev


def dedupe_evidence(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evidence without repeats (same file, page and text), at most four items."""
    seen = set()
    out = []
    for e in evidence:
        k = (e.get("file"), e.get("page"), e.get("text"))
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out[:4]
