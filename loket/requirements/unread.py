"""Evidence for a cell in review because a field did not read: the page, and the band of
the page where its label stands (so the officer's crop shows where to look)."""

from __future__ import annotations

from typing import Any

from loket.requirements.context import Context
from loket.requirements.documents import Document
from loket.requirements.extract import matches
from loket.requirements.results import page_evidence


def unread_evidence(ctx: Context, doc: Document, field: str, what: str) -> list[dict[str, Any]]:
    """Where ``field`` (``name`` or ``name.sub``) of the document should have been read: the
    lines its label or patterns match, with their band of the page as ``box``; without a
    match, the document's first page (no box: the whole page is to be looked at)."""
    spec = ctx.rules.documents.get(doc.doc_type)
    fspec = spec.fields.get(field.partition(".")[0]) if spec else None
    by_page = {(p.file, p.page): p for p in doc.pages}
    out: list[dict[str, Any]] = []
    for hit in matches(fspec, doc.texts) if fspec else []:
        page = by_page.get((hit.page.file, hit.page.page))
        if page is not None:
            out.append(page_evidence(page, hit.line() or f"[{what}]", box=hit.box()))
        if len(out) >= 2:
            break
    if not out and doc.pages:
        out.append(page_evidence(doc.pages[0], f"[{what} tidak terbaca]"))
    return out


def head_evidence(doc: Document, what: str) -> list[dict[str, Any]]:
    """The top of the document's first page, where a letterhead names the issuer."""
    if not doc.pages:
        return []
    return [page_evidence(doc.pages[0], f"[{what}]", box=(0.0, 0.0, 1.0, 0.3))]
