"""Requirement rules: from classified pages (``pages.json``) to a cited checklist.

The service's requirement list, the fields to read, the checks and their thresholds are a
rules file in ``rules/`` (schema :class:`ServiceRules`, validated at load with file:line
errors). This module knows check *kinds* (same person, legalization, expiry, issuer…), not
any particular permit: a new service is a new rules file and letter template.

Entry point: :func:`check_application`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from PIL import Image
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError
from rapidfuzz import fuzz

from loket.common.rulesfile import load_model
from loket.common.saferegex import RulePattern, checked_pattern, compile_rule
from loket.intake.classify import letters
from loket.requirements import identity as ident
from loket.requirements.extract import FieldSpec, Found, PageText, extract, normalize
from loket.requirements.stamps import LegalizationRule, find_ink, find_phrases

ImageFor = Callable[[str, int], Image.Image]

OK, MISSING, INVALID, NOT_REQUIRED = "ok", "missing", "invalid", "not_required"
_RANK = {OK: 0, NOT_REQUIRED: 0, INVALID: 1, MISSING: 2}


# --------------------------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------------------------
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApplicationTypeRule(_Strict):
    document: str
    renewal: list[str] = Field(min_length=1, description="phrases of a renewal (fuzzy)")
    new: list[str] = Field(default_factory=list, description="phrases of a new application")
    renewal_if_present: str | None = Field(
        None, description="without the letter: renewal when this page type is present"
    )
    default: Literal["new", "renewal"] = "new"
    fuzzy: int = Field(85, ge=50, le=100)


class NikRuleModel(_Strict):
    length: int = Field(16, ge=1)
    birth_at: int = Field(6, ge=0)
    female_day_offset: int = Field(40, ge=0)
    region_prefix: str = ""

    def rule(self) -> ident.NikRule:
        return ident.NikRule(self.length, self.birth_at, self.female_day_offset, self.region_prefix)


class IdentityRule(_Strict):
    reference: str = Field(description="page type of the identity card (KTP)")
    name_field: str = "name"
    nik_field: str = "nik"
    birth_field: str = "birth"
    titles: list[str] = Field(default_factory=list)
    name_similarity: int = Field(80, ge=50, le=100, description="per name word, 0-100")
    nik: NikRuleModel = NikRuleModel()


class RereadVariant(_Strict):
    threshold: Literal["otsu", "fixed", "adaptive", "none"] = "otsu"
    turn: Literal[0, 90, 180, 270] = Field(0, description="extra clockwise turn to undo")
    level: int = Field(128, ge=1, le=254, description="for threshold: fixed")
    psm: int = Field(6, ge=3, le=13)
    scale: float = Field(1.0, gt=0.2, le=4.0)


class RereadRule(_Strict):
    """Read a document's pages again with other settings: ``always``; when a field in
    ``until`` is ``missing``; or in ``doubt`` — missing, or one of its checks failed (a
    failure is confirmed by a second reading before an application is returned)."""

    when: Literal["always", "missing", "doubt"] = "always"
    until: list[str] = Field(default_factory=list, description="stop once these fields read")
    variants: list[RereadVariant] = Field(min_length=1)


class RescueRule(_Strict):
    """When no page was sorted as this document: a page sorted as one of ``from`` (and
    carrying at least ``min_letters`` of text) on which all ``require`` fields read —
    after a re-read with this document's ``reread`` settings — is taken as it."""

    from_: list[str] = Field(alias="from", min_length=1)
    require: list[str] = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list, description="words of this document")
    min_keywords: int = Field(0, ge=0, description="how many of the keywords must be there")
    fuzzy: int = Field(85, ge=50, le=100)
    min_letters: int = Field(
        0,
        ge=0,
        description="skip pages with less OCR text (0: try every page; the page "
        "sorting's reading of a card can be empty)",
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class DocumentRule(_Strict):
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    reread: RereadRule | None = None
    rescue: RescueRule | None = None


class ApplicantField(_Strict):
    from_: list[str] = Field(alias="from", min_length=1, description="document.field paths")
    vote: bool = Field(True, description="majority of the sources; false: first found")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CountRule(_Strict):
    min: int = Field(ge=1)
    of: Literal["faces", "pages"] = "faces"
    max_letters: int | None = Field(
        None,
        ge=0,
        description="pages with more text than this are documents with a photo "
        "(an ID card typed as a photo page): their faces do not count",
    )


class _Check(_Strict):
    reason: str | None = Field(None, description="Indonesian sentence replacing the default")


class SamePersonCheck(_Check):
    check: Literal["same_person"]
    field: str = "name"


class SameNikCheck(_Check):
    check: Literal["same_nik"]
    field: str = "nik"
    unreadable: Literal["invalid", "ok"] = "invalid"


class NikValidCheck(_Check):
    check: Literal["nik_valid"]


class LegalizedCheck(_Check):
    check: Literal["legalized"]
    rule: LegalizationRule | None = Field(None, description="default: the file's legalization")


class NotExpiredCheck(_Check):
    check: Literal["not_expired"]
    field: str = "valid_until"
    unreadable: Literal["invalid", "ok"] = "invalid"


class IssuerCheck(_Check):
    check: Literal["issuer"]
    require_any: list[str] = Field(default_factory=list)
    require_regex: list[RulePattern] = Field(default_factory=list)
    forbid_any: list[str] = Field(default_factory=list)
    forbid_regex: list[RulePattern] = Field(default_factory=list)
    fuzzy: int = Field(85, ge=50, le=100)

    @model_validator(mode="after")
    def _sane(self) -> IssuerCheck:
        if not (self.require_any or self.require_regex or self.forbid_any or self.forbid_regex):
            raise ValueError("an issuer check needs require_* or forbid_* phrases")
        return self


class FieldPresentCheck(_Check):
    check: Literal["field_present"]
    field: str


Check = Annotated[
    SamePersonCheck
    | SameNikCheck
    | NikValidCheck
    | LegalizedCheck
    | NotExpiredCheck
    | IssuerCheck
    | FieldPresentCheck,
    Field(discriminator="check"),
]


class Requirement(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    document: str = Field(description="page type (classification) that satisfies it")
    required: Literal["always", "renewal", "new"] = "always"
    count: CountRule | None = None
    checks: list[Check] = Field(default_factory=list)


class Expectation(_Strict):
    expectation: str = Field(pattern=r"^expect_[a-z_]+$")
    kwargs: dict[str, Any] = Field(default_factory=dict)
    requirement: str
    reason: str

    @field_validator("kwargs")
    @classmethod
    def _patterns(cls, kwargs: dict[str, Any]) -> dict[str, Any]:
        """great-expectations runs ``regex``/``regex_list`` over the applicant's values with
        ``re`` and no time limit: a pattern the probe finds slow is refused here, like every
        other pattern in the rules (the probe times ``regex``, so it is a first line only)."""
        for key in ("regex", "regex_list"):
            value = kwargs.get(key)
            patterns = [value] if isinstance(value, str) else value
            for rx in patterns if isinstance(patterns, list) else []:
                if isinstance(rx, str):
                    checked_pattern(rx)
        return kwargs


class QualityRule(_Strict):
    suite: str = "applicant-fields"
    expectations: list[Expectation] = Field(default_factory=list)


class Signatory(_Strict):
    on_behalf: str = ""
    position: str
    name: str = ""
    nip: str = ""


class LetterRule(_Strict):
    template: str = "surat-pengembalian.docx"
    address_from: list[str] = Field(default_factory=list, description="document.field paths")
    number: str = "{reg_no}"
    city: str = "Pekanbaru"
    subject: str = "Pengembalian Berkas Permohonan"
    service_phrase: str
    signatory: Signatory


class ServiceRules(_Strict):
    version: int = 1
    service: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    label: str
    classification: str = "document-types.yaml"
    application_type: ApplicationTypeRule
    identity: IdentityRule
    legalization: LegalizationRule | None = None
    documents: dict[str, DocumentRule] = Field(default_factory=dict)
    applicant: dict[str, ApplicantField] = Field(default_factory=dict)
    requirements: list[Requirement] = Field(min_length=1)
    quality: QualityRule | None = None
    letter: LetterRule

    @model_validator(mode="after")
    def _references(self) -> ServiceRules:
        """Cross-references: each mistake is reported at its own line."""
        errors: list[InitErrorDetails] = []

        def bad(loc: tuple[str | int, ...], value: object, msg: str) -> None:
            errors.append(
                InitErrorDetails(type=PydanticCustomError("value_error", msg), loc=loc, input=value)
            )

        def field_known(doc: str, path: str) -> bool:
            spec = self.documents.get(doc)
            if spec is None:
                return False
            name, _, sub = path.partition(".")
            if name not in spec.fields:
                return False
            if sub:
                return spec.fields[name].type == "place_date" and sub in ("place", "date")
            return True

        def fields_of(doc: str) -> str:
            spec = self.documents.get(doc)
            return ", ".join(spec.fields) if spec and spec.fields else "none"

        ids: set[str] = set()
        for i, req in enumerate(self.requirements):
            if req.id in ids:
                bad(("requirements", i, "id"), req.id, f"requirement id {req.id!r} repeated")
            ids.add(req.id)
            for j, chk in enumerate(req.checks):
                loc = ("requirements", i, "checks", j)
                fld = getattr(chk, "field", None)
                if fld is not None and not field_known(req.document, fld):
                    bad(
                        (*loc, "field"),
                        fld,
                        f"document {req.document!r} has no field {fld!r} in documents: "
                        f"(known: {fields_of(req.document)})",
                    )
                if isinstance(chk, LegalizedCheck) and chk.rule is None and not self.legalization:
                    bad(loc, chk.check, "a legalized check needs a top-level legalization:")
        ref = self.identity.reference
        for key in ("name_field", "nik_field", "birth_field"):
            name = getattr(self.identity, key)
            if not field_known(ref, name):
                bad(
                    ("identity", key),
                    name,
                    f"document {ref!r} has no field {name!r} (known: {fields_of(ref)})",
                )
        for key, spec in self.applicant.items():
            for j, path in enumerate(spec.from_):
                doc, _, fld = path.partition(".")
                if not fld or not field_known(doc, fld):
                    bad(
                        ("applicant", key, "from", j),
                        path,
                        f"{path!r} is not document.field of documents: (e.g. ktp.nik, "
                        f"str.birth.date)",
                    )
        for j, path in enumerate(self.letter.address_from):
            doc, _, fld = path.partition(".")
            if not fld or not field_known(doc, fld):
                bad(("letter", "address_from", j), path, f"{path!r} is not document.field")
        if self.quality:
            for j, exp in enumerate(self.quality.expectations):
                if exp.requirement not in ids:
                    bad(
                        ("quality", "expectations", j, "requirement"),
                        exp.requirement,
                        f"unknown requirement {exp.requirement!r} "
                        f"(known: {', '.join(sorted(ids))})",
                    )
        if errors:
            raise ValidationError.from_exception_data("ServiceRules", errors)
        return self

    def requirement_ids(self) -> list[str]:
        return [r.id for r in self.requirements]


@cache
def _load(path: str, mtime: float) -> ServiceRules:
    return load_model(Path(path), ServiceRules)


def load_service_rules(path: Path) -> ServiceRules:
    """The service rules in ``path`` (cached while the file is unchanged)."""
    return _load(str(path), path.stat().st_mtime)


def is_service_rules(path: Path) -> bool:
    """Whether a YAML file is a service requirements file (top-level ``service:`` and
    ``requirements:`` keys; judged on the text so that a file with a YAML mistake is still
    recognised, and its mistake reported with its line)."""
    try:
        # not UTF-8 is one of the mistakes to report at its line, so it must not stop this
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return False
    return bool(
        re.search(r"^service\s*:", text, re.MULTILINE)
        and re.search(r"^requirements\s*:", text, re.MULTILINE)
    )


def resolve_schema(path: Path) -> type[BaseModel] | None:
    """For ``loket.office.rulesets``: the schema of service requirement files."""
    return ServiceRules if is_service_rules(path) else None


# --------------------------------------------------------------------------------------------
# Documents of an application
# --------------------------------------------------------------------------------------------
@dataclass
class Document:
    doc_type: str
    pages: list[dict[str, Any]]
    texts: list[PageText] = field(default_factory=list)
    found: dict[str, list[Found]] = field(default_factory=dict)
    reread: bool = False  # read again already
    rescued_from: str | None = None  # page type it had been sorted as (see RescueRule)

    @property
    def faces(self) -> int:
        return sum(int(p.get("faces") or 0) for p in self.pages)

    def text(self) -> str:
        return "\n".join(t.text for t in self.texts)


def _documents(pages_doc: dict[str, Any]) -> dict[str, Document]:
    docs: dict[str, Document] = {}
    for p in pages_doc.get("pages", []):
        t = p.get("doc_type") or "other"
        d = docs.setdefault(t, Document(t, []))
        d.pages.append(p)
        d.texts.append(
            PageText(
                str(p["file"]), int(p["page"]), p.get("text") or "", p.get("text_source", "ocr")
            )
        )
    return docs


def tesseract_text(array: Any, psm: int, lang: str = "ind+eng") -> str:
    """Plain text of a greyscale/binary image."""
    from loket.intake import tesseract

    return tesseract.text(array, psm, lang)


def reread(image: Image.Image, rotation: int, variant: RereadVariant) -> str:
    """OCR a page image again with other preprocessing (e.g. a card on a patterned ground)."""
    import cv2
    import numpy as np

    from loket.intake.ocr import deskew, estimate_skew, rotate_upright

    gray = rotate_upright(np.asarray(image.convert("L")), (rotation + variant.turn) % 360)
    gray = deskew(gray, estimate_skew(gray))
    if variant.scale != 1.0:
        gray = cv2.resize(
            gray, None, fx=variant.scale, fy=variant.scale, interpolation=cv2.INTER_CUBIC
        )
    if variant.threshold == "otsu":
        gray = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    elif variant.threshold == "fixed":
        gray = cv2.threshold(gray, variant.level, 255, cv2.THRESH_BINARY)[1]
    elif variant.threshold == "adaptive":
        gray = cv2.adaptiveThreshold(
            cv2.GaussianBlur(gray, (3, 3), 0),
            255,
            cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
            cv2.THRESH_BINARY,
            max(31, (min(gray.shape) // 40) | 1),
            15,
        )
    return tesseract_text(gray, variant.psm)


def _fields_ok(doc: Document, spec: DocumentRule, names: Sequence[str]) -> bool:
    for name in names or spec.fields:
        if name in spec.fields and not any(f.source == "reread" for f in doc.found.get(name, [])):
            return False
    return True


def _extract_all(doc: Document, spec: DocumentRule) -> None:
    doc.found = {name: extract(fs, doc.texts) for name, fs in spec.fields.items()}


def _reread_document(
    doc: Document, spec: DocumentRule, image_for: ImageFor | None, *, doubt: bool = False
) -> None:
    rule = spec.reread
    if rule is None or image_for is None or doc.reread:
        return
    complete = all(doc.found.get(n) for n in (rule.until or spec.fields))
    if rule.when != "always" and complete and not doubt:
        return
    doc.reread = True
    for p in doc.pages:
        try:
            image = image_for(str(p["file"]), int(p["page"]))
        except Exception:  # a page that cannot be rendered keeps its first reading
            continue
        for variant in rule.variants:
            text = reread(image, int(p.get("rotation") or 0), variant)
            doc.texts.insert(0, PageText(str(p["file"]), int(p["page"]), text, "reread"))
            _extract_all(doc, spec)
            if _fields_ok(doc, spec, rule.until):
                break


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------
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


def _key(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return normalize(value)
    return str(value)


def vote(candidates: list[tuple[object, Found]]) -> tuple[object, Found] | None:
    """The value most documents agree on (reread/text-layer readings count double)."""
    if not candidates:
        return None
    weight: Counter[str] = Counter()
    first: dict[str, tuple[object, Found]] = {}
    for value, f in candidates:
        k = _key(value)
        weight[k] += 2 if f.source in ("reread", "text-layer") else 1
        first.setdefault(k, (value, f))
    best = max(weight, key=lambda k: (weight[k], -list(first).index(k)))
    return first[best]


def _fmt(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What one check found: passed or not, sentences and evidence."""

    passed: bool
    reasons: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said when passed (which signal fired…)


@dataclass
class Context:
    rules: ServiceRules
    docs: dict[str, Document]
    image_for: ImageFor | None
    received: date
    ref_name: str | None = None
    ref_nik: Found | None = None
    ref_birth: date | None = None
    same_person: dict[str, Outcome] = field(default_factory=dict)
    ink: dict[tuple[str, int], Any] = field(default_factory=dict)  # page -> InkResult | None


def _ev(f: Found) -> dict[str, Any]:
    return f.evidence()


def _page_ev(p: dict[str, Any], text: str) -> dict[str, Any]:
    return {"file": p["file"], "page": int(p["page"]), "text": text}


def _snippet_for(doc: Document, needle_norm: str) -> dict[str, Any] | None:
    """Evidence: the first line (or pair of lines) whose normalised text contains the needle."""
    for t in doc.texts:
        lines = [ln for ln in t.text.splitlines() if ln.strip()]
        for i, ln in enumerate(lines):
            for cand in (ln, " ".join(lines[i : i + 2])):
                if needle_norm and needle_norm in normalize(cand):
                    return {"file": t.file, "page": t.page, "text": cand.strip()}
    return None


# --------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------
def check_same_person(ctx: Context, doc: Document, chk: SamePersonCheck) -> Outcome:
    rule = ctx.rules.identity
    if not ctx.ref_name:
        return Outcome(True, notes=["Nama pembanding (KTP) tidak terbaca; nama tidak dicek."])
    names = [(str(v), f) for v, f in values(doc, chk.field)]
    for v, f in names:
        if ident.names_match(v, ctx.ref_name, rule.titles, rule.name_similarity):
            return Outcome(True, evidence=[_ev(f)], notes=[f"Nama sesuai KTP ({ctx.ref_name})."])
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
            return Outcome(True, evidence=[ev], notes=[f"Nama sesuai KTP ({ctx.ref_name})."])
    shown = ident.display_name(names[0][0], rule.titles) if names else None
    reason = chk.reason or (
        f"Nama pada dokumen ({shown}) berbeda dengan nama pada KTP ({ctx.ref_name}); "
        "dokumen ini milik orang lain."
        if shown
        else f"Nama pemohon ({ctx.ref_name}) tidak ditemukan pada dokumen ini."
    )
    return Outcome(False, [reason], [_ev(f) for _, f in names[:2]])


def check_same_nik(ctx: Context, doc: Document, chk: SameNikCheck) -> Outcome:
    got = [(ident.nik_clean(str(v)), f) for v, f in values(doc, chk.field)]
    if ctx.ref_nik is None:
        return Outcome(True, notes=["NIK pada KTP tidak terbaca; NIK tidak dibandingkan."])
    ref = ident.nik_clean(str(ctx.ref_nik.value))
    for v, f in got:
        if v == ref:
            return Outcome(True, evidence=[_ev(f), _ev(ctx.ref_nik)], notes=["NIK sesuai KTP."])
    if not got:
        passed = chk.unreadable == "ok"
        msg = "NIK pemohon tidak ditemukan atau tidak terbaca pada dokumen ini."
        return Outcome(passed, [] if passed else [chk.reason or msg], notes=[msg] if passed else [])
    v, f = got[0]
    reason = chk.reason or f"NIK pada dokumen ({v}) tidak sama dengan NIK pada KTP ({ref})."
    return Outcome(False, [reason], [_ev(f), _ev(ctx.ref_nik)])


def check_nik_valid(ctx: Context, doc: Document, chk: NikValidCheck) -> Outcome:
    rule = ctx.rules.identity
    if ctx.ref_nik is None:
        return Outcome(False, [chk.reason or "NIK pada KTP tidak terbaca."])
    problems = ident.nik_problems(str(ctx.ref_nik.value), ctx.ref_birth, rule.nik.rule())
    if problems:
        return Outcome(False, [chk.reason or p for p in problems], [_ev(ctx.ref_nik)])
    return Outcome(True, evidence=[_ev(ctx.ref_nik)], notes=["NIK sah dan sesuai tanggal lahir."])


def check_legalized(ctx: Context, doc: Document, chk: LegalizedCheck) -> Outcome:
    rule = chk.rule or ctx.rules.legalization
    assert rule is not None
    best: Outcome | None = None
    for p in doc.pages:
        texts = [t.text for t in doc.texts if t.file == p["file"] and t.page == int(p["page"])]
        hits = find_phrases("\n".join(texts), rule.phrases, rule.fuzzy)
        ink = None
        key = (str(p["file"]), int(p["page"]))
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
        evidence = [_page_ev(p, h.line) for h in hits[:2]]
        if ink_fired and ink is not None:
            evidence.append(_page_ev(p, f"[{ink.describe()}]"))
        fired = [
            s
            for s, on in (("tulisan cap legalisir", text_fired), ("tinta cap berwarna", ink_fired))
            if on
        ]
        if passed:
            return Outcome(
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
            best = Outcome(False, [], evidence, notes=miss)
    label = doc.doc_type
    for r in ctx.rules.requirements:
        if r.document == doc.doc_type:
            label = r.label.split(" yang ")[0].lower()
    miss = best.notes if best else []
    reason = chk.reason or (
        f"Tidak ditemukan legalisir basah pada {label} (tidak ada {' maupun '.join(miss)})."
    )
    return Outcome(False, [reason], best.evidence if best else [])


def check_not_expired(ctx: Context, doc: Document, chk: NotExpiredCheck) -> Outcome:
    cands = values(doc, chk.field)
    if not cands:
        passed = chk.unreadable == "ok"
        msg = "Masa berlaku tidak ditemukan atau tidak terbaca."
        return Outcome(passed, [] if passed else [chk.reason or msg])
    lifetime = [f for v, f in cands if v == "lifetime"]
    if lifetime:
        return Outcome(True, evidence=[_ev(lifetime[0])], notes=["Berlaku seumur hidup."])
    picked = vote(cands)
    assert picked is not None
    until, f = picked
    assert isinstance(until, date)
    if until < ctx.received:
        reason = chk.reason or (
            f"Sudah tidak berlaku: masa berlaku berakhir {until:%d-%m-%Y}, sebelum tanggal "
            f"permohonan diterima ({ctx.received:%d-%m-%Y})."
        )
        return Outcome(False, [reason], [_ev(f)])
    return Outcome(True, evidence=[_ev(f)], notes=[f"Berlaku sampai {until:%d-%m-%Y}."])


def _phrase_in(phrase: str, norm_text: str, fuzzy: int) -> bool:
    target = normalize(phrase)
    if not target:
        return False
    if re.search(rf"\b{re.escape(target)}\b", norm_text):
        return True
    return len(target) >= 8 and fuzz.partial_ratio(target, norm_text, score_cutoff=fuzzy) > 0


def check_issuer(ctx: Context, doc: Document, chk: IssuerCheck) -> Outcome:
    norm = normalize(doc.text())
    for phrase in chk.forbid_any:
        if _phrase_in(phrase, norm, chk.fuzzy):
            ev = _snippet_for(doc, normalize(phrase).split(" ")[0])
            detail = f"; tertulis '{phrase}'"
            return Outcome(False, [_fill(chk.reason, detail)], [ev] if ev else [])
    for rx in chk.forbid_regex:
        m = compile_rule(rx).search(norm)
        if m:
            ev = _snippet_for(doc, m.group(0))
            detail = f"; tertulis '{ev['text'] if ev else m.group(0)}'"
            return Outcome(False, [_fill(chk.reason, detail)], [ev] if ev else [])
    for phrase in chk.require_any:
        if _phrase_in(phrase, norm, chk.fuzzy):
            ev = _snippet_for(doc, normalize(phrase).split(" ")[0]) or _snippet_for(
                doc, normalize(phrase)
            )
            return Outcome(True, evidence=[ev] if ev else [], notes=[f"Diterbitkan oleh {phrase}."])
    for rx in chk.require_regex:
        m = compile_rule(rx).search(norm)
        if m:
            ev = _snippet_for(doc, m.group(0))
            return Outcome(True, evidence=[ev] if ev else [], notes=[f"Memuat '{m.group(0)}'."])
    return Outcome(False, [_fill(chk.reason, "")])


def _fill(reason: str | None, detail: str) -> str:
    text = reason or "Penerbit dokumen tidak sesuai ketentuan{detail}."
    return " ".join(text.replace("{detail}", detail).split())


def check_field_present(ctx: Context, doc: Document, chk: FieldPresentCheck) -> Outcome:
    cands = values(doc, chk.field)
    if cands:
        v, f = cands[0]
        return Outcome(True, evidence=[_ev(f)], notes=[f"Tercantum: {_fmt(v)}."])
    return Outcome(False, [chk.reason or f"Keterangan '{chk.field}' tidak tercantum."])


_CHECKS: dict[str, Callable[[Context, Document, Any], Outcome]] = {
    "same_person": check_same_person,
    "same_nik": check_same_nik,
    "nik_valid": check_nik_valid,
    "legalized": check_legalized,
    "not_expired": check_not_expired,
    "issuer": check_issuer,
    "field_present": check_field_present,
}


# --------------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------------
def application_type(rules: ServiceRules, docs: dict[str, Document]) -> tuple[str, list[dict]]:
    """ "new" or "renewal", with the line that said so."""
    rule = rules.application_type
    letter = docs.get(rule.document)
    if letter is not None:
        for kind, phrases in (("renewal", rule.renewal), ("new", rule.new)):
            for t in letter.texts:
                hits = find_phrases(t.text, phrases, rule.fuzzy)
                if hits:
                    return kind, [{"file": t.file, "page": t.page, "text": hits[0].line}]
    if rule.renewal_if_present and rule.renewal_if_present in docs:
        return "renewal", []
    return rule.default, []


def _reference(ctx: Context) -> None:
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
        pick = vote(good) or vote(niks)
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
        picked = _supported_name(ctx, names) or vote(names)
        if picked:
            ctx.ref_name = ident.display_name(str(picked[0]), rule.titles)
    if ctx.ref_name is None:
        # no readable card: the name most documents agree on
        cands: list[tuple[object, Found]] = []
        for doc in ctx.docs.values():
            for v, f in values(doc, rule.name_field):
                cands.append((" ".join(ident.name_tokens(str(v), rule.titles)), f))
        picked = vote([c for c in cands if c[0]])
        if picked:
            ctx.ref_name = ident.display_name(str(picked[1].value), rule.titles)


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


def _applicant(ctx: Context) -> dict[str, Any]:
    """The applicant fields, each from the documents of the same person."""
    rules = ctx.rules
    titles = rules.identity.titles
    out: dict[str, Any] = {}
    evidence: dict[str, Found] = {}
    for key, spec in rules.applicant.items():
        cands: list[tuple[object, Found]] = []
        for path in spec.from_:
            doc_name, _, fld = path.partition(".")
            doc = ctx.docs.get(doc_name)
            if doc is None:
                continue
            sp = ctx.same_person.get(doc_name)
            if sp is not None and not sp.passed:
                continue  # another person's document says nothing about the applicant
            found = values(doc, fld)
            if fld.partition(".")[0] == rules.identity.name_field:
                found = [(ident.display_name(str(v), titles), f) for v, f in found]
                if ctx.ref_name:
                    found = [
                        (v, f) for v, f in found if ident.names_match(str(v), ctx.ref_name, titles)
                    ]
            if doc_name == rules.identity.reference and fld == rules.identity.nik_field:
                found = [(ctx.ref_nik.value, ctx.ref_nik)] if ctx.ref_nik else []
            cands += found
            if not spec.vote and cands:
                break
        picked = vote(cands) if spec.vote else (cands[0] if cands else None)
        if picked is None:
            out[key] = None
            continue
        value, f = picked
        if isinstance(value, str) and fld.partition(".")[0] == rules.identity.name_field:
            same = [str(v) for v, _ in cands if _key(v) == _key(value)]
            value = ident.best_variant(same) or value
        elif isinstance(value, str):
            # the most frequent spelling among the readings that agree (not ALL-CAPS)
            same = [str(v) for v, _ in cands if _key(v) == _key(value)]
            variant = ident.best_variant(same) or value
            value = variant.title() if variant.isupper() and len(variant) > 3 else variant
        out[key] = _fmt(value)
        evidence[key] = f
    ctx.applicant_evidence = evidence  # type: ignore[attr-defined]
    return out


def _rescue(
    docs: dict[str, Document], name: str, spec: DocumentRule, image_for: ImageFor | None
) -> None:
    """Find a document the page sorting missed among pages sorted as something else."""
    rule = spec.rescue
    assert rule is not None
    for source in rule.from_:
        holder = docs.get(source)
        if holder is None:
            continue
        for i, page in enumerate(holder.pages):
            if letters(page.get("text") or "") < rule.min_letters:
                continue
            trial = Document(name, [page], [holder.texts[i]])
            _extract_all(trial, spec)
            if not all(trial.found.get(f) for f in rule.require):
                _reread_document(trial, spec, image_for, doubt=True)
            words = {
                h.phrase
                for t in trial.texts
                for h in find_phrases(t.text, rule.keywords, rule.fuzzy)
            }
            if all(trial.found.get(f) for f in rule.require) and len(words) >= rule.min_keywords:
                holder.pages.pop(i)
                holder.texts.pop(i)
                if not holder.pages:
                    del docs[source]
                trial.rescued_from = source
                docs[name] = trial
                return


def _same_person(ctx: Context, req: Requirement) -> None:
    doc = ctx.docs.get(req.document)
    for chk in req.checks:
        if isinstance(chk, SamePersonCheck) and doc is not None:
            ctx.same_person[req.document] = check_same_person(ctx, doc, chk)


def _run_checks(ctx: Context, req: Requirement, doc: Document) -> list[Outcome]:
    outcomes = []
    for chk in req.checks:
        if isinstance(chk, SamePersonCheck) and req.document in ctx.same_person:
            outcomes.append(ctx.same_person[req.document])
        else:
            outcomes.append(_CHECKS[chk.check](ctx, doc, chk))
    return outcomes


def _required(req: Requirement, kind: str) -> bool:
    return req.required == "always" or req.required == kind


def evaluate(
    rules: ServiceRules,
    pages_doc: dict[str, Any],
    image_for: ImageFor | None,
    received: date,
) -> tuple[dict[str, Any], Context]:
    """The checklist without the data-quality gate (see :func:`check_application`)."""
    docs = _documents(pages_doc)
    for name, spec in rules.documents.items():
        if name not in docs and spec.rescue is not None:
            _rescue(docs, name, spec, image_for)
        doc = docs.get(name)
        if doc is None:
            continue
        _extract_all(doc, spec)
        _reread_document(doc, spec, image_for)
    ctx = Context(rules, docs, image_for, received)
    _reference(ctx)
    # who each document is about, first: another person's document gives no applicant data
    for req in rules.requirements:
        _same_person(ctx, req)
    # a second reading of documents whose checks fail (rules: reread.when = doubt)
    for req in rules.requirements:
        doc, spec = docs.get(req.document), rules.documents.get(req.document)
        if doc is None or spec is None or spec.reread is None or spec.reread.when != "doubt":
            continue
        if not doc.reread and any(not o.passed for o in _run_checks(ctx, req, doc)):
            _reread_document(doc, spec, image_for, doubt=True)
            _same_person(ctx, req)
    applicant = _applicant(ctx)
    kind, kind_ev = application_type(rules, docs)

    items = []
    for req in rules.requirements:
        doc = docs.get(req.document)
        item: dict[str, Any] = {"id": req.id, "status": OK, "reasons": [], "evidence": []}
        if not _required(req, kind):
            item["status"] = NOT_REQUIRED
            item["reasons"] = [
                "Tidak diperlukan untuk permohonan baru."
                if kind == "new"
                else "Tidak diperlukan untuk permohonan perpanjangan."
            ]
            if req.document == rules.application_type.document:
                item["evidence"] = kind_ev
            items.append(item)
            continue
        if doc is None:
            item["status"] = MISSING
            item["reasons"] = [f"{req.label} tidak ditemukan dalam berkas."]
            items.append(item)
            continue
        item["evidence"] = [_page_ev(p, (p.get("text") or "").strip()[:120]) for p in doc.pages[:1]]
        outcomes: list[Outcome] = []
        if req.count is not None:
            counted = [
                p
                for p in doc.pages
                if req.count.max_letters is None
                or letters(p.get("text") or "") <= req.count.max_letters
            ]
            n = (
                sum(int(p.get("faces") or 0) for p in counted)
                if req.count.of == "faces"
                else len(counted)
            )
            what = "pas foto" if req.count.of == "faces" else "halaman"
            ev = [_page_ev(p, f"[{p.get('faces', 0)} wajah terdeteksi]") for p in counted]
            if n < req.count.min:
                outcomes.append(
                    Outcome(False, [f"Hanya {n} {what} ditemukan; diperlukan {req.count.min}."], ev)
                )
            else:
                outcomes.append(Outcome(True, evidence=ev, notes=[f"{n} {what} ditemukan."]))
        outcomes += _run_checks(ctx, req, doc)
        if doc.rescued_from:
            p = doc.pages[0]
            outcomes.insert(
                0,
                Outcome(
                    True,
                    evidence=[_page_ev(p, f"[{doc.rescued_from}]")],
                    notes=[
                        f"Halaman {p['file']} hlm. {p['page']} terpilah sebagai "
                        f"'{doc.rescued_from}', dikenali sebagai {req.label} dari isinya."
                    ],
                ),
            )
        failed = [o for o in outcomes if not o.passed]
        if failed:
            item["status"] = INVALID
            item["reasons"] = [r for o in failed for r in o.reasons]
            item["evidence"] = _dedupe([e for o in failed for e in o.evidence]) or item["evidence"]
        else:
            item["reasons"] = [n for o in outcomes for n in o.notes] or [
                f"{req.label} ada dalam berkas."
            ]
            item["evidence"] = (
                _dedupe([e for o in outcomes for e in o.evidence]) or item["evidence"]
            )
        items.append(item)
    checklist = {
        "source": pages_doc.get("source", ""),
        "service": rules.service,
        "application_type": kind,
        "verdict": "complete",
        "applicant": applicant,
        "requirements": items,
    }
    finish_verdict(checklist, rules)
    return checklist, ctx


def _dedupe(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = set()
    out = []
    for e in evidence:
        k = (e.get("file"), e.get("page"), e.get("text"))
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out[:4]


def finish_verdict(checklist: dict[str, Any], rules: ServiceRules) -> None:
    required_ok = all(r["status"] in (OK, NOT_REQUIRED) for r in checklist["requirements"])
    checklist["verdict"] = "complete" if required_ok else "incomplete"


def quality_row(checklist: dict[str, Any], rules: ServiceRules, received: date) -> dict[str, Any]:
    """One row for the data-quality suite: the applicant fields plus derived columns."""
    a = dict(checklist["applicant"])
    row: dict[str, Any] = {k: a.get(k) for k in rules.applicant}
    # derived columns: <date field>_year for every date; from "nik" and "birth_date" the
    # birth date the NIK encodes and the age on the receipt day
    for key, value in list(row.items()):
        if key != "birth_date" and _as_date(value) is not None:
            row[f"{key}_year"] = _as_date(value).year  # type: ignore[union-attr]
        elif key != "birth_date" and value in ("lifetime",):
            row[f"{key}_year"] = None
    birth = _as_date(a.get("birth_date"))
    if "nik" in row:
        nik = a.get("nik")
        info = ident.nik_info(str(nik), rules.identity.nik.rule(), near=birth) if nik else None
        row["nik_birth_date"] = (
            info.birth_date.isoformat() if info is not None and info.birth_date else None
        )
    if "birth_date" in row:
        row["age_years"] = (received - birth).days // 365 if birth is not None else None
    row["received"] = received.isoformat()
    return row


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return None


def apply_quality(
    checklist: dict[str, Any], failures: list[dict[str, Any]], ctx: Context | None = None
) -> None:
    """Failed expectations make their requirement invalid (a missing one stays missing)."""
    by_id = {r["id"]: r for r in checklist["requirements"]}
    evidence = getattr(ctx, "applicant_evidence", {}) if ctx is not None else {}
    for fail in failures:
        item = by_id.get(fail["requirement"])
        if item is None or item["status"] in (MISSING, NOT_REQUIRED):
            continue
        if item["status"] == OK:
            item["status"] = INVALID
            item["reasons"] = []
            item["evidence"] = []
        reason = f"Pemeriksaan mutu data: {fail['reason']}"
        if reason not in item["reasons"]:
            item["reasons"].append(reason)
        for col in fail.get("columns", []):
            f = evidence.get(col)
            if f is not None:
                item["evidence"] = _dedupe([*item["evidence"], f.evidence()])


@dataclass
class Checked:
    """A checklist and what the writers need besides it."""

    checklist: dict[str, Any]
    rules: ServiceRules
    address: str | None
    quality_row: dict[str, Any]
    quality_failures: list[dict[str, Any]]


def check_application_details(
    pages_doc: dict[str, Any],
    image_for: ImageFor | None,
    rules_path: Path,
    received: date,
    *,
    quality: bool = True,
) -> Checked:
    """:func:`check_application` with the applicant's address and the quality row."""
    rules = load_service_rules(rules_path)
    checklist, ctx = evaluate(rules, pages_doc, image_for, received)
    row = quality_row(checklist, rules, received)
    row["registration_number"] = pages_doc.get("registration_number") or "-"
    failures: list[dict[str, Any]] = []
    if quality and rules.quality and rules.quality.expectations:
        from loket.requirements.quality import validate_rows

        failures = validate_rows([row], rules.quality).get(row["registration_number"], [])
        apply_quality(checklist, failures, ctx)
        finish_verdict(checklist, rules)
    address = None
    for path in rules.letter.address_from:
        doc_name, _, fld = path.partition(".")
        if ctx.same_person.get(doc_name) is not None and not ctx.same_person[doc_name].passed:
            continue
        picked = vote(values(ctx.docs.get(doc_name), fld))
        if picked:
            address = str(picked[0])
            break
    return Checked(checklist, rules, address, row, failures)


def check_application(
    pages_doc: dict[str, Any],
    image_for: ImageFor | None,
    rules_path: Path,
    received: date,
    *,
    quality: bool = True,
) -> dict[str, Any]:
    """The checklist of one application (the ``checklist.json`` contract).

    ``pages_doc`` is the intake's ``pages.json``; ``image_for(file, page)`` gives a page image
    (for ink stamps and re-reading poorly read cards; None: text only); ``received`` is the
    day the application was handed in (STR validity is judged on it). With ``quality`` the
    great-expectations suite of the rules file runs over the applicant fields and its
    failures make the requirements concerned invalid.
    """
    return check_application_details(
        pages_doc, image_for, rules_path, received, quality=quality
    ).checklist
