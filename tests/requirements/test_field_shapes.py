"""Field reading by construction (issue #16): the label vocabularies and value shapes of
Indonesian documents, on OCR-like text, and the checks that abstain (``review``) rather than
guess when a value does not read — while every planted defect stays ``invalid``.

The wordings here are how Indonesian offices print these fields (KTKI/KKI STRs, Dukcapil
NIKs, Dinas Kesehatan letters), not the project's own templates. Unit tests: no OCR."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from loket.requirements.engine import check_application
from loket.requirements.extract import DocumentText, extract
from loket.requirements.issuers import fold, phrase_score
from loket.requirements.nik import adjacent_swap, nik_plausible, one_digit_apart
from loket.requirements.numbers import nik_value, registration_value
from loket.requirements.rules import load_service_rules
from tests.requirements import requirement_texts as T

REPO = Path(__file__).resolve().parents[2]
RULES_PATH = REPO / "rules" / "izin-kerja-radiografer.yaml"
RULES = load_service_rules(RULES_PATH)
RECEIVED = date(2026, 8, 24)


def read(doc: str, field: str, text: str) -> list[object]:
    spec = RULES.documents[doc].fields[field]
    return [f.value for f in extract(spec, [DocumentText("a.jpg", 1, text)])]


def run(doc: dict) -> dict:
    return check_application(doc, None, RULES_PATH, RECEIVED, quality=False)


def cell(checklist: dict, rid: str) -> dict:
    return next(r for r in checklist["requirements"] if r["id"] == rid)


# --------------------------------------------------------------------------------------------
# STR number
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("Nomor STR : 12 2 8 1 24-0251670", "12 2 8 1 24-0251670"),
        ("No. STR: 12281240251670", "12 2 8 1 24-0251670"),
        ("Nomor Registrasi : 12.2.8.1.24.0251670", "12 2 8 1 24-0251670"),
        ("No. Reg. : 1228-1240-2516-70", "12 2 8 1 24-0251670"),
        ("STR No. 12 2 8 1 24 - O25I67O", "12 2 8 1 24-0251670"),  # O/0, I/1
        ("Nomor Reg. STR : 12 2 B 1 24-O25l67O", "12 2 8 1 24-0251670"),  # B/8, l/1
        ("No. Registrasi 1 12 2 8 1 24-0251670", "12 2 8 1 24-0251670"),  # ':' read as '1'
        ("Nomor STR 1 12281 24-0251670", "12 2 8 1 24-0251670"),  # and spaces lost
        ("Nomor STR : QS 1234 5678 9012 34", "QS12345678901234"),
        ("No. Reg. : QS-12345678901234", "QS12345678901234"),
        ("Nomor Registrasi: QS12345678901234", "QS12345678901234"),
        ("Nomor STR : QS 1234 5678 9O12 3S", "QS12345678901235"),  # S/5 after the letters
        ("STR Nomor : KT 0012 3456 7890 12 berlaku seumur hidup", "KT00123456789012"),
        ("dengan nomor registrasi 35 1 1 2 25-0000123 tercatat", "35 1 1 2 25-0000123"),
    ],
)
def test_str_number_labels_and_shapes(line: str, value: str) -> None:
    assert read("str", "str_number", line) == [value]
    assert read("surat_permohonan", "str_number", line) == [value]


@pytest.mark.parametrize(
    "line",
    [
        "Nomor STR : 12 2 8 1 24-025167",  # 13 digits
        "Nomor STR : 22 2 8 1 24-02516701",  # 15 digits (not a ':' read as '1' before 14)
        "Nomor STR : QS 1234 5678 9012 345",  # letters and 15 digits
        "Nomor Registrasi : 440/DISKES/REK/2026",  # another registration number
        "Nomor STR : -",
    ],
)
def test_a_number_of_the_wrong_shape_is_no_reading(line: str) -> None:
    assert read("str", "str_number", line) == []


def test_registration_value_without_rules() -> None:
    assert registration_value("1234", None, None) == "1234"
    assert registration_value(": abc", None, None) is None


# --------------------------------------------------------------------------------------------
# NIK
# --------------------------------------------------------------------------------------------
NIK = "1471015304950012"  # Pekanbaru, a woman born 13-04-1995


@pytest.mark.parametrize(
    "text",
    [
        f"NIK : {NIK}",
        f"NIK. {NIK}",
        "No. KTP : 1471 0153 0495 0012",
        "No. NIK: 1471-0153-0495-0012",
        "Nomor Induk Kependudukan : 147101530495OO12",  # O for 0
        "Nomor Induk Kependudukan (NIK) : 1471 015304 950012",
        f"2. NIK : {NIK}",  # an item number before the label
        f"NIK\n{NIK}",  # a table cell read above its value
        f"yang bertanda tangan di bawah ini dengan NIK {NIK} menyatakan",
        f"Saya, Rina Oktaviani, pemegang KTP nomor {NIK}, mengajukan",
        "NIK : l47lOl53O495OOl2",  # l/1 and O/0 throughout
        f"NIK : {NIK} Telp. 081234567890",  # a telephone number after it
        f"_ NIK: .\u201d{NIK}",  # a table's rule read as '_', a quote before the digits
        f"dengan NIK: \u2018{NIK} bekerja",
    ],
)
def test_nik_labels_and_running_text(text: str) -> None:
    assert read("surat_permohonan", "nik", text)[:1] == [NIK]


@pytest.mark.parametrize(
    ("digits", "ok"),
    [
        (NIK, True),
        ("1471011304950012", True),  # a man born 13-04-1995
        ("1471017302000012", False),  # 33-02 (a woman's 33 - 40 < 1)
        ("1471013002950012", False),  # 30 February
        ("1471016902960012", True),  # 29 February 1996 (women +40)
        ("0071015304950012", False),  # no province 00
        ("1000015304950012", False),  # no province 10
        ("1400015304950012", False),  # regency 00
        ("1471015304950000", False),  # serial 0000
        ("147101530495001", False),  # 15 digits
    ],
)
def test_nik_structure(digits: str, ok: bool) -> None:
    assert nik_plausible(digits) is ok


def test_an_impossible_nik_is_no_reading() -> None:
    assert nik_value("NIK : 1471015399950012") is None  # month 99
    assert read("surat_permohonan", "nik", "NIK : 1471013502950012") == []  # 35 February


def test_adjacent_swap() -> None:
    assert adjacent_swap(NIK, "1471015340950012")
    assert not adjacent_swap(NIK, "1471015304950013")
    assert not adjacent_swap(NIK, NIK)


def test_one_digit_apart() -> None:
    assert one_digit_apart(NIK, "1471015304950013")
    assert not one_digit_apart(NIK, NIK)
    assert not one_digit_apart(NIK, "1471015340950012")  # two digits: a swap
    assert not one_digit_apart(NIK, "147101530495001")  # a digit short


def test_unreadable_nik_on_the_letter_is_for_the_officer() -> None:
    p = T.Person()
    for nik in ("147101530495", "1471 0153 0#9 50012"):  # too short; a digit lost to a blot
        letter = T.permohonan(p, nik=nik)
        checklist = run(T.application(texts={"surat_permohonan": letter}))
        got = cell(checklist, "surat_permohonan")
        assert got["status"] == "review", got
        assert "NIK pada surat tidak terbaca" in got["reasons"][0]
        assert got["evidence"][0]["file"] == "hal1.jpg"
        assert "box" in got["evidence"][0]
        assert checklist["verdict"] == "review"


@pytest.mark.parametrize(
    "nik",
    [
        "1471015340950012",  # digits 9-10 swapped: month 40, no NIK, yet the card's typed wrong
        "1471015304590012",  # year 95 -> 59: still a NIK
        "1471051304950012",  # a district code swapped
    ],
)
def test_a_clearly_read_other_nik_stays_invalid(nik: str) -> None:
    letter = T.permohonan(T.Person(), nik=nik)
    got = cell(run(T.application(texts={"surat_permohonan": letter})), "surat_permohonan")
    assert got["status"] == "invalid"
    assert nik in got["reasons"][0]


def test_card_nik_unreadable_is_for_the_officer() -> None:
    p = T.replace(T.Person(), nik="14710153O4")
    checklist = run(T.application(p))
    assert cell(checklist, "ktp")["status"] == "review"
    # nothing to compare the letter's NIK with: the officer's too (it was ``ok``, "not
    # compared", which confirming the card's cell alone would have let through)
    assert cell(checklist, "surat_permohonan")["status"] == "review"


# --------------------------------------------------------------------------------------------
# Names and birth
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("Nama : Rina Oktaviani", "Rina Oktaviani"),
        ("Nama Lengkap : Rina Oktaviani, A.Md.Rad", "Rina Oktaviani, A.Md.Rad"),
        ("Nama Pemohon: RINA OKTAVIANI", "RINA OKTAVIANI"),
        ("a. Nama : Rina Oktaviani", "Rina Oktaviani"),
        ("Nama Pemegang STR : Rina Oktaviani", "Rina Oktaviani"),
        ("Narna : Rina Oktaviani", "Rina Oktaviani"),  # m read as rn
    ],
)
def test_name_labels(line: str, value: str) -> None:
    assert read("str", "name", line) == [value]


def test_a_longer_label_is_not_the_name() -> None:
    assert read("str", "name", "Nama Instansi : RS Awal Bros Pekanbaru") == []
    assert read("str", "name", "Nama Ibu Kandung : Siti") == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Tempat/Tgl. Lahir : Pekanbaru, 12 Januari 1995", "Pekanbaru"),
        ("Tempat, Tanggal Lahir : Pekanbaru, 12-01-1995", "Pekanbaru"),
        ("Tempat dan Tanggal Lahir : Pekanbaru, 12/01/1995", "Pekanbaru"),
        ("TTL : Pekanbaru, 12 Jan 1995", "Pekanbaru"),
        ("Tempat & Tgl Lahir : Pekanbaru, 12.01.1995", "Pekanbaru"),
        ("Tempat Lahir : Pekanbaru\nTanggal Lahir : 12 Januari 1995", "Pekanbaru"),
        ("yang lahir di Siak Sri Indrapura pada tanggal 12 Januari 1995", "Siak Sri Indrapura"),
        # OCR confusions: m read as rn, l as ! or t
        ("Ternpat/Tg! Lahir : Pekanbaru, 12-01-1995", "Pekanbaru"),
        ("Tempal/Tgt. Lahir : Pekanbaru, 12-01-1995", "Pekanbaru"),
    ],
)
def test_birth_labels_and_date_formats(text: str, place: str) -> None:
    assert read("surat_permohonan", "birth", text) == [{"place": place, "date": date(1995, 1, 12)}]


@pytest.mark.parametrize(
    "line",
    [
        "Tempat/Tgl Lahir : JAMBI, 06-10-1985",
        "Tempat/Tg! Lahir -: JAMBI, 06-10-1985 be",  # l read as !, a dash before the colon
        "Tempat/Tgt Lahir : JAMBI, 06-10-1985 ite :",
        "Tempat/Tgi Lahir: JAMBI, 06-10-1985",
    ],
)
def test_the_cards_birth_label_as_ocr_misreads_it(line: str) -> None:
    assert read("ktp", "birth", line) == [{"place": "JAMBI", "date": date(1985, 10, 6)}]


def test_an_impossible_birth_date_is_no_reading() -> None:
    assert read("surat_permohonan", "birth", "TTL : Pekanbaru, 31-02-1995") == []
    assert read("surat_permohonan", "birth", "TTL : Pekanbaru, 12-13-1995") == []


def test_unreadable_name_is_for_the_officer_other_person_is_invalid() -> None:
    p = T.Person()
    garbled = T.str_doc(p).replace(f"Nama : {p.name}, {p.title}", "Nama : R1n@ 0kt#v~ ni")
    checklist = run(T.application(texts={"str": garbled}))
    got = cell(checklist, "str")
    assert got["status"] == "review", got
    assert "Nama pada dokumen tidak terbaca" in got["reasons"][0]
    nameless = T.str_doc(p).replace(f"Nama : {p.name}, {p.title}\n", "")
    assert cell(run(T.application(texts={"str": nameless})), "str")["status"] == "review"
    other = cell(run(T.application(texts={"str": T.str_doc(T.OTHER)})), "str")
    assert other["status"] == "invalid"
    assert "Siti Handayani" in other["reasons"][0]


# --------------------------------------------------------------------------------------------
# STR validity
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("Berlaku sampai dengan tanggal 12 Januari 2029", date(2029, 1, 12)),
        ("Berlaku s/d 12-01-2029", date(2029, 1, 12)),
        ("Berlaku s.d. 12 Jan 2029", date(2029, 1, 12)),
        ("Berlaku hingga : 12.01.2029", date(2029, 1, 12)),
        ("Masa Berlaku : 12-01-2024 s.d. 12-01-2029", date(2029, 1, 12)),
        ("Akhir masa berlaku: 12 Januari 2029", date(2029, 1, 12)),
        ("Masa Berlaku : Seumur Hidup", "lifetime"),
        ("STR ini berlaku seumur hidup", "lifetime"),
        # OCR confusions (l read as i or !, the slash of s/d as i or l)
        ("Berlaku sid 25 Juli 2027", date(2027, 7, 25)),
        ("Beriaku sampai tangga! 3 SEPTEMBER 2027", date(2027, 9, 3)),
        ("Bertaku hingga 3 September 2027", date(2027, 9, 3)),
        ("Masa Beriaku : 12-01-2024 sld 12-01-2029", date(2029, 1, 12)),
    ],
)
def test_validity_labels(line: str, value: object) -> None:
    assert read("str", "valid_until", line)[:1] == [value]


def test_unreadable_validity_is_for_the_officer_past_date_invalid() -> None:
    p = T.replace(T.Person(), str_valid=date(2029, 1, 12))
    blurred = T.str_doc(p).replace("berlaku sampai dengan 12 Januari 2029", "berlaku ~~ ;.,")
    got = cell(run(T.application(p, texts={"str": blurred})), "str")
    assert got["status"] == "review", got
    assert "Masa berlaku" in got["reasons"][0]
    expired = T.replace(T.Person(), str_valid=date(2025, 1, 12))
    assert cell(run(T.application(expired)), "str")["status"] == "invalid"


def test_a_printed_end_date_outweighs_a_lifetime_phrase() -> None:
    p = T.replace(T.Person(), str_valid=date(2025, 1, 12))
    text = T.str_doc(p) + "Sesuai UU 17/2023 STR berlaku seumur hidup.\n"
    assert cell(run(T.application(p, texts={"str": text})), "str")["status"] == "invalid"


# --------------------------------------------------------------------------------------------
# Issuers
# --------------------------------------------------------------------------------------------
def test_fold_makes_ocr_confusions_one() -> None:
    assert fold("Dinas Keseh4tan K0ta Pekanbaru") == fold("Dinas Kesehatan Kota Pekanbaru")
    assert fold("PAR1") == fold("PARI")
    assert fold("Perhirnpunan") == fold("Perhimpunan")
    assert fold("Pckanbaru") == fold("Pekanbaru")
    assert fold("tahun 2026") == "tahun 2026"  # numbers stay
    assert phrase_score("Kota Pekanbaru", fold("KOTA PGKANBARU"))[0] >= 85


@pytest.mark.parametrize(
    "head",
    [
        "PEMERINTAH KOTA PGKANBARU\nDINAS KESEHATAN",
        "PEMERINTAH K0TA PEKANBARU\nDINAS KESEHATAN",
        "DINKES KOTA PEKANBARU",
        "PEMERINTAH KOTA PEKAN BARU\nDINAS KESEHATAN",
    ],
)
def test_dinkes_pekanbaru_despite_ocr_noise(head: str) -> None:
    p = T.Person()
    text = T.dinkes(p).replace("PEMERINTAH KOTA PEKANBARU\nDINAS KESEHATAN", head)
    text = text.replace("Dinas Kesehatan Kota Pekanbaru", "Dinas Kesehatan Kota Pgkanbaru")
    text = text.replace("DINAS KESEHATAN KOTA PEKANBARU", "DINAS KESEHATAN KOTA PGKANBARU")
    got = cell(run(T.application(texts={"rekomendasi_dinkes": text})), "rekomendasi_dinkes")
    assert got["status"] == "ok", got


@pytest.mark.parametrize("city", ["Kota Dumai", "Kabupaten Kampar", "Provinsi Riau", "Kota Batam"])
def test_dinkes_of_another_place_is_invalid(city: str) -> None:
    got = cell(
        run(T.application(texts={"rekomendasi_dinkes": T.dinkes(T.Person(), city=city)})),
        "rekomendasi_dinkes",
    )
    assert got["status"] == "invalid"
    assert "Dinas Kesehatan Kota Pekanbaru" in got["reasons"][0]


def test_a_copy_to_the_province_does_not_change_the_issuer() -> None:
    text = T.dinkes(T.Person()) + "Tembusan:\n1. Kepala Dinas Kesehatan Provinsi Riau\n"
    got = cell(run(T.application(texts={"rekomendasi_dinkes": text})), "rekomendasi_dinkes")
    assert got["status"] == "ok", got


@pytest.mark.parametrize(
    "head",
    [
        "PENGURUS DAERAH\nPERHIMPUNAN RADIOGRAFER INDONESIA\nPROVINSI RIAU",
        "DPD PARI RIAU",
        "PENGURUS DAERAH PAR1 PROVINSI RIAU",
        "PERHlMPUNAN RADl0GRAFER lND0NESlA",
    ],
)
def test_pari_in_its_wordings(head: str) -> None:
    text = T.rekomendasi(T.Person()).replace(
        "PENGURUS CABANG\nPERHIMPUNAN RADIOGRAFER INDONESIA (PARI)\nKOTA PEKANBARU", head
    )
    text = text.replace("Ketua PARI", "Ketua").replace("Anggota PARI", "Anggota")
    text = text.replace("PC-PARI", "PC")
    rid = "rekomendasi_organisasi_profesi"
    assert cell(run(T.application(texts={rid: text})), rid)["status"] == "ok"


def test_another_professional_body_is_invalid_even_misread() -> None:
    rid = "rekomendasi_organisasi_profesi"
    text = T.rekomendasi(T.Person(), body="PPNI").replace("PERAWAT", "PERAVVAT")
    got = cell(run(T.application(texts={rid: text})), rid)
    assert got["status"] == "invalid"


def test_an_acronym_read_under_the_letterhead_does_not_outweigh_it() -> None:
    """Three letters of a signatory's name read apart ("Kenanga idi") spell a forbidden
    body's acronym; the letterhead above named PARI. Named first, a forbidden body's
    acronym is still a defect."""
    rid = "rekomendasi_organisasi_profesi"
    text = T.rekomendasi(T.Person()) + "Pekanbaru, 16 Desember 2025\nKenanga idi, S.ST, M.Kes\n"
    assert cell(run(T.application(texts={rid: text})), rid)["status"] == "ok"
    other = "PENGURUS DAERAH IDI RIAU\n" + T.rekomendasi(T.Person()).split("\n", 3)[3]
    got = cell(run(T.application(texts={rid: other})), rid)
    assert got["status"] == "invalid", got


def test_issuer_not_read_is_for_the_officer() -> None:
    rid = "rekomendasi_organisasi_profesi"
    poor = "SURAT REK0M~NDASI\nN0m0r: 217/PC\n~~ ;;\nNama : Rina Oktaviani\n"
    got = cell(run(T.application(texts={rid: poor})), rid)
    assert got["status"] == "review", got
    assert got["evidence"][0]["box"] == [0.0, 0.0, 1.0, 0.3]


def test_prefixed_str_number_is_the_applicants() -> None:
    p = T.replace(T.Person(), str_number="QS 1234 5678 9012 34")
    checklist = run(T.application(p))
    assert checklist["applicant"]["str_number"] == "QS12345678901234"
    assert checklist["verdict"] == "complete"


def test_a_card_name_before_another_label_on_its_line() -> None:
    line = "Nama RINA OKTAVIANI Agama : ISLAM"  # the colon after Nama lost
    assert str(read("str", "name", line)[0]).startswith("RINA OKTAVIANI")


def test_a_card_nik_misread_is_not_the_letters_defect() -> None:
    """OCR changed two digits of the card's NIK (still a NIK) on a line it read badly (a
    junk digit before it), once; the letter and the statement read the same other NIK: the
    card's reading is in doubt, not the letter."""
    p = T.Person()
    card = T.ktp(p).replace(f"NIK : {p.nik}", "NIK : -51472015304950082 pes")
    got = run(T.application(texts={"ktp": card}))
    assert cell(got, "surat_permohonan")["status"] == "review"
    assert "periksa NIK pada KTP" in cell(got, "surat_permohonan")["reasons"][0]
    # the card read twice, once right: the reading the other documents repeat wins
    twice = card + f"NIK : {p.nik}\n"
    got = run(T.application(texts={"ktp": twice}))
    assert cell(got, "surat_permohonan")["status"] == "ok"
    assert got["applicant"]["nik"] == p.nik
    # a typing slip on the letter stays a defect even when the statement repeats it
    slip = "1471015304950021"
    got = run(
        T.application(
            texts={
                "surat_permohonan": T.permohonan(p, nik=slip),
                "surat_pernyataan_tempat_kerja": T.pernyataan(T.replace(p, nik=slip)),
            }
        )
    )
    assert cell(got, "surat_permohonan")["status"] == "invalid"


def test_a_value_column_read_apart_from_its_labels() -> None:
    """psm 3 reads a two-column form as its labels, then its values: a titled name after a
    colon is still the name; another person's is still caught."""
    split = (
        "Nama\nTempat/Tanggal Lahir\n\n: Siti Handayani, A.Md.Rad\n: Pekanbaru, 7 Agustus 1990\n"
    )
    assert read("str", "name", split) == ["Siti Handayani, A.Md.Rad"]
    assert read("str", "name", ": dr. Budi Santoso, M.Kes") == []  # a doctor, not a radiographer
    text = T.str_doc(T.Person()).replace("Nama : Rina Oktaviani, A.Md.Rad\n", "") + split
    got = cell(run(T.application(texts={"str": text})), "str")
    assert got["status"] == "invalid" and "Siti Handayani" in got["reasons"][0]


def test_a_second_reading_of_the_same_page_is_a_reading_of_its_own() -> None:
    spec = RULES.documents["surat_permohonan"].fields["nik"]
    text = f"NIK : {NIK}"
    pages = [DocumentText("a.jpg", 1, text, "reread"), DocumentText("a.jpg", 1, text)]
    assert [f.source for f in extract(spec, pages)] == ["reread", "ocr"]


def test_a_misread_card_name_does_not_make_every_document_anothers() -> None:
    p = T.Person()
    card = T.ktp(p).replace("RINA OKTAVIANI", "LRINAOKTAVIANI")  # words run together, a scrap
    checklist = run(T.application(texts={"ktp": card}))
    assert checklist["applicant"]["name"] == "Rina Oktaviani"
    assert checklist["verdict"] == "complete", [
        (r["id"], r["reasons"]) for r in checklist["requirements"] if r["status"] != "ok"
    ]
    # another person's document among them is still another person's
    other = run(T.application(texts={"ktp": card, "str": T.str_doc(T.OTHER)}))
    assert cell(other, "str")["status"] == "invalid"


def test_a_scrap_before_the_card_name_is_dropped_when_the_documents_say_so() -> None:
    p = T.Person()
    card = T.ktp(p).replace("RINA OKTAVIANI", "TI RINA OKTAVIANI")
    ijazah = T.ijazah(p).replace("menyatakan bahwa\n", "menyatakan bahwa 1\n")  # ':' as '1'
    checklist = run(T.application(texts={"ktp": card, "ijazah": ijazah}))
    assert checklist["applicant"]["name"] == "Rina Oktaviani"
    assert cell(checklist, "ijazah")["status"] == "ok"
    assert read("ijazah", "name", ijazah) == [p.name]
    # a short name word the other documents bear too stays ("Ni Luh …")
    ni = T.replace(T.Person(), name="Ni Luh Sari")
    assert run(T.application(ni))["applicant"]["name"] == "Ni Luh Sari"


def test_both_letters_mistyped_alike_against_a_clean_card_is_the_defect() -> None:
    """The applicant typed a wrong NIK (another plausible one, its serial) into both letters;
    the card reads cleanly: the letters are wrong, whatever they agree on."""
    p = T.Person()
    typo = p.nik[:12] + "0021"
    got = run(
        T.application(
            texts={
                "surat_permohonan": T.permohonan(p, nik=typo),
                "surat_pernyataan_tempat_kerja": T.pernyataan(T.replace(p, nik=typo)),
            }
        )
    )
    assert cell(got, "surat_permohonan")["status"] == "invalid"
    assert typo in cell(got, "surat_permohonan")["reasons"][0]


@pytest.mark.parametrize(("head", "status"), [("DPDPARI RIAU", "ok"), ("DPDPAFI RIAU", "review")])
def test_a_board_run_together_with_its_body(head: str, status: str) -> None:
    rid = "rekomendasi_organisasi_profesi"
    text = T.rekomendasi(T.Person()).replace(
        "PENGURUS CABANG\nPERHIMPUNAN RADIOGRAFER INDONESIA (PARI)\nKOTA PEKANBARU", head
    )
    text = text.replace("PARI", "").replace("PC-", "")
    text = text.replace("DPD RIAU", head)  # the head line itself lost its PARI above
    assert cell(run(T.application(texts={rid: text})), rid)["status"] == status


# --------------------------------------------------------------------------------------------
# Wordings the widened tuning family prints (session 9): each failed before its rule change
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("doc", "field", "line", "value"),
    [
        # "Nomor Tanda Registrasi" (the STR's full name) before a prefixed number
        ("str", "str_number", "Nomor Tanda Registrasi : QS 1234 5678 9012 34", "QS12345678901234"),
        # a prefixed number in the council's grouping: one reading, with its prefix (the
        # bare grouping must not also read as another, unprefixed number)
        ("str", "str_number", "Nomor STR : QS 12 3 4 5 67-1234567", "QS12345671234567"),
        ("str", "str_number", "NO. STR : 1228124-0251670", "12 2 8 1 24-0251670"),
        (
            "surat_permohonan",
            "birth",
            "Tmp/Tgl Lahir : Pekanbaru, 12 JANUARI 1995",
            {"place": "Pekanbaru", "date": date(1995, 1, 12)},
        ),
        ("str", "valid_until", "Tanggal Berakhir : 12 Jan 2028", date(2028, 1, 12)),
        ("str", "valid_until", "Tanggal Berakhir : Seumur Hidup", "lifetime"),
        ("str", "valid_until", "Berlaku sampai tanggal 03 Mei 2028", date(2028, 5, 3)),
        ("surat_permohonan", "nik", "NIK / No. KTP : 1471010101950001", "1471010101950001"),
        (
            "surat_permohonan",
            "nik",
            "dengan nomor KTP 1471010101950001 mengajukan",
            "1471010101950001",
        ),
    ],
)
def test_widened_wordings_read(doc: str, field: str, line: str, value: object) -> None:
    assert read(doc, field, line) == [value]
