"""The application letter (surat permohonan), typed or printed, on one or two pages.

The other letters: :mod:`samples.recommendations`, :mod:`samples.statements`,
:mod:`samples.permits`; what they share: :mod:`samples.letterbase`."""

from __future__ import annotations

from .common import tgl
from .docbase import Ctx, Document
from .layout import Block, Items, PageBreak, Sign, Text, split_pages
from .letterbase import KADIS_DPMPTSP, _finish
from .wording import (
    birth_label,
    letter_font,
    name_label,
    nik_label,
    nik_phrase,
    str_label,
    str_printed,
    table_style,
    ttl,
)


# --------------------------------------------------------------------------------------------
# 1. Surat permohonan
# --------------------------------------------------------------------------------------------
def permohonan_blocks(ctx: Ctx, date, two_pages: bool) -> list[Block]:
    r = ctx.rng
    a = ctx.app
    renewal = ctx.application_type == "renewal"
    layout = r.choice(("formal", "titled", "form"))
    hal_label = r.choice(("Perihal", "Hal", "Perihal"))
    subject = "Permohonan Surat Izin Kerja Radiografer" + (
        r.choice(("", " (SIKR)")) if not renewal else r.choice(("", " (Perpanjangan)"))
    )
    blocks: list[Block] = []
    ts = table_style(ctx)
    place_date = f"Pekanbaru, {tgl(date)}"
    attach = [
        "Fotokopi KTP",
        "Pas foto ukuran 3x4 sebanyak 2 (dua) lembar",
        "Fotokopi ijazah yang telah dilegalisir",
        "Fotokopi STR yang telah dilegalisir",
        "Surat rekomendasi dari organisasi profesi (PARI)",
        "Surat keterangan sehat dari dokter yang memiliki SIP",
        "Surat pernyataan memiliki tempat kerja di fasilitas pelayanan kesehatan",
        "Surat rekomendasi dari Dinas Kesehatan Kota Pekanbaru",
    ]
    if renewal:
        attach.append("Surat Izin Kerja Radiografer (SIKR) asli")
    kepada = [
        Text("Kepada Yth.", after=0),
        Text(
            f"Bapak/Ibu {KADIS_DPMPTSP}" if r.random() < 0.5 else KADIS_DPMPTSP, after=0, indent=0
        ),
        Text("di -", after=0),
        Text("Pekanbaru", indent=8, after=4),
    ]
    if layout == "formal":
        blocks.append(Text(place_date, align="right", after=3))
        blocks.append(
            ts.kv(
                [("Nomor", "-"), ("Lampiran", "1 (satu) berkas"), (hal_label, subject)],
                label_w=22,
                after=5,
            )
        )
        blocks += kepada
    elif layout == "titled":
        blocks.append(
            Text(
                "SURAT PERMOHONAN",
                align="center",
                bold=True,
                underline=True,
                size=r.choice((13, 14)),
                after=4,
            )
        )
        blocks.append(
            ts.kv([(hal_label, subject), ("Lampiran", "1 (satu) berkas")], label_w=22, after=4)
        )
        blocks += kepada
    else:
        blocks.append(Text("FORMULIR PERMOHONAN", align="center", bold=True, size=13, after=0))
        blocks.append(
            Text("SURAT IZIN KERJA RADIOGRAFER (SIKR)", align="center", bold=True, size=13, after=5)
        )
        blocks.append(
            ts.kv(
                [(hal_label, subject), ("Jenis Permohonan", "Perpanjangan" if renewal else "Baru")],
                label_w=38,
                after=4,
            )
        )
        blocks += kepada
    blocks.append(Text("Dengan hormat,", after=2))
    blocks.append(Text("Saya yang bertanda tangan di bawah ini:", after=2))
    # the NIK stands in the table, or in the running text ("... dengan NIK 1471...")
    nik_in_text = ctx.style_chance(tuning=0.3, heldout=0.35)
    rows = [(name_label(ctx, applicant=True), a.full_name if r.random() < 0.7 else a.name)]
    if not nik_in_text:
        rows.append((nik_label(ctx), ctx.letter_nik))
    rows += [
        (birth_label(ctx), ttl(ctx, a.birth_place, a.birth_date)),
        ("Jenis Kelamin", a.sex_word),
        ("Alamat", a.address),
    ]
    if r.random() < 0.7:
        rows.append(("No. HP", a.phone))
    if r.random() < 0.6:
        rows.append((str_label(ctx), str_printed(ctx, a.str_number)))
    rows.append(("Tempat Kerja", f"{a.workplace}"))
    blocks.append(
        ts.kv(rows, label_w=r.choice((45.0, 48.0, 52.0)), indent=r.choice((0.0, 5.0)), after=3)
    )
    just = "justify" if r.random() < 0.6 else "left"
    who = f"Saya, {nik_phrase(ctx, ctx.letter_nik)}, dengan ini" if nik_in_text else "Dengan ini"
    if renewal:
        body = (
            f"{who} mengajukan permohonan perpanjangan Surat Izin Kerja Radiografer "
            f"(SIKR) Nomor {ctx.old_permit_no} tanggal {tgl(ctx.old_permit_date)}, agar "
            f"saya tetap dapat melaksanakan pekerjaan sebagai Radiografer di {a.workplace}, "
            f"{a.workplace_address}."
        )
    else:
        body = (
            f"{who} mengajukan permohonan baru Surat Izin Kerja Radiografer (SIKR) "
            f"untuk dapat melaksanakan pekerjaan sebagai Radiografer di {a.workplace}, "
            f"{a.workplace_address}."
        )
    blocks.append(Text(body, align=just, first=r.choice((0.0, 10.0)), after=3))
    if two_pages:
        blocks.append(
            Text("Persyaratan sebagaimana dimaksud terlampir pada halaman berikut.", after=2)
        )
        blocks.append(PageBreak())
        blocks.append(Text("Lampiran Surat Permohonan Izin Kerja Radiografer", bold=True, after=0))
        blocks.append(Text(f"a.n. {a.full_name}", after=4))
    blocks.append(Text("Sebagai bahan pertimbangan, bersama ini saya lampirkan:", after=2))
    blocks.append(Items(attach, indent=r.choice((0.0, 5.0)), after=3))
    blocks.append(
        Text(
            "Demikian surat permohonan ini saya sampaikan. Atas perhatian dan "
            "perkenan Bapak/Ibu, saya ucapkan terima kasih.",
            align=just,
            first=r.choice((0.0, 10.0)),
            after=4,
        )
    )
    above = ["Hormat saya,", "Pemohon,"] if r.random() < 0.5 else ["Hormat saya,"]
    if layout != "formal":
        above = [place_date, *above]
    blocks.append(
        Sign(
            above,
            a.full_name,
            col=r.uniform(0.5, 0.6),
            gap=r.uniform(20, 26),
            materai=r.random() < 0.5,
            underline=r.random() < 0.5,
            bold_name=r.random() < 0.6,
        )
    )
    return blocks


def surat_permohonan(ctx: Ctx) -> Document:
    r = ctx.rng
    date = ctx.before(0, 4)
    two = r.random() < 0.3 or ctx.attempt >= 1
    blocks = permohonan_blocks(ctx, date, two)
    fam = letter_font(ctx)
    size = ctx.style(tuning=[11.0, 11.5, 12.0], heldout=[10.5, 12.0, 12.5])
    leading = r.uniform(1.25, 1.45)
    if ctx.attempt >= 2:
        size, leading = 10.5, 1.25
    margins = (r.uniform(22, 30), r.uniform(15, 25), r.uniform(18, 25), 15.0)
    pages = []
    per_page = split_pages(blocks)
    for pb in per_page:
        page, flow = ctx.letter(
            family=fam, size=size, size_mm=(210, 297), margins=margins, leading=leading
        )
        flow.run(pb)
        pages.append(_finish(page, flow))
    return Document(
        "surat_permohonan",
        pages,
        blocks=per_page,
        meta={"family": fam, "size": size, "margins": margins, "leading": leading},
    )
