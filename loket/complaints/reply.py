"""The answer goes back through the channel the complaint came in (standard §6 f–i).

- ``surat``: a reply letter from the docxtpl template (DOCX and PDF), signed by the
  Kepala Dinas;
- ``email``: an e-mail draft (``.eml``, marked unsent) addressed to the complainant;
- ``catatan``: a note to be read out on the telephone, sent as SMS or given in person.

Drafts are kept with the complaint and copied to ``outbox/pengaduan/<number>/``.
"""

from __future__ import annotations

import shutil
import textwrap
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy.orm import Session

from loket.approval import ROLE_LABELS, OfficialsFile, Role
from loket.common.clock import to_wib, utcnow
from loket.common.roman import roman_month
from loket.complaints.book import StoredFile, store_file
from loket.complaints.errors import ComplaintError
from loket.complaints.models import Complaint
from loket.complaints.rules import ComplaintRules
from loket.documents import (
    OFFICE,
    REPLY_LETTER,
    listing,
    render_docx,
    tanggal,
    tanggal_jam,
    templates_dir,
    to_pdf,
)

OFFICE_EMAIL = OFFICE["email"]


def reply_kind(rules: ComplaintRules, complaint: Complaint) -> str:
    kind = rules.channels[complaint.channel].reply
    if kind == "email" and not complaint.complainant_email:
        # website form without an address: answer by letter if possible, else a call note
        return "surat" if complaint.complainant_address else "catatan"
    return kind


def letter_context(
    rules: ComplaintRules, officials: OfficialsFile, complaint: Complaint
) -> dict[str, object]:
    signer = officials.holder(Role.kepala_dinas)
    answered = to_wib(complaint.answered_at or utcnow())
    kind_label = rules.type_label(complaint.type)
    return {
        "kota": OFFICE["kota"],
        "tanggal_surat": tanggal(answered),
        "nomor_surat": f"       /DPMPTSP-PGD/{roman_month(answered.month)}/{answered.year}",
        "lampiran": "-",
        "jenis": kind_label,
        "jenis_kecil": kind_label.lower(),
        "nama": complaint.complainant_name,
        "alamat": listing(complaint.complainant_address or ""),
        "tempat": "Tempat",
        "media": rules.channel_label(complaint.channel),
        "tanggal_terima": tanggal(to_wib(complaint.received_at)),
        "nomor": complaint.number,
        "perihal": complaint.subject,
        "jawaban": [p.strip() for p in (complaint.answer or "").splitlines() if p.strip()],
        "reg_no": complaint.related_reg_no or "",
        "penandatangan_jabatan": "KEPALA",
        "penandatangan_nama": signer.name if signer else "",
        "penandatangan_pangkat": (signer.title or "") if signer else "",
        "penandatangan_nip": signer.nip if signer else "",
    }


def _email_draft(rules: ComplaintRules, complaint: Complaint) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"DPMPTSP Kota Pekanbaru <{OFFICE_EMAIL}>"
    msg["To"] = f"{complaint.complainant_name} <{complaint.complainant_email}>"
    subject = (
        complaint.subject
        if complaint.subject.lower().startswith("re:")
        else (f"Re: {complaint.subject}")
    )
    msg["Subject"] = f"{subject} [{complaint.number}]"
    msg["Date"] = format_datetime(to_wib(complaint.answered_at or utcnow()))
    msg["Message-ID"] = make_msgid(domain="dpmptsp.pekanbaru.go.id")
    if complaint.source_key and complaint.source_key.startswith("email:<"):
        original = complaint.source_key.removeprefix("email:")
        msg["In-Reply-To"] = original
        msg["References"] = original
    msg["X-Unsent"] = "1"  # opens as a draft in common mail programs
    body = (
        f"Yth. {complaint.complainant_name},\n\n"
        f"Menindaklanjuti {rules.type_label(complaint.type).lower()} Saudara/i yang kami "
        f"terima pada {tanggal_jam(to_wib(complaint.received_at))} (nomor {complaint.number}) "
        f"perihal \u201c{complaint.subject}\u201d, dengan ini kami sampaikan tanggapan sebagai "
        f"berikut:\n\n{complaint.answer}\n\n"
        + (
            f"Terkait permohonan nomor registrasi {complaint.related_reg_no}, kartu kendali "
            "permohonan tersebut telah kami periksa.\n\n"
            if complaint.related_reg_no
            else ""
        )
        + "Atas perhatian dan partisipasi Saudara/i dalam peningkatan kualitas pelayanan "
        "publik, kami ucapkan terima kasih.\n\n"
        f"Hormat kami,\n{complaint.answered_by_name or 'Petugas Pengaduan'}\n"
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pekanbaru\n"
        f"{OFFICE['alamat']} | {OFFICE['telepon']}\n"
    )
    msg.set_content(body)
    return bytes(msg)


def _note(rules: ComplaintRules, complaint: Complaint) -> str:
    how = {
        "telepon": "ditelepon kembali",
        "sms": "dihubungi melalui telepon/SMS",
        "fax": "dikirim melalui fax/telepon",
        "tatap_muka": "disampaikan langsung (tatap muka) di loket pengaduan",
    }.get(complaint.channel, "disampaikan langsung")
    wrap = "\n".join(textwrap.fill(p, 78) for p in (complaint.answer or "").splitlines())
    lines = [
        "CATATAN JAWABAN PENGADUAN \u2014 UNTUK DIBACAKAN / DISAMPAIKAN",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Pekanbaru",
        "",
        f"Nomor pengaduan : {complaint.number}",
        f"Diterima        : {tanggal_jam(to_wib(complaint.received_at))} melalui "
        f"{rules.channel_label(complaint.channel)}",
        f"Pengadu         : {complaint.complainant_name}",
        f"Telepon/HP      : {complaint.complainant_phone or '-'}",
        f"Perihal         : {complaint.subject}",
        f"Bobot           : {rules.weight_label(complaint.weight)}",
        f"Cara penyampaian: {how}",
        "",
        f"Salam pembuka: \u201cSelamat pagi/siang, Bapak/Ibu {complaint.complainant_name}. "
        "Kami dari DPMPTSP Kota Pekanbaru menindaklanjuti "
        f"{rules.type_label(complaint.type).lower()} Bapak/Ibu nomor {complaint.number}.\u201d",
        "",
        "Jawaban:",
        wrap,
        "",
    ]
    if complaint.related_reg_no:
        lines += [
            f"Permohonan terkait: {complaint.related_reg_no} (kartu kendali terlampir "
            "di register).",
            "",
        ]
    lines += [
        "Setelah disampaikan, catat tanggal/jam dan tanggapan pengadu di register.",
        f"Petugas: {complaint.answered_by_name or '-'}  NIP {complaint.answered_by_nip or '-'}",
    ]
    return "\n".join(lines) + "\n"


def draft_reply(
    session: Session,
    rules: ComplaintRules,
    officials: OfficialsFile,
    complaint: Complaint,
    *,
    store: Path,
    outbox: Path,
    pdf: bool = True,
) -> list[Path]:
    """Write the reply drafts of an answered complaint; returns the files in the outbox."""
    if complaint.answer is None:
        raise ComplaintError(f"{complaint.number} belum dijawab")
    kind = reply_kind(rules, complaint)
    target = outbox / "pengaduan" / complaint.number
    target.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    base = f"tanggapan-{complaint.number}"
    if kind == "surat":
        docx = render_docx(
            templates_dir() / REPLY_LETTER,
            letter_context(rules, officials, complaint),
            target / f"{base}.docx",
        )
        made.append(docx)
        if pdf:
            made.extend(to_pdf([docx]))
    elif kind == "email":
        path = target / f"{base}.eml"
        path.write_bytes(_email_draft(rules, complaint))
        made.append(path)
    else:
        path = target / f"{base}-catatan.txt"
        path.write_text(_note(rules, complaint), encoding="utf-8")
        made.append(path)
    for path in made:
        kept = store_file(
            session, complaint, store, StoredFile("balasan", path.name, path.read_bytes())
        )
        if not kept.is_file():  # pragma: no cover - store_file writes or raises
            shutil.copy2(path, kept)
    return made


def who_answers(rules: ComplaintRules, weight: str) -> str:
    """A line for the register: who must be involved for ``weight``."""
    rule = rules.weights[weight]  # type: ignore[index]
    if not rule.coordination:
        return rule.description
    steps = " \u2192 ".join(
        " atau ".join(ROLE_LABELS[r] for r in step) for step in rule.coordination
    )
    return f"{rule.description} ({steps})"
