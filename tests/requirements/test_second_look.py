"""The second OCR engine's look at the rows tesseract leaves unsure (issue #16, item 2): the
decisions on made-up readings, and the engine's checks with a fake second engine. Real
RapidOCR on generated pages: test_second_look_ocr.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from loket.intake import PagesDocument
from loket.intake import second_reader as SR
from loket.intake.ocr import Word
from loket.requirements import reread
from loket.requirements import second_look as S
from loket.requirements.engine import evaluate
from loket.requirements.identity import NikRule
from loket.requirements.rules import ServiceRules, load_service_rules
from tests.requirements import requirement_texts as T

REPO = Path(__file__).resolve().parents[2]
RULES_PATH = REPO / "rules" / "izin-kerja-radiografer.yaml"
RECEIVED = date(2026, 8, 24)
P = T.Person()  # NIK 1471015304950012: a woman born 13-04-1995
STR_SPEC = load_service_rules(RULES_PATH).documents["str"].fields["str_number"]


def lk(text: str, score: float = 0.97, tesseract: str = "") -> S.Look:
    return S.Look(text, score, tesseract, (0, 0, 10, 10))


# --------------------------------------------------------------------------------------------
# The decisions
# --------------------------------------------------------------------------------------------
def test_a_nik_both_engines_read_is_decided() -> None:
    assert S.decide_nik(lk(":1471015304950012", 0.5), {P.nik}, None, NikRule(), 0.9) == P.nik
    # tesseract's own reading of the same row counts as the other engine
    row = lk("1471015304950012", 0.5, tesseract="1 1471015304950012 |")
    assert S.decide_nik(row, set(), None, NikRule(), 0.9) == P.nik


def test_a_nik_one_engine_read_needs_a_sure_reading_and_the_cards_birth_date() -> None:
    birth = P.birth_date
    assert S.decide_nik(lk("1471015304950012"), set(), birth, NikRule(), 0.9) == P.nik
    assert S.decide_nik(lk("1471015304950012", 0.8), set(), birth, NikRule(), 0.9) is None
    assert S.decide_nik(lk("1471015304950012"), set(), None, NikRule(), 0.9) is None
    # another birth date in the NIK (a misread day, or the card's planted inconsistency)
    assert S.decide_nik(lk("1471015404950012"), set(), birth, NikRule(), 0.9) is None


def test_a_structurally_impossible_nik_is_never_decided() -> None:
    for text in ("9971015304950012", "1471015399950012", "1471015304950000", "147101530495"):
        assert S.decide_nik(lk(text), {text}, P.birth_date, NikRule(), 0.9) is None


def test_a_registration_number_needs_both_engines() -> None:
    plain = "12 2 8 1 24-0251670"
    assert S.decide_registration(lk("12281240251670"), STR_SPEC, [plain], 0.9) == plain
    row = lk("1228 1240 2516 70", tesseract=": 12 2 8 1 24-0251670 |")
    assert S.decide_registration(row, STR_SPEC, [], 0.9) == plain
    # read by one engine only, or the engines disagree on a digit: no decision
    assert S.decide_registration(lk("12281240251670"), STR_SPEC, [], 0.9) is None
    assert S.decide_registration(lk("12281240251671"), STR_SPEC, [plain], 0.9) is None
    # a digit too many or too few is no reading
    assert S.decide_registration(lk("122812402516701"), STR_SPEC, [plain], 0.9) is None


def test_a_prefix_is_spelt_as_the_sure_engine_reads_it() -> None:
    # tesseract reads round capitals as one another ("OS" for "QS"); the digits must agree
    assert (
        S.decide_registration(lk("QS 1234 5678 9012 34"), STR_SPEC, ["OS12345678901234"], 0.9)
        == "QS12345678901234"
    )
    unsure = lk("QS 1234 5678 9012 34", 0.6)
    assert S.decide_registration(unsure, STR_SPEC, ["OS12345678901234"], 0.9) == "OS12345678901234"
    assert (
        S.decide_registration(lk("QS 1234 5678 9012 35"), STR_SPEC, ["OS12345678901234"], 0.9)
        is None
    )


def test_which_registration_readings_are_unsure() -> None:
    assert S.registration_unsure([])
    assert S.registration_unsure(["12 2 8 1 24-0251670", "12 2 8 1 24-0251671"])
    assert S.registration_unsure(["OS12345678901234"])  # O, Q, D... confused
    assert not S.registration_unsure(["12 2 8 1 24-0251670", "12 2 8 1 24-0251670"])
    assert not S.registration_unsure(["KT12345678901234"])


def _words(*texts: str, top: int = 100, height: int = 20) -> list[Word]:
    out, x = [], 50
    for t in texts:
        out.append(Word(t, 90.0, x, top, 12 * len(t), height, (1, 1, 1)))
        x += 12 * len(t) + 10
    return out


def test_the_value_is_cut_right_of_its_label() -> None:
    spec = load_service_rules(RULES_PATH).documents["ktp"].fields["nik"]
    lines = [_words("PROVINSI", "RIAU", top=20), _words("NIK", ":", "14710l53O4", "95OO12")]
    (box,) = S.value_boxes(lines, spec, 1000, 600)
    colon = lines[1][1]
    assert box[0] == colon.right  # after the label and its colon
    assert box[2] == colon.right + 450  # a fixed share of the page width
    assert (box[1], box[3]) == (90, 130)  # the label's height and half a line around it
    # a colon stuck to the value: cut right after the label
    (box,) = S.value_boxes([_words("NIK", ":1471015304950012")], spec, 1000, 600)
    assert box[0] == _words("NIK")[0].right


# --------------------------------------------------------------------------------------------
# Through the requirement engine, with a fake second engine
# --------------------------------------------------------------------------------------------
def _rules(**second: Any) -> ServiceRules:
    rules = load_service_rules(RULES_PATH)
    cfg = rules.second_engine.model_copy(
        update={"enabled": True, "fields": ["ktp.nik", "str.str_number"], **second}
    )
    return rules.model_copy(update={"second_engine": cfg})


def _run(
    monkeypatch: pytest.MonkeyPatch,
    looks: dict[str, list[S.Look]],
    texts: dict[str, str],
    rules: ServiceRules | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The checklist with the second engine's rows faked per field type; which fields it
    was asked about."""
    asked: list[str] = []

    def fake(gray: Any, spec: Any) -> list[S.Look]:
        asked.append(spec.type)
        return looks.get(spec.type, [])

    monkeypatch.setattr(S, "look", fake)
    monkeypatch.setattr(reread, "tesseract_text", lambda *a, **k: "")  # no OCR in a unit test
    pages = PagesDocument.of(T.application(texts=texts))
    blank = Image.new("L", (200, 100), 255)
    checklist, _ = evaluate(rules or _rules(), pages, lambda f, p: blank, RECEIVED)
    return checklist.to_json(), asked


def _cell(checklist: dict[str, Any], rid: str) -> str:
    return next(str(r["status"]) for r in checklist["requirements"] if r["id"] == rid)


GARBLED_KTP = T.ktp(P).replace(f"NIK : {P.nik}", "NIK : 1471 O1 5~ ;; 12")


def test_an_unread_card_nik_is_decided_by_a_sure_reading_with_the_cards_birth_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before, _ = _run(monkeypatch, {}, {"ktp": GARBLED_KTP}, _rules(enabled=False))
    assert _cell(before, "ktp") == "review"  # the card's NIK unread
    after, asked = _run(monkeypatch, {"nik": [lk(f":{P.nik}")]}, {"ktp": GARBLED_KTP})
    assert asked.count("nik") == 1
    assert _cell(after, "ktp") == "ok" and after["applicant"]["nik"] == P.nik
    assert _cell(after, "surat_permohonan") == "ok"


def test_a_planted_wrong_nik_on_the_letter_is_still_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = {"ktp": GARBLED_KTP, "surat_permohonan": T.permohonan(P, nik="1471015304950021")}
    checklist, _ = _run(monkeypatch, {"nik": [lk(P.nik)]}, texts)
    assert _cell(checklist, "surat_permohonan") == "invalid"


def test_a_second_reading_against_the_cards_birth_date_decides_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a sure reading whose birth date is not the card's (a misread digit): no decision
    checklist, _ = _run(monkeypatch, {"nik": [lk("1471015404950012", 0.99)]}, {"ktp": GARBLED_KTP})
    assert _cell(checklist, "ktp") == "review"


def test_a_sure_tesseract_reading_is_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    checklist, asked = _run(monkeypatch, {"nik": [lk("1471015304950021")]}, {})
    assert "nik" not in asked and "digits" not in asked
    assert checklist["applicant"]["nik"] == P.nik


def test_a_card_digit_the_second_engine_reads_as_the_letters_is_for_the_officer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The card read cleanly once as 1471015304950002, the letter 1471015304950012: one
    digit apart, the card's misreading is as likely as a typing slip. The card's row is
    read again: reading the letter's NIK, the officer compares; reading the card's own
    again (or nothing), the letter's NIK is the defect it was."""
    misread = "1471015304950002"
    texts = {"ktp": T.ktp(P).replace(f"NIK : {P.nik}", f"NIK : {misread}")}
    checklist, asked = _run(monkeypatch, {"nik": [lk(P.nik, 0.99)]}, texts)
    assert asked.count("nik") == 1
    assert _cell(checklist, "surat_permohonan") == "review"
    for looks in ([lk(misread, 0.99)], []):
        checklist, asked = _run(monkeypatch, {"nik": looks}, texts)
        assert asked.count("nik") == 1 and _cell(checklist, "surat_permohonan") == "invalid"


def test_a_prefixed_str_number_is_spelt_as_the_engines_agree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = T.replace(P, str_number="OS 1234 5678 9012 34")  # as tesseract reads "QS"
    texts = {
        "str": T.str_doc(person),
        "surat_permohonan": T.permohonan(person),
        "rekomendasi_organisasi_profesi": T.rekomendasi(person),
    }
    before, _ = _run(monkeypatch, {}, texts, _rules(enabled=False))
    assert before["applicant"]["str_number"] == "OS12345678901234"
    after, asked = _run(monkeypatch, {"digits": [lk("QS 1234 5678 9012 34")]}, texts)
    assert asked == ["digits"] and after["applicant"]["str_number"] == "QS12345678901234"


def test_an_unread_str_number_stays_unread_without_agreement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = T.replace(P, str_number="1Z 2 8 ~ 24-O25")  # garbled on every page
    texts = {
        "str": T.str_doc(person),
        "surat_permohonan": T.permohonan(person),
        "rekomendasi_organisasi_profesi": T.rekomendasi(person),
        "surat_pernyataan_tempat_kerja": T.pernyataan(person),
        "rekomendasi_dinkes": T.dinkes(person),
    }
    alone = lk("12281240251670", 0.99)
    checklist, asked = _run(monkeypatch, {"digits": [alone]}, texts)
    assert asked == ["digits"] and checklist["applicant"]["str_number"] is None
    agreed = lk("12281240251670", 0.99, tesseract="12 2 8 1 24-0251670")
    checklist, _ = _run(monkeypatch, {"digits": [agreed]}, texts)
    assert checklist["applicant"]["str_number"] == "12 2 8 1 24-0251670"


# --------------------------------------------------------------------------------------------
# Settings and the engine's availability
# --------------------------------------------------------------------------------------------
def test_second_engine_fields_must_be_fields_of_documents() -> None:
    data = load_service_rules(RULES_PATH).model_dump(by_alias=True)
    data["second_engine"]["fields"] = ["ktp.nomor"]
    with pytest.raises(ValidationError, match="second_engine"):
        ServiceRules.model_validate(data)


def test_missing_models_are_a_clear_error_not_a_download(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import rapidocr

    monkeypatch.setattr(rapidocr, "__file__", str(tmp_path / "__init__.py"))
    with pytest.raises(SR.SecondEngineMissing, match="models missing"):
        SR.model_paths()


def test_without_the_engine_tesseract_reads_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SR, "_get", lambda: None)
    assert SR.recognize(np.full((30, 100), 255, np.uint8)) is None
    assert SR.read_lines(np.full((100, 100), 255, np.uint8)) == []


def test_a_valid_card_reading_gives_way_only_to_one_tesseract_read_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repaired = T.ktp(P).replace(f"NIK : {P.nik}", "NIK : 14710153O495OO12")  # unconfirmed
    other = "1471015304950013"  # same birth date, another serial: valid too
    checklist, asked = _run(monkeypatch, {"nik": [lk(other, 0.99)]}, {"ktp": repaired})
    assert asked.count("nik") == 1
    assert checklist["applicant"]["nik"] == P.nik and _cell(checklist, "ktp") == "ok"
    assert _cell(checklist, "surat_permohonan") == "ok"


def test_the_rules_file_turns_the_second_engine_on_for_the_unsure_rows() -> None:
    cfg = load_service_rules(RULES_PATH).second_engine
    assert cfg.enabled and cfg.stamps and 0.5 <= cfg.min_score <= 1.0
    assert set(cfg.fields) == {"ktp.nik", "str.str_number"}


def test_a_card_nik_against_its_birth_date_is_not_fixed_by_one_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The card prints a well-formed NIK whose birth date is not the card's (a misprint, a
    forgery, a misread); the second engine alone reads one that fits: the officer decides,
    the file is not waved through."""
    tampered = T.ktp(P).replace(f"NIK : {P.nik}", "NIK : 1471015404950012")
    checklist, _ = _run(
        monkeypatch, {"nik": [lk(P.nik, 0.95, tesseract="1471015404950012")]}, {"ktp": tampered}
    )
    assert checklist["verdict"] != "complete"
    assert _cell(checklist, "ktp") != "ok"


def test_a_shifted_window_both_engines_read_is_not_the_nik() -> None:
    """':' read as '1' by both engines gives two windows; only the one whose birth date is
    the card's is the NIK, and without the birth date neither is decided."""
    woman = "1471015011950012"  # born 10-11-1995
    row = lk("1 " + woman, 0.95, tesseract="1 " + woman)
    assert S.decide_nik(row, set(), date(1995, 11, 10), NikRule(), 0.9) == woman
    assert S.decide_nik(row, set(), None, NikRule(), 0.9) is None


def test_a_row_is_read_by_the_second_engine_once_per_evaluation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The card is read again in doubt and its identity compared again: the second engine is
    not asked about the same row twice (its findings would count twice in the vote)."""
    against_birth = T.ktp(P).replace(f"NIK : {P.nik}", "NIK : 1471015404950012")
    _, asked = _run(monkeypatch, {"nik": [lk("tidak terbaca", 0.5)]}, {"ktp": against_birth})
    assert asked.count("nik") == 1
