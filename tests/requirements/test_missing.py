"""A required document not found: missing (a defect) only when no page might be it; a page
the intake could not read, or one whose sorting came near the document's type, sends the
cell to the officer instead (rules: ``abstain``). OCR-like texts, no images."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from loket.intake import PagesDocument
from loket.requirements.engine import check_application
from loket.requirements.missing import AbstainRule, candidates
from tests.requirements import requirement_texts as T

RULES = Path(__file__).resolve().parents[2] / "rules" / "izin-kerja-radiografer.yaml"
RECEIVED = date(2026, 3, 2)


def _statuses(doc: dict) -> dict[str, str]:
    checklist = check_application(doc, None, RULES, RECEIVED, quality=False)
    return {r["id"]: r["status"] for r in checklist["requirements"]} | {"_": checklist["verdict"]}


def _with_ktp_as(doc: dict, **changes: object) -> dict:
    """The application with its KTP page changed (sorted otherwise, scores, an error)."""
    for page in doc["pages"]:
        if page["doc_type"] == "ktp":
            page.update(changes)
    return doc


#: a KTP read so poorly that neither its NIK nor its name came out (no rescue can take it)
POOR_KTP = "PROVINSI RIAU\nKOTA PEKANBARU\nGol. Darah : O\nKewarganegaraan : WNI\nBerlaku Hingga"


def test_a_document_nowhere_is_missing() -> None:
    got = _statuses(T.application(drop=("ktp",)))
    assert got["ktp"] == "missing" and got["_"] == "incomplete"


def test_a_page_sorted_otherwise_but_near_the_type_goes_to_the_officer() -> None:
    doc = _with_ktp_as(
        T.application(), doc_type="other", scores={"ktp": 3.5, "str": 1.0}, text=POOR_KTP
    )
    checklist = check_application(doc, None, RULES, RECEIVED, quality=False)
    item = next(r for r in checklist["requirements"] if r["id"] == "ktp")
    assert item["status"] == "review" and checklist["verdict"] == "review"
    assert "mirip Fotokopi KTP (terpilah sebagai other)" in item["reasons"][0]
    assert item["evidence"][0]["file"] == "hal2.jpg"


def test_a_page_far_from_the_type_leaves_the_document_missing() -> None:
    doc = _with_ktp_as(
        T.application(), doc_type="other", scores={"ktp": 1.0}, text="KARTU KELUARGA"
    )
    assert _statuses(doc)["ktp"] == "missing"


def test_an_unreadable_page_might_be_the_document() -> None:
    doc = _with_ktp_as(T.application(), doc_type="other", text="", error="decoder", error_id="E-1")
    got = _statuses(doc)
    assert got["ktp"] == "review" and got["_"] == "review"


def test_a_decided_defect_still_returns_the_file_beside_a_doubt() -> None:
    doc = _with_ktp_as(
        T.application(drop=("ijazah",)), doc_type="other", scores={"ktp": 3.0}, text=POOR_KTP
    )
    got = _statuses(doc)
    assert (got["ktp"], got["ijazah"], got["_"]) == ("review", "missing", "incomplete")


def test_candidates_rank_unreadable_first_then_by_score_and_keep_a_few() -> None:
    pages = PagesDocument.from_json(
        {
            "source": "x",
            "pages": [
                {"file": "a", "page": 1, "doc_type": "other", "scores": {"ktp": 2.5}},
                {"file": "b", "page": 1, "doc_type": "pas_foto", "scores": {"ktp": 4.0}},
                {"file": "c", "page": 1, "error": "boom", "error_id": "E"},
                {"file": "d", "page": 1, "doc_type": "other", "scores": {"ktp": 1.9}},
            ],
        }
    )
    found = candidates(pages, "ktp", "KTP", AbstainRule(max_pages=2))
    assert [c.page.file for c in found] == ["c", "b"]
    assert (
        candidates(pages, "ktp", "KTP", AbstainRule(unreadable_pages=False, unsorted_min_score=3))[
            0
        ].page.file
        == "b"
    )


def test_pages_json_keeps_the_best_scores() -> None:
    from loket.intake.steps import best_scores

    assert best_scores({"a": 0.0, "b": 3.14159, "c": -1.0, "d": 1.0, "e": 2.0, "f": 0.5}) == (
        ("b", 3.14),
        ("e", 2.0),
        ("d", 1.0),
    )
    page = PagesDocument.from_json(
        {"source": "s", "pages": [{"file": "f", "page": 1, "scores": {"ktp": 2.0}}]}
    ).pages[0]
    assert page.score("ktp") == 2.0 and page.score("str") == 0.0
    assert page.to_json()["scores"] == {"ktp": 2.0}


def test_a_page_sorted_as_another_document_counts_only_when_about_as_near() -> None:
    pages = PagesDocument.from_json(
        {
            "source": "x",
            "pages": [  # a letter that mentions a health certificate is still the letter
                {"file": "surat", "page": 1, "doc_type": "surat_permohonan",
                 "scores": {"surat_permohonan": 12.0, "surat_keterangan_sehat": 2.5}},
                {"file": "ktp", "page": 1, "doc_type": "pas_foto",  # sorted by its photo
                 "scores": {"ktp": 2.4, "pas_foto": 0.5}},
            ],
        }
    )  # fmt: skip
    assert candidates(pages, "surat_keterangan_sehat", "SKS", AbstainRule()) == []
    assert [c.page.file for c in candidates(pages, "ktp", "KTP", AbstainRule())] == ["ktp"]


def test_a_family_card_is_not_rescued_as_the_missing_ktp() -> None:
    """A Kartu Keluarga carries a NIK, names, a province, religion and occupation, like a
    KTP; with the KTP missing it must not be taken for it (a false accept)."""
    p = T.Person()
    kk = (
        "KARTU KELUARGA\nNo. 1471010101090001\nNama Kepala Keluarga : BUDI SANTOSO\n"
        "Provinsi : RIAU\nKabupaten/Kota : PEKANBARU\nKel/Desa : DELIMA\n"
        f"Nama : {p.name.upper()}\nNIK : {p.nik}\nTempat/Tgl Lahir : PEKANBARU, 13-04-1995\n"
        "Agama : ISLAM  Pekerjaan : KARYAWAN SWASTA  Status Perkawinan : BELUM KAWIN\n"
        "Kewarganegaraan : WNI\n"
    )
    doc = T.application(drop=("ktp",))
    doc["pages"].append(
        {"file": "kk.jpg", "page": 1, "doc_type": "other", "text": kk, "scores": {"ktp": 1.0}}
    )
    assert _statuses(doc)["ktp"] == "missing"
