"""Page classification into the document types of a service, driven by ``rules/``.

A page's text is scored against each type's weighted keywords (fuzzy, to survive OCR noise)
and regular expressions; faces make a passport-photo page; near-empty pages are blank. The
rules file, not this code, knows the documents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from loket.common.rulesfile import load_model
from loket.common.saferegex import IGNORECASE, MULTILINE, RulePattern, compile_rule

OTHER, BLANK = "other", "blank"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Keyword(_Strict):
    text: str = Field(min_length=2)
    weight: float = 1.0


class Pattern(_Strict):
    regex: RulePattern
    weight: float = 1.0


class DocType(_Strict):
    label: str
    keywords: list[Keyword] = []
    patterns: list[Pattern] = []


class BlankRule(_Strict):
    max_chars: int = Field(20, ge=0, description="fewer letters/digits than this…")
    max_ink: float = Field(0.02, ge=0, le=1, description="…and less ink than this: blank")


class PhotoRule(_Strict):
    doc_type: str
    min_faces: int = Field(1, ge=1)
    max_score: float = Field(4.0, ge=0, description="a page scoring more as text is not a photo")
    text_with_face: float | None = Field(
        None,
        ge=0,
        description="a page with a face whose text scores at least this for a type is that "
        "type even below the threshold (an ID card or diploma copy, read poorly, has a photo)",
    )


class ContinuationRule(_Strict):
    enabled: bool = True
    confidence: float = Field(0.6, ge=0, le=1)
    min_score: float = Field(1.5, ge=0, description="own score a continuation page needs")


class ClassificationRules(_Strict):
    version: int = 1
    threshold: float = Field(3.0, gt=0, description="minimum score to accept a type")
    fuzzy: int = Field(85, ge=50, le=100, description="keyword similarity 0-100 that counts")
    blank: BlankRule = BlankRule()
    photo: PhotoRule | None = None
    continuation: ContinuationRule = ContinuationRule()
    types: dict[str, DocType]


@dataclass(frozen=True)
class PageSort:
    """How one page was sorted: its page type, how sure, the scores of every type and the
    keywords that matched. (A checklist's complete/incomplete is
    :class:`loket.requirements.Verdict`.)"""

    doc_type: str
    confidence: float
    scores: dict[str, float]
    matched: tuple[str, ...] = ()


def normalize(text: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def letters(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


@cache
def _load(path: str, mtime: float) -> ClassificationRules:
    return load_model(Path(path), ClassificationRules)


def load_classification_rules(path: Path) -> ClassificationRules:
    """The classification rules in ``path`` (cached while the file is unchanged)."""
    return _load(str(path), path.stat().st_mtime)


def _keyword_hit(keyword: str, text: str, fuzzy: int) -> bool:
    if keyword in text:
        return True
    if len(keyword) < 6 or fuzzy >= 100:
        return False
    return fuzz.partial_ratio(keyword, text, score_cutoff=fuzzy) > 0


def score(text: str, rules: ClassificationRules) -> tuple[dict[str, float], dict[str, list[str]]]:
    norm = normalize(text)
    scores: dict[str, float] = {}
    matched: dict[str, list[str]] = {}
    for name, spec in rules.types.items():
        total, hits = 0.0, []
        for kw in spec.keywords:
            if _keyword_hit(normalize(kw.text), norm, rules.fuzzy):
                total += kw.weight
                hits.append(kw.text)
        for pat in spec.patterns:
            if compile_rule(pat.regex, IGNORECASE | MULTILINE).search(text):
                total += pat.weight
                hits.append(f"/{pat.regex}/")
        scores[name] = round(total, 3)
        matched[name] = hits
    return scores, matched


#: How sure a page is a photo sheet when it shows photo prints but no face in them.
FACELESS_PRINTS_CONFIDENCE = 0.5


def classify(
    text: str, rules: ClassificationRules, *, faces: int = 0, ink: float = 1.0, prints: int = 0
) -> PageSort:
    """Decide one page from its text, its face count, its photo prints in which no face was
    seen and its ink coverage."""
    scores, matched = score(text, rules)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, best_score = ranked[0] if ranked else (OTHER, 0.0)
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    photo = rules.photo
    if photo and faces >= photo.min_faces:
        if best_score <= photo.max_score:
            return PageSort(photo.doc_type, min(1.0, 0.7 + 0.15 * faces), scores, ("faces",))
        text_with_face = photo.text_with_face
        if text_with_face is not None and text_with_face <= best_score < rules.threshold:
            return PageSort(best, 0.55, scores, (*matched[best], "faces"))  # face backs text
    if photo and not faces and prints and best_score <= photo.max_score:
        # a dark photo copied in black and white: its print, not its face, shows; the
        # checks count such prints as a doubt for the officer (rules: ``faceless``)
        return PageSort(photo.doc_type, FACELESS_PRINTS_CONFIDENCE, scores, ("photo prints",))
    if letters(text) < rules.blank.max_chars and ink <= rules.blank.max_ink:
        return PageSort(BLANK, 1.0 - ink / max(rules.blank.max_ink, 1e-9) * 0.5, scores)
    if best_score < rules.threshold:
        conf = 1.0 - best_score / rules.threshold * 0.5
        return PageSort(OTHER, round(conf, 3), scores)
    margin = (best_score - second) / best_score
    strength = min(1.0, best_score / (2 * rules.threshold))
    conf = 0.5 + 0.5 * margin * strength
    return PageSort(best, round(conf, 3), scores, tuple(matched[best]))


@dataclass(frozen=True)
class ClassifiedPage:
    relpath: str
    page: int
    sort: PageSort


def apply_continuations(
    pages: list[ClassifiedPage], rules: ClassificationRules
) -> list[ClassifiedPage]:
    """A page that fits no type but follows a typed page of the same file continues it."""
    if not rules.continuation.enabled:
        return pages
    out: list[ClassifiedPage] = []
    for page in pages:
        prev = out[-1] if out else None
        v = page.sort
        if (
            v.doc_type == OTHER
            and prev is not None
            and prev.relpath == page.relpath
            and prev.page == page.page - 1
            and prev.sort.doc_type not in (OTHER, BLANK)
            and (rules.photo is None or prev.sort.doc_type != rules.photo.doc_type)
            and _leans_to(v.scores, prev.sort.doc_type, rules.continuation.min_score)
        ):
            v = PageSort(
                prev.sort.doc_type, rules.continuation.confidence, v.scores, ("continuation",)
            )
        out.append(ClassifiedPage(page.relpath, page.page, v))
    return out


def _leans_to(scores: dict[str, float], doc_type: str, min_score: float) -> bool:
    """The page shares enough wording with ``doc_type``, and with no other type more."""
    own = scores.get(doc_type, 0.0)
    return own >= min_score and all(v <= own for v in scores.values())


def group(pages: list[ClassifiedPage]) -> list[int]:
    """A document number per page: one document per type (pages of a type spread over
    several files belong together); blank and other pages get 0."""
    numbers: dict[str, int] = {}
    result = []
    for page in pages:
        t = page.sort.doc_type
        if t in (OTHER, BLANK):
            result.append(0)
            continue
        numbers.setdefault(t, len(numbers) + 1)
        result.append(numbers[t])
    return result
