"""``pages.json``, typed: one :class:`PageReading` per page and the :class:`PagesDocument` that
holds them, the hand-off from intake to the requirement checks and the approval.

Intake writes the file from these models and the checks read it back into them, so both sides
agree on one shape instead of each indexing a dict its own way. ``to_json`` gives exactly the
dict intake always wrote (same keys, same order, same values): the file stays byte-identical.
``from_json`` is lenient, because hand-made files (tests, the sample office) leave out keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: The page type of a page the sorting did not recognise (see ``loket.intake.classify``).
UNSORTED = "other"


@dataclass(frozen=True)
class PageReading:
    """One page as intake read and sorted it: an entry of ``pages.json``'s ``pages``.

    A page that could not be read keeps its place with empty text and ``error``/``error_id``
    and the sentences an officer reads (``alasan`` in Bahasa Indonesia, ``reason``)."""

    file: str
    page: int
    doc_type: str = UNSORTED
    confidence: float = 0.0
    rotation: int = 0
    text_source: str = "ocr"  # ocr | text-layer
    text: str = ""
    document: int = 0  # the document number the page belongs to (0: blank or other)
    faces: int = 0
    ink: float = 0.0
    skew: float = 0.0
    matched: tuple[str, ...] = ()
    #: the best page types' scores (a few, highest first): how near the sorting came to the
    #: other types, so that a required document not found can be told from one not recognised
    scores: tuple[tuple[str, float], ...] = ()
    error: str | None = None
    error_id: str | None = None
    alasan: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, object]:
        """The ``pages.json`` entry, keys in the order intake has always written them."""
        entry: dict[str, object] = {
            "file": self.file,
            "page": self.page,
            "doc_type": self.doc_type,
            "confidence": self.confidence,
            "rotation": self.rotation,
            "text_source": self.text_source,
            "text": self.text,
            "document": self.document,
            "faces": self.faces,
            "ink": self.ink,
            "skew": self.skew,
            "matched": list(self.matched),
        }
        if self.scores:
            entry["scores"] = dict(self.scores)
        if self.error:
            entry["error"] = self.error
            entry["error_id"] = self.error_id
            entry["alasan"] = self.alasan
            entry["reason"] = self.reason
        return entry

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PageReading:
        """A page of ``pages.json``; a missing or empty value takes its default (an unsorted
        page, no text, no faces), as the checks have always read it."""
        return cls(
            file=str(data["file"]),
            page=int(data["page"]),
            doc_type=str(data.get("doc_type") or UNSORTED),
            confidence=data.get("confidence") or 0.0,
            rotation=int(data.get("rotation") or 0),
            text_source=str(data.get("text_source") or "ocr"),
            text=str(data.get("text") or ""),
            document=int(data.get("document") or 0),
            faces=int(data.get("faces") or 0),
            ink=data.get("ink") or 0.0,
            skew=data.get("skew") or 0.0,
            matched=tuple(data.get("matched") or ()),
            scores=tuple((str(k), float(v)) for k, v in (data.get("scores") or {}).items()),
            error=data.get("error"),
            error_id=data.get("error_id"),
            alasan=data.get("alasan"),
            reason=data.get("reason"),
        )

    def score(self, doc_type: str) -> float:
        """How near the page's text came to ``doc_type`` when it was sorted (0: not among
        the best few)."""
        return dict(self.scores).get(doc_type, 0.0)


@dataclass(frozen=True)
class PagesDocument:
    """The whole ``pages.json`` of one application: where it came from and its pages.

    ``extra`` keeps keys a stage adds after the pages (the scale-out worker's name), written
    after them as before."""

    source: str
    registration_number: str | None
    generated_at: str | None
    pages: tuple[PageReading, ...]
    extra: Mapping[str, object] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        """The ``pages.json`` document, keys in the order intake has always written them."""
        return {
            "source": self.source,
            "registration_number": self.registration_number,
            "generated_at": self.generated_at,
            "pages": [p.to_json() for p in self.pages],
            **self.extra,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PagesDocument:
        """A ``pages.json`` document (a missing source is empty, missing pages none)."""
        known = ("source", "registration_number", "generated_at", "pages")
        return cls(
            source=str(data.get("source") or ""),
            registration_number=data.get("registration_number"),
            generated_at=data.get("generated_at"),
            pages=tuple(PageReading.from_json(p) for p in data.get("pages") or ()),
            extra={k: v for k, v in data.items() if k not in known},
        )

    @classmethod
    def of(cls, doc: PagesDocument | Mapping[str, Any]) -> PagesDocument:
        """``doc`` as a model: callers that hold the file's dict (tests, re-checks) pass it."""
        return doc if isinstance(doc, PagesDocument) else cls.from_json(doc)
