"""The STR (Surat Tanda Registrasi) copy, legalised with a wet stamp unless a defect says not.

Its number, the number's label, the validity wording and the table style vary with the
style family (:mod:`samples.wording`): real STRs differ by issuing council and year, and the
number is printed with or without letters, spaces or dashes.
"""

from __future__ import annotations

from .cards import SCHOOLS
from .common import tgl
from .docbase import Ctx, DocPage, Document
from .draw import emblem, photo_frame, qr_like
from .layout import Block, Flow, Page, Sign, Space, Text
from .legalize import legalize
from .photos import id_photo
from .scan import photocopy
from .wording import (
    birth_label,
    card_font,
    name_label,
    str_label,
    str_printed,
    table_style,
    ttl,
    validity,
)

SIGNERS = (
    "drg. Arianti Anaya, MKM",
    "dr. Taruna Ikrar, M.Biomed, Ph.D",
    "Dr. dr. Achmad Soebagjo Tancarino, MARS",
    "Dra. Oos Fatimah R, Apt",
)


def _council(ctx: Ctx) -> tuple[str, str]:
    """(council, its chair's title) for the applicant's STR: lifetime STRs are the newest."""
    a = ctx.app
    if a.str_valid_until is None:
        return ("KONSIL KESEHATAN INDONESIA", "Ketua Konsil Kesehatan Indonesia")
    if a.str_issued.year >= 2020:
        return ("KONSIL TENAGA KESEHATAN INDONESIA", "Ketua Konsil Tenaga Kesehatan Indonesia")
    return ("MAJELIS TENAGA KESEHATAN INDONESIA", "Ketua Majelis Tenaga Kesehatan Indonesia")


def _school(ctx: Ctx) -> str:
    school = " ".join(
        w if w in ("II", "III") else w.capitalize() for w in ctx.rng.choice(SCHOOLS)[0].split()
    )
    return school.replace(" Dan ", " dan ")


def str_blocks(ctx: Ctx, flow: Flow, body: str) -> list[Block]:
    """The text of the STR: title, number, holder table, validity (row or sentence)."""
    r = ctx.rng
    p = ctx.person("str")
    number = f"{str_label(ctx)}{r.choice((': ', ' : ', ' '))}{str_printed(ctx, p.str_number)}"
    v_label, v_value = validity(ctx, ctx.app.str_valid_until)
    in_table = ctx.style_chance(tuning=0.35, heldout=0.5)
    rows = [
        (name_label(ctx), p.full_name),
        (birth_label(ctx), ttl(ctx, p.birth_place, p.birth_date)),
        ("Jenis Kelamin", p.sex_word),
        ("Perguruan Tinggi", _school(ctx)),
        ("Tahun Lulus", str(p.graduation.year)),
        ("Kompetensi", "Radiografer"),
    ]
    if in_table:
        rows.append((v_label, v_value))
    blocks: list[Block] = [
        Text("KEMENTERIAN KESEHATAN REPUBLIK INDONESIA", align="center", bold=True, after=0),
        Text(body, align="center", bold=True, size=flow.size + 1, after=4),
        Text("SURAT TANDA REGISTRASI", align="center", bold=True, size=flow.size + 6, after=0),
        Text("RADIOGRAFER", align="center", bold=True, size=flow.size + 4, after=2),
        Text(number, align="center", bold=True, after=5),
        Text(f"{body.title()} menyatakan bahwa:", after=2),
        table_style(ctx).kv(rows, label_w=48, indent=8, after=3),
        Text(
            "telah terregistrasi sebagai Tenaga Kesehatan dan memiliki kualifikasi serta "
            "kompetensi untuk menjalankan praktik keprofesian sesuai ketentuan peraturan "
            "perundang-undangan.",
            align="justify" if r.random() < 0.5 else "left",
            after=2,
        ),
    ]
    if not in_table:
        blocks.append(Text(f"{v_label} {v_value}", bold=True, after=5))
    return blocks


def _signature(ctx: Ctx, page: Page, flow: Flow, chair: str) -> None:
    """Photo or QR code at the left, the chair's signature at the right."""
    r = ctx.rng
    a = ctx.app
    lifetime = a.str_valid_until is None
    y_sig = flow.y
    pw, ph = page.px(30), page.px(40)
    if r.random() < 0.7:
        photo_frame(
            page,
            (flow.x0 + page.px(8), y_sig, flow.x0 + page.px(8) + pw, y_sig + ph),
            id_photo(r, pw, ph),
        )
    elif lifetime:
        qr_like(page, flow.x0 + page.px(8), y_sig, page.px(28), r)
    above = [f"Jakarta, {tgl(a.str_issued)}", f"{chair},"]
    flow.run([Sign(above, r.choice(SIGNERS), [], col=0.5, width=85, gap=22, scribble=not lifetime)])
    if lifetime:
        flow.run(
            [
                Space(4),
                Text(
                    "Dokumen ini telah ditandatangani secara elektronik "
                    "menggunakan sertifikat elektronik yang diterbitkan oleh Balai "
                    "Besar Sertifikasi Elektronik (BSrE), BSSN.",
                    size=8.0,
                    italic=True,
                    after=0,
                ),
            ]
        )


def _legalise(ctx: Ctx, img) -> None:  # type: ignore[no-untyped-def]
    """The wet legalisation by the health office, PARI or the workplace."""
    a = ctx.app
    who, top, bottom, city = ctx.rng.choice(
        (
            ("Kepala Dinas Kesehatan,", "DINAS KESEHATAN", "KOTA PEKANBARU", "Pekanbaru"),
            (
                "Ketua PARI Pengda Riau,",
                "PERHIMPUNAN RADIOGRAFER INDONESIA",
                "PENGDA RIAU",
                "Pekanbaru",
            ),
            (f"Direktur {a.workplace[:30]},", a.workplace.upper()[:40], "PEKANBARU", "Pekanbaru"),
        )
    )
    legalize(ctx, img, who, top, bottom, city, (0.03, 0.5, 0.98, 0.99))


def str_doc(ctx: Ctx) -> Document:
    r = ctx.rng
    body, chair = _council(ctx)
    landscape = ctx.app.str_valid_until is None and r.random() < 0.4
    page = Page(ctx.dpi, (297, 210) if landscape else (210, 297))
    flow = Flow(
        page,
        r,
        card_font(ctx),
        ctx.style(tuning=[11.0, 11.5, 12.0], heldout=[10.5, 11.0, 12.5]),
        margins=(25, 15, 25, 15) if landscape else (22, 20, 22, 18),
        leading=1.35,
    )
    emblem(page, page.size[0] // 2, flow.y + page.px(10), page.px(10), "star", (120, 90, 30))
    flow.y += page.px(24)
    flow.run(str_blocks(ctx, flow, body))
    _signature(ctx, page, flow, chair)
    img = photocopy(page.img, r)
    if "str_unlegalized" not in ctx.defects:
        _legalise(ctx, img)
    return Document(
        "str", [DocPage(img, size_mm=(page.w_mm, page.h_mm), fill=flow.y / page.size[1])]
    )
