"""The check kinds of the rules (``checks:`` of a requirement): same person, same NIK, valid
NIK, legalized, not expired, issuer, field present. Each takes the evaluation context, the
document and its check settings and says what it found as an :class:`RequirementOutcome`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from loket.common.saferegex import compile_rule
from loket.requirements import identity as ident
from loket.requirements.context import Context
from loket.requirements.documents import Document
from loket.requirements.extract import Found, normalize
from loket.requirements.legalization import check_legalized
from loket.requirements.results import RequirementOutcome
from loket.requirements.rules import (
    FieldPresentCheck,
    IssuerCheck,
    NikValidCheck,
    NotExpiredCheck,
    SameNikCheck,
    SamePersonCheck,
)
from loket.requirements.values import as_text, values, vote


def _ev(f: Found) -> dict[str, Any]:
    return f.evidence()


def _snippet_for(doc: Document, needle_norm: str) -> dict[str, Any] | None:
    """Evidence: the first line (or pair of lines) whose normalised text contains the needle."""
    for t in doc.texts:
        lines = [ln for ln in t.text.splitlines() if ln.strip()]
        for i, ln in enumerate(lines):
            for cand in (ln, " ".join(lines[i : i + 2])):
                if needle_norm and needle_norm in normalize(cand):
                    return {"file": t.file, "page": t.page, "text": cand.strip()}
    return None


def check_same_person(ctx: Context, doc: Document, chk: SamePersonCheck) -> RequirementOutcome:
    rule = ctx.rules.identity
    if not ctx.ref_name:
        return RequirementOutcome(
            True, notes=["Nama pembanding (KTP) tidak terbaca; nama tidak dicek."]
        )
    names = [(str(v), f) for v, f in values(doc, chk.field)]
    for v, f in names:
        if ident.names_match(v, ctx.ref_name, rule.titles, rule.name_similarity):
            return RequirementOutcome(
                True, evidence=[_ev(f)], notes=[f"Nama sesuai KTP ({ctx.ref_name})."]
            )
    # the name fields did not read well (or hold someone else, e.g. a director): the
    # applicant's name anywhere in the text; exact word count when other names were read
    strict = any(len(ident.name_tokens(v, rule.titles)) >= 2 for v, _ in names)
    for t in doc.texts:
        hit = ident.find_name(
            ctx.ref_name, t.text, rule.titles, rule.name_similarity, exact_length=strict
        )
        if hit is not None:
            ev = _snippet_for(doc, " ".join(hit.tokens)) or {
                "file": t.file,
                "page": t.page,
                "text": " ".join(hit.tokens),
            }
            return RequirementOutcome(
                True, evidence=[ev], notes=[f"Nama sesuai KTP ({ctx.ref_name})."]
            )
    shown = ident.display_name(names[0][0], rule.titles) if names else None
    reason = chk.reason or (
        f"Nama pada dokumen ({shown}) berbeda dengan nama pada KTP ({ctx.ref_name}); "
        "dokumen ini milik orang lain."
        if shown
        else f"Nama pemohon ({ctx.ref_name}) tidak ditemukan pada dokumen ini."
    )
    return RequirementOutcome(False, [reason], [_ev(f) for _, f in names[:2]])


def check_same_nik(ctx: Context, doc: Document, chk: SameNikCheck) -> RequirementOutcome:
    got = [(ident.nik_clean(str(v)), f) for v, f in values(doc, chk.field)]
    if ctx.ref_nik is None:
        return RequirementOutcome(
            True, notes=["NIK pada KTP tidak terbaca; NIK tidak dibandingkan."]
        )
    ref = ident.nik_clean(str(ctx.ref_nik.value))
    for v, f in got:
        if v == ref:
            return RequirementOutcome(
                True, evidence=[_ev(f), _ev(ctx.ref_nik)], notes=["NIK sesuai KTP."]
            )
    if not got:
        passed = chk.unreadable == "ok"
        msg = "NIK pemohon tidak ditemukan atau tidak terbaca pada dokumen ini."
        return RequirementOutcome(
            passed, [] if passed else [chk.reason or msg], notes=[msg] if passed else []
        )
    v, f = got[0]
    reason = chk.reason or f"NIK pada dokumen ({v}) tidak sama dengan NIK pada KTP ({ref})."
    return RequirementOutcome(False, [reason], [_ev(f), _ev(ctx.ref_nik)])


def check_nik_valid(ctx: Context, doc: Document, chk: NikValidCheck) -> RequirementOutcome:
    rule = ctx.rules.identity
    if ctx.ref_nik is None:
        return RequirementOutcome(False, [chk.reason or "NIK pada KTP tidak terbaca."])
    problems = ident.nik_problems(str(ctx.ref_nik.value), ctx.ref_birth, rule.nik.rule())
    if problems:
        return RequirementOutcome(False, [chk.reason or p for p in problems], [_ev(ctx.ref_nik)])
    return RequirementOutcome(
        True, evidence=[_ev(ctx.ref_nik)], notes=["NIK sah dan sesuai tanggal lahir."]
    )


def check_not_expired(ctx: Context, doc: Document, chk: NotExpiredCheck) -> RequirementOutcome:
    cands = values(doc, chk.field)
    if not cands:
        passed = chk.unreadable == "ok"
        msg = "Masa berlaku tidak ditemukan atau tidak terbaca."
        return RequirementOutcome(passed, [] if passed else [chk.reason or msg])
    lifetime = [f for v, f in cands if v == "lifetime"]
    if lifetime:
        return RequirementOutcome(
            True, evidence=[_ev(lifetime[0])], notes=["Berlaku seumur hidup."]
        )
    picked = vote(cands)
    assert picked is not None
    until, f = picked
    assert isinstance(until, date)
    if until < ctx.received:
        reason = chk.reason or (
            f"Sudah tidak berlaku: masa berlaku berakhir {until:%d-%m-%Y}, sebelum tanggal "
            f"permohonan diterima ({ctx.received:%d-%m-%Y})."
        )
        return RequirementOutcome(False, [reason], [_ev(f)])
    return RequirementOutcome(True, evidence=[_ev(f)], notes=[f"Berlaku sampai {until:%d-%m-%Y}."])


def _phrase_in(phrase: str, norm_text: str, fuzzy: int) -> bool:
    target = normalize(phrase)
    if not target:
        return False
    if re.search(rf"\b{re.escape(target)}\b", norm_text):
        return True
    return len(target) >= 8 and fuzz.partial_ratio(target, norm_text, score_cutoff=fuzzy) > 0


def check_issuer(ctx: Context, doc: Document, chk: IssuerCheck) -> RequirementOutcome:
    norm = normalize(doc.text())
    for phrase in chk.forbid_any:
        if _phrase_in(phrase, norm, chk.fuzzy):
            ev = _snippet_for(doc, normalize(phrase).split(" ")[0])
            detail = f"; tertulis '{phrase}'"
            return RequirementOutcome(False, [_fill(chk.reason, detail)], [ev] if ev else [])
    for rx in chk.forbid_regex:
        m = compile_rule(rx).search(norm)
        if m:
            ev = _snippet_for(doc, m.group(0))
            detail = f"; tertulis '{ev['text'] if ev else m.group(0)}'"
            return RequirementOutcome(False, [_fill(chk.reason, detail)], [ev] if ev else [])
    for phrase in chk.require_any:
        if _phrase_in(phrase, norm, chk.fuzzy):
            ev = _snippet_for(doc, normalize(phrase).split(" ")[0]) or _snippet_for(
                doc, normalize(phrase)
            )
            return RequirementOutcome(
                True, evidence=[ev] if ev else [], notes=[f"Diterbitkan oleh {phrase}."]
            )
    for rx in chk.require_regex:
        m = compile_rule(rx).search(norm)
        if m:
            ev = _snippet_for(doc, m.group(0))
            return RequirementOutcome(
                True, evidence=[ev] if ev else [], notes=[f"Memuat '{m.group(0)}'."]
            )
    return RequirementOutcome(False, [_fill(chk.reason, "")])


def _fill(reason: str | None, detail: str) -> str:
    text = reason or "Penerbit dokumen tidak sesuai ketentuan{detail}."
    return " ".join(text.replace("{detail}", detail).split())


def check_field_present(ctx: Context, doc: Document, chk: FieldPresentCheck) -> RequirementOutcome:
    cands = values(doc, chk.field)
    if cands:
        v, f = cands[0]
        return RequirementOutcome(True, evidence=[_ev(f)], notes=[f"Tercantum: {as_text(v)}."])
    return RequirementOutcome(False, [chk.reason or f"Keterangan '{chk.field}' tidak tercantum."])


#: The check of each kind, by the ``check:`` key of the rules.
CHECKS: dict[str, Callable[[Context, Document, Any], RequirementOutcome]] = {
    "same_person": check_same_person,
    "same_nik": check_same_nik,
    "nik_valid": check_nik_valid,
    "legalized": check_legalized,
    "not_expired": check_not_expired,
    "issuer": check_issuer,
    "field_present": check_field_present,
}
