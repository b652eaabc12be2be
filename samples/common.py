"""Shared constants and small helpers: requirement ids, Indonesian dates, fonts."""

from __future__ import annotations

import datetime as dt
import random
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

#: The ten requirements of the service, in the order of the published service standard.
REQUIREMENT_IDS: tuple[str, ...] = (
    "surat_permohonan",
    "ktp",
    "pas_foto",
    "ijazah",
    "str",
    "rekomendasi_organisasi_profesi",
    "surat_keterangan_sehat",
    "surat_pernyataan_tempat_kerja",
    "rekomendasi_dinkes",
    "surat_izin_asli",
)
#: Requirements every application needs (surat_izin_asli only for renewals).
ALWAYS_REQUIRED: tuple[str, ...] = REQUIREMENT_IDS[:9]
#: Page classes besides the requirements.
EXTRA_PAGE_TYPES: tuple[str, ...] = ("other", "blank")
DOC_TYPES: tuple[str, ...] = REQUIREMENT_IDS + EXTRA_PAGE_TYPES

MONTHS_ID: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
ROMAN: tuple[str, ...] = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def tgl(d: dt.date) -> str:
    """'12 Januari 1995'."""
    return f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"


def tgl_num(d: dt.date, sep: str = "-") -> str:
    """'12-01-1995'."""
    return f"{d.day:02d}{sep}{d.month:02d}{sep}{d.year}"


def roman_month(d: dt.date) -> str:
    return ROMAN[d.month - 1]


def terbilang(n: int) -> str:
    """Indonesian number words (for receipts), n < 10**9."""
    units = [
        "",
        "satu",
        "dua",
        "tiga",
        "empat",
        "lima",
        "enam",
        "tujuh",
        "delapan",
        "sembilan",
        "sepuluh",
        "sebelas",
    ]
    if n < 12:
        return units[n]
    if n < 20:
        return f"{units[n - 10]} belas"
    if n < 100:
        return f"{units[n // 10]} puluh {terbilang(n % 10)}".strip()
    if n < 200:
        return f"seratus {terbilang(n - 100)}".strip()
    if n < 1000:
        return f"{units[n // 100]} ratus {terbilang(n % 100)}".strip()
    if n < 2000:
        return f"seribu {terbilang(n - 1000)}".strip()
    if n < 1_000_000:
        return f"{terbilang(n // 1000)} ribu {terbilang(n % 1000)}".strip()
    return f"{terbilang(n // 1_000_000)} juta {terbilang(n % 1_000_000)}".strip()


def add_workdays(d: dt.date, n: int) -> dt.date:
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        d += dt.timedelta(days=step)
        if d.weekday() < 5:
            left -= 1
    return d


def to_workday(d: dt.date) -> dt.date:
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = (end - start).days
    return start + dt.timedelta(days=rng.randint(0, max(span, 0)))


# --------------------------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------------------------
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/truetype/freefont"),
)

#: family -> (regular, bold, italic, bold italic) file names
FAMILIES: dict[str, tuple[str, str, str, str]] = {
    "liberation_serif": (
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ),
    "dejavu_serif": (
        "DejaVuSerif.ttf",
        "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
    ),
    "dejavu_serif_condensed": (
        "DejaVuSerifCondensed.ttf",
        "DejaVuSerifCondensed-Bold.ttf",
        "DejaVuSerifCondensed-Italic.ttf",
        "DejaVuSerifCondensed-BoldItalic.ttf",
    ),
    "free_serif": (
        "FreeSerif.ttf",
        "FreeSerifBold.ttf",
        "FreeSerifItalic.ttf",
        "FreeSerifBoldItalic.ttf",
    ),
    "liberation_sans": (
        "LiberationSans-Regular.ttf",
        "LiberationSans-Bold.ttf",
        "LiberationSans-Italic.ttf",
        "LiberationSans-BoldItalic.ttf",
    ),
    "dejavu_sans": (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf",
    ),
    "dejavu_condensed": (
        "DejaVuSansCondensed.ttf",
        "DejaVuSansCondensed-Bold.ttf",
        "DejaVuSansCondensed-Oblique.ttf",
        "DejaVuSansCondensed-BoldOblique.ttf",
    ),
    "free_sans": (
        "FreeSans.ttf",
        "FreeSansBold.ttf",
        "FreeSansOblique.ttf",
        "FreeSansBoldOblique.ttf",
    ),
    "liberation_narrow": (
        "LiberationSansNarrow-Regular.ttf",
        "LiberationSansNarrow-Bold.ttf",
        "LiberationSansNarrow-Italic.ttf",
        "LiberationSansNarrow-BoldItalic.ttf",
    ),
    "liberation_mono": (
        "LiberationMono-Regular.ttf",
        "LiberationMono-Bold.ttf",
        "LiberationMono-Italic.ttf",
        "LiberationMono-BoldItalic.ttf",
    ),
    "dejavu_mono": (
        "DejaVuSansMono.ttf",
        "DejaVuSansMono-Bold.ttf",
        "DejaVuSansMono-Oblique.ttf",
        "DejaVuSansMono-BoldOblique.ttf",
    ),
    "free_mono": (
        "FreeMonoBold.ttf",
        "FreeMonoBold.ttf",
        "FreeMonoBoldOblique.ttf",
        "FreeMonoBoldOblique.ttf",
    ),
}
SERIF = ("liberation_serif", "dejavu_serif", "free_serif")
SANS = ("liberation_sans", "dejavu_sans", "dejavu_condensed", "free_sans", "liberation_narrow")
MONO = ("liberation_mono", "dejavu_mono", "free_mono")
#: Fonts an office letter is typically typed in (Times New Roman / Arial look-alikes dominate).
LETTER_FAMILIES = (
    "liberation_serif",
    "liberation_serif",
    "liberation_sans",
    "liberation_sans",
    "dejavu_serif",
    "free_serif",
    "dejavu_sans",
    "free_sans",
    "liberation_mono",
    "dejavu_condensed",
)


@cache
def font_path(family: str, bold: bool = False, italic: bool = False) -> str:
    name = FAMILIES[family][(1 if bold else 0) + (2 if italic else 0)]
    for d in _FONT_DIRS:
        p = d / name
        if p.exists():
            return str(p)
    raise FileNotFoundError(
        f"font {name} not found (`make install` installs fonts-dejavu-core, fonts-dejavu-extra, "
        "fonts-liberation, fonts-freefont-ttf)"
    )


@lru_cache(maxsize=512)
def font(
    family: str, size_px: int, bold: bool = False, italic: bool = False
) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_path(family, bold, italic), max(int(size_px), 4))
