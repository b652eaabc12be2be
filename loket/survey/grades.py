"""Grades of the SKM (A Sangat Baik .. D Tidak Baik) and the half-up rounding they are judged on.

The grade is taken from the published (two-decimal) value by comparing with the lower bound of
each grade, so no value falls between grades:
A Sangat Baik ≥ 88,31; B Baik ≥ 76,61; C Kurang Baik ≥ 65,00; D Tidak Baik ≥ 25,00.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from loket.survey.errors import SkmError


@dataclass(frozen=True)
class Grade:
    letter: str
    label: str
    lower: Decimal  # lower bound of the converted (×25) value
    ni: str  # interval on the 1-4 scale as printed in the regulation
    nik: str

    @property
    def poor(self) -> bool:
        return self.letter in {"C", "D"}


GRADES: tuple[Grade, ...] = (
    Grade("A", "Sangat Baik", Decimal("88.31"), "3,5324 \u2013 4,00", "88,31 \u2013 100,00"),
    Grade("B", "Baik", Decimal("76.61"), "3,0644 \u2013 3,532", "76,61 \u2013 88,30"),
    Grade("C", "Kurang Baik", Decimal("65.00"), "2,60 \u2013 3,064", "65,00 \u2013 76,60"),
    Grade("D", "Tidak Baik", Decimal("25.00"), "1,00 \u2013 2,5996", "25,00 \u2013 64,99"),
)


def round2(value: Fraction | Decimal | float | int) -> Decimal:
    """Half-up rounding to two decimals of an exact value."""
    if isinstance(value, Fraction):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    else:
        exact = Decimal(str(value))
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade(index: Fraction | Decimal | float | int) -> Grade:
    """The grade of a converted value (25–100), judged on its two-decimal published value."""
    value = round2(index)
    if value > 100 or value < 25:
        raise SkmError(f"nilai {value} di luar rentang 25\u2013100")
    return next(g for g in GRADES if value >= g.lower)
