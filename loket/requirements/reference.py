"""The reference identity everything is compared with: the KTP's name, NIK and birth date
(rules: ``identity``), or without a readable card the name most documents agree on."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from loket.requirements import identity as ident
from loket.requirements.context import Context
from loket.requirements.extract import Found
from loket.requirements.nik import one_digit_apart
from loket.requirements.numbers import clean_nik
from loket.requirements.second_look import second_look
from loket.requirements.values import values, vote


def read_reference(ctx: Context) -> None:
    """The identity everything is compared with: the KTP's name, NIK and birth date."""
    rule = ctx.rules.identity
    card = ctx.docs.get(rule.reference)
    nrule = rule.nik.rule()
    if card is not None:
        births = values(card, f"{rule.birth_field}.date")
        birth = vote(births)
        ctx.ref_birth = birth[0] if birth and isinstance(birth[0], date) else None
        niks = values(card, rule.nik_field)
        # a NIK agreeing with the card's birth date wins over OCR variants that do not
        # (including the other 16-digit windows of a line with a digit too many)
        alternatives = [
            (w, replace(f, value=w))
            for _, f in niks
            for w in f.extra.get("windows", [])  # type: ignore[union-attr]
        ]
        good = [
            (v, f)
            for v, f in niks + alternatives
            if not ident.nik_problems(str(v), ctx.ref_birth, nrule)
        ]
        # a card reading that another document of the application repeats wins: a card is
        # the hardest page to read, and OCR seldom makes the same mistake on two pages
        others = _other_niks(ctx)
        supported = [(v, f) for v, f in good if ident.nik_clean(str(v)) in others]
        pick = vote(supported) or vote(good) or vote(niks)
        ctx.ref_nik = pick[1] if pick else None
        if ctx.ref_nik is not None and ctx.ref_birth is None:
            info = ident.nik_info(str(ctx.ref_nik.value), nrule)
            ctx.ref_birth = info.birth_date
        names = [(v, f) for v, f in values(card, rule.name_field) if ident.name_tokens(str(v))]
        if ctx.ref_nik is not None:
            # the card is the page with the NIK (a family card may be typed "ktp" too)
            here = (ctx.ref_nik.file, ctx.ref_nik.page)
            names = [(v, f) for v, f in names if (f.file, f.page) == here] or names
            births = [(v, f) for v, f in births if (f.file, f.page) == here] or births
            birth = vote(births)
            ctx.ref_birth = birth[0] if birth and isinstance(birth[0], date) else ctx.ref_birth
        ctx.ref_name = _card_name(ctx, names)
    if ctx.ref_name is None:
        # no readable card: the name most documents agree on
        cands: list[tuple[object, Found]] = []
        for doc in ctx.docs.values():
            for v, f in values(doc, rule.name_field):
                cands.append((" ".join(ident.name_tokens(str(v), rule.titles)), f))
        picked = vote([c for c in cands if c[0]])
        if picked:
            ctx.ref_name = ident.display_name(str(picked[1].value), rule.titles)
    # the card's NIK and other numbers tesseract left unsure, read again by a second engine
    second_look(ctx, nik_confirmed=card_nik_confirmed(ctx) and not _one_digit_away(ctx))


def _card_name(ctx: Context, names: list[tuple[object, Found]]) -> str | None:
    """The card's name: its reading the other documents support most, without OCR scraps;
    the name several documents agree on when the card's reading is not it."""
    rule = ctx.rules.identity
    picked = _supported_name(ctx, names) or vote(names)
    name = ident.display_name(str(picked[0]), rule.titles) if picked else None
    name = _without_scraps(ctx, name)
    agreed = _agreed_name(ctx) if names else None
    if agreed is None or (
        name and ident.names_match(name, agreed, rule.titles, rule.name_similarity)
    ):
        return name
    # the card (the hardest page to read) was misread, not all the rest: when no other
    # document bears its reading, or when it runs a name of several words into one
    # ("HDINKSAFITRI", which one reading as garbled elsewhere, "DINASAFITRI", resembles);
    # a clear card name another document bears stays, whatever the rest say
    run_together = (
        len(ident.name_tokens(name or "", rule.titles))
        == 1
        < len(ident.name_tokens(agreed, rule.titles))
    )
    return agreed if run_together or _supported_name(ctx, names) is None else name


def _without_scraps(ctx: Context, name: str | None) -> str | None:
    """The card's name without a one- or two-letter scrap OCR put before or after it ("Ti
    Rahayu Lestari"), when another document names the person without it (short name words
    exist — "Ni Luh", "I Made" — so only the other documents can tell)."""
    if not name:
        return name
    rule = ctx.rules.identity
    words = name.split()
    trimmed = words[1:] if len(words[0]) <= 2 else words
    trimmed = trimmed[:-1] if trimmed and len(trimmed[-1]) <= 2 else trimmed
    if trimmed == words or len(trimmed) < 1:
        return name
    shorter = " ".join(trimmed)
    for doc_name, doc in ctx.docs.items():
        if doc_name == rule.reference:
            continue
        for v, _ in values(doc, rule.name_field):
            tokens = ident.name_tokens(str(v), rule.titles)
            if ident.tokens_match(tokens, ident.name_tokens(shorter), rule.name_similarity):
                return shorter
    return name


#: How many documents besides the card must agree on a name to outweigh the card's reading.
AGREEING_DOCUMENTS = 3


def _agreed_name(ctx: Context) -> str | None:
    """A name that at least :data:`AGREEING_DOCUMENTS` documents other than the card agree on
    (one document of another person, a planted defect, never reaches that); of several, the
    one most documents read to the letter."""
    rule = ctx.rules.identity
    readings = [
        (name, str(v))
        for name, doc in ctx.docs.items()
        if name != rule.reference
        for v, _ in values(doc, rule.name_field)
        if ident.clear_name(str(v), rule.titles)
    ]

    def tokens(v: str) -> tuple[str, ...]:
        return tuple(ident.name_tokens(v, rule.titles))

    best: tuple[int, int, str] | None = None
    for _, v in readings:
        alike = {
            name
            for name, o in readings
            if ident.names_match(v, o, rule.titles, rule.name_similarity)
        }
        if len(alike) < AGREEING_DOCUMENTS:
            continue
        # of the readings enough documents agree with, the one most documents read to the
        # letter, then the one of most words: a garbled reading resembling both the
        # applicant and another person ("Ritna" beside "Rina" and "Rita") is never it
        same = {name for name, o in readings if tokens(o) == tokens(v)}
        key = (len(same), len(tokens(v)), v)
        if best is None or key[:2] > best[:2]:
            best = key
    return ident.display_name(best[2], rule.titles) if best else None


def _supported_name(ctx: Context, names: list[tuple[object, Found]]) -> tuple[object, Found] | None:
    """The card's name reading that most other documents agree with (OCR variants of the
    card's name differ; the documents of the same person outvote the scraps)."""
    rule = ctx.rules.identity
    others = [
        str(v)
        for name, doc in ctx.docs.items()
        if name != rule.reference
        for v, _ in values(doc, rule.name_field)
    ]
    best, best_support = None, 0
    for v, f in names:
        support = sum(
            ident.names_match(str(v), o, rule.titles, rule.name_similarity) for o in others
        )
        if support > best_support:
            best, best_support = (v, f), support
    return best


def _other_niks(ctx: Context, skip: str | None = None) -> set[str]:
    """The NIKs read on the documents other than the card (and than ``skip``)."""
    rule = ctx.rules.identity
    return {
        ident.nik_clean(str(v))
        for name, doc in ctx.docs.items()
        if name not in (rule.reference, skip)
        for v, _ in values(doc, rule.nik_field)
    }


def _one_digit_away(ctx: Context) -> bool:
    """Whether another document reads a NIK one digit away from the card's: a card digit
    misread is then as likely as a digit mistyped in the letter (the defect the letter's
    check reports), so the card's row is read again by the second engine."""
    if ctx.ref_nik is None:
        return False
    ref = ident.nik_clean(str(ctx.ref_nik.value))
    return any(one_digit_apart(ref, o) for o in _other_niks(ctx))


def nik_elsewhere(ctx: Context, doc_type: str, nik: str) -> bool:
    """Whether a document other than the card and ``doc_type`` reads this NIK too."""
    return nik in _other_niks(ctx, skip=doc_type)


def card_nik_confirmed(ctx: Context) -> bool:
    """Whether the card's NIK reading stands on its own: read alike twice (a first reading
    and a second one), or once cleanly (16 digits as printed, nothing repaired). The
    applicant's own letters repeating another NIK do not outweigh such a card: they are
    typed from one source, and a typing slip there is the defect to find."""
    if ctx.ref_nik is None:
        return False
    rule = ctx.rules.identity
    card = ctx.docs.get(rule.reference)
    ref = ident.nik_clean(str(ctx.ref_nik.value))
    readings = [f for v, f in values(card, rule.nik_field) if ident.nik_clean(str(v)) == ref]
    return len(readings) >= 2 or any(clean_nik(f.raw) for f in readings)
