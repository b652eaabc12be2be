"""Missing, or only not recognised? A required document that the page sorting did not find.

"Tidak ada" is a decided defect: the return letter asks the applicant for the document. It is
only said when no page of the application could be that document. A page the intake could
not read at all, or a page whose text came near the document's type when it was sorted (its
kept score for that type at least ``unsorted_min_score`` and, when it was sorted as another
document, about as high as its score for that one: a KTP copy read poorly and taken for a
photo page, an old permit left unsorted) might be it: the
cell then goes to the officer (``review``) with those pages, instead of sending a complete
file back (rules: ``abstain``).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from loket.intake import UNSORTED, PageReading, PagesDocument
from loket.requirements.results import RequirementOutcome, page_evidence


class AbstainRule(BaseModel):
    """When a required document that was not found is sent to the officer instead of being
    reported missing (rules: ``abstain``)."""

    model_config = ConfigDict(extra="forbid")

    unsorted_min_score: float = Field(
        2.0,
        gt=0,
        description="a page whose sorting score for the missing document's type is at least "
        "this might be that document (the sorting threshold itself is in the classification "
        "rules)",
    )
    unreadable_pages: bool = Field(
        True, description="a page the intake could not read might be the missing document"
    )
    max_pages: int = Field(3, ge=1, description="pages named per cell")
    margin: float = Field(
        1.0,
        ge=0,
        description="a page sorted as another document counts only when its score for the "
        "missing type is within this of its best score (a letter that mentions a health "
        "certificate is still the letter)",
    )


@dataclass(frozen=True)
class Candidate:
    """A page that might be the missing document, and why."""

    page: PageReading
    why: str


def candidates(
    pages_doc: PagesDocument, doc_type: str, label: str, rule: AbstainRule
) -> list[Candidate]:
    """Pages of the application that might be the missing ``doc_type``, best first."""
    unreadable = [
        Candidate(p, f"halaman {p.file} hlm. {p.page} tidak dapat dibaca")
        for p in pages_doc.pages
        if p.error and rule.unreadable_pages
    ]
    near = sorted(
        (p for p in pages_doc.pages if not p.error and _near(p, doc_type, rule)),
        key=lambda p: -p.score(doc_type),
    )
    similar = [
        Candidate(
            p, f"halaman {p.file} hlm. {p.page} mirip {label} (terpilah sebagai {p.doc_type})"
        )
        for p in near
    ]
    return (unreadable + similar)[: rule.max_pages]


def _near(page: PageReading, doc_type: str, rule: AbstainRule) -> bool:
    """The page's text came near ``doc_type``: enough on its own, and, for a page sorted as
    another document, about as near as to that document."""
    score = page.score(doc_type)
    if score < rule.unsorted_min_score:
        return False
    if page.doc_type in (UNSORTED, "blank"):
        return True
    best = max((s for _, s in page.scores), default=0.0)
    return score >= best - rule.margin


def unrecognised_outcome(found: list[Candidate], label: str) -> RequirementOutcome:
    """The review outcome of a document not found while ``found`` pages might be it."""
    return RequirementOutcome.undecided(
        [
            f"{label} tidak dikenali dengan pasti: "
            + "; ".join(c.why for c in found)
            + ". Periksa apakah dokumen itu ada dalam berkas."
        ],
        [page_evidence(c.page, c.page.text.strip()[:120]) for c in found],
    )
