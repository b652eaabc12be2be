"""The documents of an application: its pages (``pages.json``) grouped by page type, each
with the fields its rules read from the page texts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image

from loket.intake import PageReading, PagesDocument
from loket.requirements.extract import DocumentText, Found, extract
from loket.requirements.rules import DocumentRule

#: ``image_for(file, page)``: the image of a page (for ink stamps and re-reading).
ImageFor = Callable[[str, int], Image.Image]


@dataclass
class Document:
    """The pages sorted as one page type, their texts and the fields read from them."""

    doc_type: str
    pages: list[PageReading]
    texts: list[DocumentText] = field(default_factory=list)
    found: dict[str, list[Found]] = field(default_factory=dict)
    reread: bool = False  # read again already
    rescued_from: str | None = None  # page type it had been sorted as (see RescueRule)

    @property
    def faces(self) -> int:
        return sum(p.faces for p in self.pages)

    def text(self) -> str:
        return "\n".join(t.text for t in self.texts)


def group_documents(pages_doc: PagesDocument) -> dict[str, Document]:
    """The pages of ``pages.json`` grouped by page type (unsorted pages: ``other``)."""
    docs: dict[str, Document] = {}
    for p in pages_doc.pages:
        d = docs.setdefault(p.doc_type, Document(p.doc_type, []))
        d.pages.append(p)
        d.texts.append(DocumentText(p.file, p.page, p.text, p.text_source))
    return docs


def extract_all(doc: Document, spec: DocumentRule) -> None:
    """Read every field of the document's rules from its page texts."""
    doc.found = {name: extract(fs, doc.texts) for name, fs in spec.fields.items()}
