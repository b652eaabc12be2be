"""The applicant: the fields of the checklist's ``applicant`` (rules: ``applicant``), each
from the documents of the same person, and the address the return letter is sent to."""

from __future__ import annotations

from typing import Any

from loket.requirements import identity as ident
from loket.requirements.context import Context
from loket.requirements.extract import Found
from loket.requirements.values import as_text, values, vote, vote_key


def applicant_fields(ctx: Context) -> dict[str, Any]:
    """The applicant fields, each from the documents of the same person."""
    rules = ctx.rules
    titles = rules.identity.titles
    out: dict[str, Any] = {}
    evidence: dict[str, Found] = {}
    for key, spec in rules.applicant.items():
        cands: list[tuple[object, Found]] = []
        for path in spec.from_:
            doc_name, _, fld = path.partition(".")
            doc = ctx.docs.get(doc_name)
            if doc is None:
                continue
            sp = ctx.same_person.get(doc_name)
            if sp is not None and not sp.passed and not sp.review:
                continue  # another person's document says nothing about the applicant
            found = values(doc, fld)
            if fld.partition(".")[0] == rules.identity.name_field:
                found = [(ident.display_name(str(v), titles), f) for v, f in found]
                if ctx.ref_name:
                    found = [
                        (v, f) for v, f in found if ident.names_match(str(v), ctx.ref_name, titles)
                    ]
            if doc_name == rules.identity.reference and fld == rules.identity.nik_field:
                found = [(ctx.ref_nik.value, ctx.ref_nik)] if ctx.ref_nik else []
            cands += found
            if not spec.vote and cands:
                break
        picked = vote(cands) if spec.vote else (cands[0] if cands else None)
        if picked is None:
            out[key] = None
            continue
        value, f = picked
        if isinstance(value, str) and fld.partition(".")[0] == rules.identity.name_field:
            same = [str(v) for v, _ in cands if vote_key(v) == vote_key(value)]
            value = ident.best_variant(same) or value
        elif isinstance(value, str):
            # the most frequent spelling among the readings that agree (not ALL-CAPS)
            same = [str(v) for v, _ in cands if vote_key(v) == vote_key(value)]
            variant = ident.best_variant(same) or value
            # ALL-CAPS words (a card's place of birth) in title case; not a number with
            # letters in it ("QS12345678901234")
            words = variant.isupper() and len(variant) > 3 and not any(c.isdigit() for c in variant)
            value = variant.title() if words else variant
        out[key] = as_text(value)
        evidence[key] = f
    ctx.applicant_evidence = evidence  # type: ignore[attr-defined]
    return out


def return_address(ctx: Context) -> str | None:
    """The applicant's address for the return letter (rules: ``letter.address_from``): the
    first of those fields that reads, on a document of the same person."""
    for path in ctx.rules.letter.address_from:
        doc_name, _, fld = path.partition(".")
        sp = ctx.same_person.get(doc_name)
        if sp is not None and not sp.passed and not sp.review:
            continue  # another person's document (a name not read clearly is no proof)
        picked = vote(values(ctx.docs.get(doc_name), fld))
        if picked:
            return str(picked[0])
    return None
