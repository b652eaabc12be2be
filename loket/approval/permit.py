"""The documents of the chain: the SIKR draft and the numbered permit, the printable control card
and the uncollected-permit letter (docxtpl templates built by ``templates/build/permits.py``,
PDF by LibreOffice), and the applicant's contact data read from the application.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from loket.approval.chain import ServiceChain
from loket.approval.notify import MOBILE, normalize_phone
from loket.approval.officials import Official
from loket.common.clock import WIB
from loket.common.safefs import directory, write_bytes
from loket.documents import (
    CARD,
    OFFICE,
    PERMIT,
    UNCOLLECTED_LETTER,
    render_docx,
    tanggal,
    templates_dir,
    to_pdf,
)
from loket.requirements import Checklist

DRAFT_DOCX = "draft.docx"
PERMIT_DOCX = "permit.docx"
PERMIT_PDF = "permit.pdf"
#: The issued permit holds personal data: readable by the service's group, not by others.
PERMIT_MODE = 0o640
CARD_DOCX = "kartu-kendali.docx"
LETTER_DOCX = "surat-pemberitahuan.docx"

#: applicant fields a back-office officer may correct (``loket approval draft --set``)
EDITABLE = (
    "name",
    "nik",
    "birth_place",
    "birth_date",
    "address",
    "str_number",
    "str_valid_until",
    "workplace",
    "phone",
)


def read_json(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def nip_spaced(nip: str) -> str:
    """``19750101 200003 1 001``, as NIPs are printed."""
    n = nip.replace(" ", "")
    return f"{n[:8]} {n[8:14]} {n[14]} {n[15:]}" if len(n) == 18 else nip


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _female(nik: str | None) -> bool | None:
    if nik and len(nik) == 16 and nik.isdigit():
        return int(nik[6:8]) > 40
    return None


# ---------------------------------------------------------------------------------------
# contact data from the application (pages.json)

_LABELS = (
    r"nama|nik|no\.?\s*ktp|tempat|tanggal|jenis\s+kelamin|agama|pekerjaan|no\.?\s*hp|"
    r"nomor\s+hp|no\.?\s*telp|telepon|nomor\s+str|no\.?\s*str|tempat\s+kerja|e-?mail|"
    r"rt\s*/\s*rw|kel|kecamatan|status|kewarganegaraan|berlaku"
)
_PHONE_LINE = re.compile(
    r"\b(?:no\.?\s*(?:hp|handphone|telp\.?|telepon|wa)|nomor\s+(?:hp|telepon|handphone)|"
    # between the label and the number a few stray marks OCR makes of a table's colon or a
    # quote ("No. HP ‘ : “23 0878..."), never a word ("HP Suami", "HP : NIK 1471...")
    r"telepon|handphone|hp|whatsapp)[^\w\n]{0,8}?([+()0-9][0-9 ()+.\-]{7,24})",
    re.IGNORECASE,
)
#: A mobile number starts what follows a label, after at most STRAY_DIGITS digits OCR made
#: of a mark ("“23 0878..."): a number further in is part of something else.
STRAY_DIGITS = 2
_ADDRESS = re.compile(r"^\s*alamat\s*[:;]?\s*(.*)$", re.IGNORECASE)
_NEXT_LABEL = re.compile(rf"^\s*(?:{_LABELS})\b.*[:;]", re.IGNORECASE)


def _pages(pages_doc: dict[str, Any] | None, doc_type: str) -> list[str]:
    if not pages_doc:
        return []
    return [
        str(p.get("text") or "")
        for p in pages_doc.get("pages", [])
        if p.get("doc_type") == doc_type
    ]


def find_phone(pages_doc: dict[str, Any] | None) -> str | None:
    """The applicant's mobile number from the application letter, if it states one."""
    for text in _pages(pages_doc, "surat_permohonan"):
        for m in _PHONE_LINE.finditer(text):
            digits = re.sub(r"[\s.\-()]", "", m.group(1))
            for skip in range(STRAY_DIGITS + 1):
                if MOBILE.match(digits, skip):
                    return normalize_phone(digits[skip:])
    return None


def find_address(pages_doc: dict[str, Any] | None) -> str | None:
    """The applicant's home address: the letter's "Alamat" (wrapped lines joined), else the
    KTP's address, RT/RW, kelurahan and kecamatan lines."""
    for text in _pages(pages_doc, "surat_permohonan"):
        lines = text.splitlines()
        for i, line in enumerate(lines):
            m = _ADDRESS.match(line)
            if not m or not m.group(1).strip():
                continue
            parts = [m.group(1).strip()]
            for nxt in lines[i + 1 : i + 3]:
                if not nxt.strip() or _NEXT_LABEL.match(nxt) or ":" in nxt:
                    break
                parts.append(nxt.strip())
            return _clean(" ".join(parts))
    for text in _pages(pages_doc, "ktp"):
        found: dict[str, str] = {}
        for line in text.splitlines():
            for key, pattern in (
                ("alamat", r"^\s*alamat\s*[:;]?\s*(.+)$"),
                ("rtrw", r"^\s*rt\s*/\s*rw\s*[:;]?\s*(.+)$"),
                ("kel", r"^\s*kel\s*/?\s*desa\s*[:;]?\s*(.+)$"),
                ("kec", r"^\s*kecamatan\s*[:;]?\s*(.+)$"),
            ):
                m = re.match(pattern, line, re.IGNORECASE)
                if m and key not in found:
                    found[key] = m.group(1).strip()
        if "alamat" in found:
            parts = [found["alamat"]]
            if "rtrw" in found:
                parts.append(f"RT/RW {found['rtrw']}")
            if "kel" in found:
                parts.append(f"Kel. {found['kel'].title()}")
            if "kec" in found:
                parts.append(f"Kec. {found['kec'].title()}")
            parts.append("Kota Pekanbaru")
            return _clean(", ".join(parts))
    return None


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,.;")


# ---------------------------------------------------------------------------------------
# applicant data


@dataclass(frozen=True)
class Applicant:
    name: str
    nik: str
    birth_place: str
    birth_date: date | None
    address: str
    str_number: str
    str_valid_until: date | str | None  # a date, "lifetime" or None
    workplace: str
    application_type: str
    phone: str | None


def applicant(
    checklist: Checklist | Mapping[str, Any],
    overrides: dict[str, str] | None,
    *,
    address: str | None,
    phone: str | None,
) -> Applicant:
    """The applicant as the permit names them: the fields the checks read, the address and
    phone found in the letter, and the back office's corrections (``overrides``)."""
    checklist = Checklist.of(checklist)
    a = dict(checklist.applicant)
    a.setdefault("address", address)
    a.setdefault("phone", phone)
    if a.get("address") is None:
        a["address"] = address
    a.update({k: v for k, v in (overrides or {}).items() if v not in (None, "")})
    valid = a.get("str_valid_until")
    return Applicant(
        name=str(a.get("name") or ""),
        nik=str(a.get("nik") or ""),
        birth_place=str(a.get("birth_place") or ""),
        birth_date=_date(a.get("birth_date")),
        address=str(a.get("address") or ""),
        str_number=str(a.get("str_number") or ""),
        str_valid_until=(
            "lifetime"
            if isinstance(valid, str) and valid.lower() in ("lifetime", "seumur hidup")
            else _date(valid)
        ),
        workplace=str(a.get("workplace") or ""),
        application_type=checklist.application_type or "new",
        phone=normalize_phone(a.get("phone")) if a.get("phone") else None,
    )


def valid_until(chain: ServiceChain, person: Applicant, start: date) -> date:
    """Permit validity: ``validity.years`` from ``start``, not beyond the STR's end date."""
    try:
        end = start.replace(year=start.year + chain.validity.years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + chain.validity.years, day=28)
    if chain.validity.limited_by_str and isinstance(person.str_valid_until, date):
        end = min(end, person.str_valid_until)
    return end


@dataclass(frozen=True)
class Signer:
    official: Official
    acting: str | None = None  # "Plh." when a delegate signs


def _signature(signer: Signer | None) -> dict[str, str]:
    if signer is None:
        return {"ttd_awalan": "", "ttd_nama": "", "ttd_pangkat": "", "ttd_nip": "", "ttd_tanda": ""}
    o = signer.official
    return {
        "ttd_awalan": f"{signer.acting} " if signer.acting else "",
        "ttd_nama": o.name,
        "ttd_pangkat": o.title or "",
        "ttd_nip": nip_spaced(o.nip),
        "ttd_tanda": "",
    }


def permit_context(
    chain: ServiceChain,
    person: Applicant,
    *,
    reg_no: str,
    received: datetime,
    draft: bool,
    number: str | None,
    issued: date,
    signer: Signer | None,
    bap_ref: str | None,
    paraf: list[dict[str, str]] | None = None,
) -> dict[str, object]:
    memperhatikan = _memperhatikan(person, reg_no=reg_no, received=received, bap_ref=bap_ref)
    until = valid_until(chain, person, issued)
    if person.str_valid_until == "lifetime":
        str_text = "Seumur hidup"
    elif isinstance(person.str_valid_until, date):
        str_text = f"Sampai dengan {tanggal(person.str_valid_until)}"
    else:
        str_text = "-"
    ketentuan = _ketentuan(chain, until)
    birth = (
        f"{person.birth_place}, {tanggal(person.birth_date)}"
        if person.birth_date
        else (person.birth_place or "-")
    )
    return {
        "draft": draft,
        "judul": f"{chain.product.upper()} ({chain.abbreviation})",
        "nomor": number or "........................ (diisi setelah ditandatangani)",
        "dasar": chain.legal_basis,
        "memperhatikan": memperhatikan,
        "nama": person.name,
        "nik": person.nik,
        "ttl": birth,
        "alamat": person.address or "-",
        "str_nomor": person.str_number or "-",
        "str_berlaku": str_text,
        "profesi": chain.profession,
        "tempat_kerja": person.workplace,
        "jenis": "Perpanjangan" if person.application_type == "renewal" else "Baru",
        "ketentuan": ketentuan,
        "kota": OFFICE["kota"],
        "tanggal": tanggal(issued) if not draft else f"{tanggal(issued)} (draf)",
        "tembusan": [t.replace("{workplace}", person.workplace) for t in chain.tembusan],
        "paraf": paraf or [],
        "reg_no": reg_no,
        **_signature(signer),
        # the QR code and electronic-signature note: filled when the permit is issued
        # (:func:`loket.approval.documents.render_issued_permit`), empty on a draft
        "ttd_qr": "",
        "ttd_qr_kiri": "",
        "tte": False,
        "tte_penerbit": "",
        "tte_url": "",
        "kode_verifikasi": "",
    }


def _memperhatikan(
    person: Applicant, *, reg_no: str, received: datetime, bap_ref: str | None
) -> list[str]:
    """The "Memperhatikan" clauses: the application as received and checked, and the
    technical team's BAP when there is one."""
    female = _female(person.nik)
    title = {True: "Sdri.", False: "Sdr."}.get(female, "Sdr./Sdri.")  # type: ignore[arg-type]
    received_local = received.astimezone(WIB) if received.tzinfo else received
    memperhatikan = [
        f"Surat permohonan {title} {person.name} yang diterima tanggal "
        f"{tanggal(received_local)} (nomor registrasi {reg_no}) beserta persyaratannya yang "
        "telah diperiksa dan dinyatakan lengkap;"
    ]
    if bap_ref:
        memperhatikan.append(f"Berita Acara Pemeriksaan (BAP) Tim Teknis Nomor {bap_ref}.")
    else:
        memperhatikan[-1] = memperhatikan[-1].rstrip(";") + "."
    return memperhatikan


def _ketentuan(chain: ServiceChain, until: date) -> list[str]:
    """The conditions of the permit: validity, one workplace, professional standards."""
    return [
        f"{chain.product} ini berlaku sampai dengan tanggal {tanggal(until)}"
        + (" sepanjang STR masih berlaku." if chain.validity.limited_by_str else "."),
        "Hanya berlaku pada 1 (satu) fasilitas pelayanan kesehatan tersebut di atas.",
        f"Pemegang {chain.abbreviation} wajib melaksanakan pekerjaan sesuai standar profesi, "
        "standar pelayanan dan standar prosedur operasional.",
        "Apabila di kemudian hari terdapat kekeliruan dalam surat izin ini, akan diadakan "
        "perbaikan sebagaimana mestinya.",
    ]


def render_document(
    template: str, context: dict[str, object], out: Path, *, pdf: bool
) -> list[Path]:
    """Render ``templates/<template>`` to ``out`` (+ PDF beside it); returns the files."""
    docx = render_docx(templates_dir() / template, context, out)
    if not pdf:
        return [docx]
    return [docx, *to_pdf([docx])]


def render_permit(
    chain: ServiceChain, context: dict[str, object], folder: Path, *, pdf: bool
) -> list[Path]:
    name = DRAFT_DOCX if context["draft"] else PERMIT_DOCX
    return render_document(chain.template or PERMIT, context, folder / name, pdf=pdf)


def render_permit_docx(
    chain: ServiceChain, context: dict[str, object], out: Path, *, qr_png: bytes
) -> Path:
    """``permit.docx`` with the QR code drawn in the signature block (``ttd_qr``).

    A docxtpl image needs the template object it is rendered into, which
    :func:`loket.documents.render_docx` keeps to itself: rendered here the same way
    (``autoescape=True``)."""
    import io

    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    template = templates_dir() / (chain.template or PERMIT)
    if not template.is_file():
        raise FileNotFoundError(
            f"template {template} not found (build it: python -m templates.build templates/)"
        )
    doc = DocxTemplate(str(template))
    # signed electronically: the QR takes the place of the wet signature; else it goes beside
    # the photo, in a cell 2.6 cm wide (a wider image would be clipped, and unreadable)
    where, size = ("ttd_qr", 22) if context.get("tte") else ("ttd_qr_kiri", 20)
    image = InlineImage(doc, io.BytesIO(qr_png), width=Mm(size))
    doc.render({**context, where: image}, autoescape=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    # never through a link planted at permit.docx: a new file renamed over it, mode 0640
    with directory(out.parent, [], create=True) as folder:
        write_bytes(folder, out.name, buffer.getvalue(), mode=PERMIT_MODE)
    return out


def render_card(context: dict[str, object], folder: Path, *, pdf: bool) -> list[Path]:
    return render_document(CARD, context, folder / CARD_DOCX, pdf=pdf)


def render_letter(context: dict[str, object], folder: Path, *, pdf: bool) -> list[Path]:
    return render_document(UNCOLLECTED_LETTER, context, folder / LETTER_DOCX, pdf=pdf)
