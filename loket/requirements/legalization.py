"""The ``legalized`` check: is a copy (ijazah, STR) legalised with a wet-ink stamp? The stamp's
words read by OCR, its coloured ink, or, on grey and black-and-white scans where colour is lost,
a stamp-like region that cannot be read (then the cell goes to the officer for review)."""

from __future__ import annotations

from loket.requirements.context import Context
from loket.requirements.documents import Document
from loket.requirements.results import RequirementOutcome, page_evidence
from loket.requirements.rules import LegalizedCheck
from loket.requirements.stamps import find_ink, find_phrases


def check_legalized(ctx: Context, doc: Document, chk: LegalizedCheck) -> RequirementOutcome:
    rule = chk.rule or ctx.rules.legalization
    assert rule is not None
    best: RequirementOutcome | None = None
    for p in doc.pages:
        texts = [t.text for t in doc.texts if t.file == p.file and t.page == p.page]
        hits = find_phrases("\n".join(texts), rule.phrases, rule.fuzzy)
        ink = None
        key = (p.file, p.page)
        if rule.decide != "text" and ctx.image_for is not None:
            if key not in ctx.ink:
                try:
                    ctx.ink[key] = find_ink(ctx.image_for(*key), rule.ink)
                except Exception:  # unreadable image: the wording alone decides
                    ctx.ink[key] = None
            ink = ctx.ink[key]
        text_fired, ink_fired = bool(hits), bool(ink and ink.found)
        passed = {
            "any": text_fired or ink_fired,
            "all": text_fired and ink_fired,
            "text": text_fired,
            "ink": ink_fired,
        }[rule.decide]
        evidence = [page_evidence(p, h.line) for h in hits[:2]]
        if ink_fired and ink is not None:
            evidence.append(page_evidence(p, f"[{ink.describe()}]"))
        fired = [
            s
            for s, on in (("tulisan cap legalisir", text_fired), ("tinta cap berwarna", ink_fired))
            if on
        ]
        if passed:
            return RequirementOutcome(
                True,
                evidence=evidence,
                notes=[f"Legalisir basah terdeteksi: {' dan '.join(fired)}."],
            )
        if best is None or len(evidence) > len(best.evidence):
            miss = []
            if not text_fired:
                miss.append("tulisan 'dilegalisir'/'sesuai dengan aslinya'")
            if not ink_fired:
                miss.append("cap tinta berwarna (biru/ungu)")
            best = RequirementOutcome(False, [], evidence, notes=miss)
    label = doc.doc_type
    for r in ctx.rules.requirements:
        if r.document == doc.doc_type:
            label = r.label.split(" yang ")[0].lower()
    miss = best.notes if best else []
    reason = chk.reason or (
        f"Tidak ditemukan legalisir basah pada {label} (tidak ada {' maupun '.join(miss)})."
    )
    return RequirementOutcome(False, [reason], best.evidence if best else [])
