"""Synthetic applicants (radiographers living in Pekanbaru) and the facts around them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from .common import rand_date
from .styles import chance, pick

FIRST_F = (
    "Rina",
    "Siti",
    "Dewi",
    "Fitri",
    "Nurul",
    "Putri",
    "Rahmi",
    "Anisa",
    "Wulan",
    "Mega",
    "Yulia",
    "Intan",
    "Ayu",
    "Sri",
    "Dina",
    "Febri",
    "Lusi",
    "Ratna",
    "Novita",
    "Suci",
    "Melati",
    "Indah",
    "Rizka",
    "Annisa",
    "Elvira",
    "Desi",
    "Winda",
    "Yuni",
    "Tika",
    "Rahayu",
)
MIDDLE_F = (
    "Oktaviani",
    "Nurhaliza",
    "Lestari",
    "Handayani",
    "Hidayah",
    "Ramadhani",
    "Yulianti",
    "Fitriani",
    "Permata",
    "Puspita",
    "Rahmawati",
    "Wahyuni",
    "Mariana",
    "Marlina",
    "Anggraini",
    "Kurniasih",
    "Safitri",
    "Maharani",
    "Utami",
    "Pratiwi",
)
FIRST_M = (
    "Muhammad",
    "Ahmad",
    "Budi",
    "Rahmat",
    "Andi",
    "Fajar",
    "Dedi",
    "Hendra",
    "Arif",
    "Reza",
    "Yoga",
    "Irfan",
    "Doni",
    "Roni",
    "Taufik",
    "Ilham",
    "Aldi",
    "Rizky",
    "Fikri",
    "Zulkifli",
    "Agus",
    "Hafiz",
    "Rudi",
    "Syahrul",
    "Eko",
    "Bayu",
    "Dimas",
    "Fadli",
    "Hary",
    "Yusuf",
)
MIDDLE_M = (
    "Rizki",
    "Fauzi",
    "Santoso",
    "Hidayat",
    "Saputra",
    "Ramadhan",
    "Kurniawan",
    "Gunawan",
    "Rahman",
    "Pahlevi",
    "Pratama",
    "Maulana",
    "Syahputra",
    "Akbar",
    "Firmansyah",
    "Hakim",
    "Nugroho",
    "Prasetyo",
    "Wijaya",
    "Setiawan",
)
FAMILY = (
    "Siregar",
    "Simanjuntak",
    "Nasution",
    "Harahap",
    "Lubis",
    "Hasibuan",
    "Tanjung",
    "Chaniago",
    "Piliang",
    "Koto",
    "Sinaga",
    "Sitompul",
    "Batubara",
    "Daulay",
    "Pane",
)

TITLES = ("A.Md.Rad", "A.Md.Rad", "A.Md.Kes", "A.Md.Kes", "S.Tr.Kes")

BIRTH_PLACES = (
    "Pekanbaru",
    "Pekanbaru",
    "Pekanbaru",
    "Pekanbaru",
    "Dumai",
    "Bangkinang",
    "Duri",
    "Siak Sri Indrapura",
    "Rengat",
    "Tembilahan",
    "Bengkalis",
    "Bukittinggi",
    "Padang",
    "Payakumbuh",
    "Medan",
    "Pematangsiantar",
    "Selatpanjang",
    "Pasir Pengaraian",
    "Teluk Kuantan",
    "Batam",
    "Jakarta",
    "Palembang",
    "Jambi",
)

#: kecamatan -> (NIK district code, kelurahan)
KECAMATAN: dict[str, tuple[str, tuple[str, ...]]] = {
    "Sukajadi": (
        "01",
        ("Jadirejo", "Kampung Tengah", "Kampung Melayu", "Harjosari", "Pulau Karam"),
    ),
    "Pekanbaru Kota": ("02", ("Simpang Empat", "Sumahilang", "Tanah Datar", "Kota Baru")),
    "Sail": ("03", ("Cinta Raja", "Suka Maju", "Suka Mulia")),
    "Lima Puluh": ("04", ("Rintis", "Sekip", "Tanjung Rhu", "Pesisir")),
    "Senapelan": ("05", ("Padang Bulan", "Kampung Bandar", "Kampung Baru", "Sago")),
    "Rumbai": ("06", ("Umban Sari", "Rumbai Bukit", "Sri Meranti", "Palas")),
    "Bukit Raya": (
        "07",
        ("Simpang Tiga", "Tangkerang Selatan", "Tangkerang Utara", "Tangkerang Labuai"),
    ),
    "Binawidya": ("08", ("Simpang Baru", "Sungai Sibam", "Tobek Godang", "Delima")),
    "Marpoyan Damai": (
        "09",
        ("Tangkerang Barat", "Tangkerang Tengah", "Sidomulyo Timur", "Wonorejo", "Maharatu"),
    ),
    "Tenayan Raya": ("10", ("Rejosari", "Bencah Lesung", "Bambu Kuning", "Industri Tenayan")),
    "Payung Sekaki": ("11", ("Labuh Baru Timur", "Labuh Baru Barat", "Air Hitam", "Bandar Raya")),
    "Rumbai Timur": ("12", ("Lembah Damai", "Lembah Sari", "Meranti Pandak")),
    "Tuah Madani": ("13", ("Tuah Karya", "Sialang Munggu", "Tuah Madani", "Air Putih")),
    "Kulim": ("14", ("Mentangor", "Pebatuan", "Sialang Rampai", "Pematang Kapau")),
    "Rumbai Barat": ("15", ("Agrowisata", "Maharani", "Rantau Panjang")),
}
STREETS = (
    "Jl. Soekarno Hatta",
    "Jl. HR. Soebrantas",
    "Jl. Tuanku Tambusai",
    "Jl. Arifin Achmad",
    "Jl. Kaharuddin Nasution",
    "Jl. Paus",
    "Jl. Garuda Sakti",
    "Jl. Delima",
    "Jl. Rambutan",
    "Jl. Cipta Karya",
    "Jl. Kartama",
    "Jl. Kulim",
    "Jl. Sudirman",
    "Jl. Riau",
    "Jl. Durian",
    "Jl. Pepaya",
    "Jl. Srikandi",
    "Jl. Bangau Sakti",
    "Jl. Taskurun",
    "Jl. Purwodadi",
    "Jl. Hangtuah",
    "Jl. Sekolah",
    "Jl. Air Dingin",
    "Jl. Balam",
    "Jl. Suka Karya",
    "Jl. Lintas Timur",
    "Jl. Naga Sakti",
    "Jl. Kamboja",
    "Jl. Merpati Sakti",
    "Jl. Swakarya",
)
GANG = (
    "Gg. Melati",
    "Gg. Mawar",
    "Gg. Sepakat",
    "Gg. Damai",
    "Gg. Harapan",
    "Perum. Griya Asri",
    "Perum. Villa Permata",
    "Komp. Pemda",
)
RELIGIONS = ("ISLAM", "ISLAM", "ISLAM", "ISLAM", "ISLAM", "KRISTEN", "KATOLIK", "BUDDHA")

#: (name, address) of health facilities (fasyankes) in Pekanbaru
WORKPLACES: tuple[tuple[str, str], ...] = (
    ("RSUD Arifin Achmad Provinsi Riau", "Jl. Diponegoro No. 2, Pekanbaru"),
    ("RS Awal Bros Pekanbaru", "Jl. Jend. Sudirman No. 117, Pekanbaru"),
    ("RS Awal Bros Panam", "Jl. HR. Soebrantas No. 88, Pekanbaru"),
    ("Eka Hospital Pekanbaru", "Jl. Soekarno Hatta Km. 6,5, Pekanbaru"),
    ("RS Santa Maria Pekanbaru", "Jl. Ahmad Yani No. 68, Pekanbaru"),
    ("RSUD Madani Kota Pekanbaru", "Jl. Garuda Sakti Km. 2, Pekanbaru"),
    ("RS Bhayangkara Pekanbaru", "Jl. Kartini No. 14, Pekanbaru"),
    ("RS Ibnu Sina Pekanbaru", "Jl. Melati No. 60, Pekanbaru"),
    ("RS Prima Pekanbaru", "Jl. Bima No. 1, Pekanbaru"),
    ("RS Syafira Pekanbaru", "Jl. Jend. Sudirman No. 134, Pekanbaru"),
    ("RS Aulia Hospital Pekanbaru", "Jl. HR. Soebrantas No. 63, Pekanbaru"),
    ("RS Tabrani Pekanbaru", "Jl. Jend. Sudirman No. 410, Pekanbaru"),
    ("RS Pekanbaru Medical Center", "Jl. Lembaga Pemasyarakatan No. 25, Pekanbaru"),
    ("RS Mata Pekanbaru Eye Center", "Jl. Soekarno Hatta No. 236, Pekanbaru"),
    ("Puskesmas Rejosari", "Jl. Tenaga No. 1, Rejosari, Pekanbaru"),
    ("Puskesmas Simpang Tiga", "Jl. Kaharuddin Nasution No. 20, Pekanbaru"),
    ("Puskesmas Sidomulyo", "Jl. Kamboja No. 5, Sidomulyo Barat, Pekanbaru"),
    ("Puskesmas Payung Sekaki", "Jl. Tampan No. 3, Pekanbaru"),
    ("Klinik Utama Radiologi Citra Medika", "Jl. Tuanku Tambusai No. 45, Pekanbaru"),
    ("Klinik Pratama Sehat Bersama", "Jl. Arifin Achmad No. 112, Pekanbaru"),
    ("Klinik Utama Kimia Farma Pekanbaru", "Jl. Ahmad Yani No. 91, Pekanbaru"),
)


@dataclass(frozen=True)
class Applicant:
    name: str  # without titles, e.g. "Rina Oktaviani"
    title: str  # academic title, e.g. "A.Md.Rad"
    nik: str  # 16 digits: 14 71 DD + DDMMYY (day + 40 for women) + 4-digit serial
    sex: str  # "L" | "P"
    birth_place: str
    birth_date: dt.date
    address: str
    workplace: str
    str_number: str
    str_valid_until: dt.date | None  # None = "seumur hidup" (lifetime)
    # --- extra detail used to render documents (not part of the brief's minimum) ---
    street: str = ""
    rt_rw: str = ""
    kelurahan: str = ""
    kecamatan: str = ""
    religion: str = "ISLAM"
    married: bool = False
    phone: str = ""
    workplace_address: str = ""
    graduation: dt.date = dt.date(2015, 8, 28)
    str_issued: dt.date = dt.date(2024, 6, 1)

    @property
    def full_name(self) -> str:
        """Name with the academic title, as letters write it."""
        return f"{self.name}, {self.title}"

    @property
    def sex_word(self) -> str:
        return "Laki-laki" if self.sex == "L" else "Perempuan"

    def truth(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "nik": self.nik,
            "sex": self.sex,
            "birth_place": self.birth_place,
            "birth_date": self.birth_date.isoformat(),
            "address": self.address,
            "phone": self.phone,
            "workplace": self.workplace,
            "str_number": self.str_number,
            "str_valid_until": (
                self.str_valid_until.isoformat() if self.str_valid_until else "lifetime"
            ),
        }


def make_nik(rng: random.Random, district: str, birth: dt.date, sex: str) -> str:
    day = birth.day + (40 if sex == "P" else 0)
    serial = rng.randint(1, 2999)
    return f"1471{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def make_name(rng: random.Random, sex: str) -> str:
    first = rng.choice(FIRST_F if sex == "P" else FIRST_M)
    middle = rng.choice(MIDDLE_F if sex == "P" else MIDDLE_M)
    r = rng.random()
    if r < 0.2:
        return f"{first} {rng.choice(FAMILY)}"
    if r < 0.35:
        return f"{first} {middle} {rng.choice(FAMILY)}"
    if r < 0.45 and sex == "L" and first != "Muhammad":
        return f"Muhammad {first} {middle}"
    return f"{first} {middle}"


def make_str_number(rng: random.Random, issued: dt.date) -> str:
    return (
        f"{rng.randint(11, 35)} {rng.randint(1, 2)} {rng.randint(1, 9)} {rng.randint(1, 2)} "
        f"{issued.year % 100:02d}-{rng.randint(0, 9_999_999):07d}"
    )


#: Two-letter prefixes of STR numbers (the newer council numbers carry letters), per family.
STR_PREFIXES_TUNING: tuple[str, ...] = ("QS", "RG", "KT", "AB", "BT", "NR")
STR_PREFIXES_HELDOUT: tuple[str, ...] = ("RD", "TN", "PM", "XR")


def prefixed_str_number(rng: random.Random, family: str) -> str:
    """A canonical prefixed STR number: two capital letters, then 14 digits, no separators
    ("QS12345678901234"); how documents print it is :func:`samples.wording.str_printed`."""
    prefix = pick(rng, family, STR_PREFIXES_TUNING, STR_PREFIXES_HELDOUT)
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(14))


def with_family_str_number(rng: random.Random, a: Applicant, family: str) -> Applicant:
    """The applicant, with a letter-prefixed STR number for some applicants of ``family``."""
    if chance(rng, family, tuning=0.35, heldout=0.4):
        return dataclasses.replace(a, str_number=prefixed_str_number(rng, family))
    return a


def make_applicant(rng: random.Random) -> Applicant:
    """A random, internally consistent radiographer living in Pekanbaru."""
    sex = rng.choice("LP")
    name = make_name(rng, sex)
    title = rng.choice(TITLES)
    birth = rand_date(rng, dt.date(1976, 1, 1), dt.date(2002, 12, 31))
    kec = rng.choice(sorted(KECAMATAN))
    district, kels = KECAMATAN[kec]
    kel = rng.choice(kels)
    street = f"{rng.choice(STREETS)} No. {rng.randint(1, 250)}"
    if rng.random() < 0.35:
        street = f"{street.split(' No.')[0]} {rng.choice(GANG)} No. {rng.randint(1, 60)}"
    rt_rw = f"{rng.randint(1, 12):03d}/{rng.randint(1, 20):03d}"
    address = (
        f"{street}, RT {rt_rw.split('/')[0]}/RW {rt_rw.split('/')[1]}, Kel. {kel}, "
        f"Kec. {kec}, Kota Pekanbaru"
    )
    workplace, wp_addr = rng.choice(WORKPLACES)
    grad_year = birth.year + rng.randint(21, 24)
    grad_year = min(grad_year, 2025)
    graduation = rand_date(rng, dt.date(grad_year, 7, 1), dt.date(grad_year, 10, 31))
    if rng.random() < 0.5 or graduation.year >= 2024:
        issued = rand_date(
            rng, max(graduation + dt.timedelta(days=90), dt.date(2024, 3, 1)), dt.date(2026, 6, 30)
        )
        valid: dt.date | None = None
    else:
        issued = rand_date(rng, dt.date(2022, 1, 1), dt.date(2023, 12, 31))
        issued = max(issued, graduation + dt.timedelta(days=90))
        valid = (
            issued.replace(year=issued.year + 5)
            if issued.month * 100 + issued.day != 229
            else dt.date(issued.year + 5, 2, 28)
        )
    return Applicant(
        name=name,
        title=title,
        nik=make_nik(rng, district, birth, sex),
        sex=sex,
        birth_place=rng.choice(BIRTH_PLACES),
        birth_date=birth,
        address=address,
        workplace=workplace,
        str_number=make_str_number(rng, issued),
        str_valid_until=valid,
        street=street,
        rt_rw=rt_rw,
        kelurahan=kel,
        kecamatan=kec,
        religion=rng.choice(RELIGIONS),
        married=rng.random() < 0.55,
        phone=f"08{rng.choice(['11', '12', '13', '21', '22', '52', '53', '77', '78', '95'])}"
        f"{rng.randint(10_000_000, 99_999_999)}",
        workplace_address=wp_addr,
        graduation=graduation,
        str_issued=issued,
    )


def other_person(rng: random.Random, a: Applicant) -> Applicant:
    """A different radiographer (for the `other_person` defect)."""
    for _ in range(50):
        b = make_applicant(rng)
        if b.name.split()[0] != a.name.split()[0] and b.birth_date != a.birth_date:
            return b
    raise RuntimeError("could not draw a different person")


def transpose_nik(rng: random.Random, nik: str) -> str:
    """The NIK with two adjacent differing digits swapped (a typo in the letter)."""
    positions = [i for i in range(6, 15) if nik[i] != nik[i + 1]]
    if not positions:
        i = rng.randint(12, 15)
        return nik[:i] + str((int(nik[i]) + 1) % 10) + nik[i + 1 :]
    i = rng.choice(positions)
    return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]


def mistype_nik(rng: random.Random, nik: str) -> str:
    """The NIK with one digit of its serial number mistyped: another NIK, as plausible as
    the right one (its region and birth date unchanged)."""
    i = rng.choice((12, 13, 14, 15))
    wrong = rng.choice([d for d in "0123456789" if d != nik[i]])
    return nik[:i] + wrong + nik[i + 1 :]


def with_str_validity(a: Applicant, valid_until: dt.date | None) -> Applicant:
    """The applicant with another STR validity (a 5-year STR issued five years before)."""
    if valid_until is None:
        return dataclasses.replace(a, str_valid_until=None)
    issued = dt.date(valid_until.year - 5, valid_until.month, min(valid_until.day, 28))
    issued = max(issued, a.graduation + dt.timedelta(days=60))
    return dataclasses.replace(a, str_valid_until=valid_until, str_issued=issued)
