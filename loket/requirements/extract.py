"""Declarative field extraction from OCR text, invoice2data-style, and Indonesian dates.

A field is described in a service's rules file (``documents.<type>.fields``) by a label
(a regular expression for the words in front of the value on the same line) or by full
patterns with a named group ``value``, plus a type that parses and normalises the value:

    nik:   {label: 'NIK', type: nik}
    birth: {label: 'Tempat\\s*/?\\s*T(?:gl|anggal)\\.?\\s*Lahir', type: place_date}
    valid_until:
      type: validity
      patterns: ['berlaku\\s+sampai\\s+dengan\\s+(?P<value>.+)']
      lifetime: ['seumur hidup']

The code knows value *types* (dates, names, digits…); which words find them is data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz, process

from loket.common.saferegex import IGNORECASE, MULTILINE, RulePattern, SafePattern, compile_rule
from loket.requirements.numbers import (
    EDGE_JUNK,
    nik_value,
    nik_windows,
    ocr_digits,
    registration_value,
)

# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------
MONTHS: dict[str, int] = {
    "januari": 1,
    "februari": 2,
    "pebruari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "nopember": 11,
    "desember": 12,
    # English and the usual abbreviations
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "october": 10,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "peb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "agu": 8,
    "agt": 8,
    "agust": 8,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "nop": 11,
    "des": 12,
    "dec": 12,
}
_LONG_MONTHS = [m for m in MONTHS if len(m) >= 5]

_NUM_DATE = re.compile(
    r"(?<![\d])(?P<d>[0-9OoIl|]{1,2})\s*[-/.]\s*(?P<m>[0-9OoIl|]{1,2})\s*[-/.]\s*"
    r"(?P<y>[0-9OoIl|]{4})(?![\d])"
)
_WORD_DATE = re.compile(
    r"(?<![\d])(?:(?P<d0>\d{2})\s+(?=\d))?(?P<d>[0-9OoIl|]{1,2})\s*[-/.,]?\s*(?P<m>[A-Za-z]{3,10})"
    r"\.?\s*[-/.,]?\s*(?P<y>[0-9OoIl|]{4})(?![\d])"
)


def month_number(word: str, min_score: int = 80) -> int | None:
    """1-12 for an Indonesian/English month name or abbreviation, tolerant of OCR noise."""
    w = word.lower().strip(".")
    if w in MONTHS:
        return MONTHS[w]
    if len(w) < 4:
        return None
    best = process.extractOne(w, _LONG_MONTHS, scorer=fuzz.ratio, score_cutoff=min_score)
    return MONTHS[best[0]] if best else None


def _mkdate(y: str, m: int | None, d: str) -> date | None:
    try:
        return date(int(ocr_digits(y)), m or 0, int(ocr_digits(d)))
    except ValueError:
        return None


@dataclass(frozen=True)
class DateHit:
    value: date
    start: int
    end: int


def find_dates(text: str) -> list[DateHit]:
    """Every date in ``text``: "12 Januari 1995", "12-01-1995", "12/01/1995", "12 Jan. 1995"."""
    hits: list[DateHit] = []
    for m in _WORD_DATE.finditer(text):
        month = month_number(m["m"])
        if month is None:
            continue
        day = m["d"]
        if m["d0"] and m["d0"].endswith(day):
            day = m["d0"]  # "26 6 Juli": a bold digit read twice
        d = _mkdate(m["y"], month, day)
        if d:
            hits.append(DateHit(d, m.start(), m.end()))
    for m in _NUM_DATE.finditer(text):
        try:
            month = int(ocr_digits(m["m"]))
        except ValueError:
            continue
        d = _mkdate(m["y"], month, m["d"])
        if d and not any(h.start <= m.start() < h.end for h in hits):
            hits.append(DateHit(d, m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


def parse_date(text: str) -> date | None:
    """The first date in ``text`` (see :func:`find_dates`), or None."""
    hits = find_dates(text)
    return hits[0].value if hits else None


# --------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------
def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def normalize(text: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_fold(text).lower()).split())


_EDGE_JUNK = EDGE_JUNK  # (kept under its old name here)


def clean_value(text: str) -> str:
    """A value without the separator and OCR junk around it, single-spaced."""
    return " ".join(text.strip(_EDGE_JUNK).split()).strip(_EDGE_JUNK)


# --------------------------------------------------------------------------------------------
# Schema (part of a service's rules file)
# --------------------------------------------------------------------------------------------
FieldType = Literal["text", "name", "date", "nik", "digits", "place_date", "validity", "code"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Canonical(_Strict):
    """Rewrite a digits value: ``pattern`` over the digits only, ``format`` with \\1, \\2…"""

    pattern: RulePattern
    format: str


class FieldSpec(_Strict):
    """How to find one value in a document's text."""

    type: FieldType = "text"
    label: RulePattern | None = Field(
        None, description="regex of the words before the value on the same line"
    )
    patterns: list[RulePattern] = Field(
        default_factory=list, description="regexes with (?P<value>…)"
    )
    value: RulePattern | None = Field(
        None, description="regex the value must match (after cleaning)"
    )
    stop: list[RulePattern] = Field(
        default_factory=list, description="cut the value at these regexes"
    )
    lifetime: list[RulePattern] = Field(
        default_factory=list, description="validity: phrases meaning 'valid for life'"
    )
    canonical: Canonical | None = None
    prefix: RulePattern | None = Field(
        None,
        description="digits: letters that may stand before the digits (e.g. '[A-Z]{2}' for "
        "'QS 1234…'); such a value is the letters and the digits, without separators",
    )
    lines: int = Field(1, ge=1, le=4, description="value may continue on following lines")
    min_length: int = Field(2, ge=0)
    max_length: int = Field(120, ge=1)

    @model_validator(mode="after")
    def _has_a_way(self) -> FieldSpec:
        if not self.label and not self.patterns and not self.lifetime:
            raise ValueError("give a label or patterns (or lifetime phrases)")
        for p in self.patterns:
            if "(?P<value>" not in p:
                raise ValueError(f"pattern {p!r} needs a named group (?P<value>...)")
        return self


# --------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DocumentText:
    """One text of one page of a document (its first reading or a re-reading), with the
    page's location for evidence. The page as intake read it is a
    :class:`loket.intake.PageReading`."""

    file: str
    page: int
    text: str
    source: str = "ocr"  # ocr | text-layer | reread


@dataclass
class Found:
    """One extracted value with the snippet it came from."""

    value: object  # str | date | dict | "lifetime"
    raw: str
    file: str
    page: int
    snippet: str
    source: str = "ocr"
    extra: dict[str, object] = field(default_factory=dict)

    def evidence(self) -> dict[str, object]:
        return {"file": self.file, "page": self.page, "text": self.snippet}


def _line_at(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)].strip()


def _cut(value: str, stops: list[str]) -> str:
    for s in stops:
        m = compile_rule(s, IGNORECASE).search(value)
        if m:
            value = value[: m.start()]
    return value


def parse_value(raw: str, spec: FieldSpec) -> object | None:
    """Parse and normalise a raw value by its type; None when it is not one."""
    raw = _cut(raw, spec.stop)
    kind = spec.type
    if kind == "validity":
        for phrase in spec.lifetime:
            if compile_rule(phrase, IGNORECASE).search(raw):
                return "lifetime"
        return _end_date(raw)
    if kind == "date":
        return parse_date(raw)
    if kind == "place_date":
        hits = find_dates(raw)
        if not hits:
            return None
        place = _place_before(raw[: hits[0].start])
        if len(place) < 2:
            return None
        return {"place": place, "date": hits[0].value}
    if kind == "nik":
        value = nik_value(raw)
        if value is None or (spec.value and not compile_rule(spec.value).fullmatch(value)):
            return None
        return value
    if kind == "code":
        value = clean_value(raw).split(" ")[0] if raw.strip() else ""
        value = value.strip(_EDGE_JUNK)
        if spec.value and not compile_rule(spec.value).fullmatch(value):
            return None
        return value if len(value) >= spec.min_length else None
    if kind == "digits":
        return _digits_value(raw, spec)
    value = clean_value(re.sub(r"\s[|~`»«]+\s", " ", f" {raw} "))
    if spec.value and not compile_rule(spec.value, IGNORECASE).fullmatch(value):
        return None
    if kind == "name":
        value = _name_value(value)
        if value is None:
            return None
    if not spec.min_length <= len(value) <= spec.max_length:
        return None
    return value


#: Words between a birth place and its date: "Pekanbaru, pada tanggal 12 …", a "Tanggal
#: Lahir" label on the next line of a form ("Tempat Lahir : X / Tanggal Lahir : …").
_PLACE_TAIL = re.compile(
    r"(?:\n|\b(?:tanggal|tgl)\.?\s*lahir\b|\b(?:pada\s+)?(?:tanggal|tgl)\b\.?).*$",
    re.IGNORECASE | re.DOTALL,
)


def _place_before(text: str) -> str:
    """The birth place in the text before the birth date."""
    place = _PLACE_TAIL.sub("", text.strip(_EDGE_JUNK + "\n"))
    place = clean_value(place)
    return re.sub(r"[^A-Za-z .'\-]", "", place).strip(" .-")


def _digits_value(raw: str, spec: FieldSpec) -> str | None:
    """A number field (an STR number): see :func:`registration_value`."""
    value = registration_value(
        raw,
        compile_rule(spec.canonical.pattern) if spec.canonical else None,
        spec.canonical.format if spec.canonical else None,
        compile_rule(spec.prefix) if spec.prefix else None,
    )
    if value is None or (spec.value and not compile_rule(spec.value).fullmatch(value)):
        return None
    return value if len(value) >= spec.min_length else None


_UNTIL = re.compile(r"\b(?:sampai|hingga|s\s*[./il1I|]?\s*d|until)\b", re.IGNORECASE)


def _end_date(raw: str) -> date | None:
    """The date a validity ends: in a range ("1 Juli 2024 s.d. 1 Juli 2029") the date
    after 'sampai/hingga/s.d.', otherwise the first date."""
    hits = find_dates(raw)
    if not hits:
        return None
    until = [m.end() for m in _UNTIL.finditer(raw)]
    after = [h for h in hits if until and h.start >= until[-1]]
    return (after or hits)[0].value


def _name_value(value: str) -> str | None:
    """A person's name from a field value: OCR junk tokens at its ends and tokens with
    digits dropped (titles are kept: comparison strips them)."""
    value = re.sub(r"[^\w .,'\-]", " ", value)
    words = [w for w in clean_value(value).split(" ") if w and not re.search(r"\d", w)]
    letters_of = [re.sub(r"[^A-Za-z]", "", w) for w in words]
    # trailing/leading scraps (1-2 letters, or lower-case after an ALL-CAPS name)
    while words and (len(letters_of[-1]) <= 2 and not words[-1].endswith(".")):
        words, letters_of = words[:-1], letters_of[:-1]
    while words and len(letters_of[0]) <= 1 and not words[0].endswith("."):
        words, letters_of = words[1:], letters_of[1:]
    caps = [w for w in letters_of if w.isupper() and len(w) > 2]
    if len(caps) >= 2 and letters_of and letters_of[0].isupper():
        # an ALL-CAPS name (ID card): trailing words in other case are OCR scraps
        while words and not letters_of[-1].isupper():
            words, letters_of = words[:-1], letters_of[:-1]
    value = clean_value(" ".join(words))
    return value if re.search(r"[A-Za-z]{2}", value) else None


def _label_regex(label: str) -> SafePattern:
    """The label at the start of a line (after junk, '_' too, or an item number: "1.", "a)"), the
    separator, then the value up to the end of the line."""
    return compile_rule(
        rf"^(?:[^\w\n]|_){{0,6}}(?:(?:\d{{1,2}}|[a-hA-H])[.)][ \t]*)?(?:{label})\b"
        rf"(?P<sep>[ \t]*[:;=|.,]*[ \t]*)(?P<value>[^\n]*)$",
        IGNORECASE | MULTILINE,
    )


#: After a label without a separator: more words, then the colon ("Nama Instansi : …"
#: for the label "Nama") — another, longer label, whose value is not this field's.
_LONGER_LABEL = re.compile(r"^[A-Za-z]{3,}(?:[ \t]+[A-Za-z]{2,}){0,2}[ \t]*[:;=]")


def _continued(raw: str, text: str, end: int, more: int) -> str:
    """A value with up to ``more`` continuation lines (lines that are not 'Label : value')."""
    rest = [ln for ln in text[end:].split("\n")[1 : 1 + more * 2] if ln.strip()][:more]
    for line in rest:
        if re.match(r"^[^:]{1,30}\s[:=]\s", line) or re.match(r"^\s*[A-Z][a-z]+\s*:", line):
            break
        raw = f"{raw} {line.strip()}"
    return raw


def field_regexes(spec: FieldSpec) -> list[SafePattern]:
    """The regexes that find a field's value: its label's (first), then its patterns."""
    regexes: list[SafePattern] = []
    if spec.label:
        regexes.append(_label_regex(spec.label))
    regexes += [compile_rule(p, IGNORECASE | MULTILINE) for p in spec.patterns]
    if spec.type == "validity":
        regexes += [compile_rule(rf"(?P<value>{p})", IGNORECASE | MULTILINE) for p in spec.lifetime]
    return regexes


@dataclass(frozen=True)
class Match:
    """Where a field's label or pattern matched, and the raw text of its value."""

    page: DocumentText
    start: int  # of the value in the page text
    raw: str
    index: int = 0  # of the text among the document's texts (a page may be read twice)

    def line(self) -> str:
        return _line_at(self.page.text, self.start)

    def box(self) -> tuple[float, float, float, float]:
        """The band of the page image the line is in, estimated from its place among the
        page's lines (the text has no coordinates): a generous strip across the page."""
        before = self.page.text[: self.start].count("\n")
        total = max(self.page.text.count("\n") + 1, 1)
        middle = (before + 0.5) / total
        return (0.0, max(0.0, middle - 0.12), 1.0, min(1.0, middle + 0.12))


def matches(spec: FieldSpec, pages: list[DocumentText]) -> list[Match]:
    """Every place a field's label or patterns match, with the raw value (parsed or not)."""
    regexes = field_regexes(spec)
    out: list[Match] = []
    seen: set[tuple[int, int, str]] = set()
    for index, page in enumerate(pages):
        for rx in regexes:
            for m in rx.finditer(page.text):
                key = (index, m.start("value"), m.group("value"))
                if key in seen:
                    continue
                seen.add(key)
                raw = m.group("value")
                if spec.label and rx is regexes[0]:
                    if (
                        not re.search(r"[:;=]", m.group("sep"))
                        and _LONGER_LABEL.match(raw)
                        and not raw.split()[0].isupper()  # a card's CAPITALS are its values
                    ):
                        continue
                    # "Nama sc: : Rina" -> OCR scraps between the label and its colon;
                    # "Tempat Kerja 1 RS X" -> the colon itself read as '1'
                    raw = re.sub(r"^[^:;=\n]{1,4}[:;=]+\s*", "", raw)
                    if spec.type in ("text", "name", "place_date"):
                        raw = re.sub(r"^[1lI|]\s+(?=\S)", "", raw)
                if spec.lines > 1:
                    raw = _continued(raw, page.text, m.end("value"), spec.lines - 1)
                out.append(Match(page, m.start("value"), raw, index))
    return out


def extract(spec: FieldSpec, pages: list[DocumentText]) -> list[Found]:
    """Every value of one field in a document's pages, in page order."""
    found: list[Found] = []
    seen: set[tuple[int, object]] = set()
    for hit in matches(spec, pages):
        value = parse_value(hit.raw, spec)
        if value is None:
            continue
        # one reading per place in a text, and per value on a line (two patterns, one value)
        keys = {(hit.index, hit.start), (hit.index, (hit.line(), repr(value)))}
        if keys & seen:
            continue
        seen |= keys
        extra = {"windows": nik_windows(hit.raw)} if spec.type == "nik" else {}
        page = hit.page
        found.append(
            Found(value, hit.raw.strip(), page.file, page.page, hit.line(), page.source, extra)
        )
    return found
