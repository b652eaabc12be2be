"""OCR-like page texts of a radiographer's application, for fast tests of the requirement
engine without images (the e2e tests use the real generator, scanner and tesseract)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from samples.common import tgl


@dataclass(frozen=True)
class Person:
    name: str = "Rina Oktaviani"
    title: str = "A.Md.Rad"
    nik: str = "1471015304950012"  # woman born 13-04-1995
    birth_place: str = "Pekanbaru"
    birth_date: date = date(1995, 4, 13)
    str_number: str = "12 2 8 1 24-0251670"
    str_valid: date | None = None  # None: seumur hidup
    workplace: str = "RS Awal Bros Pekanbaru"


OTHER = Person(name="Siti Handayani", nik="1471024708900003", birth_date=date(1990, 8, 7))


def permohonan(p: Person, *, renewal: bool = False, nik: str | None = None) -> str:
    kind = "Perpanjangan" if renewal else "Baru"
    body = (
        "Dengan ini mengajukan permohonan perpanjangan Surat Izin Kerja Radiografer (SIKR)"
        if renewal
        else "Dengan ini mengajukan permohonan baru Surat Izin Kerja Radiografer (SIKR)"
    )
    return f"""FORMULIR PERMOHONAN
SURAT IZIN KERJA RADIOGRAFER (SIKR)
Perihal : Permohonan Surat Izin Kerja Radiografer
Jenis Permohonan : {kind}
Kepada Yth.
Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pekanbaru
Saya yang bertanda tangan di bawah ini:
Nama : {p.name}, {p.title}
NIK : {nik or p.nik}
Tempat/Tanggal Lahir : {p.birth_place}, {tgl(p.birth_date)}
Alamat : Jl. Pepaya No. 162, RT 003/RW 004, Kel. Pulau Karam, Kec.
Sukajadi, Kota Pekanbaru
Nomor STR : {p.str_number}
Tempat Kerja : {p.workplace}
{body} untuk dapat melaksanakan pekerjaan sebagai Radiografer di {p.workplace}.
Hormat saya,
{p.name}, {p.title}
"""


def ktp(p: Person) -> str:
    return f"""PROVINSI RIAU
KOTA PEKANBARU
NIK : {p.nik}
Nama : {p.name.upper()}
Tempat/Tgl Lahir : {p.birth_place.upper()}, {p.birth_date:%d-%m-%Y}
Jenis Kelamin : PEREMPUAN Gol. Darah : O
Alamat : JL. PEPAYA NO. 162
Kewarganegaraan : WNI
Berlaku Hingga : SEUMUR HIDUP
"""


LEGAL = """TELAH DILEGALISIR
SESUAI DENGAN ASLINYA
Pekanbaru, 12-03-2026
"""


def ijazah(p: Person, *, legal: bool = True) -> str:
    return f"""KEMENTERIAN KESEHATAN REPUBLIK INDONESIA
POLITEKNIK KESEHATAN KEMENKES JAKARTA II
IJAZAH
Nomor Ijazah Nasional: 585822007004509
Dengan ini menyatakan bahwa
{p.name}
Tempat dan Tanggal Lahir : {p.birth_place}, {tgl(p.birth_date)}
telah menyelesaikan dengan baik dan memenuhi segala syarat pendidikan pada Program Studi
Diploma III Teknik Radiodiagnostik dan Radioterapi dan dinyatakan lulus.
{LEGAL if legal else ""}"""


def str_doc(p: Person, *, legal: bool = True) -> str:
    valid = (
        "STR ini berlaku seumur hidup"
        if p.str_valid is None
        else f"STR ini berlaku sampai dengan {tgl(p.str_valid)}"
    )
    return f"""KEMENTERIAN KESEHATAN REPUBLIK INDONESIA
KONSIL TENAGA KESEHATAN INDONESIA
SURAT TANDA REGISTRASI
RADIOGRAFER
Nomor STR: {p.str_number}
Nama : {p.name}, {p.title}
Tempat, Tanggal Lahir : {p.birth_place}, {tgl(p.birth_date)}
Kompetensi : Radiografer
{valid}
{LEGAL if legal else ""}"""


def rekomendasi(p: Person, *, body: str = "PARI") -> str:
    head = {
        "PARI": "PENGURUS CABANG\nPERHIMPUNAN RADIOGRAFER INDONESIA (PARI)\nKOTA PEKANBARU",
        "PPNI": (
            "DEWAN PENGURUS DAERAH\nPERSATUAN PERAWAT NASIONAL INDONESIA\n(PPNI) KOTA PEKANBARU"
        ),
    }[body]
    return f"""{head}
SURAT REKOMENDASI
Nomor: 217/PC-{body}/PKU/VII/2026
Yang bertanda tangan di bawah ini, Ketua {body}, dengan ini memberikan rekomendasi kepada:
Nama : {p.name}, {p.title}
Tempat/Tgl. Lahir : {p.birth_place}, {tgl(p.birth_date)}
Nomor STR : {p.str_number}
Tempat Kerja : {p.workplace}
Yang bersangkutan adalah Anggota {body} yang aktif.
"""


def sehat(p: Person, *, sip: bool = True) -> str:
    sip_text = "Surat Izin Praktik (SIP) Nomor 503/SIP-DU/1630/DPMPTSP/2024, " if sip else ""
    return f"""PEMERINTAH KOTA PEKANBARU
UPT PUSKESMAS SAIL
SURAT KETERANGAN SEHAT
Yang bertanda tangan di bawah ini, dr. Andi Pratama, {sip_text}menerangkan bahwa telah
melakukan pemeriksaan kesehatan terhadap:
Nama : {p.name}
Pekerjaan : Radiografer
Berdasarkan hasil pemeriksaan tersebut, yang bersangkutan dinyatakan dalam keadaan
SEHAT JASMANI DAN ROHANI.
Pekanbaru, 16 Juli 2026
Dokter Pemeriksa,
dr. Andi Pratama
{"NIP. 19750406 200502 2 013" if not sip else "SIP. 503/SIP-DU/1630/DPMPTSP/2024"}
"""


def pernyataan(p: Person) -> str:
    return f"""SURAT PERNYATAAN
MEMILIKI TEMPAT KERJA DI FASILITAS PELAYANAN KESEHATAN
Yang bertanda tangan di bawah ini:
Nama : {p.name}, {p.title}
NIK : {p.nik}
Tempat/Tgl. Lahir : {p.birth_place}, {tgl(p.birth_date)}
Dengan ini menyatakan dengan sesungguhnya bahwa saya benar bekerja sebagai Radiografer di
{p.workplace}, Jl. Jend. Sudirman No. 117, Pekanbaru, sejak 1 Juli 2020.
"""


def dinkes(p: Person, *, city: str = "Kota Pekanbaru") -> str:
    gov = "PEMERINTAH KOTA PEKANBARU" if city == "Kota Pekanbaru" else f"PEMERINTAH {city.upper()}"
    return f"""{gov}
DINAS KESEHATAN
REKOMENDASI
Nomor: 440/DISKES/REK-SIKR/807/VIII/2026
Kepala Dinas Kesehatan {city} memberikan rekomendasi kepada:
Nama : {p.name}, {p.title}
Tempat/Tgl. Lahir : {p.birth_place}, {tgl(p.birth_date)}
Nomor STR : {p.str_number}
Alamat : Jl. Pepaya No. 162, Kota Pekanbaru
Tempat Kerja : {p.workplace}, Jl. Jend. Sudirman No. 117, Pekanbaru
KEPALA DINAS KESEHATAN {city.upper()},
"""


def izin_asli(p: Person) -> str:
    return f"""PEMERINTAH KOTA PEKANBARU
DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU
SURAT IZIN KERJA RADIOGRAFER
NOMOR: 503/DPMPTSP/SIKR/0116/2022
dengan ini memberikan Izin Kerja kepada:
Nama : {p.name}, {p.title}
Tempat/Tgl. Lahir : {p.birth_place}, {tgl(p.birth_date)}
"""


def application(
    p: Person = Person(),
    *,
    renewal: bool = False,
    photos: int = 2,
    drop: tuple[str, ...] = (),
    texts: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A pages.json document: one page per document, texts overridable per doc type."""
    docs = {
        "surat_permohonan": permohonan(p, renewal=renewal),
        "ktp": ktp(p),
        "pas_foto": "",
        "ijazah": ijazah(p),
        "str": str_doc(p),
        "rekomendasi_organisasi_profesi": rekomendasi(p),
        "surat_keterangan_sehat": sehat(p),
        "surat_pernyataan_tempat_kerja": pernyataan(p),
        "rekomendasi_dinkes": dinkes(p),
    }
    if renewal:
        docs["surat_izin_asli"] = izin_asli(p)
    docs.update(texts or {})
    pages = []
    for i, (doc_type, text) in enumerate(docs.items(), start=1):
        if doc_type in drop:
            continue
        pages.append(
            {
                "file": f"hal{i}.jpg",
                "page": 1,
                "doc_type": doc_type,
                "confidence": 0.9,
                "rotation": 0,
                "text_source": "ocr",
                "text": text,
                "document": i,
                "faces": photos if doc_type == "pas_foto" else 0,
            }
        )
    return {"source": "berkas-uji", "registration_number": "SIKR-2026-000001", "pages": pages}


__all__ = ["OTHER", "Person", "application", "replace"]
