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


#: The statuses that make a checklist incomplete (the return letter lists them).
UNMET = (Status.MISSING, Status.INVALID)


class Verdict(StrEnum):
    """A checklist's verdict: complete (passed on to approval) or incomplete (returned). Not a
    page's sorting, which is :class:`loket.intake.classify.PageSort`."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


_RANK = {Status.OK: 0, Status.NOT_REQUIRED: 0, Status.INVALID: 1, Status.MISSING: 2}


@dataclass
class RequirementOutcome:
    """What one check found: passed or not, sentences and evidence."""

    passed: bool
    reasons: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said when passed (which signal fired…)


def page_evidence(p: PageReading, text: str) -> dict[str, Any]:
    """Evidence on a page of ``pages.json``: its file, page number and ``text``."""
    return {"file": p.file, "page": p.page, "text": text}


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
