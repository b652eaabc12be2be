"""Roman numerals of the months, as Indonesian letter and permit numbers write them
(``503/007/DPMPTSP/PB/XII/2026``)."""

from __future__ import annotations

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def roman_month(month: int) -> str:
    """``12`` -> ``"XII"``."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1..12")
    return ROMAN_MONTHS[month - 1]
