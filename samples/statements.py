"""The health certificate (surat keterangan sehat) and the workplace statement."""

from __future__ import annotations

import random

from .applicant import Applicant
from .common import roman_month, tgl
from .docbase import Ctx, Document
from .layout import Block, Sign, Signs, Space, Text, kop
from .letterbase import DOCTORS, _finish, _stamp_on, nip
from .styles import HELDOUT
from .wording import birth_label, name_label, nik_label, str_label, str_printed, table_style, ttl


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
    ts = table_style(ctx)
    rows = [
        (name_label(ctx), p.full_name if r.random() < 0.5 else p.name),
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
        ts.kv(rows, label_w=38, indent=5, after=2),
        Text("Hasil pemeriksaan:", after=1),
        ts.kv(exam, label_w=38, indent=5, after=3),
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
    ts = table_style(ctx)
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
            ts.kv(
                [
                    (name_label(ctx), p.full_name),
                    (nik_label(ctx), p.nik),
                    (birth_label(ctx), ttl(ctx, p.birth_place, p.birth_date)),
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
            ts.kv(
                [("Nama", director), ("Jabatan", f"{boss} {p.workplace}")],
                label_w=35,
                indent=5,
                after=2,
            ),
            Text("dengan ini menyatakan bahwa:", after=2),
            ts.kv(
                [
                    (name_label(ctx), p.full_name),
                    (nik_label(ctx), statement_nik(ctx, p)),
                    (birth_label(ctx), ttl(ctx, p.birth_place, p.birth_date)),
                    (str_label(ctx), str_printed(ctx, p.str_number)),
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


def statement_nik(ctx: Ctx, p: Applicant) -> str:
    """The NIK the applicant writes in the work-place statement: in the held-out family a
    wrong NIK (the ``nik_mismatch`` defect) is copied into both letters the applicant
    writes, as people do, so the card alone disagrees."""
    if ctx.family == HELDOUT and p is ctx.app:
        return ctx.letter_nik
    return p.nik
