"""Legalisation of a photocopy: the wet-ink stamp, the officer's signature and the words
"sesuai dengan aslinya", as offices put them on copies of diplomas and STRs."""

from __future__ import annotations

from PIL import Image

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
def legalize(
    ctx: Ctx,
    img: Image.Image,
    who: str,
    org_top: str,
    org_bottom: str,
    city: str,
    region: tuple[float, float, float, float] | None = None,
) -> None:
    """Wet legalization on a copy: rectangular 'DILEGALISIR' stamp, signature, round stamp.

    region = (x0, y0, x1, y1) as fractions of the page where the block may go.
    """
    r = ctx.rng
    dpi = ctx.dpi
    color = r.choice(LEGAL_INKS)
    pen = r.choice((PEN_BLUE, (30, 30, 60), color))
    date = ctx.before(5, 80)
    official = r.choice(LEGAL_OFFICERS)
    style = r.choice(("box", "box", "lines"))
    if style == "box":
        lines = [
            ("TELAH DILEGALISIR", 12.0, True),
            ("SESUAI DENGAN ASLINYA", 11.0, True),
            (f"{city}, {tgl_num(date, '-')}", 8.5, False),
            (who, 8.5, False),
            ("", 8.5, False),
            ("", 8.5, False),
            (official, 8.5, True),
            (f"NIP. {nip(r)}", 8.0, False),
        ]
        if r.random() < 0.4:
            lines[0] = ("DILEGALISIR", 13.0, True)
            lines[1] = ("Telah dilegalisir sesuai dengan aslinya", 10.0, True)
    else:
        lines = [
            ("Telah dilegalisir sesuai dengan aslinya", 11.0, True),
            (f"{city}, {tgl(date)}", 8.5, False),
            (who, 8.5, False),
            ("", 8.5, False),
            ("", 8.5, False),
            (official, 8.5, True),
            (f"NIP. {nip(r)}", 8.0, False),
        ]
    fam = r.choice(("dejavu_sans", "liberation_sans", "dejavu_condensed", "liberation_serif"))
    m = rect_stamp(
        dpi, lines, family=fam, double=style == "box" and r.random() < 0.6, frame=style == "box"
    )
    mw, mh = m.size
    cx, cy = find_spot(img, mw, mh, r, region or (0.03, 0.5, 0.97, 0.98))
    angle = r.uniform(-3.5, 3.5)
    apply_ink(
        img,
        ink_texture(
            m.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True), r, 0.15, press=0.85
        ),
        (cx, cy),
        color,
        r.uniform(0.93, 1.0),
    )
    # handwritten signature in the empty lines
    sig = stamp_signature_mask(dpi, r, w_mm=r.uniform(28, 40), h_mm=r.uniform(10, 13))
    sy = cy + int(mh * (0.12 if style == "box" else 0.08))
    apply_ink(img, ink_texture(sig, r, 0.2), (cx + r.randint(-mw // 8, mw // 8), sy), pen, 0.95)
    # round institutional stamp over the lower left part (signature and name)
    rs = round_stamp(dpi, r, org_top, org_bottom, None, diameter_mm=r.uniform(26, 32))
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
