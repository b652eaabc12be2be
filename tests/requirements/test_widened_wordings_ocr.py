"""The wordings the widened tuning family prints (session 9), through real tesseract: pages
drawn with the project's layout code and scanned by :mod:`samples.scan`, read by the intake's
OCR, then by the rules' fields. Each kind here did not read before its rule change
(``Nomor Tanda Registrasi``, a prefixed number in the council's grouping, ``Tmp/Tgl Lahir``,
``Tanggal Berakhir``). A reading may abstain, never be wrong."""

from __future__ import annotations

from datetime import date

import pytest

from samples.layout import KV, Text
from tests.requirements.test_field_shapes_ocr import P, head, ocr, read, round_capitals

pytestmark = pytest.mark.ocr


def test_str_number_under_its_full_name_and_prefixed_council_grouping() -> None:
    cases = [
        ("Nomor Tanda Registrasi", "QS 1234 5678 9012 34", "QS12345678901234"),
        ("Nomor STR", "RG 31 2 2 5 08-0012345", "RG31225080012345"),
        ("Nomor Tanda Registrasi", "NR 12 2 8 1 24-0251670", "NR12281240251670"),
        ("NO. STR", "3122508-0012345", "31 2 2 5 08-0012345"),
    ]
    read_ok = 0
    for seed, (label, printed, canonical) in enumerate(cases, start=40):
        blocks = [
            *head("KONSIL TENAGA KESEHATAN INDONESIA", "SURAT TANDA REGISTRASI"),
            Text(f"{label} : {printed}", align="center", bold=True),
            KV([("Nama", f"{P.name}, {P.title}"), ("Kompetensi", "Radiografer")]),
        ]
        text = ocr(blocks, seed)
        got = [round_capitals(str(v)) for v in read("str", "str_number", text)]
        assert set(got) <= {round_capitals(canonical)}, (label, printed, got, text)
        read_ok += bool(got)
    assert read_ok >= len(cases) - 1


def test_short_birth_label_and_end_date_label() -> None:
    read_birth = read_valid = 0
    rows = [
        ("Tmp/Tgl Lahir", "Pekanbaru, 12 JANUARI 1995", "Tanggal Berakhir", "05 Maret 2030"),
        ("Tmp/Tgl Lahir", "Pekanbaru, 12 Jan 1995", "Tanggal Berakhir", "05 MARET 2030"),
        ("Tmp/Tgl Lahir", "Pekanbaru, 12-01-1995", "Tanggal Berakhir", "5 Mar 2030"),
    ]
    for seed, (b_label, birth, v_label, valid) in enumerate(rows, start=50):
        text = ocr([KV([("Nama", P.name), (b_label, birth), (v_label, valid)])], seed)
        births = read("str", "birth", text)
        assert all(b["date"] == date(1995, 1, 12) for b in births), (births, text)  # type: ignore[index]
        read_birth += bool(births)
        ends = read("str", "valid_until", text)
        assert set(ends) <= {date(2030, 3, 5)}, (ends, text)
        read_valid += bool(ends)
    assert read_birth >= len(rows) - 1 and read_valid >= len(rows) - 1
