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

# OCR confusions inside numbers
_DIGIT_MAP = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "L": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "G": "6",
        "b": "6",
        "T": "7",
        "g": "9",
        "q": "9",
    }
)

_NUM_DATE = re.compile(
    r"(?<![\d])(?P<d>[0-9OoIl|]{1,2})\s*[-/.]\s*(?P<m>[0-9OoIl|]{1,2})\s*[-/.]\s*"
    r"(?P<y>[0-9OoIl|]{4})(?![\d])"
)
_WORD_DATE = re.compile(
    r"(?<![\d])(?:(?P<d0>\d{2})\s+(?=\d))?(?P<d>[0-9OoIl|]{1,2})\s*[-/.,]?\s*(?P<m>[A-Za-z]{3,10})"
    r"\.?\s*[-/.,]?\s*(?P<y>[0-9OoIl|]{4})(?![\d])"
)


def ocr_digits(text: str) -> str:
    """``text`` with letters that OCR confuses with digits turned into those digits."""
    return text.translate(_DIGIT_MAP)


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


_EDGE_JUNK = " \t:;=|.,-_~'\"`“”‘’*+»«()[]{}—–?"


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
        return parse_date(raw)
    if kind == "date":
        return parse_date(raw)
    if kind == "place_date":
        hits = find_dates(raw)
        if not hits:
            return None
        place = clean_value(raw[: hits[0].start])
        place = re.sub(r"[^A-Za-z .'\-]", "", place).strip(" .-")
        if len(place) < 2:
            return None
        return {"place": place, "date": hits[0].value}
    if kind == "nik":
        value = _nik_value(raw)
        if value is None or (spec.value and not compile_rule(spec.value).fullmatch(value)):
            return None
        return value
    if kind in ("digits", "code"):
        if kind == "code":
            value = clean_value(raw).split(" ")[0] if raw.strip() else ""
            value = value.strip(_EDGE_JUNK)
        else:
            value = re.sub(r"\s+", "", ocr_digits(clean_value(raw)))
            value = re.sub(r"[^0-9\-]", "", value)
            if spec.canonical is not None:
                canonical = compile_rule(spec.canonical.pattern)
                only = re.sub(r"\D", "", value)
                if not canonical.fullmatch(only):
                    # a ':' after the label is often read as a leading '1'
                    if only[:1] == "1" and canonical.fullmatch(only[1:]):
                        only = only[1:]
                    else:
                        return None
                value = canonical.sub(spec.canonical.format, only)
        if spec.value and not compile_rule(spec.value).fullmatch(value):
            return None
        return value if len(value) >= spec.min_length else None
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


def _digitish(token: str) -> bool:
    mapped = ocr_digits(token)
    return sum(c.isdigit() for c in mapped) >= max(1, len(token) * 0.6)


def _nik_date_ok(digits: str) -> bool:
    day, month = int(digits[6:8]), int(digits[8:10])
    return 1 <= month <= 12 and (1 <= day <= 31 or 41 <= day <= 71)


def nik_windows(raw: str, length: int = 16) -> list[str]:
    """Every 16-digit window of the longest digit run in a line (a separator read as an
    extra '1' makes 17 digits: which window is the NIK, the embedded birth date tells)."""
    run = max(_digit_runs(raw), key=len, default="")
    return [run[i : i + length] for i in range(len(run) - length + 1)]


def _digit_runs(raw: str) -> list[str]:
    tokens = re.split(r"[\s:;=|.,\-]+", clean_value(raw))
    runs: list[str] = []
    current = ""
    for t in tokens:
        if t and _digitish(t):
            current += re.sub(r"\D", "", ocr_digits(t))
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _nik_value(raw: str, length: int = 16) -> str | None:
    """The 16 NIK digits in a line: OCR letters inside digit groups fixed, junk around it
    dropped, a separator read as an extra '1' removed (the embedded birth date decides)."""
    tokens = re.split(r"[\s:;=|.,\-]+", clean_value(raw))
    runs: list[str] = []
    current = ""
    for t in tokens:
        if t and _digitish(t):
            current += re.sub(r"\D", "", ocr_digits(t))
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    for run in runs:
        if len(run) < length:
            continue
        options = [run[i : i + length] for i in range(len(run) - length + 1)]
        for option in options:
            if _nik_date_ok(option):
                return option
        return options[0]
    return None


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
    # label, optional separator junk, then the value up to the end of the line
    return compile_rule(
        rf"^[^\w\n]{{0,6}}(?:{label})\b[ \t]*[:;=|.,]*[ \t]*(?P<value>[^\n]*)$",
        IGNORECASE | MULTILINE,
    )


def _continued(raw: str, text: str, end: int, more: int) -> str:
    """A value with up to ``more`` continuation lines (lines that are not 'Label : value')."""
    rest = [ln for ln in text[end:].split("\n")[1 : 1 + more * 2] if ln.strip()][:more]
    for line in rest:
        if re.match(r"^[^:]{1,30}\s[:=]\s", line) or re.match(r"^\s*[A-Z][a-z]+\s*:", line):
            break
        raw = f"{raw} {line.strip()}"
    return raw


def extract(spec: FieldSpec, pages: list[DocumentText]) -> list[Found]:
    """Every value of one field in a document's pages, in page order."""
    regexes: list[SafePattern] = []
    if spec.label:
        regexes.append(_label_regex(spec.label))
    regexes += [compile_rule(p, IGNORECASE | MULTILINE) for p in spec.patterns]
    if spec.type == "validity":
        regexes += [compile_rule(rf"(?P<value>{p})", IGNORECASE | MULTILINE) for p in spec.lifetime]
    found: list[Found] = []
    seen: set[tuple[str, int, int]] = set()
    for page in pages:
        for rx in regexes:
            for m in rx.finditer(page.text):
                key = (page.file, page.page, m.start("value"))
                if key in seen:
                    continue
                raw = m.group("value")
                if spec.label and rx is regexes[0]:
                    # "Nama sc: : Rina" -> OCR scraps between the label and its colon;
                    # "Tempat Kerja 1 RS X" -> the colon itself read as '1'
                    raw = re.sub(r"^[^:;=\n]{1,4}[:;=]+\s*", "", raw)
                    if spec.type in ("text", "name", "place_date"):
                        raw = re.sub(r"^[1lI|]\s+(?=\S)", "", raw)
                if spec.lines > 1:
                    raw = _continued(raw, page.text, m.end("value"), spec.lines - 1)
                value = parse_value(raw, spec)
                if value is None:
                    continue
                seen.add(key)
                extra = {"windows": nik_windows(raw)} if spec.type == "nik" else {}
                found.append(
                    Found(
                        value,
                        raw.strip(),
                        page.file,
                        page.page,
                        _line_at(page.text, m.start("value")),
                        page.source,
                        extra,
                    )
                )
    return found
