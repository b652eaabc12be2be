"""Shared parts of the generated letters: the office, its officials, NIPs, stamps."""

from __future__ import annotations

import random

from .docbase import Ctx, DocPage
from .draw import STAMP_COLORS, apply_ink, round_stamp
from .layout import Flow, Page

KADIS_DPMPTSP = "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pekanbaru"
DPMPTSP_ADDR = "Jalan Jenderal Sudirman No. 464 Pekanbaru"

OFFICIALS = (
    "Drs. H. Syamsuir, M.Si",
    "Hj. Nurhayati, S.Sos, M.Si",
    "Ir. Akmal Hidayat, MT",
    "H. Muhammad Jamil, SE, MM",
    "Zulfahmi Adrian, AP, M.Si",
    "Dra. Erliana, M.Pd",
    "Dr. Hendra Saputra, S.STP, M.Si",
    "Yuliarso, S.Sos, M.Si",
    "Hj. Rosmiati, SKM, M.Kes",
)
DOCTORS = (
    "dr. Andi Pratama",
    "dr. Siti Rahmah",
    "dr. Hj. Yusnita",
    "dr. Fadhli Rizal",
    "dr. Maya Sari",
    "dr. Budi Hartono",
    "dr. Elfira Yanti",
    "dr. Muhammad Iqbal",
    "dr. Rina Marlina, M.Kes",
    "dr. Teguh Santoso",
    "dr. Lidya Octavia",
    "dr. Hafizah Nur",
)


def nip(rng: random.Random) -> str:
    y = rng.randint(1965, 1990)
    return (
        f"{y}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d} "
        f"{rng.randint(y + 20, y + 30)}{rng.randint(1, 12):02d} {rng.randint(1, 2)} "
        f"{rng.randint(1, 20):03d}"
    )


def _finish(page: Page, flow: Flow | None = None) -> DocPage:
    fill = flow.y / page.size[1] if flow is not None else 0.0
    return DocPage(page.img, size_mm=(page.w_mm, page.h_mm), fill=fill)


def _stamp_on(
    ctx: Ctx,
    page: Page,
    flow: Flow,
    top: str,
    bottom: str,
    key: str = "sign",
    inner: list[str] | None = None,
    color: tuple[int, int, int] | None = None,
) -> None:
    """Round ink stamp over the left part of a recorded signature box."""
    r = ctx.rng
    if key not in flow.marks:
        return
    x0, y0, x1, y1 = flow.marks[key]
    m = round_stamp(ctx.dpi, r, top, bottom, inner, diameter_mm=r.uniform(32, 40))
    cx = x0 + int((x1 - x0) * r.uniform(0.05, 0.35))
    cy = (y0 + y1) // 2 + r.randint(-page.px(4), page.px(4))
    apply_ink(
        page.img,
        m,
        (cx, cy),
        color or r.choice(STAMP_COLORS),
        r.uniform(0.7, 0.9),
        r,
        angle=r.uniform(-30, 30),
    )
