"""The previous permit (SIKR) as the applicant holds it: the original of an extension."""

from __future__ import annotations

from .common import tgl, tgl_num
from .docbase import Ctx, Document
from .draw import STAMP_COLORS, photo_frame, qr_like
from .layout import Block, Items, Sign, Text, kop
from .letterbase import DPMPTSP_ADDR, KADIS_DPMPTSP, OFFICIALS, _finish, _stamp_on, nip
from .photos import id_photo
from .wording import birth_label, card_font, name_label, str_label, str_printed, table_style, ttl


# --------------------------------------------------------------------------------------------
# 10. Surat izin (SIKR) asli
# --------------------------------------------------------------------------------------------
def surat_izin_asli(ctx: Ctx) -> Document:
    r = ctx.rng
    a = ctx.app
    date = ctx.old_permit_date
    page, flow = ctx.letter(family=card_font(ctx), size_mm=(210, 297))
    kop(
        page,
        flow,
        r,
        [
            ("PEMERINTAH KOTA PEKANBARU", 13.0, True),
            ("DINAS PENANAMAN MODAL DAN", 14.0, True),
            ("PELAYANAN TERPADU SATU PINTU", 14.0, True),
        ],
        [
            f"{DPMPTSP_ADDR} Telp. (0761) 28262 Fax. (0761) 42003",
            "Website: www.dpmptsp.pekanbaru.go.id  Email: dpmptsppekanbaru@gmail.com",
        ],
        logo="boat",
        logo_color=(160, 120, 20),
    )
    blocks: list[Block] = [
        Text(
            "SURAT IZIN KERJA RADIOGRAFER", align="center", bold=True, size=flow.size + 3, after=0
        ),
        Text(f"NOMOR: {ctx.old_permit_no}", align="center", after=5),
        Text(
            "Berdasarkan Peraturan Menteri Kesehatan Nomor 81 Tahun 2013 tentang "
            "Penyelenggaraan Pekerjaan Radiografer dan Peraturan Wali Kota Pekanbaru tentang "
            "Pendelegasian Wewenang Perizinan dan Non Perizinan, dengan ini memberikan Izin "
            "Kerja kepada:",
            align=r.choice(("justify", "left")),
            after=3,
        ),
        table_style(ctx).kv(
            [
                (name_label(ctx), a.full_name),
                (birth_label(ctx), ttl(ctx, a.birth_place, a.birth_date)),
                ("Jenis Kelamin", a.sex_word),
                ("Alamat", a.address),
                (str_label(ctx), str_printed(ctx, ctx.old_str_number or a.str_number)),
            ],
            label_w=42,
            indent=5,
            after=3,
        ),
        Text(
            f"Untuk melakukan pekerjaan Radiografer di {a.workplace}, {a.workplace_address}.",
            align="left",
            after=2,
        ),
        Text(
            "Surat Izin Kerja Radiografer ini berlaku sepanjang Surat Tanda Registrasi (STR) "
            "masih berlaku dan tempat kerja masih sesuai dengan yang tercantum di atas.",
            align=r.choice(("justify", "left")),
            after=6,
        ),
    ]
    flow.run(blocks)
    y_sig = flow.y
    photo = r.random() < 0.6
    if photo:
        pw, ph = page.px(30), page.px(40)
        px0 = flow.x0 + page.px(10)
        photo_frame(
            page,
            (px0, y_sig + page.px(12), px0 + pw, y_sig + page.px(12) + ph),
            id_photo(r, pw, ph),
        )
    flow.run(
        [
            Sign(
                [
                    "Ditetapkan di Pekanbaru",
                    f"pada tanggal {tgl(date)}",
                    "KEPALA DINAS PENANAMAN MODAL DAN",
                    "PELAYANAN TERPADU SATU PINTU",
                    "KOTA PEKANBARU,",
                ],
                r.choice(OFFICIALS),
                [r.choice(("Pembina Utama Muda", "Pembina Tk. I")), f"NIP. {nip(r)}"],
                col=0.45,
                width=90,
                gap=24,
            )
        ]
    )
    _stamp_on(
        ctx,
        page,
        flow,
        "DINAS PENANAMAN MODAL DAN PTSP",
        "KOTA PEKANBARU",
        color=r.choice(STAMP_COLORS),
    )
    if r.random() < 0.5:
        qs = page.px(22)
        qr_like(page, flow.x0, page.size[1] - page.px(20) - qs, qs, r)
        from .common import font as _font

        f = _font(flow.family, page.pt(7.5))
        page.draw.text(
            (flow.x0 + qs + page.px(3), page.size[1] - page.px(20) - qs // 2),
            "Dokumen ini diterbitkan oleh DPMPTSP Kota Pekanbaru",
            font=f,
            fill=(40, 40, 40),
        )
    pages = [_finish(page, flow)]
    if r.random() < 0.25:  # back side: notes
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
        pages.append(_finish(page2, flow2))
    return Document("surat_izin_asli", pages)
