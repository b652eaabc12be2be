"""Context and result types shared by the document renderers."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image

from .applicant import Applicant
from .common import add_workdays
from .layout import Block, Flow, Page
from .styles import TUNING, T, chance, pick
from .wording import letter_font, letter_size


@dataclass
class Ctx:
    """Everything a document renderer needs to know about the application."""

    rng: random.Random
    dpi: int
    app: Applicant
    received: dt.date
    application_type: str
    defects: frozenset[str]
    letter_nik: str
    other: Applicant | None = None
    other_target: str | None = None
    old_permit_no: str = ""
    old_permit_date: dt.date = dt.date(2021, 1, 1)
    old_str_number: str = ""  # STR number printed on the old permit
    attempt: int = 0  # re-render count after a page overflowed (renderers then pack tighter)
    family: str = TUNING  # style family (samples.styles): tuning or held-out choices

    def style(self, *, tuning: Sequence[T], heldout: Sequence[T]) -> T:
        """One choice from this application's style family (see :mod:`samples.styles`)."""
        return pick(self.rng, self.family, tuning, heldout)

    def style_chance(self, *, tuning: float, heldout: float) -> bool:
        """True with this application's family's probability."""
        return chance(self.rng, self.family, tuning, heldout)

    def person(self, doc_type: str) -> Applicant:
        """The person a document is about (another one for the other_person defect)."""
        if self.other is not None and self.other_target == doc_type:
            return self.other
        return self.app

    def before(self, lo: int, hi: int) -> dt.date:
        """A working day lo..hi working days before the received date."""
        return add_workdays(self.received, -self.rng.randint(lo, hi))

    def letter(
        self,
        *,
        family: str | None = None,
        size: float | None = None,
        size_mm: tuple[float, float] | None = None,
        margins: tuple[float, float, float, float] | None = None,
        leading: float | None = None,
    ) -> tuple[Page, Flow]:
        r = self.rng
        if size_mm is None:
            size_mm = (215.0, 330.0) if r.random() < 0.1 else (210.0, 297.0)
        page = Page(self.dpi, size_mm)
        fam = family or letter_font(self)
        sz = size or letter_size(self)
        if "mono" in fam:
            sz = min(sz, 11.0)
        m = margins or (r.uniform(20, 30), r.uniform(12, 22), r.uniform(15, 25), 15)
        lead = leading or r.uniform(1.25, 1.5)
        if self.attempt >= 2:
            sz, lead = min(sz, 10.5), min(lead, 1.25)
        flow = Flow(page, r, fam, sz, margins=m, leading=lead)
        return page, flow


@dataclass
class DocPage:
    img: Image.Image  # upright page as printed (before scanning)
    photos: int = 0  # passport photos on the page (pas_foto only)
    size_mm: tuple[float, float] = (210.0, 297.0)
    fill: float = 0.0  # how far down the page the text flow went (letters; > 1 = overflow)


@dataclass
class Document:
    doc_type: str
    pages: list[DocPage]
    #: layout blocks per page, kept for documents that can be produced digitally (fpdf2)
    blocks: list[list[Block]] | None = None
    meta: dict[str, object] = field(default_factory=dict)
