"""The previous permit (SIKR) as the applicant holds it: the original of an extension.

Real permits come from two issuers (the one-stop office DPMPTSP, or the Dinas Kesehatan that
issued them in older years) and in several layouts: a grant ("dengan ini memberikan Izin Kerja
kepada"), a decree (Menimbang / Mengingat / MEMUTUSKAN) or a form-like table; with or without
the holder's photo and a QR code. Each axis has tuning and held-out choices
(:mod:`samples.styles`).
"""

from __future__ import annotations

import datetime as dt

from .common import font, tgl, tgl_num
from .docbase import Ctx, Document
from .draw import STAMP_COLORS, photo_frame, qr_like
from .layout import KV, Block, Flow, Items, Page, Sign, Text, kop
from .letterbase import DPMPTSP_ADDR, KADIS_DPMPTSP, OFFICIALS, _finish, _stamp_on, nip
from .photos import id_photo
from .wording import birth_label, card_font, name_label, str_label, str_printed, table_style, ttl

DINKES_ADDR = "Jalan Melur No. 103 Pekanbaru"
#: (letterhead lines, head's title lines, stamp text) per issuer
ISSUERS: dict[str, tuple[list[tuple[str, float, bool]], list[str], str]] = {
    "dpmptsp": (
        [
            ("PEMERINTAH KOTA PEKANBARU", 13.0, True),
            ("DINAS PENANAMAN MODAL DAN", 14.0, True),
            ("PELAYANAN TERPADU SATU PINTU", 14.0, True),
        ],
        ["KEPALA DINAS PENANAMAN MODAL DAN", "PELAYANAN TERPADU SATU PINTU", "KOTA PEKANBARU,"],
        "DINAS PENANAMAN MODAL DAN PTSP",
    ),
    "dpmptsp_one_line": (
        [
            ("PEMERINTAH KOTA PEKANBARU", 12.0, True),
            ("DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU", 12.0, True),
        ],
        ["a.n. WALI KOTA PEKANBARU", "KEPALA DPMPTSP KOTA PEKANBARU,"],
        "DPMPTSP KOTA PEKANBARU",
    ),
    "dinkes": (
        [("PEMERINTAH KOTA PEKANBARU", 13.0, True), ("DINAS KESEHATAN", 16.0, True)],
        ["KEPALA DINAS KESEHATAN", "KOTA PEKANBARU,"],
        "DINAS KESEHATAN",
    ),
    "dinkes_one_line": (
        [("DINAS KESEHATAN KOTA PEKANBARU", 15.0, True)],
        ["Kepala Dinas Kesehatan", "Kota Pekanbaru,"],
        "DINAS KESEHATAN",
    ),
}


def _holder_rows(ctx: Ctx, with_workplace: bool) -> list[tuple[str, str]]:
    """The holder's data as the permit's table prints them."""
    a = ctx.app
    rows = [
        (name_label(ctx), a.full_name),
        (birth_label(ctx), ttl(ctx, a.birth_place, a.birth_date)),
        ("Jenis Kelamin", a.sex_word),
        ("Alamat", a.address),
        (str_label(ctx), str_printed(ctx, ctx.old_str_number or a.str_number)),
    ]
    if with_workplace:
        label = ctx.style(tuning=["Tempat Kerja"], heldout=["Tempat Praktik", "Fasyankes"])
        rows.append((label, f"{a.workplace}, {a.workplace_address}"))
    return rows


def _validity(ctx: Ctx) -> str:
    """How long the permit runs: as long as the STR, or to a date five years on."""
    d = ctx.old_permit_date
    end = dt.date(d.year + 5, d.month, min(d.day, 28))
    return ctx.style(
        tuning=[
            "Surat Izin Kerja Radiografer ini berlaku sepanjang Surat Tanda Registrasi (STR) "
            "masih berlaku dan tempat kerja masih sesuai dengan yang tercantum di atas.",
            f"Surat izin ini berlaku sampai dengan tanggal {tgl(end)}.",
        ],
        heldout=[
            f"Izin ini berlaku sampai dengan {tgl(end)} selama STR yang bersangkutan masih "
            "berlaku.",
            "Masa berlaku izin mengikuti masa berlaku STR.",
        ],
    )


def _grant(ctx: Ctx, title: str, number: str, flow: Flow) -> list[Block]:
    """The grant layout: a statement that the office gives the permit, the holder's table."""
    r, a = ctx.rng, ctx.app
    opening = ctx.style(
        tuning=[
            "Berdasarkan Peraturan Menteri Kesehatan Nomor 81 Tahun 2013 tentang "
            "Penyelenggaraan Pekerjaan Radiografer dan Peraturan Wali Kota Pekanbaru tentang "
            "Pendelegasian Wewenang Perizinan dan Non Perizinan, dengan ini memberikan Izin "
            "Kerja kepada:",
        ],
        heldout=[
            "Berdasarkan permohonan yang bersangkutan dan hasil verifikasi berkas, diberikan "
            "izin kepada:",
            "Dengan ini diterangkan bahwa:",
        ],
    )
    return [
        Text(title, align="center", bold=True, size=flow.size + 3, after=0),
        Text(f"NOMOR: {number}", align="center", after=5),
        Text(opening, align=r.choice(("justify", "left")), after=3),
        table_style(ctx).kv(_holder_rows(ctx, False), label_w=42, indent=5, after=3),
        Text(
            f"Untuk melakukan pekerjaan Radiografer di {a.workplace}, {a.workplace_address}.",
            align="left",
            after=2,
        ),
        Text(_validity(ctx), align=r.choice(("justify", "left")), after=6),
    ]


def _decree(ctx: Ctx, title: str, number: str, flow: Flow) -> list[Block]:
    """The decree layout: Menimbang, Mengingat, MEMUTUSKAN, Menetapkan."""
    a = ctx.app
    return [
        Text(title, align="center", bold=True, size=flow.size + 2, after=0),
        Text(f"Nomor : {number}", align="center", after=4),
        KV(
            [
                (
                    "Menimbang",
                    "bahwa permohonan yang bersangkutan telah memenuhi persyaratan "
                    "administrasi dan teknis sesuai ketentuan yang berlaku;",
                ),
                (
                    "Mengingat",
                    "Peraturan Menteri Kesehatan Nomor 81 Tahun 2013 tentang Penyelenggaraan "
                    "Pekerjaan Radiografer;",
                ),
            ],
            label_w=30,
            after=2,
        ),
        Text("MEMUTUSKAN", align="center", bold=True, after=2),
        Text("Menetapkan : Memberikan Surat Izin Kerja Radiografer kepada:", after=2),
        table_style(ctx).kv(_holder_rows(ctx, False), label_w=42, indent=8, after=2),
        Text(
            f"untuk melakukan pekerjaan radiografer pada {a.workplace}, {a.workplace_address}.",
            after=2,
        ),
        Text(_validity(ctx), after=5),
    ]


def _form(ctx: Ctx, title: str, number: str, flow: Flow) -> list[Block]:
    """The form layout: title and number, then every particular in one table."""
    d = ctx.old_permit_date
    rows = [("Nomor Izin", number), *_holder_rows(ctx, True)]
    rows.append(("Tanggal Terbit", tgl(d)))
    return [
        Text(title, align="center", bold=True, size=flow.size + 3, after=4),
        table_style(ctx).kv(rows, label_w=45, indent=2, after=3),
        Text(_validity(ctx), after=5),
    ]


LAYOUTS = {"grant": _grant, "decree": _decree, "form": _form}


def _extras(ctx: Ctx, page: Page, flow: Flow, y_sig: int, issuer: str) -> None:
    """The holder's photo left of the signature, a QR code of an electronic issue."""
    r = ctx.rng
    if ctx.style_chance(tuning=0.6, heldout=0.4):
        pw, ph = page.px(30), page.px(40)
        px0 = flow.x0 + page.px(10)
        top = y_sig + page.px(12)
        if top + ph < page.size[1] - page.px(5):
            photo_frame(page, (px0, top, px0 + pw, top + ph), id_photo(r, pw, ph))
    if issuer.startswith("dpmptsp") and ctx.style_chance(tuning=0.5, heldout=0.5):
        qs = page.px(22)
        qr_like(page, flow.x0, page.size[1] - page.px(20) - qs, qs, r)
        f = font(flow.family, page.pt(7.5))
        page.draw.text(
            (flow.x0 + qs + page.px(3), page.size[1] - page.px(20) - qs // 2),
            ctx.style(
                tuning=["Dokumen ini diterbitkan oleh DPMPTSP Kota Pekanbaru"],
                heldout=["Dokumen ini telah ditandatangani secara elektronik"],
            ),
            font=f,
            fill=(40, 40, 40),
        )


def surat_izin_asli(ctx: Ctx, *, issuer: str | None = None, layout: str | None = None) -> Document:
    """The original permit: issuer, layout, title wording, photo and QR code vary
    (``issuer`` and ``layout`` fix a choice of :data:`ISSUERS` / :data:`LAYOUTS`: tests)."""
    r = ctx.rng
    date = ctx.old_permit_date
    issuer = issuer or ctx.style(
        tuning=["dpmptsp", "dpmptsp", "dinkes"],
        heldout=["dpmptsp_one_line", "dinkes_one_line", "dpmptsp"],
    )
    head, role, stamp = ISSUERS[issuer]
    number = ctx.old_permit_no
    if issuer.startswith("dinkes"):
        number = number.replace("DPMPTSP-PKU", "DINKES").replace("DPMPTSP", "DINKES")
    page, flow = ctx.letter(family=card_font(ctx), size_mm=(210, 297))
    addr = DINKES_ADDR if issuer.startswith("dinkes") else DPMPTSP_ADDR
    kop(page, flow, r, head, [f"{addr} Telp. (0761) 28262"], logo="boat", logo_color=(160, 120, 20))
    title = ctx.style(
        tuning=["SURAT IZIN KERJA RADIOGRAFER", "SURAT IZIN KERJA RADIOGRAFER (SIKR)"],
        heldout=["IZIN KERJA RADIOGRAFER", "SURAT IZIN KERJA (SIK) RADIOGRAFER"],
    )
    layout = layout or ctx.style(tuning=["grant", "grant", "decree"], heldout=["grant", "form"])
    flow.run(LAYOUTS[layout](ctx, title, number, flow))
    y_sig = flow.y
    _extras(ctx, page, flow, y_sig, issuer)
    flow.run(
        [
            Sign(
                ["Ditetapkan di Pekanbaru", f"pada tanggal {tgl(date)}", *role],
                r.choice(OFFICIALS),
                [r.choice(("Pembina Utama Muda", "Pembina Tk. I")), f"NIP. {nip(r)}"],
                col=0.45,
                width=90,
                gap=24,
            )
        ]
    )
    _stamp_on(ctx, page, flow, stamp, "KOTA PEKANBARU", color=r.choice(STAMP_COLORS))
    pages = [_finish(page, flow)]
    if r.random() < 0.25:  # back side: notes
        pages.append(_back(ctx, flow, date))
    return Document("surat_izin_asli", pages)


def _back(ctx: Ctx, flow: Flow, date: dt.date):
    """The back of a permit: its conditions."""
    page2, flow2 = ctx.letter(family=flow.family, size=flow.size - 0.5)
    flow2.run(
        [
            Text("KETENTUAN", align="center", bold=True, after=3),
            Items(
                [
                    "Surat Izin Kerja Radiografer (SIKR) ini hanya berlaku pada 1 (satu) "
                    "fasilitas pelayanan kesehatan yang tercantum di dalamnya.",
                    "Radiografer wajib melaksanakan pekerjaan sesuai standar profesi, "
                    "standar pelayanan dan standar prosedur operasional.",
                    "SIKR tidak berlaku apabila STR habis masa berlakunya, yang "
                    "bersangkutan meninggal dunia, atau izin dicabut.",
                    f"Permohonan perpanjangan diajukan kepada {KADIS_DPMPTSP}.",
                ],
                after=4,
            ),
            Text(f"Tanggal cetak: {tgl_num(date, '/')}", size=8.0, align="right"),
        ]
    )
    return _finish(page2, flow2)
