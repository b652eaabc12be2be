"""The rules file of a service: its schema (:class:`ServiceRules`) and its loading.

The service's requirement list, the fields to read, the checks and their thresholds are a
rules file in ``rules/`` (validated at load with file:line errors). The schema knows check
*kinds* (same person, legalization, expiry, issuer…), not any particular permit: a new service
is a new rules file and letter template.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from loket.common.rulesfile import load_model
from loket.common.saferegex import RulePattern, checked_pattern
from loket.requirements import identity as ident
from loket.requirements.extract import FieldSpec
from loket.requirements.missing import AbstainRule
from loket.requirements.stamps import LegalizationRule


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
    unrule: bool = Field(
        False, description="erase a table's ruling lines first (tesseract drops ruled rows)"
    )


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
    exclude: list[str] = Field(
        default_factory=list,
        description="words of documents that look like this one but are not (a family card "
        "carries a NIK, names and a province too): a page with any of them is not taken",
    )
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


#: What a check says when the value it needs is not readable: a defect (``invalid``), nothing
#: (``ok``), or ``review`` (perlu diperiksa petugas: the scan cannot decide).
Unreadable = Literal["invalid", "ok", "review"]


class SamePersonCheck(_Check):
    check: Literal["same_person"]
    field: str = "name"
    unreadable: Literal["invalid", "review"] = Field(
        "invalid", description="no name read and the applicant's name not in the text"
    )


class SameNikCheck(_Check):
    check: Literal["same_nik"]
    field: str = "nik"
    unreadable: Unreadable = "invalid"


class NikValidCheck(_Check):
    check: Literal["nik_valid"]
    unreadable: Literal["invalid", "review"] = "invalid"
    #: a NIK whose birth date disagrees with the card's: a defect, or (review) a doubt, as
    #: one of the two readings is more often wrong than the card itself
    mismatch: Literal["invalid", "review"] = "invalid"


class LegalizedCheck(_Check):
    check: Literal["legalized"]
    rule: LegalizationRule | None = Field(None, description="default: the file's legalization")


class NotExpiredCheck(_Check):
    check: Literal["not_expired"]
    field: str = "valid_until"
    unreadable: Unreadable = "invalid"


class PlaceRule(_Strict):
    """Places named after an issuing body ("Dinas Kesehatan Kota <place>"), compared with
    the expected ones: another place is a forbidden issuer, an unsure reading a doubt."""

    pattern: RulePattern = Field(
        description="regex with (?P<place>…) over the lower-case text without punctuation, "
        "OCR confusions folded (0->o, 1/l->i, 5->s, 8->b, c->e, rn->m)"
    )
    expect: list[str] = Field(min_length=1)
    same: int = Field(80, ge=50, le=100, description="similarity of an expected place")
    other: int = Field(60, ge=0, le=100, description="below: clearly another place")

    @model_validator(mode="after")
    def _group(self) -> PlaceRule:
        if "(?P<place>" not in self.pattern:
            raise ValueError("a places pattern needs a named group (?P<place>...)")
        if self.other > self.same:
            raise ValueError("other must not be above same")
        return self


class IssuerCheck(_Check):
    check: Literal["issuer"]
    require_any: list[str] = Field(default_factory=list)
    require_regex: list[RulePattern] = Field(default_factory=list)
    forbid_any: list[str] = Field(default_factory=list)
    forbid_regex: list[RulePattern] = Field(default_factory=list)
    places: PlaceRule | None = None
    fuzzy: int = Field(85, ge=50, le=100, description="similarity of a phrase, 0-100")
    near: int = Field(
        70, ge=0, le=100, description="a required phrase this similar: a doubt, not a defect"
    )
    unclear: Literal["invalid", "review"] = Field(
        "invalid",
        description="neither required nor forbidden found on a poor or near-miss reading",
    )

    @model_validator(mode="after")
    def _sane(self) -> IssuerCheck:
        if not (self.require_any or self.require_regex or self.forbid_any or self.forbid_regex):
            raise ValueError("an issuer check needs require_* or forbid_* phrases")
        return self


class FieldPresentCheck(_Check):
    check: Literal["field_present"]
    field: str


class PhotosCheck(_Check):
    """Enough passport photos: faces on the photo pages. A photo print (a 3x4 shape on bare
    paper) in which no face is found, on a dark or dithered scan, is a doubt (``faceless``)."""

    check: Literal["photos"]
    min: int = Field(2, ge=1)
    max_letters: int | None = Field(
        100, ge=0, description="pages with more text are documents with a photo (an ID card)"
    )
    faceless: Literal["invalid", "review"] = "review"


Check = Annotated[
    SamePersonCheck
    | SameNikCheck
    | NikValidCheck
    | LegalizedCheck
    | NotExpiredCheck
    | IssuerCheck
    | FieldPresentCheck
    | PhotosCheck,
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
    #: what a failure makes the requirement: invalid (a decided defect) or review (the
    #: value was not readable or is structurally impossible: an officer looks at the scan)
    on_failure: Literal["invalid", "review"] = "invalid"

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
                    try:  # the gate matches with Python's re, which lacks some of regex's
                        re.compile(rx)
                    except re.error as exc:
                        raise ValueError(
                            f"{key} {rx!r}: Python's re cannot compile it ({exc}); the "
                            "data-quality gate matches with re: write it without regex-only "
                            "syntax such as \\p{..} classes"
                        ) from exc
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


class SecondEngineRule(_Strict):
    """A second OCR engine (RapidOCR, :mod:`loket.intake.second_reader`) for the regions
    tesseract leaves unsure: the rows of ``fields`` (document.field paths of a NIK or a
    registration number) and, on scans without colour, the legalisation stamps."""

    enabled: bool = False
    min_score: float = Field(
        0.9, ge=0.0, le=1.0, description="a reading of the second engine alone counts from this"
    )
    fields: list[str] = Field(default_factory=list, description="document.field paths")
    stamps: bool = True


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
    abstain: AbstainRule = Field(default_factory=AbstainRule)
    second_engine: SecondEngineRule = Field(default_factory=SecondEngineRule)
    letter: LetterRule

    @model_validator(mode="after")
    def _references(self) -> ServiceRules:
        """Cross-references: each mistake is reported at its own line."""
        errors: list[InitErrorDetails] = []

        def bad(loc: tuple[str | int, ...], value: object, msg: str) -> None:
            errors.append(
                InitErrorDetails(type=PydanticCustomError("value_error", msg), loc=loc, input=value)
            )

        ids = _requirement_references(self, bad)
        _identity_references(self, bad)
        _path_references(self, bad)
        _quality_references(self, bad, ids)
        if errors:
            raise ValidationError.from_exception_data("ServiceRules", errors)
        return self

    def requirement_ids(self) -> list[str]:
        return [r.id for r in self.requirements]


#: Records one cross-reference mistake: (location, value, message).
_Bad = Callable[[tuple[str | int, ...], object, str], None]


def _field_known(rules: ServiceRules, doc: str, path: str) -> bool:
    spec = rules.documents.get(doc)
    if spec is None:
        return False
    name, _, sub = path.partition(".")
    if name not in spec.fields:
        return False
    if sub:
        return spec.fields[name].type == "place_date" and sub in ("place", "date")
    return True


def _fields_of(rules: ServiceRules, doc: str) -> str:
    spec = rules.documents.get(doc)
    return ", ".join(spec.fields) if spec and spec.fields else "none"


def _requirement_references(rules: ServiceRules, bad: _Bad) -> set[str]:
    """Repeated requirement ids, check fields the document does not read, a legalized check
    without a legalization rule; the requirement ids."""
    ids: set[str] = set()
    for i, req in enumerate(rules.requirements):
        if req.id in ids:
            bad(("requirements", i, "id"), req.id, f"requirement id {req.id!r} repeated")
        ids.add(req.id)
        for j, chk in enumerate(req.checks):
            loc = ("requirements", i, "checks", j)
            fld = getattr(chk, "field", None)
            if fld is not None and not _field_known(rules, req.document, fld):
                bad(
                    (*loc, "field"),
                    fld,
                    f"document {req.document!r} has no field {fld!r} in documents: "
                    f"(known: {_fields_of(rules, req.document)})",
                )
            if isinstance(chk, LegalizedCheck) and chk.rule is None and not rules.legalization:
                bad(loc, chk.check, "a legalized check needs a top-level legalization:")
    return ids


def _identity_references(rules: ServiceRules, bad: _Bad) -> None:
    ref = rules.identity.reference
    for key in ("name_field", "nik_field", "birth_field"):
        name = getattr(rules.identity, key)
        if not _field_known(rules, ref, name):
            bad(
                ("identity", key),
                name,
                f"document {ref!r} has no field {name!r} (known: {_fields_of(rules, ref)})",
            )


def _path_references(rules: ServiceRules, bad: _Bad) -> None:
    """The document.field paths of the applicant fields and of the letter's address."""
    for key, spec in rules.applicant.items():
        for j, path in enumerate(spec.from_):
            doc, _, fld = path.partition(".")
            if not fld or not _field_known(rules, doc, fld):
                bad(
                    ("applicant", key, "from", j),
                    path,
                    f"{path!r} is not document.field of documents: (e.g. ktp.nik, str.birth.date)",
                )
    for j, path in enumerate(rules.letter.address_from):
        doc, _, fld = path.partition(".")
        if not fld or not _field_known(rules, doc, fld):
            bad(("letter", "address_from", j), path, f"{path!r} is not document.field")
    for j, path in enumerate(rules.second_engine.fields):
        doc, _, fld = path.partition(".")
        if not fld or not _field_known(rules, doc, fld):
            bad(("second_engine", "fields", j), path, f"{path!r} is not document.field")


def _quality_references(rules: ServiceRules, bad: _Bad, ids: set[str]) -> None:
    if rules.quality:
        for j, exp in enumerate(rules.quality.expectations):
            if exp.requirement not in ids:
                bad(
                    ("quality", "expectations", j, "requirement"),
                    exp.requirement,
                    f"unknown requirement {exp.requirement!r} (known: {', '.join(sorted(ids))})",
                )


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
