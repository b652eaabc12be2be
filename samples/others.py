"""Pages that are not part of the requirements: receipts, bank slips, newspaper pages,
brochures, family-card notes; and blank pages."""

from __future__ import annotations

import random

from PIL import Image

from .common import SERIF, font, terbilang, tgl, tgl_num
from .docbase import Ctx, DocPage, Document
from .draw import INK, apply_ink, round_stamp
from .layout import KV, Items, Page, Rule, Sign, Space, Text, kop, wrap
from .scan import blank_page, photocopy

NEWS_SUBJECTS = (
    "Pemerintah Kota Pekanbaru",
    "Dinas Pekerjaan Umum",
    "warga Kecamatan Tampan",
    "pedagang Pasar Pusat",
    "Wali Kota",
    "DPRD Kota Pekanbaru",
    "Satpol PP",
    "Badan Penanggulangan Bencana Daerah",
    "para petani sawit",
    "mahasiswa Unri",
)
NEWS_VERBS = (
    "meninjau",
    "membahas",
    "meresmikan",
    "mengeluhkan",
    "menyiapkan",
    "mengevaluasi",
    "mendukung",
    "menertibkan",
    "memperbaiki",
    "menyosialisasikan",
)
NEWS_OBJECTS = (
    "perbaikan jalan di Jalan Soekarno Hatta",
    "genangan air saat hujan deras",
    "harga cabai yang terus naik",
    "program vaksinasi anak sekolah",
    "pembangunan jembatan Siak",
    "pasar murah menjelang Ramadan",
    "penataan pedagang kaki lima",
    "kualitas udara akibat kabut asap",
    "festival budaya Melayu",
    "layanan bus Trans Metro Pekanbaru",
)
NEWS_TAILS = (
    "pada Senin pagi.",
    "di kantor Wali Kota.",
    "bersama instansi terkait.",
    "dalam rapat kerja pekan lalu.",
    "sesuai anggaran tahun ini.",
    "agar masyarakat merasa nyaman.",
    "hingga akhir bulan depan.",
    "dengan melibatkan warga setempat.",
)
HEADLINES = (
    "Jalan Rusak Dikeluhkan Warga Panam",
    "Harga Sembako Mulai Stabil",
    "Kabut Asap, Sekolah Diliburkan Sementara",
    "Pemko Tata Ulang Pasar Tradisional",
    "Bus Trans Metro Tambah Koridor Baru",
    "Festival Melayu Meriahkan Akhir Pekan",
)


def _sentence(r: random.Random) -> str:
    return (
        f"{r.choice(NEWS_SUBJECTS).capitalize()} {r.choice(NEWS_VERBS)} "
        f"{r.choice(NEWS_OBJECTS)} {r.choice(NEWS_TAILS)}"
    )


def newspaper(ctx: Ctx) -> Image.Image:
    r = ctx.rng
    page = Page(ctx.dpi)
    W, H = page.size
    mx = page.px(12)
    fm = font(r.choice(SERIF), page.pt(40), bold=True)
    name = r.choice(("RIAU POS", "TRIBUN PEKANBARU", "HALUAN RIAU", "POSMETRO PEKANBARU"))
    page.draw.text(((W - fm.getlength(name)) / 2, page.px(10)), name, font=fm, fill=INK)
    fs = font("liberation_sans", page.pt(8))
    date = ctx.before(10, 200)
    page.draw.text(
        (mx, page.px(30)), f"{tgl(date).upper()}  |  HALAMAN {r.randint(2, 24)}", font=fs, fill=INK
    )
    page.draw.rectangle([mx, page.px(35), W - mx, page.px(36)], fill=INK)
    cols = r.choice((3, 4, 5))
    gap = page.px(5)
    cw = (W - 2 * mx - (cols - 1) * gap) / cols
    fb = font(r.choice(SERIF), page.pt(8.5))
    fh = font("liberation_sans", page.pt(16), bold=True)
    y_top = page.px(40)
    head = r.choice(HEADLINES)
    page.draw.text((mx, y_top), head, font=fh, fill=INK)
    y_top += page.px(12)
    ph = 0
    if r.random() < 0.6:  # a grey "photo" block
        ph = page.px(r.uniform(45, 70))
        page.draw.rectangle([mx, y_top, mx + 2 * cw + gap, y_top + ph], fill=(120, 120, 120))
        for _ in range(40):
            x0 = mx + r.uniform(0, 2 * cw)
            y0 = y_top + r.uniform(0, ph)
            page.draw.ellipse(
                [x0, y0, x0 + r.uniform(10, 80), y0 + r.uniform(10, 60)],
                fill=tuple([r.randint(60, 200)] * 3),
            )
    for c in range(cols):
        x = mx + c * (cw + gap)
        y = y_top + (ph + page.px(4) if c < 2 and ph else 0)
        text = " ".join(_sentence(r) for _ in range(60))
        for ln in wrap(text, fb, cw):
            if y > H - page.px(15):
                break
            page.draw.text((x, y), ln, font=fb, fill=INK)
            y += int(fb.size * 1.25)
    return photocopy(page.img, r) if r.random() < 0.5 else page.img


def receipt(ctx: Ctx) -> Image.Image:
    r = ctx.rng
    page, flow = ctx.letter(size=11.0)
    amount = r.choice((25_000, 50_000, 75_000, 100_000, 150_000, 250_000))
    purpose = r.choice(
        (
            "Biaya fotokopi dan penjilidan berkas",
            "Biaya legalisir dokumen",
            "Iuran anggota tahun berjalan",
            "Pembayaran jasa pengetikan",
            "Biaya cetak pas foto",
            "Pembelian alat tulis kantor",
        )
    )
    date = ctx.before(3, 60)
    shop = r.choice(
        ("FOTOCOPY BERKAH JAYA", "TOKO ATK SINAR MAS", "CV. MITRA ABADI", "FOTO STUDIO CAHAYA")
    )
    flow.run(
        [
            Text(shop, align="center", bold=True, size=15, after=0),
            Text(
                f"Jl. {r.choice(('Sudirman', 'Nangka', 'Paus', 'Riau'))} No. {r.randint(1, 300)} "
                f"Pekanbaru - HP {ctx.app.phone[:4]}-{r.randint(1000, 9999)}-"
                f"{r.randint(1000, 9999)}",
                align="center",
                size=9,
                after=2,
            ),
            Rule(double=True),
            Text("KWITANSI", align="center", bold=True, underline=True, size=16, after=2),
            Text(f"No. {r.randint(1, 999):04d}", align="right", after=3),
            KV(
                [
                    ("Sudah terima dari", ctx.app.name),
                    ("Uang sejumlah", f"{terbilang(amount).capitalize()} rupiah"),
                    ("Untuk pembayaran", purpose),
                ],
                label_w=42,
                after=6,
            ),
            Text(f"Rp {amount:,}".replace(",", ".") + ",-", bold=True, size=16, after=4),
            Sign(
                [f"Pekanbaru, {tgl(date)}", "Penerima,"],
                r.choice(("Yanti", "Hendra", "Asril")),
                col=0.55,
                gap=18,
                underline=False,
            ),
        ]
    )
    if r.random() < 0.6:
        m = round_stamp(ctx.dpi, r, shop, "PEKANBARU")
        x0, y0, x1, y1 = flow.marks["sign"]
        apply_ink(page.img, m, (x0 + (x1 - x0) // 3, (y0 + y1) // 2), (40, 60, 160), 0.8, r)
    # receipts are small: crop the top half of the sheet
    img = page.img.crop((0, 0, page.size[0], min(page.size[1], flow.y + page.px(15))))
    full = Page(ctx.dpi).img
    full.paste(img, (0, 0))
    return full


def bank_slip(ctx: Ctx) -> Image.Image:
    r = ctx.rng
    page, flow = ctx.letter(family="liberation_sans", size=10.0, margins=(15, 15, 15, 15))
    bank = r.choice(
        (
            "BANK RIAU KEPRI SYARIAH",
            "BANK RAKYAT INDONESIA",
            "BANK MANDIRI",
            "BANK NEGARA INDONESIA",
        )
    )
    date = ctx.before(3, 60)
    amount = r.choice((150_000, 500_000, 1_250_000, 2_000_000))
    kop(
        page,
        flow,
        r,
        [(bank, 14.0, True), ("SLIP SETORAN / DEPOSIT SLIP", 11.0, True)],
        [
            f"Kantor Cabang Pekanbaru "
            f"{r.choice(('Sudirman', 'Panam', 'Arengka', 'Tuanku Tambusai'))}"
        ],
        logo="star",
        logo_color=(20, 70, 150),
        family="liberation_sans",
    )
    flow.run(
        [
            KV(
                [
                    ("Tanggal", tgl_num(date, "/")),
                    ("Nama Penyetor", ctx.app.name.upper()),
                    (
                        "No. Rekening Tujuan",
                        f"{r.randint(100, 999)}-{r.randint(10, 99)}-{r.randint(100000, 999999)}",
                    ),
                    (
                        "Nama Pemilik Rekening",
                        r.choice(
                            (
                                "KOPERASI KARYAWAN RS",
                                "YAYASAN PENDIDIKAN",
                                "PARI PENGDA RIAU",
                                "CV. MITRA ABADI",
                            )
                        ),
                    ),
                    ("Jumlah Setoran", f"Rp {amount:,}".replace(",", ".")),
                    ("Terbilang", f"{terbilang(amount).capitalize()} rupiah"),
                    ("Berita", r.choice(("Iuran anggota", "Pembayaran seminar", "Cicilan", "-"))),
                ],
                label_w=50,
                after=4,
            ),
            Items(["Lembar 1 untuk Bank", "Lembar 2 untuk Penyetor"], style="dash", after=6),
            Text(
                f"Teller: {r.randint(100, 999)}   Ref: {r.randint(10**9, 10**10 - 1)}",
                family="liberation_mono",
                size=9,
                after=2,
            ),
        ]
    )
    img = page.img.crop((0, 0, page.size[0], flow.y + page.px(10)))
    full = Page(ctx.dpi).img
    full.paste(img, (0, page.px(r.uniform(0, 60))))
    return full


def family_card_note(ctx: Ctx) -> Image.Image:
    r = ctx.rng
    a = ctx.app
    page, flow = ctx.letter(size=10.5, size_mm=(210, 297))
    flow.run(
        [
            Text("KARTU KELUARGA", align="center", bold=True, size=16, after=0),
            Text(
                f"No. 1471{a.nik[4:6]}{r.randint(10**9, 10**10 - 1)}",
                align="center",
                bold=True,
                after=4,
            ),
            KV(
                [
                    (
                        "Nama Kepala Keluarga",
                        a.name.upper()
                        if a.sex == "L"
                        else r.choice(("HENDRA GUNAWAN", "SYAFRIL", "AHMAD DAHLAN")),
                    ),
                    ("Alamat", a.street.upper()),
                    ("RT/RW", a.rt_rw),
                    ("Desa/Kelurahan", a.kelurahan.upper()),
                    ("Kecamatan", a.kecamatan.upper()),
                    ("Kabupaten/Kota", "PEKANBARU"),
                    ("Provinsi", "RIAU"),
                ],
                label_w=50,
                after=4,
            ),
            Text(
                "Catatan: salinan Kartu Keluarga ini dilampirkan hanya sebagai keterangan "
                "tambahan domisili pemohon.",
                italic=True,
                after=3,
            ),
            Items(
                [
                    f"{a.name.upper()} - {a.nik} - {'LAKI-LAKI' if a.sex == 'L' else 'PEREMPUAN'}",
                    f"{r.choice(('SITI AMINAH', 'NURHAYATI', 'ROSMAWATI'))} - 1471{a.nik[4:6]}"
                    f"{r.randint(41, 71)}0{r.randint(1, 9)}{r.randint(60, 85)}"
                    f"{r.randint(1, 2999):04d}"
                    f" - PEREMPUAN",
                ],
                after=4,
            ),
        ]
    )
    return photocopy(page.img, r)


def brochure(ctx: Ctx) -> Image.Image:
    r = ctx.rng
    page, flow = ctx.letter(family=r.choice(("dejavu_sans", "liberation_sans")), size=13.0)
    topic = r.choice(
        (
            (
                "CEGAH DEMAM BERDARAH",
                [
                    "Menguras tempat penampungan air",
                    "Menutup rapat tempat air",
                    "Mendaur ulang barang bekas",
                    "Memakai lotion anti nyamuk",
                ],
            ),
            (
                "AYO CUCI TANGAN PAKAI SABUN",
                [
                    "Basahi tangan dengan air mengalir",
                    "Gosok sela-sela jari",
                    "Bilas hingga bersih",
                    "Keringkan dengan tisu",
                ],
            ),
            (
                "GERMAS: GERAKAN MASYARAKAT HIDUP SEHAT",
                [
                    "Melakukan aktivitas fisik",
                    "Makan buah dan sayur",
                    "Memeriksa kesehatan secara berkala",
                    "Tidak merokok",
                ],
            ),
        )
    )
    flow.run(
        [
            Space(10),
            Text(topic[0], align="center", bold=True, size=22, after=8),
            Items(topic[1], style="bullet", indent=15, after=10),
            Text("Informasi lebih lanjut hubungi Puskesmas terdekat.", align="center", italic=True),
        ]
    )
    return page.img


OTHER_KINDS = ("receipt", "bank_slip", "newspaper", "family_card_note", "brochure")


def other_doc(ctx: Ctx, kind: str | None = None) -> Document:
    kind = kind or ctx.rng.choice(OTHER_KINDS)
    img = {
        "receipt": receipt,
        "bank_slip": bank_slip,
        "newspaper": newspaper,
        "family_card_note": family_card_note,
        "brochure": brochure,
    }[kind](ctx)
    return Document("other", [DocPage(img)], meta={"kind": kind})


def blank_doc(ctx: Ctx, bleed_from: Image.Image | None = None) -> Document:
    r = ctx.rng
    bleed = bleed_from if (bleed_from is not None and r.random() < 0.6) else None
    return Document("blank", [DocPage(blank_page(r, ctx.dpi, bleed=bleed))])


__all__ = ["OTHER_KINDS", "blank_doc", "other_doc"]
