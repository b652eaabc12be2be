"""How documents word and print the same facts, split between the two style families.

Real Indonesian offices receive the same facts written many ways: an STR number with or
without a two-letter prefix, spaced, run together or dashed, labelled "Nomor STR" or "Nomor
Registrasi"; a NIK labelled "NIK", "No. KTP" or "Nomor Induk Kependudukan", in a table or in
the running text; dates as "12 Januari 1995" or "12/01/1995"; tables with or without ruled
borders and with the colon in a column or right after the label. A reader learnt from one
template fails on all the others, so every renderer draws these choices from here, and the
held-out family (:mod:`samples.styles`) gets other choices on every axis than the tuning
family, so that its figures measure how the reading generalises.

Values stay the truth: only their *printed form* varies; :func:`str_digits` and the canonical
forms in :mod:`samples.applicant` are what the ground truth holds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .common import MONTHS_ID, tgl, tgl_num
from .layout import KV

if TYPE_CHECKING:  # docbase builds letters with this module's typefaces
    from .docbase import Ctx

MONTHS_SHORT: tuple[str, ...] = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
)
assert len(MONTHS_SHORT) == len(MONTHS_ID)


# --------------------------------------------------------------------------------------------
# STR numbers
# --------------------------------------------------------------------------------------------
def str_digits(number: str) -> str:
    """The 14 digits of an STR number (canonical or printed), without prefix or separators."""
    return re.sub(r"\D", "", number)


def _grouped(digits: str, sep: str) -> str:
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


def str_printed(ctx: Ctx, number: str) -> str:
    """How one document prints the canonical STR number ``number``."""
    if re.fullmatch(r"[A-Z]{2}\d{14}", number):
        pre, digits = number[:2], number[2:]
        form = ctx.style(
            tuning=["spaced4", "spaced4", "space1", "canon_pre"],
            heldout=["compact", "dash1", "dash4"],
        )
        return {
            "spaced4": f"{pre} {_grouped(digits, ' ')}",
            "space1": f"{pre} {digits}",
            "compact": f"{pre}{digits}",
            "dash1": f"{pre}-{digits}",
            "dash4": f"{pre}-{_grouped(digits, '-')}",
            # the council's older grouping behind the prefix: "QS 12 3 4 5 67-1234567"
            "canon_pre": (
                f"{pre} {digits[:2]} {digits[2]} {digits[3]} {digits[4]} {digits[5:7]}-{digits[7:]}"
            ),
        }[form]
    digits = str_digits(number)
    form = ctx.style(
        tuning=["canon", "canon", "plain", "group4", "tail"], heldout=["canon", "dash", "dash4"]
    )
    parts = (digits[:2], digits[2], digits[3], digits[4], digits[5:7], digits[7:])
    return {
        "canon": number,
        "plain": digits,
        "group4": _grouped(digits, " "),
        "dash": "-".join(parts),
        "dash4": _grouped(digits, "-"),
        "tail": f"{digits[:7]}-{digits[7:]}",  # head and serial, the head run together
    }[form]


def str_label(ctx: Ctx) -> str:
    """The label in front of an STR number."""
    return ctx.style(
        tuning=[
            "Nomor STR",
            "Nomor STR",
            "No. STR",
            "No. Registrasi",
            "Nomor Reg. STR",
            "Nomor Tanda Registrasi",
            "NO. STR",
        ],
        heldout=["Nomor STR", "Nomor Registrasi", "No. Reg."],
    )


# --------------------------------------------------------------------------------------------
# Identity labels and dates
# --------------------------------------------------------------------------------------------
def nik_label(ctx: Ctx) -> str:
    """The label of a NIK in a key-value table."""
    return ctx.style(
        tuning=["NIK", "NIK", "No. KTP", "Nomor KTP", "NIK / No. KTP"],
        heldout=["NIK", "Nomor Induk Kependudukan", "No. NIK"],
    )


def nik_phrase(ctx: Ctx, nik: str) -> str:
    """A NIK written into running text ("... dengan NIK 1471...")."""
    form = ctx.style(
        tuning=["dengan NIK {}", "ber-NIK {}", "NIK {}", "NIK: {}", "nomor KTP {}"],
        heldout=["pemegang KTP nomor {}", "dengan Nomor Induk Kependudukan {}"],
    )
    return form.format(nik)


def name_label(ctx: Ctx, *, applicant: bool = False) -> str:
    """The label of a person's name; ``applicant`` on the application letter itself."""
    if applicant:
        return ctx.style(
            tuning=["Nama", "Nama", "Nama Lengkap", "NAMA"], heldout=["Nama", "Nama Pemohon"]
        )
    return ctx.style(tuning=["Nama", "Nama", "Nama Lengkap", "NAMA"], heldout=["Nama", "N a m a"])


def birth_label(ctx: Ctx) -> str:
    """The label of the place and date of birth."""
    return ctx.style(
        tuning=[
            "Tempat/Tgl. Lahir",
            "Tempat/Tanggal Lahir",
            "Tempat, Tanggal Lahir",
            "Tmp/Tgl Lahir",
            "Tempat & Tgl. Lahir",
        ],
        heldout=["Tempat dan Tanggal Lahir", "TTL", "Tempat, Tgl. Lahir"],
    )


def date_text(ctx: Ctx, d: dt.date) -> str:
    """A date as one document prints it (long Indonesian form or a numeric one)."""
    form = ctx.style(
        tuning=["long", "long", "dash", "short", "upper", "padded"],
        heldout=["long", "slash", "dot"],
    )
    return {
        "long": tgl(d),
        "dash": tgl_num(d, "-"),
        "slash": tgl_num(d, "/"),
        "dot": tgl_num(d, "."),
        "short": f"{d.day} {MONTHS_SHORT[d.month - 1]} {d.year}",
        "upper": tgl(d).upper(),  # "12 JANUARI 1995"
        "padded": f"{d.day:02d} {MONTHS_ID[d.month - 1]} {d.year}",  # "05 Maret 2030"
    }[form]


def ttl(ctx: Ctx, place: str, d: dt.date) -> str:
    """'Pekanbaru, 12 Januari 1995' (or another date form)."""
    return f"{place}, {date_text(ctx, d)}"


def validity(ctx: Ctx, valid: dt.date | None) -> tuple[str, str]:
    """(label, value) of an STR's validity, for a table row or (joined) a sentence."""
    if valid is None:
        return ctx.style(
            tuning=[
                ("STR ini berlaku", "seumur hidup"),
                ("Berlaku sampai", "Seumur Hidup"),
                ("Berlaku s/d", "seumur hidup"),
                ("Tanggal Berakhir", "Seumur Hidup"),
            ],
            heldout=[("Masa berlaku", "SEUMUR HIDUP"), ("Berlaku hingga", "seumur hidup")],
        )
    label = ctx.style(
        tuning=[
            "STR ini berlaku sampai dengan",
            "Berlaku sampai",
            "Berlaku s/d",
            "Berlaku s.d.",
            "Berlaku sampai tanggal",
            "Tanggal Berakhir",
        ],
        heldout=["Berlaku hingga", "Masa berlaku s.d.", "Masa Berlaku sampai"],
    )
    return label, date_text(ctx, valid)


# --------------------------------------------------------------------------------------------
# Tables and type
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableStyle:
    """How one document sets its key-value tables (the same for all tables on it)."""

    sep_mode: str  # column | label | inline (see layout.KV)
    rules: str  # none | rows | grid
    width: float  # factor on the renderer's label column width

    def kv(
        self, rows: list[tuple[str, str]], label_w: float, indent: float = 0.0, after: float = 2.0
    ) -> KV:
        return KV(
            rows,
            label_w=label_w * self.width,
            indent=indent,
            after=after,
            sep_mode=self.sep_mode,
            rules=self.rules,
        )


def table_style(ctx: Ctx) -> TableStyle:
    """One document's table style: colon placement, borders, label column width."""
    return TableStyle(
        sep_mode=ctx.style(
            tuning=["column", "column", "column", "label"], heldout=["column", "inline"]
        ),
        rules=ctx.style(tuning=["none", "none", "none", "grid"], heldout=["none", "none", "rows"]),
        width=ctx.style(tuning=[0.85, 0.9, 1.0, 1.1, 1.2], heldout=[0.75, 1.0, 1.4]),
    )


#: Letter typefaces per family (Times/Arial look-alikes dominate the tuning family; the
#: held-out family types in condensed, narrow and other faces it never saw).
TUNING_FONTS: tuple[str, ...] = (
    "liberation_serif",
    "liberation_serif",
    "liberation_sans",
    "liberation_sans",
    "dejavu_serif",
    "free_serif",
    "dejavu_sans",
    "liberation_mono",
)
HELDOUT_FONTS: tuple[str, ...] = (
    "free_sans",
    "dejavu_condensed",
    "dejavu_serif_condensed",
    "liberation_narrow",
    "free_mono",
)


def letter_font(ctx: Ctx) -> str:
    """The typeface of a typed letter."""
    return ctx.style(tuning=TUNING_FONTS, heldout=HELDOUT_FONTS)


def card_font(ctx: Ctx) -> str:
    """The typeface of a printed certificate (ijazah, STR): no monospace."""
    return ctx.style(
        tuning=[f for f in TUNING_FONTS if "mono" not in f],
        heldout=[f for f in HELDOUT_FONTS if "mono" not in f],
    )


def letter_size(ctx: Ctx) -> float:
    """The body type size of a letter (pt)."""
    return ctx.style(tuning=[10.5, 11.0, 11.0, 11.5, 12.0, 12.0], heldout=[10.0, 10.5, 12.0, 12.5])
