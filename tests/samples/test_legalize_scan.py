"""The generator's scanner colour modes and legalisation stamps vary by style family: colour,
greyscale and black-and-white scans in other mixes, stamps in other shapes, wordings and tilts
(the truth — legalised or not — is unchanged by them)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from samples.applicant import make_applicant
from samples.docbase import Ctx
from samples.legalize import _WORDINGS_HELDOUT, _WORDINGS_TUNING, legalize
from samples.scan import ScannerProfile, scan
from samples.styles import FAMILIES, HELDOUT, TUNING


def _modes(family: str) -> Counter[str]:
    rng = random.Random(5)
    return Counter(ScannerProfile.random(rng, family).mode for _ in range(400))


def test_every_family_scans_in_colour_grey_and_black_and_white() -> None:
    tuning, heldout = _modes(TUNING), _modes(HELDOUT)
    assert set(tuning) == set(heldout) == {"colour", "grey", "bw"}
    assert tuning["colour"] > heldout["colour"] + 60  # other mixes per family
    assert heldout["bw"] > tuning["bw"] + 40


@pytest.mark.parametrize(("mode", "dither"), [("grey", False), ("bw", False), ("bw", True)])
def test_grey_and_black_and_white_scans_lose_colour(mode: str, dither: bool) -> None:
    rng = random.Random(7)
    page = Image.new("RGB", (400, 300), (255, 255, 255))
    page.paste((40, 70, 175), (100, 100, 300, 200))  # a blue stamp-ink patch
    prof = ScannerProfile.random(rng)
    prof.mode, prof.dither = mode, dither
    out = scan(page, rng, prof)
    assert out.mode == "L"
    if mode == "bw":
        assert set(np.unique(np.asarray(out))) <= {0, 255}


def _ctx(family: str, seed: int) -> Ctx:
    rng = random.Random(seed)
    app = make_applicant(rng)
    return Ctx(
        rng=rng,
        dpi=200,
        app=app,
        received=dt.date(2026, 3, 2),
        application_type="new",
        defects=frozenset(),
        letter_nik=app.nik,
        family=family,
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_legalize_stamps_coloured_ink_in_every_family(family: str) -> None:
    for seed in range(6):
        page = Image.new("RGB", (1654, 2339), (235, 235, 235))
        legalize(
            _ctx(family, seed), page, "Kepala Dinas,", "DINAS KESEHATAN", "PEKANBARU", "Pekanbaru"
        )
        a = np.asarray(page).astype(int)
        blue = (a[..., 2] - a[..., 0] > 20).sum()
        assert blue > 3000  # a stamp's worth of blue/violet ink


def test_stamp_wordings_differ_between_families() -> None:
    assert not set(_WORDINGS_TUNING) & set(_WORDINGS_HELDOUT)
