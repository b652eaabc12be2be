"""The satisfaction index (IKM) of a set of answers, per Peraturan Menteri PANRB No. 14/2017.

Per element (U1..U9, answers 1–4): NRR = total ÷ respondents; weighted NRR = NRR × 1/9;
IKM = Σ weighted NRR × 25 (25–100). Arithmetic is exact (fractions); the index is rounded
half-up to two decimals (as published) and the grade is taken from that published value by
comparing with the lower bound of each grade, so no value falls between grades:
A Sangat Baik ≥ 88,31; B Baik ≥ 76,61; C Kurang Baik ≥ 65,00; D Tidak Baik ≥ 25,00.
Elements are graded the same way on NRR × 25.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from loket.survey.errors import SkmError
from loket.survey.grades import Grade, grade, round2
from loket.survey.questionnaire import CODES, ELEMENTS

WEIGHT = Fraction(1, 9)


@dataclass(frozen=True)
class ElementResult:
    code: str
    name: str
    total: int
    nrr: Fraction
    weighted: Fraction
    index: Fraction  # NRR × 25
    grade: Grade


@dataclass(frozen=True)
class SkmResult:
    respondents: int
    elements: list[ElementResult]
    weighted_sum: Fraction
    ikm: Fraction
    grade: Grade

    @property
    def ikm_published(self) -> Decimal:
        return round2(self.ikm)

    @property
    def poor_elements(self) -> list[ElementResult]:
        return [e for e in self.elements if e.grade.poor]


def compute(answers: Sequence[Sequence[int]]) -> SkmResult:
    """SKM figures of valid answer rows (nine values 1–4 each)."""
    n = len(answers)
    if n == 0:
        raise SkmError("tidak ada jawaban responden yang sah")
    for i, row in enumerate(answers):
        if len(row) != 9 or any(not isinstance(v, int) or not 1 <= v <= 4 for v in row):
            raise SkmError(f"jawaban ke-{i + 1} tidak sah: {row!r}")
    elements = []
    for j, (code, name) in enumerate(zip(CODES, ELEMENTS, strict=True)):
        total = sum(row[j] for row in answers)
        nrr = Fraction(total, n)
        elements.append(
            ElementResult(code, name, total, nrr, nrr * WEIGHT, nrr * 25, grade(nrr * 25))
        )
    weighted_sum = sum((e.weighted for e in elements), Fraction(0))
    ikm = weighted_sum * 25
    return SkmResult(n, elements, weighted_sum, ikm, grade(ikm))
