"""Style families of the generator: both generate, the held-out family draws other choices
than the tuning family on every axis, truth STR numbers stay canonical, planted defects stay
detectable whatever the wording, and equal seed + family give equal bytes.

Fast (no tesseract) except the one ``ocr`` test, which checks that a printed prefixed STR
number survives print and OCR, i.e. that the truth is attainable from the page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from samples import corpus_plan, generate_application, make_applicant
from samples.applicant import with_family_str_number
from samples.docbase import Ctx
from samples.recommendations import (
    DINKES_OTHER,
    DINKES_OTHER_HELDOUT,
    OTHER_BODIES,
    OTHER_BODIES_HELDOUT,
    PARI_UNITS,
    body_letterhead,
    dinkes_letterhead,
)
from samples.styles import FAMILIES, HELDOUT, TUNING
from samples.wording import (
    birth_label,
    date_text,
    letter_font,
    name_label,
    nik_label,
    nik_phrase,
    str_digits,
    str_label,
    str_printed,
    table_style,
    validity,
)

CANONICAL_STR = re.compile(r"\d{2} \d \d \d \d{2}-\d{7}|[A-Z]{2}\d{14}")
DPI = 100


def _ctx(family: str, seed: int = 1) -> Ctx:
    rng = random.Random(seed)
    app = make_applicant(rng)
    return Ctx(
        rng=rng,
        dpi=DPI,
        app=app,
        received=dt.date(2026, 5, 4),
        application_type="new",
        defects=frozenset(),
        letter_nik=app.nik,
        family=family,
    )


def _draws(axis: Callable[[Ctx], Any], family: str, n: int = 300) -> set[str]:
    ctx = _ctx(family)
    return {str(axis(ctx)) for _ in range(n)}


AXES: dict[str, Callable[[Ctx], Any]] = {
    "str label": str_label,
    "nik label": nik_label,
    "nik in text": lambda c: nik_phrase(c, "1471010101010001").split("1471")[0],
    "applicant name label": lambda c: name_label(c, applicant=True),
    "name label": name_label,
    "birth label": birth_label,
    "date format": lambda c: re.sub(r"\d", "9", date_text(c, dt.date(1995, 1, 12))),
    "validity": lambda c: validity(c, dt.date(2028, 1, 12))[0],
    "lifetime": lambda c: validity(c, None),
    "str form": lambda c: re.sub(r"\d", "9", str_printed(c, "12 3 4 5 67-1234567")),
    "prefixed str form": lambda c: re.sub(r"\d", "9", str_printed(c, "QS12345678901234")),
    "table": lambda c: (table_style(c).sep_mode, table_style(c).rules),
    "font": letter_font,
    "pari letterhead": lambda c: [
        t
        for t, _, _ in body_letterhead(
            c, "PENGURUS DAERAH", "PERHIMPUNAN RADIOGRAFER INDONESIA", "PARI", "PROVINSI RIAU"
        )
    ],
    "dinkes letterhead": lambda c: dinkes_letterhead(c, "PEMERINTAH KOTA PEKANBARU", "Kota X"),
}


@pytest.mark.parametrize("axis", sorted(AXES))
def test_heldout_choices_differ_from_tuning(axis: str) -> None:
    tuning, heldout = _draws(AXES[axis], TUNING), _draws(AXES[axis], HELDOUT)
    assert heldout - tuning, f"{axis}: the held-out family shows nothing new ({heldout})"
    assert len(tuning) >= 2, f"{axis}: the tuning family does not vary ({tuning})"


def test_heldout_str_labels_are_the_unseen_ones() -> None:
    assert {"Nomor Registrasi", "No. Reg."} <= _draws(str_label, HELDOUT)
    assert not {"Nomor Registrasi", "No. Reg."} & _draws(str_label, TUNING)


@pytest.mark.parametrize("family", FAMILIES)
def test_truth_str_numbers_are_canonical(family: str) -> None:
    prefixed = 0
    for seed in range(300):
        rng = random.Random(seed)
        a = with_family_str_number(rng, make_applicant(rng), family)
        assert CANONICAL_STR.fullmatch(a.str_number), a.str_number
        prefixed += a.str_number[0].isalpha()
        ctx = _ctx(family, seed)
        for _ in range(5):  # every printed form carries the same prefix and 14 digits
            printed = str_printed(ctx, a.str_number)
            assert str_digits(printed) == str_digits(a.str_number), printed
            assert re.sub(r"[^A-Z]", "", printed) == re.sub(r"[^A-Z]", "", a.str_number)
    assert 60 <= prefixed <= 180, prefixed  # some applicants, not all


@pytest.mark.parametrize("family", FAMILIES)
def test_other_bodies_stay_other_bodies(family: str) -> None:
    """rekomendasi_other_body and dinkes_other_city stay detectable in every wording."""
    ctx = _ctx(family)
    for _ in range(40):
        for level, body, region, _code, _chair, abbr in OTHER_BODIES + OTHER_BODIES_HELDOUT:
            text = " ".join(t for t, _, _ in body_letterhead(ctx, level, body, abbr, region))
            assert "PARI" not in text and "Radiografer" not in text.title(), text
            assert abbr in text or body.title() in text.title(), text
        for level, region, _code, _chair in PARI_UNITS:
            lines = body_letterhead(ctx, level, "PERHIMPUNAN RADIOGRAFER INDONESIA", "PARI", region)
            assert re.search(r"\bPARI\b", " ".join(t for t, _, _ in lines))
        for gov, region, _addr, _city in DINKES_OTHER + DINKES_OTHER_HELDOUT:
            text = " ".join(t for t, _, _ in dinkes_letterhead(ctx, gov, region))
            assert "pekanbaru" not in text.lower(), text
            assert region.split()[-1].lower() in text.lower(), text


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.ocr  # generates four whole scanned applications and reads their files (slow)
def test_both_families_generate_deterministically(tmp_path: Path) -> None:
    truths = {}
    for family in FAMILIES:
        for run in ("a", "b"):
            truths[family, run] = generate_application(
                tmp_path / family / run,
                "app",
                77,
                packaging="jpg_folder",
                dpi=DPI,
                family=family,
                defects=["rekomendasi_other_body"],
            )
        assert truths[family, "a"] == truths[family, "b"]
        assert truths[family, "a"]["family"] == family
        assert _hashes(tmp_path / family / "a") == _hashes(tmp_path / family / "b")
        assert CANONICAL_STR.fullmatch(truths[family, "a"]["applicant"]["str_number"])
        assert truths[family, "a"]["requirements"]["rekomendasi_organisasi_profesi"] == "invalid"
    assert _hashes(tmp_path / TUNING / "a") != _hashes(tmp_path / HELDOUT / "a")


def test_corpus_plans_of_the_families_differ() -> None:
    tuning, heldout = corpus_plan(20, 5, family=TUNING), corpus_plan(20, 5, family=HELDOUT)
    assert {p["family"] for p in tuning} == {TUNING}
    assert {p["family"] for p in heldout} == {HELDOUT}
    assert [p["seed"] for p in tuning] != [p["seed"] for p in heldout]
    assert corpus_plan(20, 5, family=HELDOUT) == heldout


@pytest.mark.ocr
def test_prefixed_str_number_survives_print_and_ocr() -> None:
    """A generated STR page with a prefixed number: tesseract reads its letters and digits,
    so the number is on the page for the reader to find (its label and form are the
    reader's job)."""
    from loket.intake.ocr import ocr_text
    from samples.strcard import str_doc

    for seed in range(40):
        ctx = _ctx(TUNING, seed)
        ctx.dpi = 200
        ctx.app = with_family_str_number(ctx.rng, ctx.app, TUNING)
        if ctx.app.str_number[0].isalpha():
            break
    else:
        pytest.fail("no prefixed applicant in 40 seeds")
    page = str_doc(ctx).pages[0].img.convert("L")
    text = ocr_text(np.array(page)).text
    compact = re.sub(r"[\s\-]", "", text)
    # the 14 digits after two capitals; tesseract may read the letters with its usual
    # confusions (it reads a bold "QS" as "OS"), which the reader has to tolerate
    assert re.search(r"[A-Z0]{2}" + ctx.app.str_number[2:], compact), text


@pytest.mark.parametrize("rules", ["none", "rows", "grid"])
@pytest.mark.parametrize("sep_mode", ["column", "label", "inline"])
def test_table_styles_draw_their_rules_and_never_overprint(sep_mode: str, rules: str) -> None:
    """A key-value table in each colon placement and border style: rules are drawn only when
    asked (a grid also has columns), and a label wider than its column pushes the colon
    right instead of overprinting it."""
    from samples.layout import KV, Flow, Page

    page = Page(DPI, (210, 80))
    flow = Flow(page, random.Random(1), "liberation_sans", 11.0, margins=(10, 10, 10, 10))
    long_label = "Nomor Induk Kependudukan"
    flow.run(
        [
            KV(
                [(long_label, "1471010101010001"), ("Nama", "Rina")],
                10.0,
                sep_mode=sep_mode,
                rules=rules,
            )
        ]
    )
    ink = np.array(page.img.convert("L")) < 128
    full_rows = int((ink.mean(axis=1) > 0.6).sum())
    assert (full_rows > 0) == (rules != "none"), full_rows
    if sep_mode == "column" and rules == "none":  # the label's pixels are the label's alone
        ref = Page(DPI, (210, 80))
        rflow = Flow(ref, random.Random(1), "liberation_sans", 11.0, margins=(10, 10, 10, 10))
        rflow.text_line(rflow.x0, long_label, rflow.font())
        ink_ref = np.array(ref.img.convert("L")) < 128
        label_end = flow.x0 + int(flow.font().getlength(long_label)) + 1
        rows = slice(rflow.y, rflow.y + rflow.line_h())
        cols = slice(flow.x0, label_end)
        assert (ink[rows, cols] == ink_ref[rows, cols]).all()
