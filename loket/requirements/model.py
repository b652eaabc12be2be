"""``checklist.json``, typed: the :class:`Checklist` of one application, one :class:`Cell` per
requirement, and the officer's :class:`Confirmation` of a cell the checks left in review.

The engine builds the model, the review replaces cells in it, the writers and readers
(``checklist.pdf``, the return letter, the approval's start, ``loket status``) read it, so
that every side agrees on one shape instead of each indexing a dict its own way. The model is
frozen: a change (a verdict worked out again, a cell decided) is a new checklist, so a
caller's copy never changes under it.

``to_json`` gives exactly the dict the engine always wrote (same keys, same order, same
values): ``checklist.json`` stays byte-identical. ``from_json`` is lenient, because
hand-made files (the sample office, tests) leave out keys; keys it does not know are kept
and written back (a cell's after its own, the checklist's after ``requirements``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from loket.requirements.results import Status, Verdict, verdict_of

Evidence = Mapping[str, Any]


def _evidence(items: Any) -> tuple[Evidence, ...]:
    return tuple(dict(e) for e in items or ())


@dataclass(frozen=True)
class Finding:
    """What the checks had said of a cell before an officer decided it (its ``review``)."""

    reasons: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"reasons": list(self.reasons), "evidence": [dict(e) for e in self.evidence]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        return cls(tuple(data.get("reasons") or ()), _evidence(data.get("evidence")))


@dataclass(frozen=True)
class Confirmation:
    """An officer's decision on a cell in review: an entry of ``confirmations`` and the
    cell's ``confirmed``."""

    requirement: str
    decision: Status
    nip: str
    name: str
    capacity: str = "Front Office"
    acting: str | None = None
    note: str | None = None
    at: str = ""  # ISO 8601, seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "decision": str(self.decision),
            "nip": self.nip,
            "name": self.name,
            "capacity": self.capacity,
            "acting": self.acting,
            "note": self.note,
            "at": self.at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Confirmation:
        return cls(
            requirement=str(data["requirement"]),
            decision=Status(data["decision"]),
            nip=str(data.get("nip") or ""),
            name=str(data.get("name") or ""),
            capacity=str(data.get("capacity") or "Front Office"),
            acting=data.get("acting"),
            note=data.get("note"),
            at=str(data.get("at") or ""),
        )


@dataclass(frozen=True)
class Cell:
    """One requirement's line of the checklist: its status, the reasons (Bahasa Indonesia)
    and the evidence (file, page, text, and for a cell in review the ``box`` looked at);
    once an officer decided it, what the checks had said (``review``) and the decision."""

    id: str
    status: Status
    reasons: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    review: Finding | None = None
    confirmed: Confirmation | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def in_review(self) -> bool:
        return self.status == Status.REVIEW

    def to_json(self) -> dict[str, Any]:
        """The entry of ``requirements``, keys in the order the engine has always written."""
        item: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "reasons": list(self.reasons),
            "evidence": [dict(e) for e in self.evidence],
        }
        if self.review is not None:
            item["review"] = self.review.to_json()
        if self.confirmed is not None:
            item["confirmed"] = self.confirmed.to_json()
        return {**item, **self.extra}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cell:
        known = ("id", "status", "reasons", "evidence", "review", "confirmed")
        review, confirmed = data.get("review"), data.get("confirmed")
        return cls(
            id=str(data["id"]),
            status=Status(data["status"]),
            reasons=tuple(data.get("reasons") or ()),
            evidence=_evidence(data.get("evidence")),
            review=Finding.from_json(review) if review is not None else None,
            confirmed=Confirmation.from_json(confirmed) if confirmed is not None else None,
            extra={k: v for k, v in data.items() if k not in known},
        )


@dataclass(frozen=True)
class Checklist:
    """The checked application: ``checklist.json``.

    ``applicant`` holds the fields read (name, NIK, dates, STR number…, None when not
    read); ``confirmations`` the officer's decisions in the order made (the file has the
    key only once there is one)."""

    source: str
    service: str
    application_type: str
    verdict: Verdict
    applicant: Mapping[str, Any]
    requirements: tuple[Cell, ...]
    confirmations: tuple[Confirmation, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)

    # ---------------------------------------------------------------------------- reading
    def cell(self, requirement: str) -> Cell | None:
        """The cell of ``requirement`` (None: the rules have no such requirement)."""
        return next((c for c in self.requirements if c.id == requirement), None)

    def open_reviews(self) -> list[Cell]:
        """The cells still in review, in the order of the checklist."""
        return [c for c in self.requirements if c.in_review]

    def statuses(self) -> dict[str, Status]:
        """Requirement id -> status."""
        return {c.id: c.status for c in self.requirements}

    # --------------------------------------------------------------------------- changing
    def with_cells(self, cells: tuple[Cell, ...] | list[Cell]) -> Checklist:
        """A copy with these cells."""
        return replace(self, requirements=tuple(cells))

    def with_verdict(self, verdict: Verdict | None = None) -> Checklist:
        """A copy with ``verdict``; none given: the verdict of the cells' statuses (complete
        when every requirement is met or not required, incomplete on a decided defect,
        review when the only open cells are in review)."""
        if verdict is None:
            verdict = verdict_of([c.status for c in self.requirements])
        return replace(self, verdict=verdict)

    # ----------------------------------------------------------------------------- JSON
    def to_json(self) -> dict[str, Any]:
        """The ``checklist.json`` document, keys in the order the engine has always written."""
        data: dict[str, Any] = {
            "source": self.source,
            "service": self.service,
            "application_type": self.application_type,
            "verdict": self.verdict,
            "applicant": dict(self.applicant),
            "requirements": [c.to_json() for c in self.requirements],
            **self.extra,
        }
        if self.confirmations:
            data["confirmations"] = [c.to_json() for c in self.confirmations]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Checklist:
        """A ``checklist.json`` document (missing keys: empty, a new application)."""
        known = ("source", "service", "application_type", "verdict", "applicant")
        known += ("requirements", "confirmations")
        return cls(
            source=str(data.get("source") or ""),
            service=str(data.get("service") or ""),
            application_type=str(data.get("application_type") or ""),
            verdict=Verdict(data.get("verdict") or Verdict.REVIEW),
            applicant=dict(data.get("applicant") or {}),
            requirements=tuple(Cell.from_json(r) for r in data.get("requirements") or ()),
            confirmations=tuple(Confirmation.from_json(c) for c in data.get("confirmations") or ()),
            extra={k: v for k, v in data.items() if k not in known},
        )

    @classmethod
    def of(cls, checklist: Checklist | Mapping[str, Any]) -> Checklist:
        """``checklist`` as a model: callers that hold the file's dict (tests, re-checks)
        pass it."""
        return checklist if isinstance(checklist, Checklist) else cls.from_json(checklist)
