"""The check kinds of the rules (``checks:`` of a requirement): same person, same NIK, valid
NIK, legalized, not expired, issuer, field present, photos. Each takes the evaluation context, the
document and its check settings and says what it found as an :class:`RequirementOutcome`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from loket.common.saferegex import compile_rule
from loket.intake import PageReading, face_strength, letters, photo_regions
from loket.requirements import identity as ident
from loket.requirements import issuers
from loket.requirements.context import Context
from loket.requirements.documents import Document
from loket.requirements.extract import Found, matches, normalize
from loket.requirements.legalization import check_legalized
from loket.requirements.nik import adjacent_swap
from loket.requirements.numbers import nik_candidates
from loket.requirements.reference import card_nik_confirmed, nik_elsewhere
from loket.requirements.results import RequirementOutcome, page_evidence
from loket.requirements.rules import (
    FieldPresentCheck,
    IssuerCheck,
    NikValidCheck,
    NotExpiredCheck,
    PhotosCheck,
    SameNikCheck,
    SamePersonCheck,
)
from loket.requirements.unread import head_evidence, unread_evidence
from loket.requirements.values import as_text, values, vote

Box = tuple[float, float, float, float]


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
        # no name read on the card nor agreed by the documents: nothing to compare against,
        # so whose document it is stays the officer's question, never ``ok``
        return RequirementOutcome.undecided(
            ["Nama pembanding (KTP) tidak terbaca; periksa apakah dokumen ini atas nama pemohon."]
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
    clear = [(v, f) for v, f in names if ident.clear_name(v, rule.titles)]
    if chk.unreadable == "review" and not clear:
        # no name read, or only scraps: whose document it is, the officer sees
        return RequirementOutcome.undecided(
            [
                f"Nama pada dokumen tidak terbaca dengan jelas; periksa apakah dokumen ini "
                f"atas nama pemohon ({ctx.ref_name})."
            ],
            unread_evidence(ctx, doc, chk.field, "nama"),
        )
    shown = ident.display_name((clear or names)[0][0], rule.titles) if names else None
    reason = chk.reason or (
        f"Nama pada dokumen ({shown}) berbeda dengan nama pada KTP ({ctx.ref_name}); "
        "dokumen ini milik orang lain."
        if shown
        else f"Nama pemohon ({ctx.ref_name}) tidak ditemukan pada dokumen ini."
    )
    return RequirementOutcome(False, [reason], [_ev(f) for _, f in (clear or names)[:2]])


def _nothing_to_compare(ctx: Context) -> RequirementOutcome:
    """same_nik without a card NIK: the officer's (see :func:`check_same_nik`)."""
    if ctx.rules.identity.reference not in ctx.docs:
        return RequirementOutcome.undecided(
            ["KTP tidak ditemukan; NIK pada dokumen ini tidak dapat dibandingkan."]
        )
    return RequirementOutcome.undecided(
        ["NIK pada KTP tidak terbaca; bandingkan NIK pada dokumen ini dengan KTP."]
    )


def check_same_nik(ctx: Context, doc: Document, chk: SameNikCheck) -> RequirementOutcome:
    """The NIK on the document is the card's. A reading differing from it is a defect when
    it is a NIK (its structure holds) or the card's with two neighbouring digits swapped (a
    typing slip); a NIK that reads as no NIK at all is not compared: the officer looks.
    With no card NIK to compare against (no card found, or its NIK unread) the cell is the
    officer's, never ``ok``: a mistyped NIK would otherwise be waved through, as the
    officer confirming the card's own cell compares nothing with this document."""
    if ctx.ref_nik is None:
        return _nothing_to_compare(ctx)
    ref = ident.nik_clean(str(ctx.ref_nik.value))
    got = [(ident.nik_clean(str(v)), f) for v, f in values(doc, chk.field)]
    spec = ctx.rules.documents.get(doc.doc_type)
    fspec = spec.fields.get(chk.field) if spec else None
    raw = [
        (c, hit)
        for hit in (matches(fspec, doc.texts) if fspec else [])
        for c in nik_candidates(hit.raw)
    ]
    same = [f for v, f in got if v == ref] or [
        Found(c, hit.raw, hit.page.file, hit.page.page, hit.line()) for c, hit in raw if c == ref
    ]
    if same:
        return RequirementOutcome(
            True, evidence=[_ev(same[0]), _ev(ctx.ref_nik)], notes=["NIK sesuai KTP."]
        )
    if (doubt := _card_read_otherwise(ctx, got, ref)) is not None:
        return doubt
    slips = [(c, hit) for c, hit in raw if adjacent_swap(ref, c)]
    if (
        not slips
        and got
        and nik_elsewhere(ctx, doc.doc_type, got[0][0])
        and not card_nik_confirmed(ctx)
    ):
        # another document reads the same NIK and the card's was read once, repaired: the
        # card's reading is as likely misread as the letters are mistyped
        return RequirementOutcome.undecided(
            [
                f"NIK pada surat ({got[0][0]}) sama dengan NIK pada dokumen lain, tetapi "
                f"berbeda dengan NIK yang terbaca pada KTP ({ref}); periksa NIK pada KTP."
            ],
            [_ev(got[0][1]), _ev(ctx.ref_nik)],
        )
    differing = [
        (c, {"file": hit.page.file, "page": hit.page.page, "text": hit.line()}) for c, hit in slips
    ] + [(v, f.evidence()) for v, f in got]
    if differing:  # a slip first: it is what the letter says, whatever else OCR made of it
        v, where = differing[0]
        reason = chk.reason or f"NIK pada dokumen ({v}) tidak sama dengan NIK pada KTP ({ref})."
        return RequirementOutcome(False, [reason], [where, _ev(ctx.ref_nik)])
    msg = "NIK pemohon tidak ditemukan atau tidak terbaca pada dokumen ini."
    if chk.unreadable == "review":
        return RequirementOutcome.undecided(
            [f"NIK pada surat tidak terbaca dengan pasti; bandingkan dengan NIK pada KTP ({ref})."],
            [*unread_evidence(ctx, doc, chk.field, "NIK"), _ev(ctx.ref_nik)],
        )
    passed = chk.unreadable == "ok"
    return RequirementOutcome(
        passed, [] if passed else [chk.reason or msg], notes=[msg] if passed else []
    )


def _card_read_otherwise(
    ctx: Context, got: list[tuple[str, Found]], ref: str
) -> RequirementOutcome | None:
    """The officer's, when the letter's NIK is what the second engine read on the card's NIK
    row (and the card's first reading is not): which reading is the card's, only the card
    itself tells (see :func:`loket.requirements.second_look.second_look`)."""
    card, second = ctx.nik_doubt or ("", "")
    doubt = [f for v, f in got if card == ref and v == second]
    if not doubt or ctx.ref_nik is None:
        return None
    return RequirementOutcome.undecided(
        [
            f"NIK pada surat ({second}) berbeda dengan NIK yang terbaca pada KTP ({ref}), "
            f"tetapi pembacaan kedua baris NIK pada KTP menunjukkan {second}; periksa NIK "
            "pada KTP."
        ],
        [_ev(doubt[0]), _ev(ctx.ref_nik)],
    )


def check_nik_valid(ctx: Context, doc: Document, chk: NikValidCheck) -> RequirementOutcome:
    rule = ctx.rules.identity
    if ctx.ref_nik is None:
        if chk.unreadable == "review":
            return RequirementOutcome.undecided(
                ["NIK pada KTP tidak terbaca sebagai NIK yang sah; periksa NIK pada KTP."],
                unread_evidence(ctx, doc, rule.nik_field, "NIK"),
            )
        return RequirementOutcome(False, [chk.reason or "NIK pada KTP tidak terbaca."])
    problems = ident.nik_problems(str(ctx.ref_nik.value), ctx.ref_birth, rule.nik.rule())
    if problems and chk.mismatch == "review":
        return RequirementOutcome.undecided(
            [*problems, "Periksa NIK dan tanggal lahir pada KTP."], [_ev(ctx.ref_nik)]
        )
    if problems:
        return RequirementOutcome(False, [chk.reason or p for p in problems], [_ev(ctx.ref_nik)])
    return RequirementOutcome(
        True, evidence=[_ev(ctx.ref_nik)], notes=["NIK sah dan sesuai tanggal lahir."]
    )


def check_not_expired(ctx: Context, doc: Document, chk: NotExpiredCheck) -> RequirementOutcome:
    cands = values(doc, chk.field)
    if not cands:
        msg = "Masa berlaku tidak ditemukan atau tidak terbaca."
        if chk.unreadable == "review":
            return RequirementOutcome.undecided(
                [f"{msg} Periksa tanggal berlaku (atau 'seumur hidup') pada dokumen."],
                unread_evidence(ctx, doc, chk.field, "masa berlaku"),
            )
        passed = chk.unreadable == "ok"
        return RequirementOutcome(passed, [] if passed else [chk.reason or msg])
    lifetime = [f for v, f in cands if v == "lifetime"]
    dated = [(v, f) for v, f in cands if isinstance(v, date)]
    if lifetime and not dated:  # an end date printed as well is the one to judge
        return RequirementOutcome(
            True, evidence=[_ev(lifetime[0])], notes=["Berlaku seumur hidup."]
        )
    picked = vote(dated)
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


def _forbidden(doc: Document, chk: IssuerCheck, text: str) -> RequirementOutcome | None:
    """A forbidden body named in the text (fuzzily, OCR confusions folded), a forbidden
    regex, or another place than the expected one after the issuing body: a defect."""
    folded = issuers.fold(text)
    for phrase in chk.forbid_any:
        if issuers.matches_body(phrase, folded, chk.fuzzy):
            ev = _snippet_for(doc, normalize(phrase).split(" ")[0])
            detail = f"; tertulis '{phrase}'"
            return RequirementOutcome(False, [_fill(chk.reason, detail)], [ev] if ev else [])
    pages = [normalize(t.text) for t in doc.texts]
    for rx in chk.forbid_regex:
        hits = [m for p in pages for m in compile_rule(rx).finditer(p) if not _under(chk, p, m)]
        if hits:
            m = hits[0]
            ev = _snippet_for(doc, m.group(0))
            detail = f"; tertulis '{ev['text'] if ev else m.group(0)}'"
            return RequirementOutcome(False, [_fill(chk.reason, detail)], [ev] if ev else [])
    if chk.places is not None:
        pl = chk.places
        found = issuers.judge_places(pl.pattern, pl.expect, folded, pl.same, pl.other)
        # the first place named decides: the letterhead, not a copy to another office
        for place in [p for p in found if p.kind != "unsure"][:1]:
            if place.kind == "other":
                ev = _snippet_for(doc, place.written.split(" ")[-1]) or _snippet_for(
                    doc, place.written.split(" ")[0]
                )
                detail = f"; tertulis '{ev['text'] if ev else place.written}'"
                return RequirementOutcome(False, [_fill(chk.reason, detail)], [ev] if ev else [])
    return None


#: A forbidden pattern's hit this short, one word, is an acronym ("idi", "ppni").
ACRONYM_MAX = 7


def _under(chk: IssuerCheck, page: str, hit: Any) -> bool:
    """Whether a forbidden acronym's hit stands below a required body named on the same
    page (its regex, or one of its names as written): the letterhead names the issuer
    first, and three letters further down ("idi" of a signatory's name read apart) do not
    outweigh it. A forbidden body named in full, by ``forbid_any`` or by a pattern longer
    than an acronym, decides anywhere."""
    word = hit.group(0)
    if len(word) > ACRONYM_MAX or " " in word:
        return False
    before = page[: hit.start()]
    return any(compile_rule(rx).search(before) for rx in chk.require_regex) or any(
        normalize(phrase) in before for phrase in chk.require_any
    )


def _place_in_doubt(pl: Any, folded: str) -> bool:
    """The first place named after the issuing body is neither clearly the expected one nor
    clearly another ("Pekalongan" for "Pekanbaru"): only the officer can say."""
    found = issuers.judge_places(pl.pattern, pl.expect, folded, pl.same, pl.other)
    return bool(found) and found[0].kind == "unsure"


def _required(doc: Document, chk: IssuerCheck, text: str) -> RequirementOutcome | None:
    """A required body named in the text (fuzzily, OCR confusions folded), a required
    regex (on the text as read or folded), or the expected place after the issuing body."""
    norm, folded = normalize(text), issuers.fold(text)
    if chk.places is not None and _place_in_doubt(chk.places, folded):
        return None  # a place that reads like the expected one but may be another: a doubt
    for phrase in chk.require_any:
        if issuers.matches_body(phrase, folded, chk.fuzzy):
            ev = _snippet_for(doc, normalize(phrase).split(" ")[0]) or _snippet_for(
                doc, normalize(phrase)
            )
            return RequirementOutcome(
                True, evidence=[ev] if ev else [], notes=[f"Diterbitkan oleh {phrase}."]
            )
    for rx in chk.require_regex:
        m = compile_rule(rx).search(norm) or compile_rule(rx).search(folded)
        if m:
            ev = _snippet_for(doc, m.group(0))
            return RequirementOutcome(
                True, evidence=[ev] if ev else [], notes=[f"Memuat '{m.group(0)}'."]
            )
    if chk.places is not None:
        pl = chk.places
        for place in issuers.judge_places(pl.pattern, pl.expect, folded, pl.same, pl.other):
            if place.kind == "same":
                ev = _snippet_for(doc, place.written.split(" ")[0])
                return RequirementOutcome(
                    True, evidence=[ev] if ev else [], notes=[f"Diterbitkan oleh {pl.expect[0]}."]
                )
    return None


def check_issuer(ctx: Context, doc: Document, chk: IssuerCheck) -> RequirementOutcome:
    """Forbidden body first (a defect), then a required one; neither found is a defect on a
    text that reads well with nothing close to a required body, else a doubt (rules:
    ``unclear``)."""
    text = doc.text()
    outcome = _forbidden(doc, chk, text) or _required(doc, chk, text)
    if outcome is not None:
        return outcome
    if chk.unclear == "review":
        folded = issuers.fold(text)
        near = max((issuers.phrase_score(p, folded)[0] for p in chk.require_any), default=0)
        unsure = chk.places is not None and any(
            p.kind == "unsure"
            for p in issuers.judge_places(
                chk.places.pattern, chk.places.expect, folded, chk.places.same, chk.places.other
            )
        )
        if near >= chk.near or unsure or issuers.text_is_poor(text):
            return RequirementOutcome.undecided(
                [
                    "Penerbit dokumen tidak terbaca dengan pasti; periksa kop dan tanda tangan "
                    "surat."
                ],
                head_evidence(doc, "kop surat"),
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


def _photo_prints(ctx: Context, p: PageReading) -> list[tuple[Box, bool]]:
    """The photo prints on a photo page (3x4 shapes on bare paper): each one's box as
    fractions of the page image and whether a face shows in it (in any quarter turn). None
    if the page cannot be looked at."""
    if ctx.image_for is None:
        return []
    try:
        gray = np.asarray(ctx.image_for(p.file, p.page).convert("L"))
    except Exception:  # no image to look at: nothing seen, the faces alone decide
        return []
    h, w = gray.shape
    return [
        (
            (x / w, y / h, (x + bw) / w, (y + bh) / h),
            any(face_strength(gray[y : y + bh, x : x + bw], t) for t in (0, 90, 180, 270)),
        )
        for x, y, bw, bh in photo_regions(gray)
    ]


def check_photos(ctx: Context, doc: Document, chk: PhotosCheck) -> RequirementOutcome:
    """Enough passport photos (faces on the photo pages). Short of faces, photo prints
    without a face seen are a doubt (``faceless: review``) when with them there would be
    enough: a dark photo on a dithered black-and-white scan hides its face from the cascade,
    not from the officer. One photo, or an empty sheet, stays a defect."""
    counted = [
        p for p in doc.pages if chk.max_letters is None or letters(p.text) <= chk.max_letters
    ]
    n = sum(p.faces for p in counted)
    ev = [page_evidence(p, f"[{p.faces} wajah terdeteksi]") for p in counted]
    if n >= chk.min:
        return RequirementOutcome(True, evidence=ev, notes=[f"{n} pas foto ditemukan."])
    if chk.faceless == "review":
        prints = [(p, _photo_prints(ctx, p)) for p in counted]
        seen = sum(max(p.faces, len(found)) for p, found in prints)
        unsure = [(p, box) for p, found in prints for box, face in found if not face]
        if unsure and seen >= chk.min:
            return RequirementOutcome.undecided(
                [
                    f"Ditemukan {seen} cetakan pas foto, tetapi wajah hanya terdeteksi pada "
                    f"{n}; periksa pas foto."
                ],
                [
                    page_evidence(p, f"[cetakan pas foto {i} tanpa wajah terdeteksi]", box=box)
                    for i, (p, box) in enumerate(unsure, 1)
                ],
            )
    return RequirementOutcome(
        False, [chk.reason or f"Hanya {n} pas foto ditemukan; diperlukan {chk.min}."], ev
    )


#: The check of each kind, by the ``check:`` key of the rules.
CHECKS: dict[str, Callable[[Context, Document, Any], RequirementOutcome]] = {
    "same_person": check_same_person,
    "same_nik": check_same_nik,
    "nik_valid": check_nik_valid,
    "legalized": check_legalized,
    "not_expired": check_not_expired,
    "issuer": check_issuer,
    "field_present": check_field_present,
    "photos": check_photos,
}
