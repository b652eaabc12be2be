"""Helpers for the approval-chain tests: an isolated home with generated officials, and
complete applications written by code (register row, checklist.json, pages.json).

The officials come from :func:`tests.conftest_complaints.write_officials`; on top of it the
Sekretaris is made the Plh. of the Kepala Dinas.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from tests.conftest_complaints import People, write_officials

REPO = Path(__file__).resolve().parent.parent
RULE_FILES = ("alur-persetujuan.yaml", "notifikasi.yaml")


@dataclass
class Home:
    root: Path
    rules: Path
    people: People

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    def env(self) -> dict[str, str]:
        return {
            "LOKET_HOME": str(self.root),
            "LOKET_RULES": str(self.rules),
            "LOKET_TEMPLATES": str(REPO / "templates"),
        }


def make_home(root: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> Home:
    for name in ("inbox", "outbox", "var", "rules"):
        (root / name).mkdir(parents=True, exist_ok=True)
    for name in RULE_FILES:
        shutil.copy(REPO / "rules" / name, root / "rules" / name)
    shutil.copytree(REPO / "rules" / "calendar", root / "rules" / "calendar", dirs_exist_ok=True)
    people = write_officials(root / "rules" / "officials.yaml")
    path = root / "rules" / "officials.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for o in data["officials"]:
        if o["role"] == "kepala_dinas":
            o["delegate_nip"] = people["sekretaris"]
            o["name"] = "Dr. " + o["name"] + ", S.STP., M.Si."
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    home = Home(root, root / "rules", people)
    if monkeypatch is not None:
        for k, v in home.env().items():
            monkeypatch.setenv(k, v)
        for var in ("LOKET_DATABASE_URL", "LOKET_OUTBOX", "LOKET_VAR", "LOKET_INBOX"):
            monkeypatch.delenv(var, raising=False)
    return home


FIRST = ["Siti", "Rahmat", "Nurul", "Dedi", "Fitri", "Agus", "Yuli", "Hendra"]
LAST = ["Aminah", "Hidayat", "Lestari", "Saputra", "Ramadhani", "Siregar", "Nasution"]
WORKPLACES = [
    "RSUD Arifin Achmad Provinsi Riau",
    "RS Awal Bros Pekanbaru",
    "Klinik Utama Medika & Diagnostik <Sudirman>",
    "RS Santa Maria Pekanbaru",
]


def make_application(
    settings,  # type: ignore[no-untyped-def]
    *,
    seed: int,
    phone: bool = True,
    received: datetime | None = None,
    db_url: str | None = None,
) -> str:
    """A registered, processed, complete application with checklist.json and pages.json."""
    from loket.common.db import open_database
    from loket.intake import register

    rng = random.Random(seed)
    female = rng.random() < 0.5
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}, A.Md.Rad."
    birth = date(1985 + rng.randint(0, 12), rng.randint(1, 12), rng.randint(1, 28))
    nik = f"147101{birth.day + (40 if female else 0):02d}{birth:%m%y}{rng.randint(1, 9999):04d}"
    number = f"08{rng.choice(['12', '13', '52', '77'])}{rng.randint(10_000_000, 99_999_999)}"
    address = (
        f"Jl. Tuanku Tambusai No. {rng.randint(1, 200)}, RT 002/RW 005, Kel. Delima, "
        "Kec. Tampan, Kota Pekanbaru"
    )
    workplace = rng.choice(WORKPLACES)
    str_no = f"YM00{rng.randint(10**11, 10**12 - 1)}"
    at = received or datetime.now(UTC) - timedelta(hours=2)
    db = open_database(db_url or settings.db_url)
    sha = hashlib.sha256(f"app-{seed}-{rng.random()}".encode()).hexdigest()
    with db.begin() as session:
        app = register.register(
            session,
            prefix="SIKR",
            service="izin-kerja-radiografer",
            source=f"pemohon-{seed}",
            files=[register.FileRecord("surat.pdf", sha, 1000)],
            received_at=at,
        )
        app.status = "processed"
        app.verdict = "complete"
        reg_no = app.reg_no
        register.log(session, "checked", app.source, reg_no, {"verdict": "complete"})
    folder = settings.outbox_dir / reg_no
    folder.mkdir(parents=True, exist_ok=True)
    letter = [
        "Perihal : Permohonan Surat Izin Kerja Radiografer",
        "Kepada Yth. Kepala DPMPTSP Kota Pekanbaru",
        "Saya yang bertanda tangan di bawah ini:",
        f"Nama : {name}",
        f"NIK : {nik}",
        f"Tempat/Tanggal Lahir : Pekanbaru, {birth:%d-%m-%Y}",
        f"Alamat : {address}",
    ]
    if phone:
        letter.append(f"No. HP : {number[:4]}-{number[4:8]}-{number[8:]}")
    letter += [f"Nomor STR : {str_no}", f"Tempat Kerja : {workplace}"]
    pages = {
        "source": f"pemohon-{seed}",
        "registration_number": reg_no,
        "pages": [
            {
                "file": "surat.pdf",
                "page": 1,
                "doc_type": "surat_permohonan",
                "text": "\n".join(letter),
            },
            {"file": "ktp.jpg", "page": 1, "doc_type": "ktp", "text": f"NIK : {nik}"},
        ],
    }
    checklist = {
        "source": f"pemohon-{seed}",
        "service": "izin-kerja-radiografer",
        "application_type": "new",
        "verdict": "complete",
        "applicant": {
            "name": name,
            "nik": nik,
            "birth_place": "Pekanbaru",
            "birth_date": birth.isoformat(),
            "str_number": str_no,
            "str_valid_until": "lifetime",
            "workplace": workplace,
        },
        "requirements": [
            {"id": "surat_permohonan", "status": "ok", "reasons": ["Ada."], "evidence": []}
        ],
    }
    (folder / "pages.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    (folder / "checklist.json").write_text(
        json.dumps(checklist, ensure_ascii=False), encoding="utf-8"
    )
    return reg_no


def contact(settings, reg_no: str) -> tuple[str | None, str]:  # type: ignore[no-untyped-def]
    """(phone, address) as written into the generated letter."""
    pages = json.loads((settings.outbox_dir / reg_no / "pages.json").read_text("utf-8"))
    text = pages["pages"][0]["text"]
    phone = None
    address = ""
    for line in text.splitlines():
        if line.startswith("No. HP"):
            phone = line.split(":", 1)[1].strip().replace("-", "")
        if line.startswith("Alamat"):
            address = line.split(":", 1)[1].strip()
    return phone, address
