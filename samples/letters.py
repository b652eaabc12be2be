"""Letters: application letter, recommendations, health certificate, workplace statement,
and the previous permit (SIKR)."""

from __future__ import annotations

import random

from .common import LETTER_FAMILIES, SERIF, roman_month, tgl, tgl_num
from .docbase import Ctx, DocPage, Document
from .draw import (
    KV,
    STAMP_COLORS,
    Block,
    Flow,
    Items,
    Page,
    PageBreak,
    Sign,
    Signs,
    Space,
    Text,
    apply_ink,
    kop,
    photo_frame,
    qr_like,
    round_stamp,
    split_pages,
)
from .photos import id_photo

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


def _ttl(place: str, d) -> str:
    return f"{place}, {tgl(d)}"


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
            KV(
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
            KV([(hal_label, subject), ("Lampiran", "1 (satu) berkas")], label_w=22, after=4)
        )
        blocks += kepada
    else:
        blocks.append(Text("FORMULIR PERMOHONAN", align="center", bold=True, size=13, after=0))
        blocks.append(
            Text("SURAT IZIN KERJA RADIOGRAFER (SIKR)", align="center", bold=True, size=13, after=5)
        )
        blocks.append(
            KV(
                [(hal_label, subject), ("Jenis Permohonan", "Perpanjangan" if renewal else "Baru")],
                label_w=38,
                after=4,
            )
        )
        blocks += kepada
    blocks.append(Text("Dengan hormat,", after=2))
    blocks.append(Text("Saya yang bertanda tangan di bawah ini:", after=2))
    rows = [
        ("Nama", a.full_name if r.random() < 0.7 else a.name),
        ("NIK", ctx.letter_nik),
        ("Tempat/Tanggal Lahir", _ttl(a.birth_place, a.birth_date)),
        ("Jenis Kelamin", a.sex_word),
        ("Alamat", a.address),
    ]
    if r.random() < 0.7:
        rows.append(("No. HP", a.phone))
    if r.random() < 0.6:
        rows.append(("Nomor STR", a.str_number))
    rows.append(("Tempat Kerja", f"{a.workplace}"))
    blocks.append(
        KV(rows, label_w=r.choice((45.0, 48.0, 52.0)), indent=r.choice((0.0, 5.0)), after=3)
    )
    just = "justify" if r.random() < 0.6 else "left"
    if renewal:
        body = (
            f"Dengan ini mengajukan permohonan perpanjangan Surat Izin Kerja Radiografer "
            f"(SIKR) Nomor {ctx.old_permit_no} tanggal {tgl(ctx.old_permit_date)}, agar "
            f"saya tetap dapat melaksanakan pekerjaan sebagai Radiografer di {a.workplace}, "
            f"{a.workplace_address}."
        )
    else:
        body = (
            f"Dengan ini mengajukan permohonan baru Surat Izin Kerja Radiografer (SIKR) "
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
    fam = r.choice(LETTER_FAMILIES)
    size = r.choice((11.0, 11.5, 12.0))
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
        "(PPNI) KOTA PEKANBARU",
        "DPD-PPNI/PKU",
        "Ketua DPD PPNI Kota Pekanbaru",
        "PPNI",
    ),
    (
        "PENGURUS CABANG",
        "IKATAN BIDAN INDONESIA",
        "(IBI) KOTA PEKANBARU",
        "PC-IBI/PKU",
        "Ketua Pengurus Cabang IBI Kota Pekanbaru",
        "IBI",
    ),
    (
        "PENGURUS DAERAH",
        "IKATAN APOTEKER INDONESIA",
        "(IAI) PROVINSI RIAU",
        "PD-IAI/RIAU",
        "Ketua Pengurus Daerah IAI Provinsi Riau",
        "IAI",
    ),
    (
        "DEWAN PENGURUS WILAYAH",
        "PERSATUAN AHLI TEKNOLOGI LABORATORIUM MEDIK INDONESIA",
        "(PATELKI) PROVINSI RIAU",
        "DPW-PATELKI/RIAU",
        "Ketua DPW PATELKI Provinsi Riau",
        "PATELKI",
    ),
    (
        "PENGURUS DAERAH",
        "IKATAN FISIOTERAPI INDONESIA",
        "(IFI) PROVINSI RIAU",
        "PD-IFI/RIAU",
        "Ketua Pengurus Daerah IFI Provinsi Riau",
        "IFI",
    ),
)


def rekomendasi_organisasi_profesi(ctx: Ctx) -> Document:
    r = ctx.rng
    p = ctx.person("rekomendasi_organisasi_profesi")
    date = ctx.before(5, 30)
    page, flow = ctx.letter()
    other = "rekomendasi_other_body" in ctx.defects
    if other:
        level, body, region, code, chair, abbr = r.choice(OTHER_BODIES)
        lines = [(level, 12.0, True), (body, 13.0, True), (region, 12.0, True)]
        stamp_top, stamp_bottom = body, region.strip("()").replace(") ", " ")
        member = f"Anggota {abbr}"
    else:
        level, region, code, chair = r.choice(PARI_UNITS)
        lines = [
            (level, 12.0, True),
            ("PERHIMPUNAN RADIOGRAFER INDONESIA (PARI)", 13.5, True),
            (region, 12.0, True),
        ]
        stamp_top, stamp_bottom = "PERHIMPUNAN RADIOGRAFER INDONESIA", f"{level} {region}"
        member = "Anggota PARI"
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
        KV(
            [
                ("Nama", p.full_name),
                ("Tempat/Tgl. Lahir", _ttl(p.birth_place, p.birth_date)),
                ("Nomor STR", p.str_number),
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
# 7. Surat keterangan sehat
# --------------------------------------------------------------------------------------------
def sip_number(r: random.Random, year: int) -> str:
    n = r.randint(1, 2999)
    return r.choice(
        (
            f"503/SIP-DU/{n}/DPMPTSP/{year}",
            f"446/DPMPTSP/SIP-D/{n:04d}/{year}",
            f"SIP.503/{n}/DPMPTSP-PKU/{year}",
            f"1471/SIP-DU/{n:04d}/{year}",
            f"503/DPMPTSP/IZIN-SIPD/{n}/{year}",
        )
    )


def surat_keterangan_sehat(ctx: Ctx) -> Document:
    r = ctx.rng
    p = ctx.person("surat_keterangan_sehat")
    date = ctx.before(3, 40)
    no_sip = "sehat_no_sip" in ctx.defects
    doctor = r.choice(DOCTORS)
    sip = sip_number(r, r.randint(date.year - 4, date.year))
    sip_label = r.choice(("SIP", "SIP.", "No. SIP", "Nomor SIP"))
    sip_line = f"{sip_label}: {sip}" if sip_label != "SIP." else f"SIP. {sip}"
    page, flow = ctx.letter()
    kind = (
        r.choice(("puskesmas", "klinik", "praktik"))
        if not no_sip
        else r.choice(("puskesmas", "klinik"))
    )
    if kind == "puskesmas":
        pk = r.choice(
            (
                "REJOSARI",
                "SIMPANG TIGA",
                "SIDOMULYO",
                "PAYUNG SEKAKI",
                "GARUDA",
                "HARAPAN RAYA",
                "MUARA FAJAR",
                "SAIL",
            )
        )
        kop(
            page,
            flow,
            r,
            [
                ("PEMERINTAH KOTA PEKANBARU", 12.0, True),
                ("DINAS KESEHATAN", 13.0, True),
                (f"UPT PUSKESMAS {pk}", 14.0, True),
            ],
            [
                f"Jl. {r.choice(('Tenaga', 'Kaharuddin Nasution', 'Kamboja', 'Garuda', 'Sail'))} "
                f"No. {r.randint(1, 80)} Pekanbaru, Email: puskesmas{pk.lower().replace(' ', '')}"
                f"@gmail.com"
            ],
            logo="boat",
            logo_color=(150, 110, 20),
        )
        stamp = ("UPT PUSKESMAS " + pk, "KOTA PEKANBARU")
    elif kind == "klinik":
        kl = r.choice(
            (
                "KLINIK PRATAMA SEHAT BERSAMA",
                "KLINIK PRATAMA ANUGRAH MEDIKA",
                "KLINIK UTAMA CITRA MEDIKA",
                "KLINIK PRATAMA MITRA KELUARGA",
            )
        )
        kop(
            page,
            flow,
            r,
            [(kl, 15.0, True), ("PELAYANAN KESEHATAN UMUM", 11.0, False)],
            [
                f"Jl. {r.choice(('Arifin Achmad', 'Tuanku Tambusai', 'HR. Soebrantas', 'Riau'))} "
                f"No. {r.randint(1, 200)}, Pekanbaru. Telp. (0761) {r.randint(20000, 79999)}"
            ],
            logo="cross",
            logo_color=(20, 120, 60),
        )
        stamp = (kl, "PEKANBARU")
    else:
        kop(
            page,
            flow,
            r,
            [("PRAKTIK DOKTER UMUM", 13.0, True), (doctor, 15.0, True)],
            [
                sip_line,
                f"Jl. {r.choice(('Paus', 'Durian', 'Delima', 'Rambutan'))} No. "
                f"{r.randint(1, 90)} Pekanbaru - Praktik: Senin s/d Sabtu 17.00-21.00",
            ],
            logo="cross",
            logo_color=(20, 120, 60),
        )
        stamp = (f"PRAKTIK {doctor.upper()}", "PEKANBARU")
    no = f"{r.randint(1, 999):03d}/SKS/{roman_month(date)}/{date.year}"
    age = (date - p.birth_date).days // 365
    intro = (
        f"Yang bertanda tangan di bawah ini, {doctor}, "
        + ("" if no_sip else f"Surat Izin Praktik (SIP) Nomor {sip}, ")
        + "menerangkan bahwa telah melakukan pemeriksaan kesehatan terhadap:"
    )
    bb = r.randint(45, 85)
    tb = r.randint(150, 180)
    rows = [
        ("Nama", p.full_name if r.random() < 0.5 else p.name),
        ("Umur", f"{age} tahun"),
        ("Jenis Kelamin", p.sex_word),
        ("Pekerjaan", "Radiografer"),
        ("Alamat", p.address),
    ]
    exam = [
        ("Tinggi Badan", f"{tb} cm"),
        ("Berat Badan", f"{bb} kg"),
        ("Tekanan Darah", f"{r.randint(105, 130)}/{r.randint(70, 85)} mmHg"),
        ("Nadi", f"{r.randint(64, 92)} x/menit"),
        ("Buta Warna", "Tidak"),
    ]
    blocks: list[Block] = [
        Text(
            "SURAT KETERANGAN SEHAT",
            align="center",
            bold=True,
            underline=True,
            size=flow.size + 2,
            after=0,
        ),
        Text(f"Nomor: {no}", align="center", after=5),
        Text(intro, align=r.choice(("justify", "left")), after=2),
        KV(rows, label_w=38, indent=5, after=2),
        Text("Hasil pemeriksaan:", after=1),
        KV(exam, label_w=38, indent=5, after=3),
        Text(
            "Berdasarkan hasil pemeriksaan tersebut, yang bersangkutan dinyatakan dalam "
            "keadaan SEHAT JASMANI DAN ROHANI.",
            align=r.choice(("justify", "left")),
            after=2,
        ),
        Text(
            "Surat keterangan ini diberikan untuk memenuhi persyaratan pengurusan Surat Izin "
            "Kerja Radiografer.",
            align="left",
            after=2,
        ),
        Text(
            "Demikian surat keterangan ini dibuat untuk dapat dipergunakan sebagaimana mestinya.",
            after=5,
        ),
    ]
    below = [] if no_sip else [sip_line]
    if no_sip and r.random() < 0.6:
        below = [f"NIP. {nip(r)}"]
    blocks.append(
        Sign(
            [f"Pekanbaru, {tgl(date)}", "Dokter Pemeriksa,"],
            doctor,
            below,
            col=0.5,
            gap=22,
            width=80,
        )
    )
    flow.run(blocks)
    _stamp_on(ctx, page, flow, stamp[0], stamp[1])
    return Document("surat_keterangan_sehat", [_finish(page, flow)])


# --------------------------------------------------------------------------------------------
# 8. Surat pernyataan memiliki tempat kerja
# --------------------------------------------------------------------------------------------
DIRECTORS = (
    "dr. H. Asnawi, Sp.PD, MARS",
    "dr. Yulfa Ananda, MARS",
    "dr. Arnaldo, M.Kes",
    "dr. Hj. Desy Ariani, M.Kes",
    "drg. Ferry Andrian, MARS",
    "dr. Riza Faisal, MM",
)


def surat_pernyataan_tempat_kerja(ctx: Ctx) -> Document:
    r = ctx.rng
    p = ctx.person("surat_pernyataan_tempat_kerja")
    date = ctx.before(1, 25)
    page, flow = ctx.letter()
    since = ctx.app.graduation.replace(day=1)
    since = since.replace(year=min(since.year + r.randint(0, 3), date.year - 1))
    director = r.choice(DIRECTORS)
    boss = (
        r.choice(("Direktur", "Kepala", "Pimpinan"))
        if not p.workplace.startswith("Puskesmas")
        else "Kepala"
    )
    if r.random() < 0.55:  # by the applicant, countersigned
        blocks: list[Block] = [
            Text(
                "SURAT PERNYATAAN",
                align="center",
                bold=True,
                underline=True,
                size=flow.size + 2,
                after=0,
            ),
            Text(
                "MEMILIKI TEMPAT KERJA DI FASILITAS PELAYANAN KESEHATAN",
                align="center",
                bold=True,
                after=6,
            )
            if r.random() < 0.6
            else Space(4),
            Text("Yang bertanda tangan di bawah ini:", after=2),
            KV(
                [
                    ("Nama", p.full_name),
                    ("NIK", p.nik),
                    ("Tempat/Tgl. Lahir", _ttl(p.birth_place, p.birth_date)),
                    ("Alamat", p.address),
                    ("Jabatan", "Radiografer"),
                ],
                label_w=40,
                indent=5,
                after=3,
            ),
            Text(
                f"Dengan ini menyatakan dengan sesungguhnya bahwa saya benar bekerja sebagai "
                f"Radiografer di {p.workplace}, {p.workplace_address}, sejak {tgl(since)} "
                f"sampai dengan sekarang.",
                align=r.choice(("justify", "left")),
                first=r.choice((0.0, 10.0)),
                after=3,
            ),
            Text(
                "Demikian surat pernyataan ini saya buat dengan sebenar-benarnya tanpa ada "
                "paksaan dari pihak manapun, dan apabila di kemudian hari pernyataan ini "
                "tidak benar, saya bersedia menerima sanksi sesuai ketentuan peraturan "
                "perundang-undangan yang berlaku.",
                align=r.choice(("justify", "left")),
                first=r.choice((0.0, 10.0)),
                after=5,
            ),
            Text(f"Pekanbaru, {tgl(date)}", align="right", after=2),
            Signs(
                [
                    Sign(
                        ["Mengetahui,", f"{boss} {p.workplace}"],
                        director,
                        col=0.0,
                        width=80,
                        gap=24,
                        key="boss",
                        below=[] if r.random() < 0.5 else [f"NIP. {nip(r)}"],
                    ),
                    Sign(
                        ["", "Yang membuat pernyataan,"],
                        p.full_name,
                        col=0.56,
                        width=72,
                        gap=24,
                        materai=r.random() < 0.8,
                        key="me",
                    ),
                ]
            ),
        ]
        flow.run(blocks)
        _stamp_on(ctx, page, flow, p.workplace.upper(), "PEKANBARU", key="boss")
    else:  # by the facility, on its letterhead
        kop(
            page,
            flow,
            r,
            [(p.workplace.upper(), 15.0, True)],
            [
                f"{p.workplace_address}",
                f"Telp. (0761) {r.randint(20000, 89999)} "
                f"Email: info@{p.workplace.split()[1].lower()}.co.id",
            ],
            logo=r.choice(("cross", "shield", "star")),
            logo_color=r.choice(((20, 110, 60), (20, 60, 140), (170, 30, 30))),
        )
        no = f"{r.randint(10, 999):03d}/{r.choice(('SDM', 'DIR', 'TU'))}/{roman_month(date)}/{date.year}"  # noqa: E501
        blocks = [
            Text(
                "SURAT PERNYATAAN",
                align="center",
                bold=True,
                underline=True,
                size=flow.size + 2,
                after=0,
            ),
            Text(f"Nomor: {no}", align="center", after=5),
            Text("Yang bertanda tangan di bawah ini:", after=2),
            KV(
                [("Nama", director), ("Jabatan", f"{boss} {p.workplace}")],
                label_w=35,
                indent=5,
                after=2,
            ),
            Text("dengan ini menyatakan bahwa:", after=2),
            KV(
                [
                    ("Nama", p.full_name),
                    ("NIK", p.nik),
                    ("Tempat/Tgl. Lahir", _ttl(p.birth_place, p.birth_date)),
                    ("Nomor STR", p.str_number),
                    ("Jabatan", "Radiografer"),
                ],
                label_w=35,
                indent=5,
                after=3,
            ),
            Text(
                f"adalah benar tenaga kesehatan yang bekerja sebagai Radiografer pada Instalasi "
                f"Radiologi {p.workplace} sejak {tgl(since)} sampai dengan saat ini. Surat "
                f"pernyataan ini dibuat sebagai salah satu persyaratan permohonan Surat Izin "
                f"Kerja Radiografer.",
                align=r.choice(("justify", "left")),
                after=3,
            ),
            Text(
                "Demikian surat pernyataan ini dibuat dengan sebenarnya untuk dapat "
                "dipergunakan sebagaimana mestinya.",
                after=5,
            ),
            Sign(
                [f"Pekanbaru, {tgl(date)}", f"{boss},"],
                director,
                col=0.5,
                gap=24,
                width=80,
                materai=r.random() < 0.3,
            ),
        ]
        flow.run(blocks)
        _stamp_on(ctx, page, flow, p.workplace.upper(), "PEKANBARU")
    return Document("surat_pernyataan_tempat_kerja", [_finish(page, flow)])


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
        gov, region, addr, city = r.choice(DINKES_OTHER)
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
        [(gov, 13.0, True), ("DINAS KESEHATAN", 16.0, True)],
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
    blocks: list[Block] = []
    if layout < 0.5:
        blocks += [
            Text(f"{city.title()}, {tgl(date)}", align="right", after=2),
            KV(
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
        KV(
            [
                ("Nama", p.full_name),
                ("Tempat/Tgl. Lahir", _ttl(p.birth_place, p.birth_date)),
                ("Nomor STR", p.str_number),
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


# --------------------------------------------------------------------------------------------
# 10. Surat izin (SIKR) asli
# --------------------------------------------------------------------------------------------
def surat_izin_asli(ctx: Ctx) -> Document:
    r = ctx.rng
    a = ctx.app
    date = ctx.old_permit_date
    page, flow = ctx.letter(family=r.choice((*SERIF, "liberation_sans")), size_mm=(210, 297))
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
        KV(
            [
                ("Nama", a.full_name),
                ("Tempat/Tgl. Lahir", _ttl(a.birth_place, a.birth_date)),
                ("Jenis Kelamin", a.sex_word),
                ("Alamat", a.address),
                ("Nomor STR", ctx.old_str_number or a.str_number),
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
