"""Field reading through real tesseract (issue #16): pages drawn with the project's own layout
code (:mod:`samples.layout`) in the label wordings and value shapes of Indonesian documents,
scanned by :mod:`samples.scan` (a scanner profile drawn per seed) and read by the intake's
:func:`loket.intake.ocr.read_page`; the text then goes through the rules' fields and checks.

A reading may abstain (no value) when OCR garbles a value, but it must never be a wrong value;
each kind must read on most of its pages."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from loket.intake.ocr import read_page
from loket.requirements.engine import check_application
from loket.requirements.extract import DocumentText, extract
from loket.requirements.reread import reread
from loket.requirements.rules import RereadVariant, load_service_rules
from loket.requirements.values import vote_key
from samples import generate_application
from samples.layout import KV, Flow, Page, Text
from samples.scan import ScannerProfile, scan
from tests.requirements import requirement_texts as T
from tests.scans import truth_pages

pytestmark = pytest.mark.ocr

REPO = Path(__file__).resolve().parents[2]
RULES_PATH = REPO / "rules" / "izin-kerja-radiografer.yaml"
RULES = load_service_rules(RULES_PATH)
RECEIVED = date(2026, 8, 24)
P = T.Person()
FAMILIES = ("liberation_serif", "liberation_sans", "dejavu_sans")


def draw(
    blocks: list, seed: int, *, blot: tuple[float, float, float, float] | None = None
) -> Image.Image:
    """A half A4 page with ``blocks``, in a typeface chosen by ``seed``, scanned by the
    scanner profile that seed draws; ``blot``: a dark smear over that part of the page
    (fractions of the page), as ink or a fold would leave."""
    rng = random.Random(seed)
    page = Page(200, size_mm=(210.0, 150.0))
    flow = Flow(page, rng, FAMILIES[seed % len(FAMILIES)], rng.choice((10.5, 11.5, 12.0)))
    flow.run(blocks)
    if blot is not None:
        w, h = page.size
        page.draw.rectangle([w * blot[0], h * blot[1], w * blot[2], h * blot[3]], fill=(35, 35, 40))
    return scan(page.img, rng, ScannerProfile.random(rng))


def ocr(blocks: list, seed: int, **kw: object) -> str:
    return read_page(draw(blocks, seed, **kw)).text  # type: ignore[arg-type]


def read(doc: str, field: str, text: str) -> list[object]:
    spec = RULES.documents[doc].fields[field]
    return [f.value for f in extract(spec, [DocumentText("scan.jpg", 1, text)])]


def run(texts: dict[str, str]) -> dict:
    return check_application(T.application(texts=texts), None, RULES_PATH, RECEIVED, quality=False)


def cell(checklist: dict, rid: str) -> dict:
    return next(r for r in checklist["requirements"] if r["id"] == rid)


def round_capitals(value: str) -> str:
    """A prefixed STR number with Q, D read as O (see ``loket.requirements.values``)."""
    return vote_key(value).upper() if value[:2].isalpha() else value


def head(*lines: str) -> list:
    return [Text(ln, align="center", bold=True, size=13) for ln in lines]


def test_str_numbers_in_their_labels_and_shapes() -> None:
    cases = [
        ("Nomor Registrasi", "QS 1234 5678 9012 34", "QS12345678901234"),
        ("No. STR", "12 2 8 1 24-0251670", "12 2 8 1 24-0251670"),
        ("Nomor Reg. STR", "KT-31225080012345", "KT31225080012345"),
        ("No. Reg.", "3122 5080 0123 45", "31 2 2 5 08-0012345"),
        ("Nomor STR", "31.2.2.5.08.0012345", "31 2 2 5 08-0012345"),
        ("STR No.", "QS 3122 5080 0123 45", "QS31225080012345"),
    ]
    read_ok = 0
    for seed, (label, printed, canonical) in enumerate(cases):
        blocks = [
            *head("KONSIL KESEHATAN INDONESIA", "SURAT TANDA REGISTRASI"),
            KV([("Nama", f"{P.name}, {P.title}"), (label, printed), ("Profesi", "Radiografer")]),
        ]
        text = ocr(blocks, seed)
        got = [round_capitals(str(v)) for v in read("str", "str_number", text)]
        # never a wrong number; the round capitals of a prefix (Q, O, D) OCR may swap
        assert set(got) <= {round_capitals(canonical)}, (label, printed, text)
        read_ok += bool(got)
    assert read_ok >= len(cases) - 1


def test_nik_in_a_table_and_in_running_text() -> None:
    nik = P.nik
    pages = [
        [KV([("Nama", P.name), ("No. KTP", " ".join([nik[:4], nik[4:8], nik[8:12], nik[12:]]))])],
        [KV([("Nama Lengkap", P.name), ("Nomor Induk Kependudukan", nik)])],
        [KV([("Nama", P.name), ("NIK.", nik)], sep="")],
        [
            Text(
                f"Yang bertanda tangan di bawah ini, {P.name}, dengan NIK {nik}, bertempat "
                "tinggal di Kota Pekanbaru, dengan ini menyatakan dengan sebenarnya bahwa saya "
                "bekerja sebagai radiografer.",
                align="justify",
            )
        ],
        [Text(f"Saya, pemegang KTP nomor {nik}, mengajukan permohonan izin kerja.")],
    ]
    read_ok = 0
    for seed, blocks in enumerate(pages, start=10):
        text = ocr(blocks, seed)
        got = read("surat_permohonan", "nik", text)
        assert set(got) <= {nik}, text
        read_ok += bool(got)
    assert read_ok >= len(pages) - 1


def test_names_and_birth_in_their_labels_and_date_formats() -> None:
    rows = [
        ("Nama Lengkap", "Tempat, Tanggal Lahir", "Pekanbaru, 12-01-1995"),
        ("Nama Pemohon", "Tempat/Tgl. Lahir", "Pekanbaru, 12 Januari 1995"),
        ("Nama", "TTL", "Pekanbaru, 12/01/1995"),
        ("Nama", "Tempat dan Tanggal Lahir", "Pekanbaru, 12 Jan 1995"),
        ("Nama Lengkap", "Tempat & Tgl Lahir", "Pekanbaru, 12.01.1995"),
    ]
    names = births = 0
    for seed, (name_label, birth_label, birth) in enumerate(rows, start=20):
        text = ocr([KV([(name_label, f"{P.name}, {P.title}"), (birth_label, birth)])], seed)
        got_names = read("surat_permohonan", "name", text)
        got_births = read("surat_permohonan", "birth", text)
        assert all(str(n).startswith(P.name) for n in got_names), text
        assert got_births in ([], [{"place": "Pekanbaru", "date": date(1995, 1, 12)}]), text
        names += bool(got_names)
        births += bool(got_births)
    assert names >= len(rows) - 1 and births >= len(rows) - 1


def test_str_validity_wordings() -> None:
    cases = [
        ("Berlaku s/d", "12 Januari 2029", date(2029, 1, 12)),
        ("Masa Berlaku", "12-01-2024 s.d. 12-01-2029", date(2029, 1, 12)),
        ("Berlaku sampai dengan", "12 Jan 2029", date(2029, 1, 12)),
        ("Masa Berlaku", "Seumur Hidup", "lifetime"),
    ]
    read_ok = 0
    for seed, (label, printed, value) in enumerate(cases, start=30):
        text = ocr(
            [*head("SURAT TANDA REGISTRASI"), KV([("Nama", P.name), (label, printed)])], seed
        )
        got = read("str", "valid_until", text)
        assert set(got) <= {value}, text
        read_ok += bool(got)
    assert read_ok >= len(cases) - 1


def _dinkes(city: str) -> list:
    return [
        *head(f"PEMERINTAH {city.upper()}", "DINAS KESEHATAN", "SURAT REKOMENDASI"),
        Text(
            f"Kepala Dinas Kesehatan {city} dengan ini memberikan rekomendasi kepada "
            "radiografer tersebut di bawah ini untuk memperoleh Surat Izin Kerja Radiografer.",
            align="justify",
        ),
        KV([("Nama", f"{P.name}, {P.title}"), ("Tempat Kerja", P.workplace)]),
    ]


def _pari(body: str) -> list:
    return [
        *head("PENGURUS DAERAH", body.upper(), "PROVINSI RIAU", "SURAT REKOMENDASI"),
        Text(
            "Pengurus dengan ini memberikan rekomendasi kepada anggota tersebut di bawah ini "
            "yang aktif dan memenuhi syarat untuk memperoleh surat izin kerja.",
            align="justify",
        ),
        KV([("Nama", f"{P.name}, {P.title}"), ("Tempat Kerja", P.workplace)]),
    ]


@pytest.mark.parametrize(
    ("rid", "blocks", "status"),
    [
        ("rekomendasi_dinkes", _dinkes("Kota Pekanbaru"), "ok"),
        ("rekomendasi_dinkes", _dinkes("Kota Dumai"), "invalid"),
        ("rekomendasi_dinkes", _dinkes("Kabupaten Kampar"), "invalid"),
        (
            "rekomendasi_organisasi_profesi",
            _pari("Perhimpunan Radiografer Indonesia (PARI)"),
            "ok",
        ),
        ("rekomendasi_organisasi_profesi", _pari("DPD PARI"), "ok"),
        (
            "rekomendasi_organisasi_profesi",
            _pari("Persatuan Perawat Nasional Indonesia"),
            "invalid",
        ),
    ],
)
def test_issuers_through_ocr(rid: str, blocks: list, status: str) -> None:
    got = cell(run({rid: ocr(blocks, 40 + len(rid) + len(str(blocks[1])))}), rid)
    assert got["status"] == status, got


def _letter(nik: str) -> list:
    return [
        *head("SURAT PERMOHONAN IZIN KERJA RADIOGRAFER"),
        Text("Yang bertanda tangan di bawah ini:"),
        KV(
            [
                ("Nama", f"{P.name}, {P.title}"),
                ("NIK", nik),
                ("Tempat/Tgl. Lahir", "Pekanbaru, 13 April 1995"),
                ("Nomor STR", P.str_number),
            ]
        ),
        Text("Dengan ini mengajukan permohonan baru Surat Izin Kerja Radiografer (SIKR)."),
    ]


def test_nik_on_the_letter_read_wrong_or_not_at_all() -> None:
    """The card's NIK: never invalid (ok, or review when OCR garbles it: no second reading
    here); two neighbouring digits swapped (the ``nik_mismatch`` defect): invalid; the NIK
    under a blot: review, with the page and the band of its line."""
    for seed in (50, 53, 54):
        got = cell(run({"surat_permohonan": ocr(_letter(P.nik), seed)}), "surat_permohonan")
        assert got["status"] in ("ok", "review"), got
    swapped = P.nik[:8] + P.nik[9] + P.nik[8] + P.nik[10:]
    got = cell(run({"surat_permohonan": ocr(_letter(swapped), 51)}), "surat_permohonan")
    assert got["status"] == "invalid" and swapped in got["reasons"][0], got
    text = ocr(_letter(P.nik), 52, blot=(0.45, 0.0, 0.62, 1.0))  # the middle of the value
    got = cell(run({"surat_permohonan": text}), "surat_permohonan")
    assert got["status"] == "review", (got, text)
    assert any("box" in e for e in got["evidence"]), got


def test_another_persons_name_through_ocr() -> None:
    blocks = [*head("IJAZAH"), KV([("Nama Lengkap", f"{T.OTHER.name}, A.Md.Rad")])]
    got = cell(run({"ijazah": ocr(blocks, 60) + T.LEGAL}), "ijazah")
    assert got["status"] == "invalid" and T.OTHER.name in got["reasons"][0], got


def test_a_generated_form_letter_is_read_again_without_its_lines(tmp_path: Path) -> None:
    """A generated application whose letter is a ruled form (seed 7103 of the e2e plan): the
    first reading can drop rows touching the ruling (tesseract does; the NIK row with them);
    in doubt the letter is read again with the lines erased and its NIK and name read."""
    truth = generate_application(
        tmp_path, "x", 7103, defects=["missing_ijazah", "str_expired"], packaging="mixed_tree"
    )
    image = next(
        img
        for img, pg in truth_pages(tmp_path, truth)
        if pg["doc_type"] == "surat_permohonan" and pg.get("doc_page", 1) == 1
    )
    a = truth["applicant"]
    person = T.Person(
        name=a["name"],
        title=a["title"],
        nik=a["nik"],
        birth_place=a["birth_place"],
        birth_date=date.fromisoformat(a["birth_date"]),
        str_number=a["str_number"],
        workplace=a["workplace"],
    )
    first = read_page(image)
    doc = T.application(person, texts={"surat_permohonan": first.text})
    doc["pages"][0]["rotation"] = first.rotation
    checklist = check_application(doc, lambda f, p: image, RULES_PATH, RECEIVED, quality=False)
    assert cell(checklist, "surat_permohonan")["status"] == "ok", cell(
        checklist, "surat_permohonan"
    )
    assert checklist["applicant"]["nik"] == a["nik"]
    unruled = reread(image, first.rotation, RereadVariant(threshold="otsu", psm=3, unrule=True))
    assert read("surat_permohonan", "nik", unruled) == [a["nik"]], unruled
