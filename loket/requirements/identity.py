"""Who a document is about: person names (titles stripped, OCR-tolerant comparison) and the
Indonesian NIK (structure and embedded birth date).

Name comparison is token by token: "Rina Oktaviani" matches "RINA 0KTAVIANI, A.Md.Rad" (case,
spacing, punctuation, titles and a misread letter ignored) but not "Rita Oktaviani" or
"Muhammad Rina Oktaviani" (another person). Whole-string similarity alone would accept
"Indah Ramadhani" for "Intan Ramadhani".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from loket.requirements.extract import ascii_fold, ocr_digits

# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------


def _title_regex(title: str) -> str:
    """'A.Md.Rad' -> a regex matching 'A.Md.Rad', 'A. Md. Rad', 'AMd.Rad', 'amdrad'."""
    parts = [p for p in re.split(r"[^A-Za-z]+", title) if p]
    return r"[\s.,]*".join(re.escape(p) for p in parts)


def strip_titles(name: str, titles: Sequence[str], *, comma: bool = True) -> str:
    """The name without academic/professional titles (given in the rules), single-spaced.

    With ``comma`` (Indonesian usage: "Nama, A.Md.Rad, S.Tr.Kes") everything after the
    first comma is titles, however OCR spelled them.
    """
    text = ascii_fold(name)
    if comma and "," in text:
        head = text.split(",", 1)[0]
        if re.search(r"[A-Za-z]{2}", head):
            text = head
    for title in sorted(titles, key=len, reverse=True):
        rx = _title_regex(title)
        if not rx:
            continue
        # a title is a separate word group: after a comma/space or at the start
        text = re.sub(rf"(?:(?<=[\s,])|^){rx}\.?(?=[\s,]|$)", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s*,\s*(?=,|$)", "", text)
    return " ".join(text.replace(",", " ").split()).strip(" .,-")


def name_tokens(name: str, titles: Sequence[str] = ()) -> list[str]:
    """Lower-case letter tokens of a name without titles ("0" read for "O" becomes "o").

    Trailing tokens that look like a title misread by OCR ("AMMd Rad") are dropped too.
    """
    text = strip_titles(name, titles).lower()
    text = text.translate(str.maketrans({"0": "o", "1": "i", "!": "i", "|": "i", "5": "s"}))
    tokens = [t for t in re.split(r"[^a-z]+", text) if t]
    squashed = {re.sub(r"[^a-z]", "", t.lower()) for t in titles}
    squashed.discard("")
    while len(tokens) > 1 and squashed:
        for k in (3, 2, 1):
            tail = "".join(tokens[-k:])
            if (
                len(tokens) > k
                and len(tail) >= 4
                and any(fuzz.ratio(tail, t) >= 80 for t in squashed)
            ):
                tokens = tokens[:-k]
                break
        else:
            break
    return tokens


def _token_ok(a: str, b: str, min_score: float) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) <= 2:
        return False
    return fuzz.ratio(a, b) >= min_score


def tokens_match(a: Sequence[str], b: Sequence[str], min_score: float = 80) -> bool:
    """Same number of tokens and each pair similar; or the same letters when OCR split or
    merged words (e.g. 'nur hayati' / 'nurhayati')."""
    if not a or not b:
        return False
    if len(a) == len(b):
        return all(_token_ok(x, y, min_score) for x, y in zip(a, b, strict=True))
    joined_a, joined_b = "".join(a), "".join(b)
    if abs(len(a) - len(b)) == 1 and fuzz.ratio(joined_a, joined_b) >= max(min_score, 90):
        # a word split or merged by OCR: the same letters, and the same first name
        return _token_ok(a[0], b[0], min_score) or joined_a[:4] == joined_b[:4]
    return False


def _scrap(token: str) -> bool:
    """An OCR scrap rather than a name word: one or two letters, or three without a vowel
    ("sss", "nn"); Indonesian name words of three letters have one (Sri, Dwi, Ayu, Nur)."""
    return len(token) <= 2 or (len(token) == 3 and not re.search(r"[aeiouy]", token))


def names_match(a: str, b: str, titles: Sequence[str] = (), min_score: float = 80) -> bool:
    """Same person's name. OCR scraps before or after a name read from a busy line
    ("oe Ta . Tika Puspita", "Ayu Yulianti Sss") are ignored; real extra name words are not."""
    ta, tb = name_tokens(a, titles), name_tokens(b, titles)
    if tokens_match(ta, tb, min_score):
        return True
    for x, y in ((ta, tb), (tb, ta)):
        trimmed = list(y)
        while len(trimmed) > len(x) and _scrap(trimmed[0]):
            trimmed = trimmed[1:]
        while len(trimmed) > len(x) and _scrap(trimmed[-1]):
            trimmed = trimmed[:-1]
        if trimmed != y and tokens_match(x, trimmed, min_score):
            return True
    return False


def clear_name(name: str, titles: Sequence[str] = ()) -> bool:
    """Whether a name reading is clear enough to say it is someone else's: words of letters
    only (no digits or symbols inside a word), none of them an OCR scrap, and a whole name
    (two words, or one of five letters or more)."""
    if re.search(r"[^\w\s.,'\-]|\d", strip_titles(name, titles)):
        return False
    tokens = name_tokens(name, titles)
    if not tokens or any(_scrap(t) for t in tokens):
        return False
    return len(tokens) >= 2 or len(tokens[0]) >= 5


@dataclass(frozen=True)
class NameHit:
    start: int  # token index
    tokens: tuple[str, ...]


def find_name(
    reference: str,
    text: str,
    titles: Sequence[str] = (),
    min_score: float = 80,
    *,
    exact_length: bool = False,
) -> NameHit | None:
    """Where the reference name occurs in free text (any line breaks), token-aligned; with
    ``exact_length`` a word split or merged by OCR is not tolerated."""
    ref = name_tokens(reference, titles)
    if not ref:
        return None
    words = [t for t in re.split(r"[^a-z]+", ascii_fold(text).lower()) if t]
    sizes = (len(ref),) if exact_length else (len(ref), len(ref) + 1, len(ref) - 1)
    for n in sizes:
        for i in range(len(words) - n + 1):
            window = words[i : i + n]
            if n > 0 and tokens_match(ref, window, min_score):
                return NameHit(i, tuple(window))
    return None


def display_name(name: str, titles: Sequence[str]) -> str:
    """A name for letters: titles stripped; ALL-CAPS turned into Title Case."""
    plain = strip_titles(name, titles)
    if plain.isupper():
        plain = " ".join(w.capitalize() for w in plain.split())
    return plain


def best_variant(values: Iterable[str]) -> str | None:
    """Among spellings of the same value, the most frequent one that is not ALL-CAPS."""
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    if not counts:
        return None

    def odd(text: str) -> int:  # characters a clean reading would not have
        return len(re.findall(r"[^\w\s.,/()\-]", text))

    ranked = sorted(counts.items(), key=lambda kv: (kv[0].isupper(), -kv[1], odd(kv[0])))
    return ranked[0][0]


# --------------------------------------------------------------------------------------------
# NIK
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NikRule:
    """Structure of the NIK: length, where DDMMYY sits, the day offset marking women."""

    length: int = 16
    birth_at: int = 6
    female_day_offset: int = 40
    region_prefix: str = ""  # e.g. "14" to require Riau; empty: any


@dataclass(frozen=True)
class NikInfo:
    birth_date: date | None  # the century is taken from the reference date when given
    female: bool | None


def nik_clean(text: str) -> str:
    """The digits of a NIK as read (OCR letters for digits fixed, spaces dropped)."""
    return re.sub(r"\D", "", ocr_digits(re.sub(r"\s+", "", text)))


def nik_info(nik: str, rule: NikRule = NikRule(), near: date | None = None) -> NikInfo:
    """Birth date and sex encoded in a NIK (None parts when the digits make no date)."""
    digits = nik_clean(nik)
    if len(digits) != rule.length:
        return NikInfo(None, None)
    d = int(digits[rule.birth_at : rule.birth_at + 2])
    m = int(digits[rule.birth_at + 2 : rule.birth_at + 4])
    yy = int(digits[rule.birth_at + 4 : rule.birth_at + 6])
    female = d > rule.female_day_offset
    if female:
        d -= rule.female_day_offset
    if near is not None:
        century = near.year - near.year % 100
        candidates = [century - 100 + yy, century + yy]
        year = min(candidates, key=lambda y: abs(y - near.year))
    else:
        year = 1900 + yy if yy > 30 else 2000 + yy
    try:
        return NikInfo(date(year, m, d), female)
    except ValueError:
        return NikInfo(None, female)


def nik_problems(nik: str | None, birth_date: date | None, rule: NikRule = NikRule()) -> list[str]:
    """Indonesian sentences saying what is wrong with a NIK; empty when it is valid."""
    if not nik:
        return ["NIK tidak terbaca."]
    digits = nik_clean(nik)
    if len(digits) != rule.length:
        return [f"NIK {nik} tidak terdiri dari {rule.length} angka."]
    if rule.region_prefix and not digits.startswith(rule.region_prefix):
        return [f"NIK {digits} tidak diawali kode wilayah {rule.region_prefix}."]
    info = nik_info(digits, rule, near=birth_date)
    if info.birth_date is None:
        return [f"NIK {digits} tidak memuat tanggal lahir yang sah."]
    if birth_date is not None and (
        info.birth_date.day,
        info.birth_date.month,
        info.birth_date.year % 100,
    ) != (birth_date.day, birth_date.month, birth_date.year % 100):
        return [
            f"Tanggal lahir dalam NIK {digits} ({info.birth_date:%d-%m-%Y}) tidak sesuai "
            f"dengan tanggal lahir pada KTP ({birth_date:%d-%m-%Y})."
        ]
    return []
