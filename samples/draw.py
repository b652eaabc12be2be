"""Drawing primitives: signatures, ink stamps, duty stamps (meterai), emblems, QR-like codes,
photo frames and guilloche patterns. The page, the text-flow layout and the letterhead are in
:mod:`samples.layout`.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageDraw

from .common import font

if TYPE_CHECKING:  # the layout draws with these primitives; they only name its Page
    from .layout import Page

INK = (22, 22, 26)
PEN_BLUE = (25, 40, 120)
PEN_BLACK = (30, 30, 40)
STAMP_COLORS = ((40, 70, 175), (75, 45, 165), (105, 40, 150), (30, 95, 190), (60, 50, 140))


# --------------------------------------------------------------------------------------------
def signature_strokes(rng: random.Random, w: float, h: float) -> list[list[tuple[float, float]]]:
    """A handwritten-looking scribble inside a w x h box (a few strokes)."""
    strokes: list[list[tuple[float, float]]] = []
    n = rng.randint(1, 3)
    x_start = 0.0
    for s in range(n):
        seg_w = w * rng.uniform(0.35, 0.8) / (1 if s == 0 else 1.5)
        pts: list[tuple[float, float]] = []
        f1, f2, f3 = rng.uniform(2, 5), rng.uniform(5, 11), rng.uniform(0.5, 2)
        p1, p2 = rng.uniform(0, 6.28), rng.uniform(0, 6.28)
        loops = rng.uniform(0.15, 0.35)
        for i in range(90):
            t = i / 89
            x = x_start + seg_w * t + w * loops * 0.3 * math.sin(f2 * math.pi * t + p2)
            y = h * (
                0.5
                + 0.32 * math.sin(f1 * math.pi * t + p1) * (1 - 0.5 * t)
                + 0.12 * math.sin(f3 * math.pi * t)
            )
            pts.append((x, y))
        strokes.append(pts)
        x_start += seg_w * rng.uniform(0.5, 0.9)
    # final flourish
    y0 = h * rng.uniform(0.55, 0.85)
    strokes.append(
        [
            (w * rng.uniform(0.0, 0.2), y0),
            (w * rng.uniform(0.5, 0.7), y0 + h * 0.1),
            (w * rng.uniform(0.8, 1.0), y0 - h * rng.uniform(0.05, 0.3)),
        ]
    )
    return strokes


def draw_signature(
    page: Page, box: tuple[int, int, int, int], rng: random.Random, color: tuple[int, int, int]
) -> None:
    x0, y0, x1, y1 = box
    width = max(2, page.px(rng.uniform(0.3, 0.5)))
    for st in signature_strokes(rng, x1 - x0, y1 - y0):
        pts = [(x0 + x, y0 + y) for x, y in st]
        if len(pts) == 3:
            pts = _bezier(pts)
        page.draw.line(pts, fill=color, width=width, joint="curve")


def signature_image(
    rng: random.Random, w_px: int, h_px: int, color: tuple[int, int, int] = PEN_BLUE
) -> Image.Image:
    """An RGBA signature (transparent background), e.g. for a digitally made letter."""
    img = Image.new("RGBA", (w_px, h_px), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    for st in signature_strokes(rng, w_px * 0.95, h_px * 0.9):
        pts = st if len(st) != 3 else _bezier(st)
        d.line(pts, fill=(*color, 255), width=max(2, w_px // 120), joint="curve")
    return img


def _bezier(p: list[tuple[float, float]], n: int = 30) -> list[tuple[float, float]]:
    (ax, ay), (bx, by), (cx, cy) = p
    out = []
    for i in range(n):
        t = i / (n - 1)
        out.append(
            (
                (1 - t) ** 2 * ax + 2 * (1 - t) * t * bx + t * t * cx,
                (1 - t) ** 2 * ay + 2 * (1 - t) * t * by + t * t * cy,
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Ink stamps
# --------------------------------------------------------------------------------------------
def _text_mask(s: str, f) -> Image.Image:
    x0, y0, x1, y1 = f.getbbox(s)
    im = Image.new("L", (max(x1 - x0, 1) + 4, max(y1 - y0, 1) + 4), 0)
    ImageDraw.Draw(im).text((2 - x0, 2 - y0), s, font=f, fill=255)
    return im


def round_stamp(
    dpi: int,
    rng: random.Random,
    top: str,
    bottom: str = "",
    inner: list[str] | None = None,
    diameter_mm: float = 38.0,
    family: str = "dejavu_sans",
) -> Image.Image:
    """Mask (L) of a round rubber stamp: text along the rim, stars, centred inner lines."""
    d_px = int(diameter_mm * dpi / 25.4)
    m = Image.new("L", (d_px + 8, d_px + 8), 0)
    dr = ImageDraw.Draw(m)
    c = (d_px + 8) / 2
    r_out = d_px / 2
    lw = max(2, dpi // 70)
    dr.ellipse([c - r_out, c - r_out, c + r_out, c + r_out], outline=255, width=lw)
    r_in = r_out * 0.68
    dr.ellipse([c - r_in, c - r_in, c + r_in, c + r_in], outline=255, width=max(1, lw // 2))
    fsize = int(r_out * 0.2)
    f = font(family, fsize, bold=True)
    r_txt = (r_out + r_in) / 2 - fsize * 0.35

    def arc_text(s: str, center_deg: float, upright_out: bool) -> None:
        adv = [f.getlength(ch) for ch in s]
        total = sum(adv) / r_txt  # radians
        total = min(total, math.radians(250))
        scale = total / (sum(adv) / r_txt) if adv and sum(adv) else 1
        ang = math.radians(center_deg) - (total / 2 if upright_out else -total / 2)
        for ch, a in zip(s, adv, strict=True):
            step = a * scale / r_txt
            mid = ang + (step / 2 if upright_out else -step / 2)
            if ch != " ":
                cm = _text_mask(ch, f)
                deg = math.degrees(mid) if upright_out else math.degrees(mid) + 180
                cm = cm.rotate(-deg, resample=Image.Resampling.BICUBIC, expand=True)
                px_ = c + r_txt * math.sin(mid) - cm.size[0] / 2
                py_ = c - r_txt * math.cos(mid) - cm.size[1] / 2
                box = (int(px_), int(py_), int(px_) + cm.size[0], int(py_) + cm.size[1])
                reg = m.crop(box)
                m.paste(ImageChops.lighter(reg, cm), box)
            ang += step if upright_out else -step

    arc_text(top.upper(), 0, True)
    if bottom:
        arc_text(bottom.upper(), 180, False)
    for side in (-1, 1):
        _star(dr, c + side * r_txt * 0.97, c + fsize * 0.3, fsize * 0.35)
    if inner:
        fi = font(family, int(r_in * 0.26), bold=True)
        lh = int(r_in * 0.32)
        y = c - lh * len(inner) / 2
        for s in inner:
            while fi.getlength(s) > r_in * 1.75 and fi.size > 6:
                fi = font(family, fi.size - 1, bold=True)
            dr.text((c - fi.getlength(s) / 2, y), s, font=fi, fill=255)
            y += lh
    else:
        _star(dr, c, c, r_in * 0.45)
    return m


def _star(dr: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = []
    for i in range(10):
        a = math.pi / 5 * i - math.pi / 2
        rr = r if i % 2 == 0 else r * 0.42
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    dr.polygon(pts, fill=255)


def rect_stamp(
    dpi: int,
    lines: list[tuple[str, float, bool]],
    pad_mm: float = 2.5,
    family: str = "dejavu_sans",
    double: bool = True,
    min_w_mm: float = 0.0,
    frame: bool = True,
) -> Image.Image:
    """Mask of a rectangular stamp; lines = (text, size_pt, bold)."""
    fonts = [font(family, int(sz * dpi / 72), bold) for _, sz, bold in lines]
    widths = [f.getlength(t) for (t, _, _), f in zip(lines, fonts, strict=True)]
    heights = [int(f.size * 1.25) for f in fonts]
    pad = int(pad_mm * dpi / 25.4)
    w = int(max(max(widths) + 2 * pad, min_w_mm * dpi / 25.4))
    h = sum(heights) + 2 * pad
    m = Image.new("L", (w + 4, h + 4), 0)
    dr = ImageDraw.Draw(m)
    lw = max(2, dpi // 80)
    if frame:
        dr.rectangle([2, 2, w, h], outline=255, width=lw)
    if double and frame:
        o = lw + max(2, dpi // 100)
        dr.rectangle([2 + o, 2 + o, w - o, h - o], outline=255, width=max(1, lw // 2))
    y = pad + 2
    for (t, _, _), f, tw, lh in zip(lines, fonts, widths, heights, strict=True):
        dr.text(((w - tw) / 2 + 2, y), t, font=f, fill=255)
        y += lh
    return m


def ink_texture(
    mask: Image.Image, rng: random.Random, strength: float = 0.5, press: float = 0.6
) -> np.ndarray:
    """Float mask 0..1 with uneven rubber-stamp inking (press = weakest side's pressure)."""
    m = np.asarray(mask, dtype=np.float32) / 255.0
    nr = np.random.default_rng(rng.getrandbits(32))
    h, w = m.shape
    low = nr.random((max(h // 40, 2), max(w // 40, 2)), dtype=np.float32)
    low = cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC)
    fine = nr.random((h, w), dtype=np.float32)
    tex = 1.0 - strength * np.clip(low, 0, 1) ** 2
    tex *= np.where(fine < 0.06, 0.35, 1.0)
    # one side of the stamp pressed harder
    gx = np.linspace(rng.uniform(press, 1.0), rng.uniform(press, 1.0), w, dtype=np.float32)
    m = cv2.GaussianBlur(m, (0, 0), 0.6) * tex * gx[None, :]
    return np.clip(m, 0, 1)


def apply_ink(
    img: Image.Image,
    mask: Image.Image | np.ndarray,
    center: tuple[int, int],
    color: tuple[int, int, int],
    opacity: float = 0.85,
    rng: random.Random | None = None,
    angle: float = 0.0,
) -> None:
    """Multiply-blend an ink mask onto img (in place), like translucent stamp ink."""
    if isinstance(mask, Image.Image):
        if angle:
            mask = mask.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
        m = (
            ink_texture(mask, rng or random.Random(0))
            if rng
            else np.asarray(mask, dtype=np.float32) / 255.0
        )
    else:
        m = mask
    h, w = m.shape
    x0, y0 = center[0] - w // 2, center[1] - h // 2
    W, H = img.size
    cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x0 + w, W), min(y0 + h, H)
    if cx1 <= cx0 or cy1 <= cy0:
        return
    region = np.asarray(img.crop((cx0, cy0, cx1, cy1)), dtype=np.float32)
    mm = m[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0][..., None] * opacity
    tint = np.array(color, dtype=np.float32) / 255.0
    if region.ndim == 2:
        region = region[..., None]
        tint = tint.mean(keepdims=True)
    out = region * (1.0 - mm * (1.0 - tint))
    out_img = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8).squeeze())
    img.paste(out_img, (cx0, cy0))


def find_spot(
    img: Image.Image,
    w: int,
    h: int,
    rng: random.Random,
    region: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0),
) -> tuple[int, int]:
    """Centre of a w x h window inside region (fractions) with little ink on it."""
    W, H = img.size
    f = 4
    ink = (np.asarray(img.convert("L").reduce(f)) < 150).astype(np.uint8)
    # frames and rules may be stamped over: drop long straight lines from the ink map
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, 40), np.uint8)) | cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, np.ones((40, 1), np.uint8)
    )
    ink = ink & (1 - lines)
    ii = cv2.integral(ink)
    ws, hs = max(w // f, 1), max(h // f, 1)
    x_lo, y_lo = int(region[0] * W / f), int(region[1] * H / f)
    x_hi = max(x_lo, int(region[2] * W / f) - ws)
    y_hi = max(y_lo, int(region[3] * H / f) - hs)
    x_hi = min(x_hi, ink.shape[1] - ws)
    y_hi = min(y_hi, ink.shape[0] - hs)
    step = max(4, min(ws, hs) // 5)
    cands: list[tuple[int, int, int]] = []
    for y in range(y_lo, max(y_hi, y_lo) + 1, step):
        for x in range(x_lo, max(x_hi, x_lo) + 1, step):
            if x < 0 or y < 0:
                continue
            s = int(ii[y + hs, x + ws] - ii[y, x + ws] - ii[y + hs, x] + ii[y, x])
            cands.append((s, x, y))
    if not cands:
        return W // 2, H // 2
    cands.sort()
    best = cands[0][0]
    good = [c for c in cands if c[0] <= best * 1.15 + 3] or cands[:1]
    _, x, y = rng.choice(good)
    return x * f + w // 2, y * f + h // 2


def stamp_signature_mask(
    dpi: int, rng: random.Random, w_mm: float = 40, h_mm: float = 16
) -> Image.Image:
    w, h = int(w_mm * dpi / 25.4), int(h_mm * dpi / 25.4)
    m = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(m)
    for st in signature_strokes(rng, w * 0.95, h * 0.9):
        pts = st if len(st) != 3 else _bezier(st)
        d.line(pts, fill=255, width=max(2, dpi // 70), joint="curve")
    return m


# --------------------------------------------------------------------------------------------
# Meterai, emblems, QR, photo frames
# --------------------------------------------------------------------------------------------
def materai(dpi: int, rng: random.Random) -> Image.Image:
    """A 'METERAI TEMPEL 10000' duty stamp sticker (RGB)."""
    w, h = int(24 * dpi / 25.4), int(34 * dpi / 25.4)
    im = Image.new("RGB", (w, h), (236, 200, 214))
    d = ImageDraw.Draw(im)
    # security pattern
    for i in range(0, w + h, max(3, dpi // 40)):
        d.line([(i, 0), (i - h, h)], fill=(222, 170, 192), width=1)
    for _ in range(6):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        d.ellipse([cx - w / 3, cy - w / 3, cx + w / 3, cy + w / 3], outline=(205, 160, 190))
    # emblem
    er = w * 0.18
    d.ellipse(
        [w / 2 - er, h * 0.08, w / 2 + er, h * 0.08 + 2 * er],
        outline=(150, 60, 95),
        width=max(1, dpi // 100),
    )
    fs = font("dejavu_sans", int(h * 0.07), bold=True)
    fb = font("dejavu_sans", int(h * 0.17), bold=True)
    fsm = font("dejavu_condensed", int(h * 0.055), bold=False)
    for s, f, y, col in (
        ("METERAI", fs, 0.36, (120, 40, 70)),
        ("TEMPEL", fs, 0.44, (120, 40, 70)),
        ("10000", fb, 0.53, (150, 30, 60)),
        ("SEPULUH RIBU RUPIAH", fsm, 0.74, (120, 40, 70)),
    ):
        d.text(((w - f.getlength(s)) / 2, h * y), s, font=f, fill=col)
    serial = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(16))
    d.text(((w - fsm.getlength(serial)) / 2, h * 0.86), serial, font=fsm, fill=(70, 40, 50))
    d.rectangle([0, 0, w - 1, h - 1], outline=(190, 140, 160), width=1)
    return im


def emblem(
    page: Page, cx: int, cy: int, r: int, kind: str, color: tuple[int, int, int] = (20, 90, 40)
) -> None:
    """A simple institutional logo (not a real coat of arms)."""
    d = page.draw
    lw = max(2, r // 18)
    if kind == "shield":
        pts = [
            (cx - r * 0.8, cy - r * 0.9),
            (cx + r * 0.8, cy - r * 0.9),
            (cx + r * 0.8, cy),
            (cx, cy + r),
            (cx - r * 0.8, cy),
        ]
        d.polygon(pts, outline=color, width=lw)
        for k in range(3):
            yy = cy - r * 0.55 + k * r * 0.3
            d.line([(cx - r * 0.55, yy), (cx + r * 0.55, yy)], fill=color, width=lw)
        _star_rgb(d, cx, cy + r * 0.35, r * 0.25, color)
    elif kind == "cross":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=color, width=lw)
        d.ellipse(
            [cx - r * 0.82, cy - r * 0.82, cx + r * 0.82, cy + r * 0.82],
            outline=color,
            width=max(1, lw // 2),
        )
        a = r * 0.18
        d.rectangle([cx - a, cy - r * 0.55, cx + a, cy + r * 0.55], fill=color)
        d.rectangle([cx - r * 0.55, cy - a, cx + r * 0.55, cy + a], fill=color)
    elif kind == "boat":  # lancang kuning
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=color, width=lw)
        d.polygon(
            [
                (cx - r * 0.7, cy + r * 0.2),
                (cx + r * 0.7, cy + r * 0.2),
                (cx + r * 0.45, cy + r * 0.5),
                (cx - r * 0.45, cy + r * 0.5),
            ],
            fill=color,
        )
        d.line([(cx, cy + r * 0.2), (cx, cy - r * 0.7)], fill=color, width=lw)
        d.polygon(
            [(cx, cy - r * 0.65), (cx + r * 0.45, cy + r * 0.1), (cx, cy + r * 0.1)],
            outline=color,
            width=lw,
        )
        for k in range(5):
            a = math.pi * (0.15 + 0.175 * k)
            d.line(
                [
                    (cx - r * 0.9 * math.cos(a), cy - r * 0.9 * math.sin(a) + r * 0.1),
                    (cx - r * 0.75 * math.cos(a), cy - r * 0.75 * math.sin(a) + r * 0.1),
                ],
                fill=color,
                width=lw,
            )
    else:  # "star" ring
        d.ellipse([cx - r, cy - r, cx + r, cy + r], outline=color, width=lw)
        for k in range(24):
            a = 2 * math.pi * k / 24
            d.line(
                [
                    (cx + r * 0.72 * math.cos(a), cy + r * 0.72 * math.sin(a)),
                    (cx + r * 0.9 * math.cos(a), cy + r * 0.9 * math.sin(a)),
                ],
                fill=color,
                width=max(1, lw // 2),
            )
        _star_rgb(d, cx, cy, r * 0.55, color)


def _star_rgb(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, color) -> None:
    pts = []
    for i in range(10):
        a = math.pi / 5 * i - math.pi / 2
        rr = r if i % 2 == 0 else r * 0.42
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=color)


def qr_like(page: Page, x: int, y: int, size: int, rng: random.Random) -> None:
    """A QR-code-looking square (not decodable)."""
    n = 25
    cell = size / n
    d = page.draw
    grid = [[rng.random() < 0.47 for _ in range(n)] for _ in range(n)]
    for fx, fy in ((0, 0), (n - 7, 0), (0, n - 7)):
        for i in range(7):
            for j in range(7):
                ring = max(abs(i - 3), abs(j - 3))
                grid[fy + i][fx + j] = ring != 2
        for i in range(-1, 8):
            for j in range(-1, 8):
                if 0 <= fy + i < n and 0 <= fx + j < n and (i in (-1, 7) or j in (-1, 7)):
                    grid[fy + i][fx + j] = False
    for i in range(n):
        for j in range(n):
            if grid[i][j]:
                d.rectangle(
                    [x + j * cell, y + i * cell, x + (j + 1) * cell - 1, y + (i + 1) * cell - 1],
                    fill=(0, 0, 0),
                )


def photo_frame(
    page: Page, box: tuple[int, int, int, int], photo: Image.Image | None, label: str = ""
) -> None:
    x0, y0, x1, y1 = box
    if photo is not None:
        page.img.paste(photo.resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS), (x0, y0))
    else:
        page.draw.rectangle(box, outline=(60, 60, 60), width=max(1, page.dpi // 100))
        if label:
            f = font("dejavu_sans", page.pt(8))
            page.draw.text(
                ((x0 + x1 - f.getlength(label)) / 2, (y0 + y1) / 2),
                label,
                font=f,
                fill=(80, 80, 80),
            )


def guilloche(
    page: Page,
    box: tuple[int, int, int, int],
    rng: random.Random,
    color: tuple[int, int, int],
    n: int = 36,
) -> None:
    """Fine wavy security lines inside box."""
    x0, y0, x1, y1 = box
    d = page.draw
    w, h = x1 - x0, y1 - y0
    f1, f2 = rng.uniform(2, 4), rng.uniform(5, 9)
    for k in range(n):
        phase = k * 2 * math.pi / n
        amp = h * rng.uniform(0.05, 0.12)
        base = y0 + h * (k + 0.5) / n
        pts = []
        for i in range(0, 121):
            t = i / 120
            x = x0 + w * t
            y = (
                base
                + amp * math.sin(f1 * 2 * math.pi * t + phase)
                + amp * 0.4 * math.sin(f2 * 2 * math.pi * t - phase)
            )
            pts.append((x, min(max(y, y0), y1)))
        d.line(pts, fill=color, width=1)
