"""What the checks find: a requirement's status, one check's :class:`Outcome`, and the
evidence (file, page, line) a checklist cites."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OK, MISSING, INVALID, NOT_REQUIRED = "ok", "missing", "invalid", "not_required"
_RANK = {OK: 0, NOT_REQUIRED: 0, INVALID: 1, MISSING: 2}


@dataclass
class Outcome:
    """What one check found: passed or not, sentences and evidence."""

    passed: bool
    reasons: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said when passed (which signal fired…)


def page_evidence(p: dict[str, Any], text: str) -> dict[str, Any]:
    """Evidence on a page of ``pages.json``: its file, page number and ``text``."""
    return {"file": p["file"], "page": int(p["page"]), "text": text}


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
