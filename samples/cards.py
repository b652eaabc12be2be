"""Copies of identity and qualification documents: KTP, pas foto, ijazah (the STR is in
:mod:`samples.strcard`), plus the wet legalization (stamp + signature) put on the copies."""

from __future__ import annotations

import datetime as dt

from PIL import Image, ImageDraw

from .common import font, rand_date, tgl, tgl_num
from .docbase import Ctx, DocPage, Document
from .draw import (
    INK,
    apply_ink,
    emblem,
    guilloche,
    photo_frame,
    round_stamp,
    stamp_signature_mask,
)
from .layout import Flow, Page, Sign, Signs, Text
from .legalize import LEGAL_OFFICERS, legalize
from .letterbase import nip
from .photos import id_photo, pas_foto
from .scan import photocopy
from .wording import birth_label, card_font, table_style, ttl

SCHOOLS = (
    # (institution, parent line, city, program, department)
    (
        "POLITEKNIK KESEHATAN KEMENKES JAKARTA II",
        "KEMENTERIAN KESEHATAN REPUBLIK INDONESIA",
        "Jakarta",
        "Diploma III Teknik Radiodiagnostik dan Radioterapi",
        "Jurusan Teknik Radiodiagnostik dan Radioterapi",
    ),
    (
        "POLITEKNIK KESEHATAN KEMENKES SEMARANG",
        "KEMENTERIAN KESEHATAN REPUBLIK INDONESIA",
        "Semarang",
        "Diploma III Teknik Radiodiagnostik dan Radioterapi",
        "Jurusan Teknik Radiodiagnostik dan Radioterapi",
    ),
    (
        "AKADEMI TEKNIK RADIODIAGNOSTIK DAN RADIOTERAPI",
        "YAYASAN PENDIDIKAN KESEHATAN NUSANTARA",
        "Jakarta",
        "Diploma III Teknik Radiodiagnostik dan Radioterapi",
        "",
    ),
    (
        "UNIVERSITAS AWAL BROS",
        "YAYASAN AWAL BROS",
        "Pekanbaru",
        "Diploma III Radiologi",
        "Fakultas Ilmu Kesehatan",
    ),
    (
        "SEKOLAH TINGGI ILMU KESEHATAN AWAL BROS PEKANBARU",
        "YAYASAN AWAL BROS",
        "Pekanbaru",
        "Diploma III Radiologi",
        "",
    ),
    (
        "UNIVERSITAS BAITURRAHMAH",
        "YAYASAN PENDIDIKAN BAITURRAHMAH",
        "Padang",
        "Diploma III Radiologi",
        "Fakultas Vokasi",
    ),
)
DEGREES = {
    "A.Md.Rad": "Ahli Madya Radiologi (A.Md.Rad)",
    "A.Md.Kes": "Ahli Madya Kesehatan (A.Md.Kes)",
    "S.Tr.Kes": "Sarjana Terapan Kesehatan (S.Tr.Kes)",
}
PROGRAM_D4 = "Sarjana Terapan Teknologi Radiologi Pencitraan"


#: darker inks than the round stamps: legalization text must stay legible
def _job(a) -> str:
    return (
        "KARYAWAN SWASTA"
        if "Puskesmas" not in a.workplace and "RSUD" not in a.workplace
        else "PEGAWAI NEGERI SIPIL"
    )


#: Rows of a KTP in print order, per card layout. The e-KTP (since 2011) is the dominant
#: form; older cards (KTP nasional, SIAK) still circulate with their own order, the blood
#: group on its own row and a validity date instead of "SEUMUR HIDUP".
KTP_LAYOUTS: dict[str, dict[str, object]] = {
    "ektp": {
        "rows": (
            "nama",
            "ttl",
            "jk_gol",
            "alamat",
            "rtrw",
            "kel",
            "kec",
            "agama",
            "status",
            "kerja",
            "wn",
            "berlaku",
        ),
        "photo_left": False,
        "electronic": True,
        "tone": (214, 232, 242),
    },
    "old_siak": {  # tuning: blood group on its own row, validity a date
        "rows": (
            "nama",
            "ttl",
            "jk",
            "gol",
            "alamat",
            "rtrw",
            "kel",
            "kec",
            "agama",
            "status",
            "kerja",
            "wn",
            "berlaku",
        ),
        "photo_left": False,
        "electronic": False,
        "tone": (236, 230, 206),
    },
    "old_left": {  # held-out: photo left, sex before birth, blood group near the end
        "rows": (
            "nama",
            "jk",
            "ttl",
            "alamat",
            "rtrw",
            "kel",
            "kec",
            "agama",
            "status",
            "kerja",
            "gol",
            "wn",
            "berlaku",
        ),
        "photo_left": True,
        "electronic": False,
        "tone": (228, 236, 222),
    },
}


def _ktp_rows(ctx: Ctx, layout: dict[str, object], blood: str) -> list[tuple[str, str]]:
    """(label, value) rows of a KTP in the layout's order (labels as printed on the card)."""
    r, a = ctx.rng, ctx.app
    rt, rw = a.rt_rw.split("/")
    sex = "LAKI-LAKI" if a.sex == "L" else "PEREMPUAN"
    until = "SEUMUR HIDUP"
    if not layout["electronic"]:
        until = tgl_num(rand_date(r, dt.date(2009, 1, 1), dt.date(2016, 12, 31)))
    rows = {
        "nama": ("Nama", a.name.upper()),
        "ttl": ("Tempat/Tgl Lahir", f"{a.birth_place.upper()}, {tgl_num(a.birth_date)}"),
        "jk_gol": ("Jenis Kelamin", sex),
        "jk": ("Jenis Kelamin", sex),
        "gol": ("Gol. Darah", blood),
        "alamat": ("Alamat", a.street.upper()),
        "rtrw": ("   RT/RW", f"{rt}/{rw}"),
        "kel": ("   Kel/Desa", a.kelurahan.upper()),
        "kec": ("   Kecamatan", a.kecamatan.upper()),
        "agama": ("Agama", a.religion),
        "status": ("Status Perkawinan", "KAWIN" if a.married else "BELUM KAWIN"),
        "kerja": ("Pekerjaan", _job(a)),
        "wn": ("Kewarganegaraan", "WNI"),
        "berlaku": ("Berlaku Hingga", until),
    }
    return [rows[k] for k in layout["rows"]]  # type: ignore[attr-defined]


def _fit(fam: str, size: int, s: str, width: float, bold: bool = False):
    """The font of ``fam`` at ``size`` px or smaller so that ``s`` fits ``width``."""
    f = font(fam, size, bold=bold)
    while f.getlength(s) > width and f.size > 6:
        f = font(fam, f.size - 1, bold=bold)
    return f


def _card_ground(card: Page, r, tone: tuple[int, int, int]) -> None:
    """The card's printed background: a gradient and guilloche lines."""
    W, H = card.size
    for i in range(H):
        t = i / H
        col = (int(tone[0] - 14 + 40 * t), int(tone[1] - 7 + 20 * t), int(tone[2] - 2 - 5 * t))
        card.draw.line([(0, i), (W, i)], fill=tuple(min(255, c) for c in col))
    dim = tuple(c - 60 for c in tone)
    guilloche(card, (0, 0, W, H), r, dim, n=30)  # type: ignore[arg-type]
    guilloche(card, (0, int(H * 0.3), W, H), r, tuple(c - 35 for c in tone), n=18)  # type: ignore[arg-type]


def _rounded(card: Image.Image, dpi: int, radius: float) -> Image.Image:
    """The card cut with rounded corners and outlined, on white paper."""
    W, H = card.size
    mask = Image.new("L", (W, H), 0)
    ImageDraw.Draw(mask).rounded_rectangle([0, 0, W - 1, H - 1], radius=int(radius), fill=255)
    out = Image.new("RGB", (W, H), (255, 255, 255))
    out.paste(card, (0, 0), mask)
    ImageDraw.Draw(out).rounded_rectangle(
        [0, 0, W - 1, H - 1], radius=int(radius), outline=(120, 130, 140), width=max(1, dpi // 100)
    )
    return out


def ktp_card(ctx: Ctx, scale: float, layout: str = "ektp") -> Image.Image:
    """Front side of a KTP (RGB) at card size (85.6 x 54 mm) * scale, in ``layout``
    (:data:`KTP_LAYOUTS`)."""
    r, a, dpi = ctx.rng, ctx.app, ctx.dpi
    spec = KTP_LAYOUTS[layout]
    card = Page(dpi, (85.6 * scale, 54.0 * scale), bg=spec["tone"])  # type: ignore[arg-type]
    W = card.size[0]
    d = card.draw
    _card_ground(card, r, spec["tone"])  # type: ignore[arg-type]
    u = W / 100.0  # one unit = 1% of the card width
    fam = r.choice(("liberation_sans", "dejavu_sans", "free_sans"))
    fh = font(fam, int(4.3 * u), bold=True)
    for s, y in (("PROVINSI RIAU", 2.0), ("KOTA PEKANBARU", 7.0)):
        d.text(((W - fh.getlength(s)) / 2, y * u), s, font=fh, fill=INK)
    pw, ph = int(22 * u), int(29 * u)
    left = bool(spec["photo_left"])
    px0 = int(4 * u) if left else int(W - pw - 5 * u)
    x_l = (px0 + pw + 3 * u) if left else 3.0 * u
    x_c = x_l + 25.5 * u
    x_v = x_c + 2 * u
    text_right = W - 2 * u if left else px0 - 1.5 * u
    fn = font(fam, int(4.4 * u), bold=True)
    y = 13.0 * u
    d.text((x_l, y), "NIK", font=fn, fill=INK)
    d.text((x_c - 2 * u, y), ":", font=fn, fill=INK)
    d.text(
        (x_v - 2 * u, y), a.nik, font=_fit(fam, fn.size, a.nik, text_right - x_v, True), fill=INK
    )
    _ktp_table(ctx, card, fam, spec, (x_l, x_c, x_v, text_right), y + 5.6 * u)
    py0 = int(15 * u)
    photo_frame(card, (px0, py0, px0 + pw, py0 + ph), id_photo(r, pw, ph))
    fs = font(fam, int(2.8 * u))
    issued = rand_date(r, dt.date(2012, 1, 1), dt.date(2022, 12, 31))
    for s, yy in (("KOTA PEKANBARU", py0 + ph + 1.5 * u), (tgl_num(issued), py0 + ph + 5 * u)):
        d.text((px0 + (pw - fs.getlength(s)) / 2, yy), s, font=fs, fill=INK)
    sig = stamp_signature_mask(dpi, r, w_mm=14 * scale, h_mm=5 * scale)
    card.img.paste((20, 20, 20), (int(px0 + pw * 0.15), int(py0 + ph + 8.5 * u)), sig)
    return _rounded(card.img, dpi, 3.5 * u)


def _ktp_table(
    ctx: Ctx, card: Page, fam: str, spec: dict[str, object], xs: tuple[float, ...], y: float
) -> None:
    """The label : value rows of a KTP's front from ``y`` down."""
    r, d = ctx.rng, card.draw
    x_l, x_c, x_v, right = xs
    u = card.size[0] / 100.0
    fl = font(fam, int(3.0 * u))
    vbold = r.random() < 0.3
    blood = r.choice(["A", "B", "O", "AB", "-"])
    rows = _ktp_rows(ctx, spec, blood)
    lh = min(3.55 * u, (card.size[1] - 2.5 * u - y) / len(rows))
    for label, value in rows:
        d.text((x_l, y), label, font=_fit(fam, fl.size, label, x_c - x_l - 0.8 * u), fill=INK)
        d.text((x_c, y), ":", font=fl, fill=INK)
        fv = _fit(fam, fl.size, value, right - x_v, vbold)
        d.text((x_v, y), value, font=fv, fill=INK)
        if label == "Jenis Kelamin" and "jk_gol" in spec["rows"]:  # type: ignore[operator]
            d.text(
                (x_v + max(19 * u, fv.getlength(value) + 3 * u), y),
                f"Gol. Darah : {blood}",
                font=fl,
                fill=INK,
            )
        y += lh


def ktp_back(ctx: Ctx, scale: float) -> Image.Image:
    """The back of a KTP: security print and the national emblem, no words."""
    dpi = ctx.dpi
    card = Page(dpi, (85.6 * scale, 54.0 * scale), bg=(222, 236, 244))
    W, H = card.size
    guilloche(card, (0, 0, W, H), ctx.rng, (170, 205, 225), n=24)
    emblem(card, W // 2, H // 2, int(H * 0.25), "star", (165, 195, 215))
    return _rounded(card.img, dpi, W * 0.035)


def _ktp_arrangement(ctx: Ctx) -> str:
    """How the card(s) lie on the copy: the front alone, front above back, front beside back
    (a real-size card leaves room), or two copies of the same card (a KTP photocopied twice
    on one sheet is common at the counter)."""
    return ctx.style(
        tuning=["front", "front", "stacked", "stacked", "stacked", "twice"],
        heldout=["front", "stacked", "side", "side", "twice_back"],
    )


def ktp(
    ctx: Ctx,
    *,
    scale: float | None = None,
    layout: str | None = None,
    arrangement: str | None = None,
) -> Document:
    """A photocopy of the applicant's KTP: at real card size (most copies) or enlarged, one
    of the card layouts of the family, placed as offices receive them. ``scale``,
    ``layout`` and ``arrangement`` fix a choice (tests); left out, the family draws it."""
    r = ctx.rng
    page = Page(ctx.dpi)
    W, H = page.size
    if scale is None:
        real = ctx.style_chance(tuning=0.55, heldout=0.6)
        lo, hi = (1.0, 1.1) if real else ctx.style(tuning=[(1.25, 1.8)], heldout=[(1.2, 1.5)])
        scale = r.uniform(lo, hi)
    layout = layout or ctx.style(
        tuning=["ektp", "ektp", "ektp", "old_siak"], heldout=["ektp", "ektp", "old_left"]
    )
    front = ktp_card(ctx, scale, layout)
    back = ktp_back(ctx, scale)
    cw, ch = front.size
    how = arrangement or _ktp_arrangement(ctx)
    if how == "side" and 2 * cw + page.px(10) > W:
        how = "stacked"
    gap = int(r.uniform(0.02, 0.08) * H)
    x = (
        int(r.uniform(0.1, 0.9) * (W - cw))
        if how != "side"
        else int(r.uniform(0.05, 0.3) * (W - 2 * cw))
    )
    y = int(r.uniform(0.04, 0.2) * H)
    placed: list[tuple[Image.Image, int, int]] = [(front, x, y)]
    if how == "side":
        placed.append((back, x + cw + page.px(r.uniform(5, 15)), y + r.randint(-10, 10)))
    elif how in ("stacked", "twice"):
        placed.append((back if how == "stacked" else front, x + r.randint(-20, 20), y + ch + gap))
    elif how == "twice_back":  # two copies of front + back, side by side
        if 2 * cw + page.px(8) <= W:
            x2 = min(W - cw, x + cw + page.px(5))
            placed = [
                (front, x2 - cw - page.px(5), y),
                (back, x2 - cw - page.px(5), y + ch + gap),
                (front, x2, y),
                (back, x2, y + ch + gap),
            ]
        else:
            placed.append((back, x, y + ch + gap))
    for card, cx, cy in placed:
        page.img.paste(card, (max(0, min(W - card.width, cx)), max(0, min(H - card.height, cy))))
    img = photocopy(page.img, r, darkness=r.uniform(0.0, 0.3))
    if ctx.style_chance(tuning=0.3, heldout=0.35):  # a copier at 150 dpi, enlarged again
        img = _low_resolution(img, ctx.dpi, 150)
    if r.random() < 0.3:  # "sesuai aslinya" is rare on KTP copies; sometimes a handwritten note
        f = font(r.choice(("free_serif", "dejavu_serif")), page.pt(11), italic=True)
        ImageDraw.Draw(img).text((x, int(H * 0.8)), "Fotokopi KTP", font=f, fill=(30, 40, 110))
    return Document("ktp", [DocPage(img)])


def _low_resolution(img: Image.Image, dpi: int, copier_dpi: int) -> Image.Image:
    """``img`` as a copier scanning at ``copier_dpi`` saw it (detail lost), at ``dpi`` again."""
    if copier_dpi >= dpi:
        return img
    k = copier_dpi / dpi
    small = img.resize((int(img.width * k), int(img.height * k)), Image.Resampling.BILINEAR)
    return small.resize(img.size, Image.Resampling.BILINEAR)


# --------------------------------------------------------------------------------------------
# 3. Pas foto
# --------------------------------------------------------------------------------------------
def pas_foto_doc(ctx: Ctx) -> Document:
    """Two 3x4 photos on one sheet, or each on its own scan (one_photo: just one)."""
    r = ctx.rng
    n = 1 if "one_photo" in ctx.defects else 2
    bg = r.choice(("red", "red", "blue"))
    pw, ph = int(30 * ctx.dpi / 25.4), int(40 * ctx.dpi / 25.4)
    photos = [pas_foto(r, pw, ph, bg) for _ in range(n)]
    separate = n == 2 and r.random() < 0.35
    pages: list[DocPage] = []
    groups = [[p] for p in photos] if separate else [photos]
    for grp in groups:
        page = Page(ctx.dpi)
        W, H = page.size
        side_by_side = r.random() < 0.7
        gap = page.px(r.uniform(8, 25))
        x = int(r.uniform(0.12, 0.45) * (W - 2 * pw - gap))
        y = int(r.uniform(0.06, 0.35) * H)
        for i, ph_img in enumerate(grp):
            px_ = x + (i * (pw + gap) if side_by_side else 0)
            py_ = y + (0 if side_by_side else i * (ph + gap))
            # slight rotation of a glued photo + shadow
            ang = r.uniform(-2.5, 2.5)
            rot = ph_img.rotate(
                ang, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255)
            )
            shadow = Image.new("RGB", rot.size, (200, 200, 200))
            page.img.paste(shadow, (px_ + 4, py_ + 4))
            page.img.paste(rot, (px_, py_))
        if r.random() < 0.5:
            f = font(
                r.choice(("liberation_sans", "free_serif")), page.pt(11), italic=r.random() < 0.5
            )
            label = r.choice(("Pas Foto 3x4", f"{ctx.app.name}", "Pas foto 3 x 4 (2 lembar)"))
            yy = y + (ph if side_by_side or len(grp) == 1 else 2 * ph + gap) + page.px(8)
            page.draw.text((x, yy), label, font=f, fill=(40, 40, 90))
        pages.append(DocPage(page.img, photos=len(grp)))
    return Document("pas_foto", pages)


# --------------------------------------------------------------------------------------------
# 4. Ijazah
# --------------------------------------------------------------------------------------------
def ijazah(ctx: Ctx) -> Document:
    r = ctx.rng
    p = ctx.person("ijazah")
    school, parent, city, program, dept = r.choice(SCHOOLS)
    title = p.title
    if title == "S.Tr.Kes":
        program = PROGRAM_D4
    degree = DEGREES[title]
    landscape = r.random() < 0.55
    page = Page(ctx.dpi, (297, 210) if landscape else (210, 297))
    fam = card_font(ctx)
    flow = Flow(
        page,
        r,
        fam,
        r.choice((12.0, 12.5, 13.0)) if landscape else r.choice((11.5, 12.0)),
        margins=(28, 14, 28, 12) if landscape else (22, 18, 22, 15),
        leading=1.3,
    )
    # border frame
    d = page.draw
    b = page.px(7)
    d.rectangle(
        [b, b, page.size[0] - b, page.size[1] - b], outline=(60, 60, 60), width=page.px(0.8)
    )
    d.rectangle(
        [
            b + page.px(2),
            b + page.px(2),
            page.size[0] - b - page.px(2),
            page.size[1] - b - page.px(2),
        ],
        outline=(60, 60, 60),
        width=page.px(0.3),
    )
    grad = p.graduation
    emblem(
        page,
        page.size[0] // 2,
        flow.y + page.px(10),
        page.px(10),
        r.choice(("star", "shield")),
        (90, 80, 40),
    )
    flow.y += page.px(23)
    pin = f"{r.randint(1, 99):02d}{r.randint(100, 999)}{grad.year}{r.randint(1, 9999):06d}"
    nim_prefix = r.choice(("P", "P1337", "", "R"))
    nim = f"{nim_prefix}{(grad.year - 3) % 100:02d}{r.randint(100000, 999999)}"
    blocks = [
        Text(parent, align="center", bold=True, size=flow.size - 1, after=0),
        Text(school, align="center", bold=True, size=flow.size + 2, after=2),
        Text("IJAZAH", align="center", bold=True, size=flow.size + r.choice((6, 8, 10)), after=1),
        Text(
            f"Nomor Ijazah Nasional: {pin}" if r.random() < 0.5 else f"Nomor: {pin}",
            align="center",
            size=flow.size - 1.5,
            after=3,
        ),
        Text("Dengan ini menyatakan bahwa", align="center", italic=True, after=1),
        Text(
            p.name.upper() if r.random() < 0.5 else p.name,
            align="center",
            bold=True,
            size=flow.size + 4,
            after=1,
        ),
        table_style(ctx).kv(
            [
                ("Nomor Induk Mahasiswa", nim),
                (birth_label(ctx), ttl(ctx, p.birth_place, p.birth_date)),
            ],
            label_w=58,
            indent=50 if landscape else 12,
            after=2,
        ),
        Text(
            f"telah menyelesaikan dengan baik dan memenuhi segala syarat pendidikan pada "
            f"Program Studi {program}{', ' + dept if dept else ''}, dan dinyatakan lulus pada "
            f"tanggal {tgl(grad)}. "
            f"Kepadanya diberikan gelar {degree} beserta segala hak dan kewajiban yang "
            f"melekat pada gelar tersebut.",
            align="center",
            after=3,
        ),
        Text(
            f"Diberikan di {city} pada tanggal {tgl(grad + dt.timedelta(days=r.randint(7, 60)))}",
            align="center",
            after=2,
        ),
    ]
    flow.run(blocks)
    y_sig = flow.y
    left_role = (
        "Ketua Jurusan,"
        if "Jurusan" in dept
        else ("Dekan," if "Fakultas" in dept else "Ketua Program Studi,")
    )
    left_sig = Sign(
        [left_role],
        r.choice(LEGAL_OFFICERS),
        [f"NIP. {nip(r)}"],
        col=0.0,
        width=80,
        gap=17,
        key="left",
    )
    right_sig = Sign(
        [
            "Direktur,"
            if "POLITEKNIK" in school or "AKADEMI" in school
            else ("Rektor," if "UNIVERSITAS" in school else "Ketua,")
        ],
        r.choice(LEGAL_OFFICERS),
        [f"NIP. {nip(r)}"],
        col=0.62,
        width=80,
        gap=17,
        key="right",
    )
    flow.run([Signs([left_sig, right_sig])])
    photos = 0
    if r.random() < 0.5:  # graduate photo between the signatures
        pw, ph = page.px(30), page.px(40)
        cx = page.size[0] // 2 - pw // 2
        photo_frame(page, (cx, y_sig, cx + pw, y_sig + ph), id_photo(r, pw, ph))
        photos = 0  # photo on an ijazah is not a pas foto
    # the original's own (printed) seal, later photocopied grey
    x0, y0, x1, y1 = flow.marks["right"]
    seal = round_stamp(ctx.dpi, r, school[:40], city.upper(), None, r.uniform(30, 36))
    apply_ink(
        page.img,
        seal,
        (x0 + (x1 - x0) // 4, (y0 + y1) // 2),
        (60, 60, 140),
        0.8,
        r,
        angle=r.uniform(-30, 30),
    )
    img = photocopy(page.img, r)
    if "ijazah_unlegalized" not in ctx.defects:
        region = (0.03, 0.55, 0.97, 0.99) if r.random() < 0.7 else (0.03, 0.03, 0.97, 0.99)
        legalize(
            ctx,
            img,
            "Direktur," if "POLITEKNIK" in school else "Wakil Rektor I,",
            school[:44],
            city.upper(),
            city,
            region,
        )
    del photos
    return Document(
        "ijazah", [DocPage(img, size_mm=(page.w_mm, page.h_mm), fill=flow.y / page.size[1])]
    )
