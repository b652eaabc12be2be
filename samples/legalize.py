"""Legalisation of a photocopy: the wet-ink stamp, the officer's signature and the words
"sesuai dengan aslinya", as offices put them on copies of diplomas and STRs."""

from __future__ import annotations

from PIL import Image, ImageDraw

from .common import tgl, tgl_num
from .docbase import Ctx
from .draw import (
    PEN_BLUE,
    apply_ink,
    find_spot,
    ink_texture,
    rect_stamp,
    round_stamp,
    stamp_signature_mask,
)
from .letterbase import nip
from .styles import HELDOUT

LEGAL_INKS = ((25, 45, 150), (55, 30, 135), (80, 25, 120), (20, 60, 160))
LEGAL_OFFICERS = (
    "Dr. Ir. Hj. Sri Wahyuni, M.Kes",
    "Marsum, BE, S.Pd, MHP",
    "Dr. Siti Masrochah, S.Si, M.Kes",
    "Ns. Rahmat Hidayat, M.Kep",
    "Agung Nugroho Setiawan, S.ST, M.Tr.ID",
    "Hj. Yetti Yusnita, SKM, M.Kes",
)


# --------------------------------------------------------------------------------------------
# Legalization
# --------------------------------------------------------------------------------------------
#: The stamp's heading words, by family. Offices word it in a few ways; the held-out family
#: uses wordings the tuning family never shows.
_WORDINGS_TUNING = (
    ("TELAH DILEGALISIR", "SESUAI DENGAN ASLINYA"),
    ("DILEGALISIR", "Telah dilegalisir sesuai dengan aslinya"),
    ("SESUAI DENGAN ASLINYA",),
    ("Telah dilegalisir sesuai dengan aslinya",),
    ("SALINAN SESUAI", "DENGAN ASLINYA"),
    ("DILEGALISIR OLEH",),
    ("Disahkan sesuai dengan aslinya",),
)
_WORDINGS_HELDOUT = (
    ("DILEGALISIR SESUAI ASLI",),
    ("FOTOKOPI SESUAI", "DENGAN ASLINYA"),
    ("TELAH DILEGALISIR",),
    ("FOTOKOPI SESUAI DENGAN ASLINYA",),
)


def _angle(ctx: Ctx) -> float:
    """The stamp's tilt: stamps are pressed by hand, at up to 20 degrees to the page."""
    r = ctx.rng
    if ctx.family == HELDOUT:
        return r.choice((-1, 1)) * r.uniform(6, 20)
    return r.uniform(-3.5, 3.5) if r.random() < 0.35 else r.uniform(-22, 22)


def _lines(
    ctx: Ctx, heading: tuple[str, ...], who: str, office: str, city: str
) -> list[tuple[str, float, bool]]:
    """Lines of the stamp: heading words, office and date, who signs, room for the signature,
    the official's name and NIP."""
    r = ctx.rng
    date = ctx.before(5, 80)
    when = tgl_num(date, "-") if r.random() < 0.6 else tgl(date)
    lines = [(h, 12.0 if len(h) < 22 else 10.5, True) for h in heading]
    if ctx.style_chance(tuning=0.3, heldout=0.6):
        lines.append((office, 8.0, True))
    lines += [(f"{city}, {when}", 8.5, False), (who, 8.5, False), ("", 8.5, False)]
    lines += [
        ("", 8.5, False),
        (r.choice(LEGAL_OFFICERS), 8.5, True),
        (f"NIP. {nip(r)}", 8.0, False),
    ]
    return lines


def _oval(dpi: int, lines: list[tuple[str, float, bool]], family: str) -> Image.Image:
    """Mask of an oval stamp: the stamp's lines inside an elliptic double rim."""
    m = rect_stamp(dpi, lines, family=family, double=False, frame=False, pad_mm=9.0)
    w, h = m.size
    dr = ImageDraw.Draw(m)
    lw = max(2, dpi // 80)
    dr.ellipse([2, 2, w - 3, h - 3], outline=255, width=lw)
    o = lw + max(3, dpi // 60)
    dr.ellipse([2 + o, 2 + o, w - 3 - o, h - 3 - o], outline=255, width=max(1, lw // 2))
    return m


def _rounded(
    dpi: int, lines: list[tuple[str, float, bool]], family: str, roundness: float = 0.18
) -> Image.Image:
    """Mask of a frame with round corners (their radius ``roundness`` times the shorter side;
    a pill's ends at 0.35, as round as they go before the rim cuts the words) and a thin
    inner rim, the size of a plain frame's (where a stamp lands on the page is drawn from
    its size)."""
    m = rect_stamp(dpi, lines, family=family, double=False, frame=False)
    w, h = m.size[0] - 4, m.size[1] - 4  # rect_stamp's frame runs from 2 to w, h
    dr = ImageDraw.Draw(m)
    lw = max(2, dpi // 80)
    radius = int(roundness * min(w, h))
    dr.rounded_rectangle([2, 2, w, h], radius=radius, outline=255, width=lw)
    o = lw + max(2, dpi // 100)
    dr.rounded_rectangle(
        [2 + o, 2 + o, w - o, h - o], radius=max(0, radius - o), outline=255, width=1
    )
    return m


def _mask(
    ctx: Ctx, lines: list[tuple[str, float, bool]], heading: tuple[str, ...], org: tuple[str, str]
) -> tuple[Image.Image, str]:
    """The stamp's mask in one of the family's shapes (and the shape's name)."""
    r = ctx.rng
    shape = ctx.style(
        tuning=("pill", "rounded", "double", "lines", "round"),
        heldout=("frame", "oval", "round", "lines", "oval"),
    )
    fam = ctx.style(
        tuning=("dejavu_sans", "liberation_sans", "dejavu_condensed", "free_serif"),
        heldout=("liberation_serif", "dejavu_serif", "liberation_sans"),
    )
    if shape == "round":  # the words in the middle of a round seal, the office on the rim
        words = " ".join(heading).upper().split()
        inner: list[str] = []
        for w in words:  # a few short lines, so that the words fit the seal's middle
            if inner and len(inner[-1]) + len(w) < 12:
                inner[-1] += f" {w}"
            else:
                inner.append(w)
        return round_stamp(ctx.dpi, r, org[0], org[1], inner, r.uniform(34, 42), fam), shape
    if shape == "oval":
        return _oval(ctx.dpi, lines, fam), shape
    if shape == "rounded":
        return _rounded(ctx.dpi, lines, fam), shape
    if shape == "pill":
        return _rounded(ctx.dpi, lines, fam, roundness=0.35), shape
    return rect_stamp(
        ctx.dpi, lines, family=fam, double=shape == "double", frame=shape != "lines"
    ), shape


def legalize(
    ctx: Ctx,
    img: Image.Image,
    who: str,
    org_top: str,
    org_bottom: str,
    city: str,
    region: tuple[float, float, float, float] | None = None,
) -> None:
    """Wet legalization on a copy: a stamp with the legalisation words (frame, double frame,
    rounded frame, pill, round seal, oval or bare lines, tilted by hand, inked unevenly),
    a signature and a round office seal.

    region = (x0, y0, x1, y1) as fractions of the page where the block may go.
    """
    r = ctx.rng
    color = r.choice(LEGAL_INKS)
    pen = r.choice((PEN_BLUE, (30, 30, 60), color))
    heading = ctx.style(tuning=_WORDINGS_TUNING, heldout=_WORDINGS_HELDOUT)
    office = f"{org_top} {org_bottom}".strip()[:40]
    lines = _lines(ctx, heading, who, office, city)
    m, shape = _mask(ctx, lines, heading, (org_top, org_bottom))
    mw, mh = m.size
    cx, cy = find_spot(img, mw, mh, r, region or (0.03, 0.5, 0.97, 0.98))
    faded = ctx.style_chance(tuning=0.25, heldout=0.35)
    strength, press = (r.uniform(0.35, 0.6), r.uniform(0.3, 0.6)) if faded else (0.15, 0.85)
    opacity = r.uniform(0.6, 0.85) if faded else r.uniform(0.9, 1.0)
    rotated = m.rotate(_angle(ctx), resample=Image.Resampling.BICUBIC, expand=True)
    apply_ink(img, ink_texture(rotated, r, strength, press=press), (cx, cy), color, opacity)
    # handwritten signature in the empty lines
    sig = stamp_signature_mask(ctx.dpi, r, w_mm=r.uniform(28, 40), h_mm=r.uniform(10, 13))
    sy = cy + int(mh * (0.12 if shape != "round" else 0.3))
    apply_ink(img, ink_texture(sig, r, 0.2), (cx + r.randint(-mw // 8, mw // 8), sy), pen, 0.95)
    if shape == "round":
        return
    # round institutional stamp over the lower left part (signature and name)
    rs = round_stamp(ctx.dpi, r, org_top, org_bottom, None, diameter_mm=r.uniform(26, 32))
    apply_ink(
        img,
        rs,
        (cx - int(mw * r.uniform(0.28, 0.4)), cy + int(mh * r.uniform(0.2, 0.35))),
        color,
        r.uniform(0.6, 0.8),
        r,
        angle=r.uniform(-40, 40),
    )


# --------------------------------------------------------------------------------------------
# 2. KTP
# --------------------------------------------------------------------------------------------
