"""Style families: every way the generator varies a document is split into two families.

The *tuning* family is what the reading code may be tuned on; the *held-out* family draws
from other choices on every axis (label wordings, number formats, layouts, fonts, scan colour
modes, stamp angles and wordings, noise) and is only ever measured, never looked at while
tuning, so that its figures say how the reading generalises to documents nobody tuned for.

A renderer names both lists where it varies something::

    label = ctx.style(tuning=["Nomor STR", "No. STR"], heldout=["Nomor Registrasi"])

The two lists should differ (a held-out family that only repeats the tuning choices measures
nothing); an axis may share a common core when the real world has one dominant form.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

TUNING = "tuning"
HELDOUT = "heldout"
FAMILIES: tuple[str, ...] = (TUNING, HELDOUT)


def check_family(family: str) -> str:
    """``family`` if it is one of :data:`FAMILIES`, else a ValueError naming them."""
    if family not in FAMILIES:
        raise ValueError(f"unknown style family {family!r}; known: {', '.join(FAMILIES)}")
    return family


def pick(rng: random.Random, family: str, tuning: Sequence[T], heldout: Sequence[T]) -> T:
    """One choice from the list of ``family`` (drawn with ``rng``)."""
    choices = heldout if check_family(family) == HELDOUT else tuning
    if not choices:
        raise ValueError(f"no choices for the {family} family")
    return rng.choice(list(choices))


def chance(rng: random.Random, family: str, tuning: float, heldout: float) -> bool:
    """True with the probability of ``family``."""
    return rng.random() < (heldout if check_family(family) == HELDOUT else tuning)
