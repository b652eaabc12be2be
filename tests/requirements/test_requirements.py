"""Requirement engine on text: extraction, Indonesian dates, names, NIK, stamps (generated
images), rules-file errors, every check kind, a second service, the writers and the
great-expectations gate. Fast: no OCR (the e2e tests run the real pipeline)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from loket.common.rulesfile import RulesError
from loket.office.rulesets import check_file, schema_for
from loket.requirements import identity as ident
from loket.requirements.engine import check_application
from loket.requirements.extract import DocumentText, FieldSpec, extract, find_dates, parse_date
from loket.requirements.rules import load_service_rules
from loket.requirements.stamps import HueRange, InkRule, find_ink, find_phrases
from tests.requirements import requirement_texts as T

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules" / "izin-kerja-radiografer.yaml"
NURSE = REPO / "rules" / "izin-praktik-perawat.yaml"
TITLES = load_service_rules(RULES).identity.titles
RECEIVED = date(2026, 8, 24)


def run(doc: dict, received: date = RECEIVED, rules: Path = RULES) -> dict:
    return check_application(doc, None, rules, received, quality=False)


def statuses(checklist: dict) -> dict[str, str]:
    return {r["id"]: r["status"] for r in checklist["requirements"]}


def item(checklist: dict, rid: str) -> dict:
    return next(r for r in checklist["requirements"] if r["id"] == rid)


# --------------------------------------------------------------------------------------------
# Dates and fields
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Januari 1995", date(1995, 1, 12)),
        ("12-01-1995", date(1995, 1, 12)),
        ("12/01/1995", date(1995, 1, 12)),
        ("12.01.1995", date(1995, 1, 12)),
        ("Jakarta, 7 Agustus 2020", date(2020, 8, 7)),
        ("7 Agt. 2020", date(2020, 8, 7)),
        ("l2 Januari 2O26", date(2026, 1, 12)),  # OCR letters for digits
        ("27 Maret2028", date(2028, 3, 27)),
        ("3 Pebruari 1990", date(1990, 2, 3)),
        ("3 Febuari 1990", date(1990, 2, 3)),  # misspelt month (fuzzy)
        ("13- 04- 1984", date(1984, 4, 13)),
        ("1 Nopember 2000", date(2000, 11, 1)),
        ("berlaku sampai dengan 26 6 Juli 2028", date(2028, 7, 26)),  # bold digit read twice
        ("Berlaku s.d. 19 Oktober 2028", date(2028, 10, 19)),
        ("19 Oktober 2028", date(2028, 10, 19)),
    ],
)
def test_indonesian_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_dates_reject_nonsense() -> None:
    assert parse_date("31-02-2020") is None
    assert parse_date("Nomor 503/SIP-DU/1630/2024") is None
    assert [d.value for d in find_dates("dari 1 Juli 2020 sampai 30-06-2025")] == [
        date(2020, 7, 1),
        date(2025, 6, 30),
    ]


def _pages(text: str) -> list[DocumentText]:
    return [DocumentText("a.jpg", 1, text)]


def test_label_fields_place_date_and_snippet() -> None:
    spec = FieldSpec(label=r"Tempat\s*/?\s*T(?:gl|anggal)\.?\s*Lahir", type="place_date")
    found = extract(
        spec, _pages("Nama : X\nTempat/Tanggal Lahir =: Siak Sri Indrapura, 5 Mei 1990")
    )
    assert found[0].value == {"place": "Siak Sri Indrapura", "date": date(1990, 5, 5)}
    assert found[0].snippet.startswith("Tempat/Tanggal Lahir")
    assert found[0].evidence() == {"file": "a.jpg", "page": 1, "text": found[0].snippet}


def test_nik_field_survives_ocr_noise() -> None:
    spec = FieldSpec(label=r"N\s*[I1l]\s*K", type="nik", value=r"\d{16}")
    for line, nik in [
        ("NIK : 1471015304842841", "1471015304842841"),
        ("NIK | + 1471O153O4842841", "1471015304842841"),  # O for 0
        ("NIK -11471034602861130", "1471034602861130"),  # ':' read as '1'
        ("N1K :1471034602861130 Tg", "1471034602861130"),  # junk after it
    ]:
        assert [f.value for f in extract(spec, _pages(line))] == [nik], line


def test_str_number_canonical_and_validity() -> None:
    rules = load_service_rules(RULES)
    spec = rules.documents["str"].fields
    text = (
        "Nomor STR 1 12281 26-0251670\n"  # colon read as '1', spaces lost
        "STR ini- berlaku sampai dengan 27 Maret 2028\n"
    )
    assert extract(spec["str_number"], _pages(text))[0].value == "12 2 8 1 26-0251670"
    assert extract(spec["valid_until"], _pages(text))[0].value == date(2028, 3, 27)
    assert extract(spec["valid_until"], _pages("Berlaku s.d. 15 Januari 2027"))[0].value == date(
        2027, 1, 15
    )
    assert extract(spec["valid_until"], _pages("STR ini berlaku seumur hidup"))[0].value == (
        "lifetime"
    )


def test_sip_number_is_not_a_nip() -> None:
    spec = load_service_rules(RULES).documents["surat_keterangan_sehat"].fields["sip"]
    assert extract(spec, _pages("No. SIP: 503/SIP-DU/1630/DPMPTSP/2024"))[0].value == (
        "503/SIP-DU/1630/DPMPTSP/2024"
    )
    assert extract(
        spec, _pages("dr. Andi, Surat Izin Praktik (SIP) Nomor 446/DPMPTSP/SIP-D/12/2023")
    )
    assert extract(spec, _pages("NIP. 19750406 200502 2 013")) == []


# --------------------------------------------------------------------------------------------
# Names and NIK
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Rina Oktaviani", "RINA OKTAVIANI"),
        ("Rina Oktaviani", "Rina Oktaviani, A.Md.Rad"),
        ("Rina Oktaviani", "Rina  Oktaviani , S.Tr.Kes"),
        ("Rina Oktaviani", "RINA 0KTAVIANI"),  # OCR 0 for O
        ("Rina Oktaviani", "Rina Oktavian!, AMMd.Rad"),  # misread title and letter
        ("Nurul Hayati", "NURULHAYATI"),  # words run together
        ("Dina Safitri", "Dina Safitri A.Md. Kes"),
        ("Ayu Yulianti", "AYU YULIANTI Sss"),  # a vowelless scrap after the name (a KTP)
    ],
)
def test_names_match_despite_case_titles_and_ocr(a: str, b: str) -> None:
    assert ident.names_match(a, b, TITLES)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Indah Ramadhani", "Intan Ramadhani"),  # another person, same family name
        ("Fajar Hidayat", "Muhammad Fajar Hidayat"),
        ("Rina Oktaviani", "Rina Oktaviani Siregar"),
        ("Budi Santoso", "Rudi Santoso"),
        ("Ayu Yulianti", "Ayu Yulianti Sri"),  # three letters with a vowel: a name word
        ("Dewi Lestari", "Nur Dewi Lestari"),
    ],
)
def test_names_of_another_person_do_not_match(a: str, b: str) -> None:
    assert not ident.names_match(a, b, TITLES)


def test_strip_titles_and_display_name() -> None:
    assert ident.strip_titles("Rina Oktaviani, A.Md.Rad", TITLES) == "Rina Oktaviani"
    assert ident.strip_titles("Ns. Rina Oktaviani, S.Kep", ["Ns.", "S.Kep"]) == "Rina Oktaviani"
    assert ident.display_name("RINA OKTAVIANI", TITLES) == "Rina Oktaviani"


def test_nik_structure_and_birth_date() -> None:
    assert ident.nik_problems("1471015304950012", date(1995, 4, 13)) == []  # woman: 13 + 40
    assert ident.nik_problems("1471011304950012", date(1995, 4, 13)) == []  # man
    info = ident.nik_info("1471015304950012")
    assert info.female and info.birth_date == date(1995, 4, 13)
    assert "16 angka" in ident.nik_problems("147101530495001", date(1995, 4, 13))[0]
    assert "tidak sesuai" in ident.nik_problems("1471015305950012", date(1995, 4, 13))[0]
    assert "tanggal lahir yang sah" in ident.nik_problems("1471019913950012", None)[0]


# --------------------------------------------------------------------------------------------
# Stamps (generated images)
# --------------------------------------------------------------------------------------------
INK = InkRule(
    hues=[HueRange(name="biru", low=95, high=125), HueRange(name="ungu", low=126, high=160)]
)


def _page(gray: bool = True) -> Image.Image:
    img = Image.new("RGB", (1240, 1754), (246, 244, 238))
    d = ImageDraw.Draw(img)
    for y in range(150, 1200, 40):  # typed text, photocopied grey
        d.rectangle([120, y, 1100, y + 14], fill=(40, 40, 40))
    return img


def _stamp(img: Image.Image, color: tuple[int, int, int], size: int = 260) -> Image.Image:
    d = ImageDraw.Draw(img)
    x, y = 200, 1300
    d.rectangle([x, y, x + size * 1.6, y + size * 0.7], outline=color, width=6)
    font = ImageFont.load_default()
    for i, line in enumerate(("TELAH DILEGALISIR", "SESUAI DENGAN ASLINYA")):
        d.text((x + 20, y + 20 + 30 * i), line, fill=color, font=font)
    d.ellipse([x + 150, y + 40, x + 150 + size * 0.7, y + 40 + size * 0.7], outline=color, width=8)
    return img


@pytest.mark.parametrize("color", [(40, 70, 175), (105, 40, 150), (75, 45, 165)])
def test_coloured_stamp_is_found(color: tuple[int, int, int]) -> None:
    result = find_ink(_stamp(_page(), color), INK)
    assert result.found
    assert "cap tinta berwarna" in result.describe()


def test_grey_copy_and_small_marks_are_not_stamps() -> None:
    assert not find_ink(_page(), INK).found
    grey_stamp = _stamp(_page(), (90, 90, 90))  # stamp photocopied with the page: grey
    assert not find_ink(grey_stamp, INK).found
    tick = _page()
    ImageDraw.Draw(tick).line([(300, 1300), (330, 1330), (380, 1270)], fill=(30, 60, 170), width=4)
    assert not find_ink(tick, INK).found  # a pen tick is not a stamp
    red = _stamp(_page(), (200, 30, 35))  # red ink is not the legalization's blue/violet
    assert not find_ink(red, INK).found


def test_stamp_wording_is_found_fuzzily() -> None:
    phrases = ["dilegalisir", "sesuai dengan aslinya"]
    text = "STR ini berlaku seumur hidup\nDut GALISI SIR\nspate sv dengan asiinya :\n"
    hits = find_phrases(text, phrases, 80)
    assert [h.phrase for h in hits] == ["sesuai dengan aslinya"]
    assert find_phrases("telah terregistrasi sebagai Tenaga Kesehatan", phrases, 80) == []
    assert find_phrases("Tetah dilegalisir sesuai dengan aslinya", phrases, 80)


# --------------------------------------------------------------------------------------------
# Rules files
# --------------------------------------------------------------------------------------------
def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = RULES.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "izin-kerja-radiografer.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        ("  fuzzy: 80\n  decide: any", "  fuzzy: eighty\n  decide: any", "write a whole number"),
        (
            "- {check: photos, min: 2, max_letters: 100, faceless: review}",
            "- {check: photos, min: 2, max_letters: 100, faceless: reveiw}",
            "use one of the allowed",
        ),
        (
            "- {check: nik_valid, unreadable: review, mismatch: review}",
            "- {check: nik_validty, unreadable: review, mismatch: review}",
            "use one of the allowed values",
        ),
        ("- {check: same_nik, field: nik,", "- {check: same_nik, field: nikk,", "no field 'nikk'"),
        ("    required: renewal", "    required: renewl", "use one of the allowed values"),
        (
            "      - {name: biru, low: 95, high: 125}",
            "      - {name: biru, low: 95, high: 125, colour: 3}",
            "remove it or check its spelling",
        ),
    ],
)
def test_rules_mistake_is_one_line_with_file_line_and_fix(
    tmp_path: Path, old: str, new: str, expect: str
) -> None:
    path = _broken(tmp_path, old, new)
    with pytest.raises(RulesError) as info:
        load_service_rules(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:{_line_of(path, new.strip().split(chr(10))[0])}:")
    assert "— fix:" in message and expect in message
    assert check_file(path) == [message]  # `loket rules check` says the same


def test_rules_cross_reference_errors(tmp_path: Path) -> None:
    path = _broken(tmp_path, "requirement: surat_pernyataan_tempat_kerja\n", "requirement: sp\n")
    with pytest.raises(RulesError) as info:
        load_service_rules(path)
    assert f"{path}:{_line_of(path, 'requirement: sp')}:" in str(info.value)
    assert "unknown requirement 'sp'" in str(info.value)


def test_every_rules_file_is_known_and_valid() -> None:
    for path in (RULES, NURSE, REPO / "rules" / "izin-praktik-perawat" / "document-types.yaml"):
        assert schema_for(path) is not None
        assert check_file(path) == []


# --------------------------------------------------------------------------------------------
# The engine on text
# --------------------------------------------------------------------------------------------
def test_valid_new_application_is_complete_with_cited_evidence() -> None:
    checklist = run(T.application())
    assert checklist["verdict"] == "complete"
    assert checklist["service"] == "izin-kerja-radiografer"
    assert checklist["application_type"] == "new"
    assert [r["id"] for r in checklist["requirements"]] == load_service_rules(
        RULES
    ).requirement_ids()
    assert statuses(checklist)["surat_izin_asli"] == "not_required"
    assert checklist["applicant"] == {
        "name": "Rina Oktaviani",
        "nik": "1471015304950012",
        "birth_place": "Pekanbaru",
        "birth_date": "1995-04-13",
        "str_number": "12 2 8 1 24-0251670",
        "str_valid_until": "lifetime",
        "workplace": "RS Awal Bros Pekanbaru",
    }
    for r in checklist["requirements"]:
        assert r["reasons"], r["id"]
        if r["status"] == "ok":
            assert r["evidence"] and {"file", "page", "text"} <= set(r["evidence"][0]), r["id"]
    assert any("DILEGALISIR" in e["text"] for e in item(checklist, "ijazah")["evidence"])


def test_valid_renewal_is_complete() -> None:
    checklist = run(T.application(renewal=True))
    assert checklist["application_type"] == "renewal"
    assert checklist["verdict"] == "complete"
    assert statuses(checklist)["surat_izin_asli"] == "ok"


def test_renewal_without_old_permit() -> None:
    doc = T.application(renewal=True, drop=("surat_izin_asli",))
    checklist = run(doc)
    assert checklist["verdict"] == "incomplete"
    assert statuses(checklist)["surat_izin_asli"] == "missing"


def test_without_letter_the_old_permit_means_renewal() -> None:
    checklist = run(T.application(renewal=True, drop=("surat_permohonan",)))
    assert checklist["application_type"] == "renewal"
    assert statuses(checklist)["surat_permohonan"] == "missing"
    assert statuses(checklist)["surat_izin_asli"] == "ok"


@pytest.mark.parametrize("missing", ["ktp", "ijazah", "str", "rekomendasi_dinkes", "pas_foto"])
def test_missing_document(missing: str) -> None:
    checklist = run(T.application(drop=(missing,)))
    got = statuses(checklist)
    assert got[missing] == "missing"
    # without the KTP, the letter's NIK cannot be compared: the officer's (never ok)
    compared = {"surat_permohonan": "review"} if missing == "ktp" else {}
    assert all(
        s == compared.get(k) or (k not in compared and s in ("ok", "not_required"))
        for k, s in got.items()
        if k != missing
    ), got
    assert "tidak ditemukan" in item(checklist, missing)["reasons"][0]


def test_a_mistyped_nik_is_not_waved_through_when_the_ktp_is_not_found() -> None:
    """The letter's NIK is wrong and the KTP was not found (sorted away): the letter's cell
    was ``ok`` ("NIK tidak dibandingkan"), a false accept; now it goes to the officer."""
    p = T.Person()
    letter = T.permohonan(p, nik="1471015304950021")
    checklist = run(T.application(p, drop=("ktp",), texts={"surat_permohonan": letter}))
    assert statuses(checklist)["surat_permohonan"] == "review"
    assert statuses(checklist)["ktp"] == "missing"


def test_a_mistyped_nik_is_not_waved_through_when_the_ktp_nik_is_unread() -> None:
    """The letter's NIK is wrong and the card's NIK did not read: the letter's cell was
    ``ok`` ("NIK tidak dibandingkan"), and an officer confirming the card's own cell compares
    nothing with the letter, a false accept; now the letter's cell goes to the officer too."""
    p = T.Person()
    card = T.ktp(p).replace(f"NIK : {p.nik}", "NIK : 14?1O?53?4??o??l")
    letter = T.permohonan(p, nik="1471015304950021")
    checklist = run(T.application(p, texts={"ktp": card, "surat_permohonan": letter}))
    assert statuses(checklist)["ktp"] == "review"
    assert statuses(checklist)["surat_permohonan"] == "review"
    assert checklist["verdict"] == "review"


def test_one_photo_only() -> None:
    checklist = run(T.application(photos=1))
    assert statuses(checklist)["pas_foto"] == "invalid"
    assert "Hanya 1 pas foto" in item(checklist, "pas_foto")["reasons"][0]


def test_a_card_typed_as_photo_page_adds_no_photo() -> None:
    doc = T.application(photos=1)
    card = next(p for p in doc["pages"] if p["doc_type"] == "ktp")
    doc["pages"].append(dict(card, file="ktp-lagi.jpg", doc_type="pas_foto", faces=1))
    assert statuses(run(doc))["pas_foto"] == "invalid"


@pytest.mark.parametrize("doc", ["ijazah", "str"])
def test_unlegalized_copy(doc: str) -> None:
    p = T.Person()
    text = T.ijazah(p, legal=False) if doc == "ijazah" else T.str_doc(p, legal=False)
    checklist = run(T.application(texts={doc: text}))
    assert statuses(checklist)[doc] == "invalid"
    assert "legalisir" in item(checklist, doc)["reasons"][0]
    assert statuses(checklist)["ktp"] == "ok"


def test_expired_and_valid_str() -> None:
    expired = T.replace(T.Person(), str_valid=date(2026, 3, 1))
    checklist = run(T.application(texts={"str": T.str_doc(expired)}))
    assert statuses(checklist)["str"] == "invalid"
    assert "01-03-2026" in item(checklist, "str")["reasons"][0]
    assert checklist["applicant"]["str_valid_until"] == "2026-03-01"
    valid = T.replace(T.Person(), str_valid=date(2026, 8, 24))  # last valid day = receipt day
    assert statuses(run(T.application(texts={"str": T.str_doc(valid)})))["str"] == "ok"


@pytest.mark.parametrize(
    "doc",
    [
        "ijazah",
        "str",
        "rekomendasi_organisasi_profesi",
        "surat_keterangan_sehat",
        "rekomendasi_dinkes",
    ],
)
def test_another_persons_document(doc: str) -> None:
    makers = {
        "ijazah": T.ijazah,
        "str": T.str_doc,
        "rekomendasi_organisasi_profesi": T.rekomendasi,
        "surat_keterangan_sehat": T.sehat,
        "rekomendasi_dinkes": T.dinkes,
    }
    checklist = run(T.application(texts={doc: makers[doc](T.OTHER)}))
    got = statuses(checklist)
    assert got[doc] == "invalid"
    assert "Siti Handayani" in item(checklist, doc)["reasons"][0]
    assert all(s in ("ok", "not_required") for k, s in got.items() if k != doc)
    assert checklist["applicant"]["name"] == "Rina Oktaviani"


def test_nik_mismatch_on_the_letter() -> None:
    p = T.Person()
    letter = T.permohonan(p, nik="1471015340950012")  # two digits swapped
    checklist = run(T.application(texts={"surat_permohonan": letter}))
    assert statuses(checklist)["surat_permohonan"] == "invalid"
    assert statuses(checklist)["ktp"] == "ok"
    assert "1471015340950012" in item(checklist, "surat_permohonan")["reasons"][0]


def test_nik_not_matching_birth_date_puts_ktp_in_review() -> None:
    p = T.replace(T.Person(), nik="1471011304950012")  # a man's NIK on a woman's card date ok
    assert statuses(run(T.application(p)))["ktp"] == "ok"
    bad = T.replace(T.Person(), nik="1471015305950012")
    checklist = run(T.application(bad))
    assert statuses(checklist)["ktp"] == "review"  # a misread digit, more often than a fake
    assert "tidak sesuai" in item(checklist, "ktp")["reasons"][0]
    assert statuses(run(T.application(bad), rules=NURSE))["ktp"] == "invalid"  # its rules: a defect


def test_health_certificate_without_sip() -> None:
    checklist = run(T.application(texts={"surat_keterangan_sehat": T.sehat(T.Person(), sip=False)}))
    assert statuses(checklist)["surat_keterangan_sehat"] == "invalid"
    assert "SIP" in item(checklist, "surat_keterangan_sehat")["reasons"][0]


@pytest.mark.parametrize("city", ["Kota Dumai", "Kabupaten Kampar", "Provinsi Riau"])
def test_dinkes_of_another_region(city: str) -> None:
    checklist = run(T.application(texts={"rekomendasi_dinkes": T.dinkes(T.Person(), city=city)}))
    assert statuses(checklist)["rekomendasi_dinkes"] == "invalid"
    assert "Dinas Kesehatan Kota Pekanbaru" in item(checklist, "rekomendasi_dinkes")["reasons"][0]


def test_recommendation_of_another_profession() -> None:
    text = T.rekomendasi(T.Person(), body="PPNI")
    checklist = run(T.application(texts={"rekomendasi_organisasi_profesi": text}))
    reason = item(checklist, "rekomendasi_organisasi_profesi")["reasons"][0]
    assert statuses(checklist)["rekomendasi_organisasi_profesi"] == "invalid"
    assert "PARI" in reason and "Persatuan Perawat" in reason


def test_a_misread_card_name_gives_way_to_the_name_the_documents_agree_on() -> None:
    """The card reads "HDINKSAFITRI", the ijazah "DINASAFITRI" (close enough to each other
    to agree), five other documents "Dina Safitri": the card was misread, not they."""
    p = T.Person(name="Dina Safitri")
    texts = {
        "ktp": T.ktp(p).replace("DINA SAFITRI", "HDINKSAFITRI"),
        "ijazah": T.ijazah(p).replace("Dina Safitri", "DINASAFITRI"),
    }
    checklist = run(T.application(p, texts=texts))
    assert checklist["applicant"]["name"] == "Dina Safitri"
    got = statuses(checklist)
    assert got["str"] == got["rekomendasi_organisasi_profesi"] == "ok", checklist


def test_a_card_whose_printed_birth_date_is_not_its_niks_is_never_ok() -> None:
    """The card's birth row read twice as printed (13-04-1993) and once misread into the
    date its NIK encodes (…530495…): the printed date is the card's, and a card whose NIK
    and birth date disagree is the officer's, never ``ok``."""
    p = T.Person()
    printed = "Tempat/Tgl Lahir : PEKANBARU, 13-04-1993\nTempat/Tgl Lahir : PEKANBARU 13.04.1993\n"
    card = T.ktp(p).replace("Tempat/Tgl Lahir", f"{printed}Tempat/Tgl Lahir", 1)
    checklist = run(T.application(p, texts={"ktp": card}))
    assert statuses(checklist)["ktp"] == "review", checklist


def test_a_garbled_name_resembling_another_persons_does_not_let_their_document_in() -> None:
    """The card's name misread, one letter reading "Ritna Oktaviani", the STR of another
    person, Rita Oktaviani: the name the documents agree on is the applicant's, read to the
    letter on most of them, and the STR stays another person's."""
    other = T.replace(T.Person(), name="Rita Oktaviani")
    texts = {
        "ktp": T.ktp(T.Person()).replace("RINA OKTAVIANI", "HRINKOKTAVIANI"),
        "str": T.str_doc(other),
        "surat_keterangan_sehat": T.sehat(T.Person()).replace("Rina Oktaviani", "Ritna Oktaviani"),
    }
    checklist = run(T.application(texts=texts))
    assert checklist["applicant"]["name"] == "Rina Oktaviani"
    assert statuses(checklist)["str"] == "invalid"


def test_a_clear_card_name_another_document_bears_is_not_outvoted() -> None:
    """Siti's card and letter, Rina's credentials: the card is Siti's, read clearly, and
    her letter bears it; the credentials are another person's, not the card."""
    siti = T.OTHER
    texts = {"ktp": T.ktp(siti), "surat_permohonan": T.permohonan(siti)}
    checklist = run(T.application(texts=texts))
    got = statuses(checklist)
    assert got["ijazah"] == got["str"] == "invalid"


def test_missing_ktp_falls_back_to_the_documents_name() -> None:
    checklist = run(T.application(drop=("ktp",)))
    assert statuses(checklist)["ktp"] == "missing"
    assert statuses(checklist)["ijazah"] == "ok"
    assert checklist["applicant"]["name"] == "Rina Oktaviani"


# --------------------------------------------------------------------------------------------
# A second service: same engine, other rules
# --------------------------------------------------------------------------------------------
def _nurse_application(body: str = "PPNI", valid: date | None = None) -> dict:
    from loket.intake.classify import classify, load_classification_rules

    p = T.Person(
        name="Ahmad Fauzi",
        title="S.Kep",
        nik="1471010203880001",
        birth_date=date(1988, 3, 2),
        str_valid=valid,
    )
    texts = [
        f"Perihal : Permohonan Surat Izin Praktik Perawat\nDengan ini mengajukan permohonan "
        f"baru Surat Izin Praktik Perawat.\nNama : Ns. {p.name}, S.Kep\nNIK : {p.nik}\n"
        f"Tempat Praktik : Klinik Pratama Sehat Bersama, Pekanbaru\nHormat saya, Pemohon",
        T.ktp(p).replace("PEREMPUAN", "LAKI-LAKI"),
        T.str_doc(p).replace("RADIOGRAFER", "PERAWAT"),
        T.rekomendasi(p, body=body).replace("Radiografer", "Perawat"),
        T.sehat(p),
        f"SURAT PERNYATAAN\nMEMILIKI TEMPAT PRAKTIK\nNama : {p.name}\nmenyatakan memiliki "
        "tempat praktik di fasilitas pelayanan kesehatan.\nYang membuat pernyataan",
    ]
    rules = load_classification_rules(
        REPO / "rules" / "izin-praktik-perawat" / "document-types.yaml"
    )
    pages = []
    for i, text in enumerate(texts, start=1):
        verdict = classify(text, rules)
        pages.append(
            {
                "file": f"p{i}.png",
                "page": 1,
                "doc_type": verdict.doc_type,
                "rotation": 0,
                "text": text,
                "faces": 0,
            }
        )
    pages.append(
        {
            "file": "foto.png",
            "page": 1,
            "doc_type": "pas_foto",
            "rotation": 0,
            "text": "",
            "faces": 2,
        }
    )
    return {"source": "perawat", "registration_number": "SIPP-2026-000001", "pages": pages}


def test_second_service_runs_on_its_own_rules() -> None:
    doc = _nurse_application()
    assert [p["doc_type"] for p in doc["pages"]] == [
        "surat_permohonan",
        "ktp",
        "str",
        "rekomendasi_ppni",
        "surat_keterangan_sehat",
        "surat_pernyataan_tempat_praktik",
        "pas_foto",
    ]
    checklist = run(doc, rules=NURSE)
    assert checklist["service"] == "izin-praktik-perawat"
    assert checklist["verdict"] == "complete", checklist
    assert len(checklist["requirements"]) == 7
    assert checklist["applicant"]["name"] == "Ahmad Fauzi"
    assert checklist["applicant"]["practice_place"] == "Klinik Pratama Sehat Bersama"


def test_second_service_rejects_the_radiographers_body_and_expired_str() -> None:
    checklist = run(_nurse_application(body="PARI", valid=date(2025, 1, 1)), rules=NURSE)
    got = statuses(checklist)
    assert got["rekomendasi_ppni"] == "invalid"
    assert "PPNI" in item(checklist, "rekomendasi_ppni")["reasons"][0]
    assert got["str"] == "invalid"
    assert checklist["verdict"] == "incomplete"


# --------------------------------------------------------------------------------------------
# great-expectations gate
# --------------------------------------------------------------------------------------------
@pytest.mark.e2e
def test_quality_gate_feeds_the_checklist_and_writes_data_docs(tmp_path: Path) -> None:
    from loket.requirements.quality import quality_row, validate_rows, write_data_docs

    rules = load_service_rules(RULES)
    good = run(T.application())
    row = quality_row(good, rules, RECEIVED) | {"registration_number": "A"}
    bad = dict(row, registration_number="B", nik="14710153049500", str_number=None)
    bad["nik_birth_date"] = "1995-04-14"
    failures = validate_rows([row, bad], rules.quality)
    assert failures["A"] == []
    reasons = {f["reason"] for f in failures["B"]}
    assert "NIK tidak terdiri dari 16 angka." in reasons
    assert "Nomor STR tidak terbaca." in reasons
    assert any("tersandi dalam NIK" in r for r in reasons)
    index = write_data_docs([row, bad], rules.quality, tmp_path / "docs")
    assert index.is_file() and "<html" in index.read_text(encoding="utf-8").lower()

    # in check_application: a birth date that disagrees with the NIK everywhere: one of the
    # two readings is wrong more often than the card, so the officer looks (rules: mismatch)
    p = T.replace(T.Person(), nik="1471015304960012")  # NIK says 1996
    checklist = check_application(T.application(p), None, RULES, RECEIVED, quality=True)
    ktp = item(checklist, "ktp")
    assert ktp["status"] == "review"
    assert any("13-04-1996" in r and "13-04-1995" in r for r in ktp["reasons"])
    # a value the gate finds impossible on a cell the checks passed: a doubt, for the officer
    row_doubt = dict(row, registration_number="C", age_years=7)
    doubts = validate_rows([row_doubt], rules.quality)["C"]
    assert doubts and all(f["on_failure"] == "review" for f in doubts)
    from loket.requirements import Checklist
    from loket.requirements.quality import apply_quality

    passed = apply_quality(Checklist.from_json(run(T.application())), doubts).to_json()
    assert item(passed, "ktp")["status"] == "review"
    assert any(r.startswith("Pemeriksaan mutu data:") for r in item(passed, "ktp")["reasons"])


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------
def test_outputs_checklist_pdf_and_return_letter(tmp_path: Path) -> None:
    from docx import Document

    from loket.requirements.checklist import describe_checklist, write_outputs

    rules = load_service_rules(RULES)
    checklist = run(T.application(photos=1, drop=("ijazah",)))
    assert checklist["verdict"] == "incomplete"
    folder = tmp_path / "SIKR-2026-000001"
    written = write_outputs(
        folder,
        checklist,
        rules,
        reg_no=folder.name,
        received=RECEIVED,
        today=date(2026, 8, 25),
        address="Jl. Pepaya & <Gg. Damai>",
    )
    assert json.loads(written["json"].read_text(encoding="utf-8")) == checklist
    assert written["pdf"].read_bytes().startswith(b"%PDF")
    text = "\n".join(
        [par.text for par in Document(str(written["letter"])).paragraphs]
        + [
            c.text
            for t in Document(str(written["letter"])).tables
            for row in t.rows
            for c in row.cells
        ]
    )
    assert "Pengembalian Berkas Permohonan" in text
    assert "Jalan Jenderal Sudirman No. 464" in text
    assert "503/SIKR-2026-000001/DPMPTSP/VIII/2026" in text
    assert "Fotokopi ijazah yang dilegalisir basah" in text and "Hanya 1 pas foto" in text
    assert "Yth. Sdr/i. Rina Oktaviani" in text
    assert "Jl. Pepaya & <Gg. Damai>" in text  # escaped by docxtpl, not dropped
    assert "{{" not in text and "{%" not in text

    class S:
        outbox_dir = tmp_path

    shown = describe_checklist(folder.name, S)
    assert "✗ pas_foto" in shown and "TIDAK LENGKAP" in shown

    complete = run(T.application())
    write_outputs(folder, complete, rules, reg_no=folder.name, received=RECEIVED)
    assert not (folder / "surat-pengembalian.docx").exists()  # withdrawn after completion


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.e2e
def test_committed_template_opens_in_libreoffice(tmp_path: Path) -> None:
    from loket.documents.officedocs import to_pdf

    template = REPO / "templates" / "surat-pengembalian.docx"
    copy = tmp_path / template.name
    shutil.copy(template, copy)
    pdf = to_pdf([copy])[0]
    assert pdf.read_bytes().startswith(b"%PDF")


def test_template_is_reproducible(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "return_letter", REPO / "templates" / "build" / "return_letter.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (out,) = module.build_all(tmp_path)
    from docx import Document

    def words(path: Path) -> list[str]:
        d = Document(str(path))
        return [p.text for p in d.paragraphs] + [
            c.text for t in d.tables for r in t.rows for c in r.cells
        ]

    assert words(out) == words(REPO / "templates" / "surat-pengembalian.docx")


@pytest.mark.ocr
def test_image_for_is_used_for_ink(tmp_path: Path) -> None:
    """Wording gone (OCR missed it) but the blue stamp is in the image: still legalized."""
    p = T.Person()
    doc = T.application(texts={"ijazah": T.ijazah(p, legal=False)})
    stamped = _stamp(_page(), (40, 70, 175))

    def image_for(file: str, page: int) -> Image.Image:
        return stamped

    checklist = check_application(doc, image_for, RULES, RECEIVED, quality=False)
    ij = item(checklist, "ijazah")
    assert ij["status"] == "ok"
    assert any("tinta cap berwarna" in r for r in ij["reasons"])
    assert np.asarray(stamped).shape[2] == 3
