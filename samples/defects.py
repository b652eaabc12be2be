"""Defects an application can carry, and the requirement statuses they imply.

Status precedence when several defects hit the same requirement: ``missing`` beats
``invalid`` beats ``ok``; for a new application ``surat_izin_asli`` is always
``not_required``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .common import ALWAYS_REQUIRED, REQUIREMENT_IDS

#: Documents that the ``other_person`` defect can put another person's name on.
OTHER_PERSON_TARGETS: tuple[str, ...] = (
    "ijazah",
    "str",
    "rekomendasi_organisasi_profesi",
    "surat_keterangan_sehat",
    "rekomendasi_dinkes",
)

#: defect -> {requirement id: status}. ``other_person`` hits the document named in the
#: ground truth's ``defect_targets["other_person"]`` (one of OTHER_PERSON_TARGETS).
DEFECT_EFFECTS: dict[str, dict[str, str]] = {
    **{f"missing_{r}": {r: "missing"} for r in ALWAYS_REQUIRED},
    "str_expired": {"str": "invalid"},
    "str_unlegalized": {"str": "invalid"},
    "ijazah_unlegalized": {"ijazah": "invalid"},
    "rekomendasi_other_body": {"rekomendasi_organisasi_profesi": "invalid"},
    "sehat_no_sip": {"surat_keterangan_sehat": "invalid"},
    "dinkes_other_city": {"rekomendasi_dinkes": "invalid"},
    "renewal_without_permit": {"surat_izin_asli": "missing"},
    "nik_mismatch": {"surat_permohonan": "invalid"},
    "one_photo": {"pas_foto": "invalid"},
    "other_person": {},  # target chosen per application, see defect_targets
}
DEFECTS: tuple[str, ...] = tuple(DEFECT_EFFECTS)

#: defects that only make sense for a renewal ("perpanjangan")
RENEWAL_ONLY: frozenset[str] = frozenset({"renewal_without_permit"})

#: defect -> the requirement whose document it alters/removes (for compatibility checks)
DEFECT_DOC: dict[str, str] = {d: next(iter(eff)) for d, eff in DEFECT_EFFECTS.items() if eff}

_RANK = {"ok": 0, "not_required": 0, "invalid": 1, "missing": 2}


def expected_requirements(
    application_type: str, defects: Iterable[str], targets: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Expected status of all ten requirements for an application with these defects."""
    status = {r: "ok" for r in REQUIREMENT_IDS}
    if application_type == "new":
        status["surat_izin_asli"] = "not_required"
    for d in defects:
        if d not in DEFECT_EFFECTS:
            raise ValueError(f"unknown defect {d!r}")
        effects = dict(DEFECT_EFFECTS[d])
        if d == "other_person":
            target = (targets or {}).get("other_person")
            if target is None:
                raise ValueError("other_person needs targets['other_person']")
            effects = {target: "invalid"}
        for req, st in effects.items():
            if status[req] == "not_required":
                continue
            if _RANK[st] > _RANK[status[req]]:
                status[req] = st
    return status


def check_defects(application_type: str, defects: Iterable[str]) -> None:
    """Raise ValueError for unknown or contradictory defect sets."""
    ds = list(defects)
    for d in ds:
        if d not in DEFECT_EFFECTS:
            raise ValueError(f"unknown defect {d!r}; known: {', '.join(DEFECTS)}")
    if len(set(ds)) != len(ds):
        raise ValueError(f"duplicate defects in {ds}")
    if application_type not in ("new", "renewal"):
        raise ValueError(f"application_type must be 'new' or 'renewal', not {application_type!r}")
    if application_type == "new" and RENEWAL_ONLY & set(ds):
        raise ValueError("renewal_without_permit needs application_type='renewal'")
