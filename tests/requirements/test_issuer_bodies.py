"""Issuers: a body's name is matched word by word, not only as a similar whole phrase, so a
branch of another professional body, another association or another city's health office is
never taken for the required one, while OCR noise in the right name is tolerated."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from loket.requirements.engine import check_application
from loket.requirements.issuers import fold, matches_body
from tests.requirements import requirement_texts as T

RULES = Path(__file__).resolve().parents[2] / "rules" / "izin-kerja-radiografer.yaml"


@pytest.mark.parametrize(
    ("phrase", "text", "named"),
    [
        ("Pengurus Daerah PARI", "PENGURUS DAERAH PAFI PROVINSI RIAU", False),
        ("Pengurus Cabang PARI", "Pengurus Cabang IKATEMI Kota Pekanbaru", False),
        ("Perhimpunan Radiografer Indonesia", "PERHIMPUNAN RADIOTERAPI INDONESIA", False),
        ("Dinas Kesehatan Kota Pekanbaru", "DINAS KESEHATAN KOTA PEKALONGAN", False),
        ("Perhimpunan Radiografer Indonesia", "PERHIMPUNAN RADIOGRAFER INDONES1A", True),
        ("Dinas Kesehatan Kota Pekanbaru", "DINAS KESEHATAN KOTA PGKANBARU", True),
        ("Pengurus Daerah PARI", "PENGURUS DAERAH PARI RIAU", True),
    ],
)
def test_a_body_is_named_word_by_word(phrase: str, text: str, named: bool) -> None:
    assert matches_body(phrase, fold(text), 85) is named


def _status(doc_type: str, text: str) -> str:
    doc = T.application(texts={doc_type: text})
    checklist = check_application(doc, None, RULES, date(2026, 8, 24), quality=False)
    return next(r["status"] for r in checklist["requirements"] if r["id"] == doc_type)


def _letter(head: str, body: str = "merekomendasikan") -> str:
    p = T.Person()
    return (
        f"{head}\nSURAT REKOMENDASI\nNomor : 012/REK/2026\nYang bertanda tangan di bawah ini "
        f"{body} bahwa:\nNama : {p.name}, {p.title}\nTempat/Tgl Lahir : {p.birth_place}, "
        f"13-04-1995\nuntuk mengurus Surat Izin Kerja Radiografer di Kota Pekanbaru.\n"
        "Demikian surat rekomendasi ini dibuat untuk dipergunakan sebagaimana mestinya.\n"
        "Ketua\n"
    )


@pytest.mark.parametrize(
    "head",
    [
        "PENGURUS DAERAH PAFI PROVINSI RIAU\nPersatuan Ahli Farmasi Indonesia",
        "PENGURUS CABANG PERSAGI KOTA PEKANBARU\nPersatuan Ahli Gizi Indonesia",
        "PERHIMPUNAN RADIOTERAPI INDONESIA\nPengurus Daerah Riau",
    ],
)
def test_another_body_is_never_taken_for_pari(head: str) -> None:
    assert _status("rekomendasi_organisasi_profesi", _letter(head)) != "ok"


def test_another_city_that_reads_like_pekanbaru_is_not_accepted() -> None:
    head = "PEMERINTAH KOTA PEKALONGAN\nDINAS KESEHATAN KOTA PEKALONGAN\nJl. Mataram No. 1"
    assert _status("rekomendasi_dinkes", _letter(head)) != "ok"
    ok = "PEMERINTAH KOTA PGKANBARU\nDINAS KESEHATAN KOTA PEKANBARU\nJl. Melur No. 103"
    assert _status("rekomendasi_dinkes", _letter(ok)) == "ok"
