"""The state of one application's evaluation: the rules, its documents, the reference
identity (the KTP's name, NIK and birth date), whose documents they are, and the ink found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from loket.intake import PagesDocument
from loket.requirements.documents import Document, ImageFor
from loket.requirements.extract import Found
from loket.requirements.results import RequirementOutcome
from loket.requirements.rules import ServiceRules


@dataclass
class Context:
    rules: ServiceRules
    docs: dict[str, Document]
    image_for: ImageFor | None
    received: date
    ref_name: str | None = None
    ref_nik: Found | None = None
    ref_birth: date | None = None
    same_person: dict[str, RequirementOutcome] = field(default_factory=dict)
    ink: dict[tuple[str, int], Any] = field(default_factory=dict)  # page -> InkResult | None
    pages: PagesDocument | None = None  # every page, for a document not found (missing.py)
    #: rows the second OCR engine has read ("document.field"): once per evaluation, even when
    #: the reference document is read again (second_look.py)
    second_looked: set[str] = field(default_factory=set)
    #: (the card's NIK as read, what the second engine read on its row instead, not taken
    #: for it; second_look.py): a letter bearing the second is the officer's to compare
    #: while the card's reading is still the first
    nik_doubt: tuple[str, str] | None = None
