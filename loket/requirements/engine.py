"""Requirement rules: from classified pages (``pages.json``) to a cited checklist.

The service's requirement list, the fields to read, the checks and their thresholds are a
rules file in ``rules/`` (schema :class:`~loket.requirements.rules.ServiceRules`). This module
walks the requirements of the rules over an application's documents and gives each its
status, reasons and evidence, and the checklist its verdict; the check kinds are in
:mod:`loket.requirements.checks`.

Entry point: :func:`check_application`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from loket.intake import PagesDocument, letters
from loket.requirements.applicant import applicant_fields, return_address
from loket.requirements.application_type import application_type
from loket.requirements.checks import CHECKS, check_same_person
from loket.requirements.context import Context
from loket.requirements.documents import Document, ImageFor, extract_all, group_documents
from loket.requirements.missing import candidates, unrecognised_outcome
from loket.requirements.model import Cell, Checklist
from loket.requirements.quality import apply_quality, quality_row, validate_rows
from loket.requirements.reference import read_reference
from loket.requirements.reread import reread_document
from loket.requirements.rescue import rescue
from loket.requirements.results import (
    RequirementOutcome,
    Status,
    Verdict,
    dedupe_evidence,
    page_evidence,
)
from loket.requirements.rules import (
    CountRule,
    Requirement,
    SamePersonCheck,
    ServiceRules,
    load_service_rules,
)


# --------------------------------------------------------------------------------------------
# Reading the documents
# --------------------------------------------------------------------------------------------
def _read_documents(
    rules: ServiceRules, pages_doc: PagesDocument, image_for: ImageFor | None
) -> dict[str, Document]:
    """The application's documents with their fields read: a document the page sorting
    missed is rescued, and a document is read again as its rules say."""
    docs = group_documents(pages_doc)
    for name, spec in rules.documents.items():
        if name not in docs and spec.rescue is not None:
            rescue(docs, name, spec, image_for)
        doc = docs.get(name)
        if doc is None:
            continue
        extract_all(doc, spec)
        reread_document(doc, spec, image_for)
    return docs


def _same_person(ctx: Context, req: Requirement) -> None:
    doc = ctx.docs.get(req.document)
    for chk in req.checks:
        if isinstance(chk, SamePersonCheck) and doc is not None:
            ctx.same_person[req.document] = check_same_person(ctx, doc, chk)


def _run_checks(ctx: Context, req: Requirement, doc: Document) -> list[RequirementOutcome]:
    outcomes = []
    for chk in req.checks:
        if isinstance(chk, SamePersonCheck) and req.document in ctx.same_person:
            outcomes.append(ctx.same_person[req.document])
        else:
            outcomes.append(CHECKS[chk.check](ctx, doc, chk))
    return outcomes


#: Checks a second reading of the page text cannot help: the legalisation stamp is read from
#: its own turned crop (legalization.py), so a page in doubt about it is not OCR'd again.
NOT_FROM_TEXT = frozenset({"legalized"})


def _reread_in_doubt(ctx: Context) -> None:
    """A second reading of documents whose checks on their text fields fail or cannot
    decide (rules: reread.when = doubt)."""
    rules, docs = ctx.rules, ctx.docs
    for req in rules.requirements:
        doc, spec = docs.get(req.document), rules.documents.get(req.document)
        if doc is None or spec is None or spec.reread is None or spec.reread.when != "doubt":
            continue
        outcomes = zip(req.checks, _run_checks(ctx, req, doc), strict=True)
        if not doc.reread and any(
            not o.passed for chk, o in outcomes if chk.check not in NOT_FROM_TEXT
        ):
            reread_document(doc, spec, ctx.image_for, doubt=True)
            if req.document == rules.identity.reference:
                # the identity everything is compared with was read again: compare again
                read_reference(ctx)
                for other in rules.requirements:
                    _same_person(ctx, other)
            else:
                _same_person(ctx, req)


# --------------------------------------------------------------------------------------------
# One requirement
# --------------------------------------------------------------------------------------------
def _required(req: Requirement, kind: str) -> bool:
    return req.required == "always" or req.required == kind


def _count_outcome(count: CountRule, doc: Document) -> RequirementOutcome:
    """Enough photos (faces) or pages (rules: a requirement's ``count``)."""
    counted = [
        p for p in doc.pages if count.max_letters is None or letters(p.text) <= count.max_letters
    ]
    n = sum(p.faces for p in counted) if count.of == "faces" else len(counted)
    what = "pas foto" if count.of == "faces" else "halaman"
    ev = [page_evidence(p, f"[{p.faces} wajah terdeteksi]") for p in counted]
    if n < count.min:
        return RequirementOutcome(
            False, [f"Hanya {n} {what} ditemukan; diperlukan {count.min}."], ev
        )
    return RequirementOutcome(True, evidence=ev, notes=[f"{n} {what} ditemukan."])


def _rescued_outcome(req: Requirement, doc: Document) -> RequirementOutcome:
    """The note that a page sorted as something else was taken as this document."""
    p = doc.pages[0]
    return RequirementOutcome(
        True,
        evidence=[page_evidence(p, f"[{doc.rescued_from}]")],
        notes=[
            f"Halaman {p.file} hlm. {p.page} terpilah sebagai "
            f"'{doc.rescued_from}', dikenali sebagai {req.label} dari isinya."
        ],
    )


def _settle(cell: Cell, req: Requirement, outcomes: list[RequirementOutcome]) -> Cell:
    """The cell's status, reasons and evidence from the outcomes of its checks."""
    failed = [o for o in outcomes if not o.passed and not o.review]
    undecided = [o for o in outcomes if o.review]
    if failed or undecided:
        # a decided defect outweighs a doubt: the letter names what is wrong for sure
        shown = failed or undecided
        return replace(
            cell,
            status=Status.INVALID if failed else Status.REVIEW,
            reasons=tuple(r for o in shown for r in o.reasons),
            evidence=tuple(dedupe_evidence([e for o in shown for e in o.evidence]))
            or cell.evidence,
        )
    return replace(
        cell,
        reasons=tuple(n for o in outcomes for n in o.notes) or (f"{req.label} ada dalam berkas.",),
        evidence=tuple(dedupe_evidence([e for o in outcomes for e in o.evidence])) or cell.evidence,
    )


def _requirement_cell(ctx: Context, req: Requirement, kind: str, kind_ev: list[dict]) -> Cell:
    """The checklist cell of one requirement: its status, reasons and evidence."""
    doc = ctx.docs.get(req.document)
    cell = Cell(req.id, Status.OK)
    if not _required(req, kind):
        reason = (
            "Tidak diperlukan untuk permohonan baru."
            if kind == "new"
            else "Tidak diperlukan untuk permohonan perpanjangan."
        )
        shown = kind_ev if req.document == ctx.rules.application_type.document else []
        return Cell(req.id, Status.NOT_REQUIRED, (reason,), tuple(shown))
    if doc is None:
        maybe = (
            candidates(ctx.pages, req.document, req.label, ctx.rules.abstain) if ctx.pages else []
        )
        if maybe:
            return _settle(cell, req, [unrecognised_outcome(maybe, req.label)])
        return Cell(req.id, Status.MISSING, (f"{req.label} tidak ditemukan dalam berkas.",))
    cell = replace(
        cell, evidence=tuple(page_evidence(p, p.text.strip()[:120]) for p in doc.pages[:1])
    )
    outcomes: list[RequirementOutcome] = []
    if req.count is not None:
        outcomes.append(_count_outcome(req.count, doc))
    outcomes += _run_checks(ctx, req, doc)
    if doc.rescued_from:
        outcomes.insert(0, _rescued_outcome(req, doc))
    return _settle(cell, req, outcomes)


# --------------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------------
def evaluate(
    rules: ServiceRules,
    pages_doc: PagesDocument,
    image_for: ImageFor | None,
    received: date,
) -> tuple[Checklist, Context]:
    """The checklist without the data-quality gate (see :func:`check_application`)."""
    docs = _read_documents(rules, pages_doc, image_for)
    ctx = Context(rules, docs, image_for, received, pages=pages_doc)
    read_reference(ctx)
    # who each document is about, first: another person's document gives no applicant data
    for req in rules.requirements:
        _same_person(ctx, req)
    _reread_in_doubt(ctx)
    applicant = applicant_fields(ctx)
    kind, kind_ev = application_type(rules, docs)
    checklist = Checklist(
        source=pages_doc.source,
        service=rules.service,
        application_type=kind,
        verdict=Verdict.COMPLETE,
        applicant=applicant,
        requirements=tuple(
            _requirement_cell(ctx, req, kind, kind_ev) for req in rules.requirements
        ),
    )
    return checklist.with_verdict(), ctx


@dataclass
class Checked:
    """A checklist and what the writers need besides it."""

    checklist: Checklist
    rules: ServiceRules
    address: str | None
    quality_row: dict[str, Any]
    quality_failures: list[dict[str, Any]]
    #: where the check's time went: reading and deciding, the data-quality gate
    seconds: dict[str, float] = field(default_factory=dict)


def check_application_details(
    pages_doc: PagesDocument | dict[str, Any],
    image_for: ImageFor | None,
    rules_path: Path,
    received: date,
    *,
    quality: bool = True,
) -> Checked:
    """:func:`check_application` with the applicant's address and the quality row."""
    rules = load_service_rules(rules_path)
    pages = PagesDocument.of(pages_doc)
    started = time.perf_counter()
    checklist, ctx = evaluate(rules, pages, image_for, received)
    evaluated = time.perf_counter()
    row = quality_row(checklist, rules, received)
    row["registration_number"] = pages.registration_number or "-"
    failures: list[dict[str, Any]] = []
    if quality and rules.quality and rules.quality.expectations:
        failures = validate_rows([row], rules.quality).get(row["registration_number"], [])
        checklist = apply_quality(checklist, failures, ctx).with_verdict()
    seconds = {
        "evaluate": round(evaluated - started, 3),
        "quality": round(time.perf_counter() - evaluated, 3),
    }
    return Checked(checklist, rules, return_address(ctx), row, failures, seconds)


def check_application(
    pages_doc: PagesDocument | dict[str, Any],
    image_for: ImageFor | None,
    rules_path: Path,
    received: date,
    *,
    quality: bool = True,
) -> dict[str, Any]:
    """The checklist of one application as the ``checklist.json`` dict (for callers that
    compare it with files and expectations; :func:`check_application_details` gives the model).

    ``pages_doc`` is the intake's ``pages.json`` (the model, or the file's dict);
    ``image_for(file, page)`` gives a page image (for ink stamps and re-reading poorly read
    cards; None: text only); ``received`` is the
    day the application was handed in (STR validity is judged on it). With ``quality`` the
    great-expectations suite of the rules file runs over the applicant fields and its
    failures make the requirements concerned invalid.
    """
    return check_application_details(
        pages_doc, image_for, rules_path, received, quality=quality
    ).checklist.to_json()
