"""Who issued a document: the bodies a rules file requires or forbids, found in OCR text
fuzzily, tolerant of the confusions OCR makes in letters (O/0, I/l/1, rn/m, e/c, S/5, B/8,
"Pgkanbaru" for "Pekanbaru") and of abbreviations given as phrases or regexes.

The finding is three-valued: a forbidden body found (a decided defect), a required body
found, or neither — which is a defect only when the text reads well and nothing comes close
to a required body; on a poor or near-miss reading the officer decides.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from loket.common.saferegex import compile_rule
from loket.requirements.extract import normalize

#: OCR confusions folded away, on the text and the phrases alike (digits inside words only).
_IN_WORDS = str.maketrans({"0": "o", "1": "i", "l": "i", "4": "a", "5": "s", "8": "b", "c": "e"})


def fold(text: str) -> str:
    """Normalised text (see :func:`normalize`) with the letters OCR confuses made one:
    inside a word with letters, 0->o, 1/l->i, 4->a, 5->s, 8->b, c->e; rn->m, vv->w. Words of
    digits only (years, numbers) are kept."""
    words = []
    for w in normalize(text).split(" "):
        if re.search(r"[a-z]", w):
            w = w.replace("rn", "m").replace("vv", "w").translate(_IN_WORDS)
        words.append(w)
    return " ".join(words)


def phrase_score(phrase: str, folded_text: str) -> tuple[float, str]:
    """The best similarity (0-100) of ``phrase`` to a run of words of the folded text with
    about as many words, and that run."""
    target = fold(phrase)
    if not target:
        return 0.0, ""
    if re.search(rf"\b{re.escape(target)}\b", folded_text):
        return 100.0, target
    words = folded_text.split(" ")
    n = len(target.split(" "))
    best, where = 0.0, ""
    for size in {max(1, n - 1), n, n + 1}:
        for i in range(len(words) - size + 1):
            window = " ".join(words[i : i + size])
            score = fuzz.ratio(target, window)
            if score > best:
                best, where = score, window
    return best, where


#: A word of a body's name this long or longer must itself be read about right (a whole
#: phrase can look similar while its one telling word is another: "Radioterapi" for
#: "Radiografer", "Pekalongan" for "Pekanbaru").
LONG_WORD = 5
WORD_SCORE = 80.0


def names_body(phrase: str, window: str) -> bool:
    """Whether the run of words ``window`` (folded) names the body ``phrase``, not merely
    something like it: each acronym of the phrase (a word in capitals: PARI, DPD) is in the
    window exactly, and each long word has a word in the window at least ``WORD_SCORE``
    similar (OCR noise of a letter or two stays tolerated)."""
    got = window.split(" ")
    for raw in phrase.split():
        word = fold(raw)
        if not word:
            continue
        if raw.isupper() and 2 <= len(raw) <= 6:
            if word not in got:
                return False
        elif (
            len(word) >= LONG_WORD
            and max((fuzz.ratio(word, g) for g in got), default=0) < WORD_SCORE
        ):
            return False
    return True


def matches_body(phrase: str, folded_text: str, threshold: float) -> bool:
    """``phrase`` is named in the folded text: similar enough as a whole, word by word."""
    score, window = phrase_score(phrase, folded_text)
    return score >= threshold and names_body(phrase, window)


def text_is_poor(text: str, min_words: int = 25, min_share: float = 0.5) -> bool:
    """Too little readable text to say a body is absent: few words of three letters or more
    with a vowel, or such words a minority among the letter tokens (OCR noise)."""
    tokens = re.findall(r"[A-Za-z]+", text)
    words = [t for t in tokens if len(t) >= 3 and re.search(r"[aeiouAEIOU]", t)]
    return len(words) < min_words or len(words) < min_share * max(len(tokens), 1)


@dataclass(frozen=True)
class PlaceFinding:
    """A place named after an issuing body ("Dinas Kesehatan Kota <place>")."""

    kind: Literal["same", "other", "unsure"]
    written: str


def judge_places(
    pattern: str, expected: Sequence[str], folded_text: str, same: int, other: int
) -> list[PlaceFinding]:
    """Each place the ``pattern`` (group ``place``) names in the folded text, compared with
    the expected places: ``same`` at or above the ``same`` similarity, ``other`` below
    ``other`` (a whole word of three letters or more), ``unsure`` between."""
    out: list[PlaceFinding] = []
    targets = [fold(e) for e in expected]
    for m in compile_rule(pattern).finditer(folded_text):
        words = m.group("place").split(" ")
        options = [words[0], "".join(words[:2]), "".join(words[:3])]
        score = max(fuzz.ratio(t, o) for t in targets for o in options)
        if score >= same:
            out.append(PlaceFinding("same", m.group(0)))
        elif score < other and len(words[0]) >= 3:
            out.append(PlaceFinding("other", m.group(0)))
        else:
            out.append(PlaceFinding("unsure", m.group(0)))
    return out
