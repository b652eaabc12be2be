"""Separation of duties: one person gives at most one of the chain's decisions on a file.

Whatever roles a person holds (their own, Plh. of another), they may not both initial and
sign one file, or initial it twice at two desks (the Ahli Madya who initialled may not
initial again as Plh. Sekretaris). Deciding the same step again (after the file came back)
is the same duty and allowed. The rule is pure: the caller hands over who decided which
step of the file before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PriorDecision:
    """A decision already given on the file: at step ``step_index`` (``title``) by ``nip``."""

    step_index: int
    title: str
    nip: str


def conflict(prior: Iterable[PriorDecision], nip: str, step_index: int) -> PriorDecision | None:
    """The earlier decision of ``nip`` at another step of the file, if any."""
    return next((p for p in prior if p.nip == nip and p.step_index != step_index), None)


def conflict_message(name: str, earlier: PriorDecision) -> str:
    """Why the act is refused, for the officer (Indonesian)."""
    return (
        f"Ditolak (pemisahan tugas): {name} sudah memberi keputusan '{earlier.title}' atas "
        "berkas ini; satu orang tidak boleh memberi dua keputusan dalam alur yang sama, "
        "apa pun jabatannya (juga sebagai Plh.)."
    )
