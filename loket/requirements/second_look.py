"""A second look at the values tesseract leaves unsure: the card's NIK and the STR's number,
read again from their own row of the page by a second OCR engine (rules: ``second_engine``).

Tesseract reads a card's NIK row or a certificate's number row with the label, the colon and
the photo's edge around it, and a ':' read as '1', a "QS" read as "OS" or a row dropped make
the value unread or wrong. The row is found by tesseract's word boxes (the field's own label
and patterns, as the text extraction uses them), cut out right of the label and read by
RapidOCR (:mod:`loket.intake.second_reader`) and by tesseract as one line.

A value is decided only when it is structurally valid (a NIK's region codes and birth date,
an STR's digit count and letter prefix) and either the two engines agree on it, or, for a
NIK, the second engine read it surely and its birth date is the one printed on the card.
Nothing else changes: an unsure cell stays as tesseract left it (for the officer when the
checks cannot decide), and a planted wrong number is still caught, since neither rule makes
a number agree with another document that it does not.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np

from loket.intake import Word, ocr_lines
from loket.requirements import identity as ident
from loket.requirements.context import Context
from loket.requirements.documents import Document
from loket.requirements.extract import FieldSpec, Found, field_regexes, parse_value
from loket.requirements.numbers import nik_windows
from loket.requirements.values import values, vote_key

#: A row's value is cut this far right of its label, as a fraction of the page width (a
#: NIK or an STR number in the print sizes of cards and certificates).
VALUE_WIDTH = 0.45
#: Rows read per page at most (a label word can also stand in a heading or in prose).
MAX_ROWS = 3
#: Tesseract reads the cut row enlarged this much (as one line, psm 7).
LINE_SCALE = 2.0
#: Capitals of a registration number's prefix that tesseract reads as one another.
ROUND_CAPITALS = frozenset("OQDCG")

SOURCE = "second-engine"

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Look:
    """One row read again: the second engine's text and score, tesseract's line reading."""

    text: str
    score: float
    tesseract: str
    box: Box


# --------------------------------------------------------------------------------------------
# Where the value stands, and reading it
# --------------------------------------------------------------------------------------------
def _joined(words: list[Word]) -> tuple[str, list[int]]:
    text, starts = "", []
    for w in words:
        text += " " if text else ""
        starts.append(len(text))
        text += w.text
    return text, starts


def value_boxes(lines: list[list[Word]], spec: FieldSpec, width: int, height: int) -> list[Box]:
    """Boxes (pixels) of the rows holding the field's value: from the end of its label (the
    words before the value the field's label or pattern finds) a fixed width on, as high as
    the label with half a line above and below."""
    out: list[Box] = []
    regexes = field_regexes(spec)
    for words in lines:
        text, starts = _joined(words)
        for rx in regexes:
            m = rx.search(text)
            if m is None:
                continue
            start = m.start("value")
            before = [w for w, s in zip(words, starts, strict=True) if s + len(w.text) <= start]
            rest = [w for w in words if w not in before]
            if not rest and not before:
                continue
            left = before[-1].right if before else rest[0].left - rest[0].height // 2
            ref = before or rest[:1]
            top, bottom = min(w.top for w in ref), max(w.bottom for w in ref)
            half = (bottom - top) // 2
            box = (
                max(0, left),
                max(0, top - half),
                min(width, left + int(VALUE_WIDTH * width)),
                min(height, bottom + half),
            )
            if box[2] - box[0] > 8 and box[3] - box[1] > 4:
                out.append(box)
            break
        if len(out) >= MAX_ROWS:
            break
    return out


def _tesseract_line(crop: np.ndarray) -> str:
    import cv2

    from loket.intake import tesseract_text

    big = cv2.resize(crop, None, fx=LINE_SCALE, fy=LINE_SCALE, interpolation=cv2.INTER_CUBIC)
    return " ".join(tesseract_text(big, 7, "ind+eng").split())


#: Seconds and rows read by the second look in this process (for measuring its share).
STATS = {"seconds": 0.0, "rows": 0, "pages": 0}


def look(gray: np.ndarray, spec: FieldSpec) -> list[Look]:
    """The field's rows on an upright page image, each read by both engines."""
    from loket.intake import second_recognize

    began = time.monotonic()
    h, w = gray.shape[:2]
    out: list[Look] = []
    for box in value_boxes(ocr_lines(gray, 3), spec, w, h):
        crop = gray[box[1] : box[3], box[0] : box[2]]
        line = second_recognize(crop)
        text = unicodedata.normalize("NFKC", line.text) if line else ""
        out.append(Look(text, line.score if line else 0.0, _tesseract_line(crop), box))
    STATS["seconds"] += time.monotonic() - began
    STATS["rows"] += len(out)
    STATS["pages"] += 1
    return out


def _looks(ctx: Context, doc: Document, spec: FieldSpec, pages: int = 2) -> list[tuple[Any, Look]]:
    """(page, look) for the document's first pages; none when a page cannot be rendered."""
    from loket.intake import deskew, rotate_upright

    out: list[tuple[Any, Look]] = []
    if ctx.image_for is None:
        return out
    for p in doc.pages[:pages]:
        try:
            image = ctx.image_for(p.file, p.page)
            gray = deskew(rotate_upright(np.asarray(image.convert("L")), p.rotation), p.skew)
            out += [(p, lk) for lk in look(gray, spec)]
        except Exception:  # a page that cannot be rendered or read keeps its first reading
            continue
    return out


def _found(value: object, page: Any, lk: Look) -> Found:
    return Found(value, lk.text, page.file, page.page, lk.text, SOURCE, {"score": lk.score})


# --------------------------------------------------------------------------------------------
# The decisions (pure: unit-tested with made-up readings)
# --------------------------------------------------------------------------------------------
def decide_nik(
    lk: Look,
    tesseract: set[str],
    birth: date | None,
    rule: ident.NikRule,
    min_score: float,
) -> str | None:
    """The NIK a row gives: a structurally valid reading of the second engine that tesseract
    also read (on the page or in the row), or that the second engine read surely and whose
    birth date is the card's; None otherwise."""
    mine = nik_windows(lk.text, rule.length)
    theirs = tesseract | set(nik_windows(lk.tesseract, rule.length))
    # windows both engines read: with the card's birth date known, only one that fits it (a
    # ':' read as '1' by both gives a shifted window too); without it, only a single one
    agreed = [v for v in dict.fromkeys(mine) if v in theirs]
    if birth is not None:
        agreed = [v for v in agreed if not ident.nik_problems(v, birth, rule)]
    if len(agreed) == 1 or (agreed and birth is not None):
        return agreed[0]
    if agreed or birth is None or lk.score < min_score:
        return None
    for v in mine:
        if not ident.nik_problems(v, birth, rule):
            return v
    return None


def decide_registration(
    lk: Look, spec: FieldSpec, tesseract: list[str], min_score: float
) -> str | None:
    """The registration number a row gives: the second engine's structurally valid reading
    when tesseract read the same number (on the page or in the row); a letter prefix's
    round capitals (Q/O/D…, which tesseract confuses) as the second engine read them when
    it read surely, else as tesseract did."""
    mine = parse_value(lk.text, spec)
    if not isinstance(mine, str):
        return None
    row = parse_value(lk.tesseract, spec)
    theirs = [t for t in [*tesseract, row] if isinstance(t, str)]
    same = [t for t in theirs if vote_key(t) == vote_key(mine)]
    if not same:
        return None
    return mine if lk.score >= min_score else same[0]


def registration_unsure(readings: list[str]) -> bool:
    """Whether tesseract's readings of a registration number leave it unsure: none, readings
    that disagree, or a letter prefix with a round capital (read as one another)."""
    if not readings or len({vote_key(r) for r in readings}) > 1:
        return True
    return any(r[:2].isalpha() and set(r[:2]) & ROUND_CAPITALS for r in readings)


# --------------------------------------------------------------------------------------------
# Applying them to the application's readings
# --------------------------------------------------------------------------------------------
def second_look(ctx: Context, *, nik_confirmed: bool) -> None:
    """Read again, with the second engine, the rows of the rules' ``second_engine.fields``
    whose tesseract readings are unsure (after the reference identity is read;
    ``nik_confirmed``: the card's NIK reading stands on its own, see
    :func:`loket.requirements.reference.card_nik_confirmed`)."""
    rule = ctx.rules.second_engine
    if not rule.enabled or ctx.image_for is None:
        return
    for path in rule.fields:
        name, _, fld = path.partition(".")
        doc, spec = ctx.docs.get(name), ctx.rules.documents[name].fields[fld]
        if doc is None or path in ctx.second_looked:
            continue
        if spec.type == "nik" and name == ctx.rules.identity.reference:
            if not _nik_sure(ctx, nik_confirmed):
                ctx.second_looked.add(path)
                _card_nik(ctx, doc, fld, spec, rule.min_score)
        elif spec.type == "digits" and registration_unsure([str(v) for v, _ in values(doc, fld)]):
            ctx.second_looked.add(path)
            _registration(ctx, doc, fld, spec, rule.min_score)


def _nik_sure(ctx: Context, confirmed: bool) -> bool:
    """The card's NIK is read, valid, matches the card's birth date and stands on its own."""
    ref, nrule = ctx.ref_nik, ctx.rules.identity.nik.rule()
    if ref is None or ident.nik_problems(str(ref.value), ctx.ref_birth, nrule):
        return False
    return confirmed


def _card_nik(ctx: Context, doc: Document, fld: str, spec: FieldSpec, min_score: float) -> None:
    """The card's NIK when tesseract's is missing, invalid or read once with repairs."""
    nrule = ctx.rules.identity.nik.rule()
    niks = values(doc, fld)
    tesseract = {ident.nik_clean(str(v)) for v, _ in niks}
    tesseract |= {str(w) for _, f in niks for w in f.extra.get("windows", [])}  # type: ignore[attr-defined]
    ref = ctx.ref_nik
    here = [p for p in doc.pages if ref and (p.file, p.page) == (ref.file, ref.page)]
    doc = replace(doc, pages=here + [p for p in doc.pages if p not in here])
    for page, lk in _looks(ctx, doc, spec):
        v = decide_nik(lk, tesseract, ctx.ref_birth, nrule, min_score)
        if v is None:
            continue
        found = _found(v, page, lk)
        old = ident.nik_clean(str(ref.value)) if ref else None
        old_ok = ref is not None and not ident.nik_problems(str(old), ctx.ref_birth, nrule)
        seen = v in tesseract or v in nik_windows(lk.tesseract, nrule.length)
        if not seen and old and not ident.nik_problems(old, None, nrule):
            # the second engine alone against a well-formed NIK tesseract read on the card
            # (whose birth date disagrees with the card's: a misprint, a forgery or a misread)
            # does not settle it: the officer does
            ctx.nik_doubt = (old, v)  # v is not old: tesseract read old on the card
            return
        # a valid card reading gives way only to another valid one tesseract read too
        agreed = v in tesseract and not ident.nik_problems(v, ctx.ref_birth, nrule)
        if old == v or not old_ok or agreed:  # the same reading twice confirms the card's
            ctx.docs[doc.doc_type].found.setdefault(fld, []).append(found)
        if old != v and (not old_ok or agreed):
            ctx.ref_nik = found
            if ctx.ref_birth is None:
                ctx.ref_birth = ident.nik_info(v, nrule).birth_date
        elif old and old != v:
            ctx.nik_doubt = (old, v)
        return


def _registration(ctx: Context, doc: Document, fld: str, spec: FieldSpec, min_score: float) -> None:
    """A registration number tesseract did not read, read differently, or read with a
    letter prefix it confuses: decided when the engines agree, spelt as decided in every
    document that reads the same number."""
    everywhere = [str(v) for d in ctx.docs.values() for v, _ in values(d, fld)]
    for page, lk in _looks(ctx, doc, spec):
        v = decide_registration(lk, spec, everywhere, min_score)
        if v is None:
            continue
        key = vote_key(v)
        for d in ctx.docs.values():
            if fld in d.found:
                d.found[fld] = [
                    replace(f, value=v) if vote_key(f.value) == key else f for f in d.found[fld]
                ]
        doc.found.setdefault(fld, []).append(_found(v, page, lk))
        return
