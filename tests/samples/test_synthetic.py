"""The synthetic application generator (samples): structure, truth, determinism.

Fast: no tesseract; pages are rendered at low dpi.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from samples import (
    DEFECTS,
    DOC_TYPES,
    PACKAGINGS,
    REQUIREMENT_IDS,
    expected_requirements,
    generate_application,
    generate_corpus,
    make_applicant,
)
from samples.__main__ import main as cli_main
from samples.applicant import KECAMATAN
from samples.photos import count_faces, face_cascade

DPI = 100

#: one application per packaging, together covering every page type and several defects
CASES: list[dict[str, Any]] = [
    {
        "name": "a-jpg",
        "packaging": "jpg_folder",
        "application_type": "renewal",
        "defects": [],
        "n_other": 1,
        "n_blank": 1,
    },
    {
        "name": "b-tree",
        "packaging": "mixed_tree",
        "application_type": "new",
        "defects": ["one_photo"],
    },
    {
        "name": "c-multi",
        "packaging": "multipage_folder",
        "application_type": "new",
        "defects": ["str_expired", "ijazah_unlegalized"],
    },
    {
        "name": "d-pdf",
        "packaging": "single_pdf",
        "application_type": "renewal",
        "defects": ["renewal_without_permit", "other_person"],
    },
    {
        "name": "e-tif",
        "packaging": "single_tiff",
        "application_type": "new",
        "defects": ["missing_ktp", "dinkes_other_city"],
        "n_other": 2,
    },
    {
        "name": "f-text",
        "packaging": "text_pdf_letter",
        "application_type": "new",
        "defects": ["nik_mismatch"],
        "n_blank": 1,
    },
]


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _submission_files(inbox: Path, truth: dict[str, Any]) -> dict[str, Path]:
    src = inbox / truth["source"]
    if src.is_file():
        return {src.name: src}
    return {p.relative_to(src).as_posix(): p for p in src.rglob("*") if p.is_file()}


def _page_count(path: Path) -> int:
    if path.suffix.lower() == ".pdf":
        return len(PdfReader(path).pages)
    with Image.open(path) as im:
        return getattr(im, "n_frames", 1)


def _load_page(path: Path, page: int) -> Image.Image:
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        return pdfium.PdfDocument(str(path))[page - 1].render(scale=DPI / 72).to_pil()
    im = Image.open(path)
    im.seek(page - 1)
    return im.copy()


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    inbox = tmp_path_factory.mktemp("inbox")
    truths = []
    for i, case in enumerate(CASES):
        kw = {k: v for k, v in case.items() if k != "name"}
        truths.append(generate_application(inbox, case["name"], 1000 + i, dpi=DPI, **kw))
    return inbox, truths


# --------------------------------------------------------------------------------------------
# applicants
# --------------------------------------------------------------------------------------------
def test_nik_structure() -> None:
    codes = {code for code, _ in KECAMATAN.values()}
    for seed in range(300):
        a = make_applicant(random.Random(seed))
        assert re.fullmatch(r"\d{16}", a.nik), a.nik
        assert a.nik[:4] == "1471"
        assert a.nik[4:6] in codes
        day = int(a.nik[6:8])
        assert day == a.birth_date.day + (40 if a.sex == "P" else 0)
        assert a.nik[8:10] == f"{a.birth_date.month:02d}"
        assert a.nik[10:12] == f"{a.birth_date.year % 100:02d}"
        assert 1 <= int(a.nik[12:]) <= 9999
        assert a.sex in ("L", "P") and a.title and a.workplace


# --------------------------------------------------------------------------------------------
# defects -> expected statuses
# --------------------------------------------------------------------------------------------
def test_defect_mapping() -> None:
    base_new = expected_requirements("new", [])
    assert base_new == {**{r: "ok" for r in REQUIREMENT_IDS}, "surat_izin_asli": "not_required"}
    assert expected_requirements("renewal", [])["surat_izin_asli"] == "ok"
    expect = {
        "str_expired": ("str", "invalid"),
        "str_unlegalized": ("str", "invalid"),
        "ijazah_unlegalized": ("ijazah", "invalid"),
        "rekomendasi_other_body": ("rekomendasi_organisasi_profesi", "invalid"),
        "sehat_no_sip": ("surat_keterangan_sehat", "invalid"),
        "dinkes_other_city": ("rekomendasi_dinkes", "invalid"),
        "renewal_without_permit": ("surat_izin_asli", "missing"),
        "nik_mismatch": ("surat_permohonan", "invalid"),
        "one_photo": ("pas_foto", "invalid"),
    }
    for req in REQUIREMENT_IDS[:9]:
        expect[f"missing_{req}"] = (req, "missing")
    assert set(DEFECTS) == set(expect) | {"other_person"}
    for defect, (req, status) in expect.items():
        got = expected_requirements("renewal", [defect])
        assert got[req] == status, defect
        assert all(v == "ok" for k, v in got.items() if k != req), defect
    got = expected_requirements("new", ["other_person"], {"other_person": "str"})
    assert got["str"] == "invalid"
    # missing beats invalid
    assert expected_requirements("new", ["str_expired", "missing_str"])["str"] == "missing"
    with pytest.raises(ValueError):
        expected_requirements("new", ["no_such_defect"])


def test_invalid_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_application(tmp_path, "x", 1, defects=["renewal_without_permit"])
    with pytest.raises(ValueError):
        generate_application(tmp_path, "x", 1, defects=["bogus"])
    with pytest.raises(ValueError):
        generate_application(tmp_path, "x", 1, packaging="zip")
    with pytest.raises(ValueError):
        generate_corpus(tmp_path / "inbox", 1, 1, truth_path=tmp_path / "inbox" / "t.json")


# --------------------------------------------------------------------------------------------
# generated applications
# --------------------------------------------------------------------------------------------
@pytest.mark.ocr
def test_refuses_to_overwrite(apps: tuple[Path, list[dict[str, Any]]]) -> None:
    inbox, truths = apps
    for t in truths:
        name = t["source"].removesuffix(".pdf").removesuffix(".tif")
        with pytest.raises(FileExistsError):
            generate_application(inbox, name, 1, dpi=DPI)


@pytest.mark.ocr
def test_every_doc_type_and_packaging(apps: tuple[Path, list[dict[str, Any]]]) -> None:
    _, truths = apps
    seen = {p["doc_type"] for t in truths for p in t["pages"]}
    assert seen == set(DOC_TYPES)
    assert {t["packaging"] for t in truths} == set(PACKAGINGS)


@pytest.mark.ocr
def test_truth_is_json_and_complete(apps: tuple[Path, list[dict[str, Any]]]) -> None:
    _, truths = apps
    for t, case in zip(truths, CASES, strict=True):
        assert json.loads(json.dumps(t)) == t
        assert t["defects"] == case["defects"]
        assert set(t["requirements"]) == set(REQUIREMENT_IDS)
        assert t["requirements"] == expected_requirements(
            t["application_type"], t["defects"], t["defect_targets"]
        )
        assert set(t["applicant"]) >= {
            "name",
            "title",
            "nik",
            "sex",
            "birth_place",
            "birth_date",
            "address",
            "workplace",
            "str_number",
            "str_valid_until",
        }
        for p in t["pages"]:
            assert p["doc_type"] in DOC_TYPES
            assert p["rotation"] in (0, 90, 180, 270)
            assert ("photos" in p) == (p["doc_type"] == "pas_foto")
        # documents present/absent as the statuses say
        types = {p["doc_type"] for p in t["pages"]}
        for req, status in t["requirements"].items():
            if status in ("missing", "not_required"):
                assert req not in types, (t["source"], req)
            else:
                assert req in types, (t["source"], req)


@pytest.mark.ocr
def test_pages_match_files(apps: tuple[Path, list[dict[str, Any]]]) -> None:
    inbox, truths = apps
    for t in truths:
        files = _submission_files(inbox, t)
        listed: dict[str, list[int]] = {}
        for p in t["pages"]:
            listed.setdefault(p["file"], []).append(p["page"])
        assert set(listed) == set(files), t["source"]  # no missing, no unexplained files
        for f, pages in listed.items():
            assert sorted(pages) == list(range(1, _page_count(files[f]) + 1)), (t["source"], f)
    single = {t["packaging"]: t["source"] for t in truths}
    assert single["single_pdf"].endswith(".pdf") and (inbox / single["single_pdf"]).is_file()
    assert single["single_tiff"].endswith(".tif") and (inbox / single["single_tiff"]).is_file()
    multi = next(t for t in truths if t["packaging"] == "multipage_folder")
    kinds = {Path(p["file"]).suffix for p in multi["pages"]}
    assert {".pdf", ".tif"} <= kinds


@pytest.mark.ocr
def test_defects_show_in_documents(apps: tuple[Path, list[dict[str, Any]]]) -> None:
    inbox, truths = apps
    by = {t["source"]: t for t in truths}
    # pas foto: two photos, one with one_photo
    for t in truths:
        n = sum(p.get("photos", 0) for p in t["pages"])
        assert n == (1 if "one_photo" in t["defects"] else 2), t["source"]
    # an expired STR really is expired on the received date
    c = by["c-multi"]
    assert dt.date.fromisoformat(c["applicant"]["str_valid_until"]) < dt.date.fromisoformat(
        c["received"]
    )
    for t in truths:
        if "str_expired" not in t["defects"] and t["applicant"]["str_valid_until"] != "lifetime":
            assert t["applicant"]["str_valid_until"] > t["received"]
    # the digital letter carries a text layer with a transposed NIK
    f = by["f-text"]
    letter = [p for p in f["pages"] if p["text_layer"]]
    assert letter and all(p["doc_type"] == "surat_permohonan" for p in letter)
    text = " ".join(PdfReader(inbox / "f-text" / letter[0]["file"]).pages[0].extract_text().split())
    assert "Permohonan Surat Izin Kerja Radiografer" in text
    assert f["applicant"]["name"] in text
    niks = re.findall(r"\b\d{16}\b", text)
    true_nik = f["applicant"]["nik"]
    assert niks and niks[0] != true_nik and sorted(niks[0]) == sorted(true_nik)
    # scanned PDFs have no text layer
    assert not PdfReader(inbox / by["d-pdf.pdf"]["source"]).pages[0].extract_text().strip()
    # other_person has a target
    assert by["d-pdf.pdf"]["defect_targets"]["other_person"] in by["d-pdf.pdf"]["requirements"]


@pytest.mark.ocr
def test_rotation_convention(apps: tuple[Path, list[dict[str, Any]]]) -> None:
    """Quarter-turned portrait letters come out landscape; uprighting restores portrait."""
    inbox, truths = apps
    letters = {
        "surat_keterangan_sehat",
        "rekomendasi_dinkes",
        "surat_pernyataan_tempat_kerja",
        "rekomendasi_organisasi_profesi",
        "ktp",
    }
    checked = 0
    for t in truths:
        files = _submission_files(inbox, t)
        for p in t["pages"]:
            if p["doc_type"] in letters and p["rotation"] in (90, 270):
                im = _load_page(files[p["file"]], p["page"])
                assert im.width > im.height
                up = im.rotate(p["rotation"], expand=True)
                assert up.height > up.width
                checked += 1
    if not checked:
        pytest.skip("no quarter-turned letter in this sample")


@pytest.mark.ocr
def test_determinism(tmp_path: Path) -> None:
    kw: dict[str, Any] = {
        "application_type": "renewal",
        "defects": ["str_unlegalized"],
        "packaging": "mixed_tree",
        "dpi": 60,
    }
    t1 = generate_application(tmp_path / "one", "app", 42, **kw)
    t2 = generate_application(tmp_path / "two", "app", 42, **kw)
    t3 = generate_application(tmp_path / "three", "app", 43, **kw)
    assert t1 == t2
    assert _hashes(tmp_path / "one") == _hashes(tmp_path / "two")
    assert t3["applicant"] != t1["applicant"]


@pytest.mark.ocr
def test_corpus_and_cli(tmp_path: Path) -> None:
    truth_path = tmp_path / "truth.json"
    truths = generate_corpus(tmp_path / "inbox", 6, 7, dpi=50, truth_path=truth_path)
    assert json.loads(truth_path.read_text(encoding="utf-8")) == truths
    assert {t["packaging"] for t in truths} == set(PACKAGINGS)
    assert sorted(p.name for p in (tmp_path / "inbox").iterdir()) == sorted(
        t["source"] for t in truths
    )
    assert (
        cli_main(
            [
                str(tmp_path / "cli"),
                "--count",
                "1",
                "--seed",
                "3",
                "--dpi",
                "50",
                "--truth",
                str(tmp_path / "cli.json"),
            ]
        )
        == 0
    )
    assert len(json.loads((tmp_path / "cli.json").read_text(encoding="utf-8"))) == 1


@pytest.mark.ocr
def test_haar_cascade_finds_the_photos(apps: tuple[Path, list[dict[str, Any]]]) -> None:
    cascade = face_cascade()
    if cascade is None:
        pytest.skip("this OpenCV has no Haar cascades (opencv>=5 moved them to contrib)")
    inbox, truths = apps
    n = 0
    for t in truths:
        files = _submission_files(inbox, t)
        for p in t["pages"]:
            if p["doc_type"] == "pas_foto":
                im = _load_page(files[p["file"]], p["page"]).rotate(p["rotation"], expand=True)
                assert count_faces(im, cascade, DPI) == p["photos"], (t["source"], p)
                n += 1
    assert n >= len(truths)
