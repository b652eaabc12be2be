"""Recommendations: from the professional organisation (PARI) and from the Dinas Kesehatan."""

from __future__ import annotations

from .common import roman_month, tgl
from .docbase import Ctx, Document
from .layout import Block, Items, Sign, Signs, Text, kop
from .letterbase import KADIS_DPMPTSP, OFFICIALS, _finish, _stamp_on, nip
from .wording import birth_label, name_label, str_label, str_printed, table_style, ttl

# --------------------------------------------------------------------------------------------
# 6. Rekomendasi organisasi profesi
# --------------------------------------------------------------------------------------------
PARI_UNITS = (
    (
        "PENGURUS DAERAH",
        "PROVINSI RIAU",
        "PD-PARI/RIAU",
        "Ketua Pengurus Daerah PARI Provinsi Riau",
    ),
    (
        "PENGURUS CABANG",
        "KOTA PEKANBARU",
        "PC-PARI/PKU",
        "Ketua Pengurus Cabang PARI Kota Pekanbaru",
    ),
)
OTHER_BODIES = (
    (
        "DEWAN PENGURUS DAERAH",
        "PERSATUAN PERAWAT NASIONAL INDONESIA",
        "KOTA PEKANBARU",
        "DPD-PPNI/PKU",
        "Ketua DPD PPNI Kota Pekanbaru",
        "PPNI",
    ),
    (
        "PENGURUS CABANG",
        "IKATAN BIDAN INDONESIA",
        "KOTA PEKANBARU",
        "PC-IBI/PKU",
        "Ketua Pengurus Cabang IBI Kota Pekanbaru",
        "IBI",
    ),
    (
        "PENGURUS DAERAH",
        "IKATAN APOTEKER INDONESIA",
        "PROVINSI RIAU",
        "PD-IAI/RIAU",
        "Ketua Pengurus Daerah IAI Provinsi Riau",
        "IAI",
    ),
    (
        "DEWAN PENGURUS WILAYAH",
        "PERSATUAN AHLI TEKNOLOGI LABORATORIUM MEDIK INDONESIA",
        "PROVINSI RIAU",
        "DPW-PATELKI/RIAU",
        "Ketua DPW PATELKI Provinsi Riau",
        "PATELKI",
    ),
    (
        "PENGURUS DAERAH",
        "IKATAN FISIOTERAPI INDONESIA",
        "PROVINSI RIAU",
        "PD-IFI/RIAU",
        "Ketua Pengurus Daerah IFI Provinsi Riau",
        "IFI",
    ),
)

#: Other bodies of the held-out family: none of them is named in the rules' forbid lists, so
#: the held-out figures say whether a body the rules never heard of is still told from PARI.
OTHER_BODIES_HELDOUT = (
    (
        "PENGURUS DAERAH",
        "PERSATUAN AHLI FARMASI INDONESIA",
        "PROVINSI RIAU",
        "PD-PAFI/RIAU",
        "Ketua Pengurus Daerah PAFI Provinsi Riau",
        "PAFI",
    ),
    (
        "DEWAN PENGURUS CABANG",
        "PERSATUAN AHLI GIZI INDONESIA",
        "KOTA PEKANBARU",
        "DPC-PERSAGI/PKU",
        "Ketua DPC PERSAGI Kota Pekanbaru",
        "PERSAGI",
    ),
    (
        "PENGURUS DAERAH",
        "IKATAN ELEKTROMEDIS INDONESIA",
        "PROVINSI RIAU",
        "PD-IKATEMI/RIAU",
        "Ketua Pengurus Daerah IKATEMI Provinsi Riau",
        "IKATEMI",
    ),
    (
        "PENGURUS DAERAH",
        "PERHIMPUNAN RADIOTERAPI INDONESIA",
        "PROVINSI RIAU",
        "PD-PRI/RIAU",
        "Ketua Pengurus Daerah PRI Provinsi Riau",
        "PRI",
    ),
)

#: short forms of an organisation's level ("DPD PARI Provinsi Riau")
LEVEL_SHORT = {
    "PENGURUS DAERAH": "DPD",
    "PENGURUS CABANG": "DPC",
    "DEWAN PENGURUS DAERAH": "DPD",
    "DEWAN PENGURUS WILAYAH": "DPW",
    "DEWAN PENGURUS CABANG": "DPC",
}


def body_letterhead(
    ctx: Ctx, level: str, body: str, abbr: str, region: str
) -> list[tuple[str, float, bool]]:
    """The letterhead lines of a professional organisation's unit, in one of the ways such
    units name themselves (full name, "PENGURUS DAERAH PARI RIAU", "DPD PARI Provinsi Riau",
    "Pengurus Cabang PARI Kota Pekanbaru"); the same for PARI and for the other bodies of the
    ``rekomendasi_other_body`` defect, so that only the body tells them apart."""
    place = region.split(" ", 1)[1] if region.startswith(("PROVINSI ", "KOTA ")) else region
    form = ctx.style(tuning=["full", "full", "abbr_unit"], heldout=["short", "mixed"])
    if form == "full":
        return [(level, 12.0, True), (f"{body} ({abbr})", 13.5, True), (region, 12.0, True)]
    if form == "abbr_unit":
        return [(body, 13.5, True), (f"{level} {abbr} {place}", 12.5, True)]
    if form == "short":
        return [
            (f"{LEVEL_SHORT[level]} {abbr} {region.title()}", 15.0, True),
            (body.title(), 11.0, False),
        ]
    return [(f"{level.title()} {abbr} {region.title()}", 14.0, True), (body.title(), 11.5, False)]


def rekomendasi_organisasi_profesi(ctx: Ctx) -> Document:
    r = ctx.rng
    p = ctx.person("rekomendasi_organisasi_profesi")
    date = ctx.before(5, 30)
    page, flow = ctx.letter()
    other = "rekomendasi_other_body" in ctx.defects
    if other:
        level, body, region, code, chair, abbr = ctx.style(
            tuning=OTHER_BODIES, heldout=OTHER_BODIES_HELDOUT
        )
        stamp_top, stamp_bottom = body, region
    else:
        level, region, code, chair = r.choice(PARI_UNITS)
        body, abbr = "PERHIMPUNAN RADIOGRAFER INDONESIA", "PARI"
        stamp_top, stamp_bottom = body, f"{level} {region}"
    lines = body_letterhead(ctx, level, body, abbr, region)
    member = f"Anggota {abbr}"
    kop(
        page,
        flow,
        r,
        lines,
        [
            f"Sekretariat: {r.choice(('Jl. Diponegoro No. 2', 'Jl. Melur No. 21', 'Jl. Sudirman No. 117', 'Jl. Tuanku Tambusai No. 8'))}, Pekanbaru - Riau",  # noqa: E501
            f"Email: {code.split('/')[0].lower().replace('-', '')}.{code.split('/')[-1].lower()}"
            f"@gmail.com",
        ],
        logo=r.choice(("star", "cross", "shield")),
        logo_color=r.choice(((20, 60, 140), (20, 100, 50), (150, 30, 30))),
    )
    no = f"{r.randint(10, 350):03d}/{code}/{roman_month(date)}/{date.year}"
    title = r.choice(("SURAT REKOMENDASI", "REKOMENDASI"))
    blocks: list[Block] = [
        Text(title, align="center", bold=True, underline=True, size=flow.size + 1.5, after=0),
        Text(f"Nomor: {no}", align="center", after=5),
        Text(
            f"Yang bertanda tangan di bawah ini, {chair}, dengan ini memberikan rekomendasi "
            f"kepada:",
            align=r.choice(("justify", "left")),
            after=2,
        ),
        table_style(ctx).kv(
            [
                (name_label(ctx), p.full_name),
                (birth_label(ctx), ttl(ctx, p.birth_place, p.birth_date)),
                (str_label(ctx), str_printed(ctx, p.str_number)),
                (
                    f"No. {member.split()[1]}",
                    f"{r.randint(10, 99)}.{r.randint(10, 99)}.{r.randint(1, 9999):04d}",
                ),
                ("Alamat", p.address),
                ("Tempat Kerja", p.workplace),
            ],
            label_w=r.choice((40.0, 45.0)),
            indent=r.choice((0.0, 6.0)),
            after=3,
        ),
        Text(
            f"Yang bersangkutan adalah {member} yang aktif, memiliki kompetensi sebagai "
            f"Radiografer dan tidak sedang menjalani sanksi organisasi. Berdasarkan hal "
            f"tersebut kami merekomendasikan yang bersangkutan untuk memperoleh Surat Izin "
            f"Kerja Radiografer (SIKR) pada {p.workplace}.",
            align=r.choice(("justify", "left")),
            first=r.choice((0.0, 10.0)),
            after=3,
        ),
        Text(
            "Demikian surat rekomendasi ini dibuat untuk dapat dipergunakan sebagaimana mestinya.",
            align="left",
            first=r.choice((0.0, 10.0)),
            after=5,
        ),
    ]
    chair_name = r.choice(("Ns. ", "", "")) + r.choice(
        (
            "Hendri Yanto, S.Tr.Kes",
            "Rudi Hartono, A.Md.Rad, SKM",
            "Yusnaidi, S.ST, M.Kes",
            "Eka Putra, S.Tr.Kes, M.Tr.ID",
            "Nofriyanti, A.Md.Rad",
            "Syafrizal, SKM, MM",
        )
    )
    sec_name = r.choice(
        (
            "Dewi Anggraini, A.Md.Rad",
            "Arman Syah, S.Tr.Kes",
            "Wahyuni, A.Md.Kes",
            "Rio Saputra, A.Md.Rad",
        )
    )
    if r.random() < 0.5:
        blocks.append(Text(f"Pekanbaru, {tgl(date)}", align="right", after=2))
        blocks.append(
            Signs(
                [
                    Sign(["Ketua,"], chair_name, col=0.55, width=70, gap=22, key="ketua"),
                    Sign(["Sekretaris,"], sec_name, col=0.0, width=70, gap=22, key="sek"),
                ]
            )
        )
        key = "ketua"
    else:
        blocks.append(Sign([f"Pekanbaru, {tgl(date)}", "Ketua,"], chair_name, col=0.52, gap=22))
        key = "sign"
    flow.run(blocks)
    _stamp_on(ctx, page, flow, stamp_top, stamp_bottom, key=key)
    return Document("rekomendasi_organisasi_profesi", [_finish(page, flow)])


# --------------------------------------------------------------------------------------------
# 9. Rekomendasi Dinas Kesehatan
# --------------------------------------------------------------------------------------------
DINKES_OTHER = (
    ("PEMERINTAH KOTA DUMAI", "Kota Dumai", "Jl. Tuanku Tambusai No. 1, Dumai", "DUMAI"),
    (
        "PEMERINTAH KABUPATEN KAMPAR",
        "Kabupaten Kampar",
        "Jl. Prof. M. Yamin, SH No. 70, Bangkinang",
        "BANGKINANG",
    ),
    ("PEMERINTAH KOTA PADANG", "Kota Padang", "Jl. By Pass Km. 6, Padang", "PADANG"),
    (
        "PEMERINTAH KABUPATEN SIAK",
        "Kabupaten Siak",
        "Jl. Sultan Syarif Kasim, Siak Sri Indrapura",
        "SIAK SRI INDRAPURA",
    ),
    (
        "PEMERINTAH KABUPATEN BENGKALIS",
        "Kabupaten Bengkalis",
        "Jl. Antara No. 15, Bengkalis",
        "BENGKALIS",
    ),
    (
        "PEMERINTAH PROVINSI RIAU",
        "Provinsi Riau",
        "Jl. Cut Nyak Dien No. 3, Pekanbaru",
        "PEKANBARU",
    ),
)

#: Other regions of the held-out family: none is in the rules, and some read like Pekanbaru.
DINKES_OTHER_HELDOUT = (
    (
        "PEMERINTAH KOTA PEKALONGAN",
        "Kota Pekalongan",
        "Jl. Mataram No. 1, Pekalongan",
        "PEKALONGAN",
    ),
    (
        "PEMERINTAH KABUPATEN PELALAWAN",
        "Kabupaten Pelalawan",
        "Jl. Lintas Timur, Pangkalan Kerinci",
        "PANGKALAN KERINCI",
    ),
    ("PEMERINTAH KOTA PALEMBANG", "Kota Palembang", "Jl. Merdeka No. 72, Palembang", "PALEMBANG"),
    (
        "PEMERINTAH KABUPATEN ROKAN HULU",
        "Kabupaten Rokan Hulu",
        "Jl. Tuanku Tambusai, Pasir Pengaraian",
        "PASIR PENGARAIAN",
    ),
)


def dinkes_letterhead(ctx: Ctx, gov: str, region: str) -> list[tuple[str, float, bool]]:
    """The letterhead lines of a Dinas Kesehatan ("PEMERINTAH KOTA PEKANBARU / DINAS
    KESEHATAN", "DINAS KESEHATAN KOTA PEKANBARU", "Dinkes Kota Pekanbaru"), the same forms
    for the other region of the ``dinkes_other_city`` defect."""
    form = ctx.style(tuning=["gov", "gov", "gov_full"], heldout=["plain", "dinkes"])
    if form == "gov":
        return [(gov, 13.0, True), ("DINAS KESEHATAN", 16.0, True)]
    if form == "gov_full":
        return [(gov, 13.0, True), (f"DINAS KESEHATAN {region.upper()}", 15.0, True)]
    if form == "plain":
        return [(f"Dinas Kesehatan {region}", 16.0, True)]
    return [(gov.title(), 12.0, False), (f"DINKES {region.upper()}", 16.0, True)]


def _head_of(region: str) -> str:
    kind, _, name = region.partition(" ")
    return {
        "Kota": f"Wali Kota {name}",
        "Kabupaten": f"Bupati {name}",
        "Provinsi": f"Gubernur {name}",
    }[kind]


def rekomendasi_dinkes(ctx: Ctx) -> Document:
    r = ctx.rng
    p = ctx.person("rekomendasi_dinkes")
    date = ctx.before(2, 25)
    page, flow = ctx.letter()
    if "dinkes_other_city" in ctx.defects:
        gov, region, addr, city = ctx.style(tuning=DINKES_OTHER, heldout=DINKES_OTHER_HELDOUT)
    else:
        gov, region, addr, city = (
            "PEMERINTAH KOTA PEKANBARU",
            "Kota Pekanbaru",
            "Jl. Melur No. 103, Pekanbaru 28131",
            "PEKANBARU",
        )
    kop(
        page,
        flow,
        r,
        dinkes_letterhead(ctx, gov, region),
        [
            f"{addr} Telp. ({r.choice(('0761', '0765', '0762', '0751'))}) "
            f"{r.randint(20000, 89999)}",
            f"Email: dinkes@{region.split()[-1].lower()}.go.id",
        ],
        logo=r.choice(("boat", "shield")),
        logo_color=(150, 110, 20),
    )
    no = (
        f"503/Dinkes-SDK/{r.randint(100, 3999)}/{date.year}"
        if r.random() < 0.5
        else f"440/DISKES/REK-SIKR/{r.randint(1, 999):03d}/{roman_month(date)}/{date.year}"
    )
    kadis = f"Kepala Dinas Kesehatan {region}"
    pekanbaru = city == "PEKANBARU" and region == "Kota Pekanbaru"
    to = (
        KADIS_DPMPTSP
        if pekanbaru
        else f"Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu {region}"
    )
    layout = r.random()
    ts = table_style(ctx)
    blocks: list[Block] = []
    if layout < 0.5:
        blocks += [
            Text(f"{city.title()}, {tgl(date)}", align="right", after=2),
            ts.kv(
                [
                    ("Nomor", no),
                    ("Sifat", "Biasa"),
                    ("Lampiran", "-"),
                    ("Perihal", "Rekomendasi Izin Kerja Radiografer"),
                ],
                label_w=22,
                after=4,
            ),
            Text("Kepada Yth.", after=0),
            Text(to, after=0),
            Text("di -", after=0),
            Text(city.title(), indent=8, after=4),
        ]
    else:
        blocks += [
            Text(
                "REKOMENDASI",
                align="center",
                bold=True,
                underline=True,
                size=flow.size + 2,
                after=0,
            ),
            Text(f"Nomor: {no}", align="center", after=1),
            Text("Tentang", align="center", after=1),
            Text(
                "Rekomendasi Penerbitan Surat Izin Kerja Radiografer (SIKR)",
                align="center",
                bold=True,
                after=5,
            ),
        ]
    blocks += [
        Text(
            "Berdasarkan Peraturan Menteri Kesehatan Republik Indonesia Nomor 81 Tahun 2013 "
            "tentang Penyelenggaraan Pekerjaan Radiografer, dan setelah dilakukan verifikasi "
            f"berkas serta peninjauan lapangan, {kadis} memberikan rekomendasi kepada:",
            align=r.choice(("justify", "left")),
            first=r.choice((0.0, 10.0)),
            after=2,
        ),
        ts.kv(
            [
                (name_label(ctx), p.full_name),
                (birth_label(ctx), ttl(ctx, p.birth_place, p.birth_date)),
                (str_label(ctx), str_printed(ctx, p.str_number)),
                ("Alamat", p.address),
                ("Tempat Kerja", f"{p.workplace}, {p.workplace_address}"),
            ],
            label_w=40,
            indent=5,
            after=3,
        ),
        Text(
            "untuk dapat diterbitkan Surat Izin Kerja Radiografer (SIKR) sesuai dengan "
            "ketentuan peraturan perundang-undangan yang berlaku.",
            align=r.choice(("justify", "left")),
            after=2,
        ),
        Text(
            "Demikian rekomendasi ini diberikan untuk dapat dipergunakan sebagaimana mestinya.",
            after=5,
        ),
    ]
    official = r.choice(OFFICIALS)
    if r.random() < 0.5:
        above = [
            f"a.n. KEPALA DINAS KESEHATAN {region.upper()}",
            "Kepala Bidang Sumber Daya Kesehatan,",
        ]
    else:
        above = [f"KEPALA DINAS KESEHATAN {region.upper()},"]
    if layout >= 0.5:
        above = [f"Ditetapkan di {city.title()}", f"pada tanggal {tgl(date)}", *above]
    rank = r.choice(("Pembina", "Pembina Tk. I", "Pembina Utama Muda"))
    blocks.append(Sign(above, official, [rank, f"NIP. {nip(r)}"], col=0.42, width=95, gap=22))
    if r.random() < 0.5:
        blocks += [
            Text("Tembusan:", size=flow.size - 1.5, after=0, underline=True),
            Items(
                [
                    f"{_head_of(region)} (sebagai laporan)",
                    "Ketua PARI Provinsi Riau",
                    "Yang bersangkutan",
                    "Arsip",
                ],
                after=0,
            ),
        ]
    flow.run(blocks)
    _stamp_on(ctx, page, flow, "DINAS KESEHATAN", region.upper())
    return Document("rekomendasi_dinkes", [_finish(page, flow)])
