"""Values of the fields read in documents: looked up by ``field`` or ``field.sub`` path, and
the vote that picks the value most readings agree on."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from loket.requirements.documents import Document
from loket.requirements.extract import Found, normalize


def _sub(value: object, sub: str) -> object:
    if sub and isinstance(value, dict):
        return value.get(sub)
    return value


def values(doc: Document | None, path: str) -> list[tuple[object, Found]]:
    """(value, where found) of ``field`` or ``field.sub`` in a document."""
    if doc is None:
        return []
    name, _, sub = path.partition(".")
    out = []
    for f in doc.found.get(name, []):
        v = _sub(f.value, sub)
        if v is not None:
            out.append((v, f))
    return out


#: A registration number with a letter prefix ("QS12345678901234"): OCR reads round capitals
#: as one another (Q, O, D), so their readings are one value in the vote, whose most
#: frequent spelling wins.
_PREFIXED = re.compile(r"^([A-Z]{2})(\d+)$")
_ROUND = str.maketrans({"Q": "O", "D": "O", "C": "O", "G": "O"})


def vote_key(value: object) -> str:
    """What the vote groups readings by: a date's ISO form, normalised text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        m = _PREFIXED.match(value)
        if m:
            return m[1].translate(_ROUND) + m[2]
        return normalize(value)
    return str(value)


def vote(candidates: list[tuple[object, Found]]) -> tuple[object, Found] | None:
    """The value most documents agree on (reread/text-layer readings count double)."""
    if not candidates:
        return None
    weight: Counter[str] = Counter()
    first: dict[str, tuple[object, Found]] = {}
    for value, f in candidates:
        k = vote_key(value)
        weight[k] += 2 if f.source in ("reread", "text-layer") else 1
        first.setdefault(k, (value, f))
    best = max(weight, key=lambda k: (weight[k], -list(first).index(k)))
    return first[best]


def as_text(value: object) -> str:
    """A value as the checklist shows it (dates in ISO form)."""
    return value.isoformat() if isinstance(value, date) else str(value)
