"""Complaint intake from files: an e-mail drop folder (``.eml``) and an SMS export (CSV).

E-mails are parsed with the standard library's :mod:`email` package; the original message and
every attachment are kept with the complaint. Both importers are idempotent: a message seen
before (same Message-ID or content; same sender, time and text for SMS) is skipped.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from sqlalchemy.orm import Session

from loket.complaints import (
    WIB,
    Complaint,
    ComplaintError,
    ComplaintRules,
    DuplicateComplaint,
    NewComplaint,
    StoredFile,
    add_complaint,
    find_by_source_key,
)
from loket.officials import Official


@dataclass
class ImportResult:
    created: list[Complaint] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (where, what)


# ---------------------------------------------------------------------------------------
# e-mail


@dataclass
class ParsedEmail:
    sender_name: str
    sender_email: str | None
    subject: str
    text: str
    received_at: datetime | None
    message_id: str | None
    attachments: list[StoredFile]


def _html_to_text(raw: str) -> str:
    raw = re.sub(r"(?is)<(script|style).*?</\1>", " ", raw)
    raw = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", raw)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def parse_eml(data: bytes) -> ParsedEmail:
    """Sender, subject, plain-text body, date and attachments of one RFC 822 message."""
    msg = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(msg, EmailMessage)
    name, addr = parseaddr(str(msg.get("From", "")))
    when: datetime | None = None
    if msg.get("Date"):
        try:
            when = parsedate_to_datetime(str(msg["Date"]))
            if when.tzinfo is None:
                when = when.replace(tzinfo=WIB)
        except (TypeError, ValueError):
            when = None
    body_part = msg.get_body(preferencelist=("plain", "html"))
    text = ""
    if body_part is not None:
        content = body_part.get_content()
        text = _html_to_text(content) if body_part.get_content_subtype() == "html" else content
    attachments: list[StoredFile] = []
    for i, part in enumerate(msg.iter_attachments(), start=1):
        payload = part.get_payload(decode=True)
        if payload is None:
            inner = part.get_payload()
            # message/rfc822 attachments: keep the raw inner message
            payload = (
                inner[0].as_bytes() if isinstance(inner, list) and inner else str(inner).encode()
            )
        attachments.append(
            StoredFile(
                kind="lampiran",
                filename=part.get_filename() or f"lampiran-{i}",
                content=payload,
                content_type=part.get_content_type(),
            )
        )
    return ParsedEmail(
        sender_name=name.strip() or (addr.split("@")[0] if addr else "Anonim"),
        sender_email=addr or None,
        subject=str(msg.get("Subject", "")).strip(),
        text=text.strip(),
        received_at=when,
        message_id=str(msg["Message-ID"]).strip() if msg.get("Message-ID") else None,
        attachments=attachments,
    )


def import_eml_folder(
    session: Session,
    rules: ComplaintRules,
    folder: Path,
    *,
    store: Path,
    reg_prefix: str,
    handler: Official | None = None,
    channel: str = "email",
) -> ImportResult:
    """Register every ``*.eml`` in ``folder`` not seen before (caller commits)."""
    result = ImportResult()
    for path in sorted(folder.glob("*.eml")):
        data = path.read_bytes()
        try:
            parsed = parse_eml(data)
        except Exception as exc:  # a broken file must not stop the folder
            result.errors.append((path.name, f"tidak dapat dibaca: {exc}"))
            continue
        if not parsed.sender_email and not parsed.text and not parsed.attachments:
            result.errors.append((path.name, "bukan pesan e-mail (tanpa pengirim dan isi)"))
            continue
        key = "email:" + (parsed.message_id or hashlib.sha256(data).hexdigest())
        if find_by_source_key(session, key) is not None:
            result.skipped.append((path.name, "sudah diimpor"))
            continue
        files = [
            StoredFile("pesan_asli", path.name, data, "message/rfc822"),
            *parsed.attachments,
        ]
        try:
            with session.begin_nested():
                complaint = add_complaint(
                    session,
                    rules,
                    NewComplaint(
                        channel=channel,
                        complainant_name=parsed.sender_name,
                        email=parsed.sender_email,
                        subject=parsed.subject or "(tanpa perihal)",
                        text=parsed.text or "(pesan kosong; lihat lampiran)",
                        received_at=parsed.received_at,
                        handler=handler,
                        source=str(path),
                        source_key=key,
                    ),
                    store=store,
                    reg_prefix=reg_prefix,
                    files=files,
                )
        except DuplicateComplaint as exc:
            result.skipped.append((path.name, str(exc)))
            continue
        except ComplaintError as exc:
            result.errors.append((path.name, str(exc)))
            continue
        result.created.append(complaint)
    return result


# ---------------------------------------------------------------------------------------
# SMS export (CSV)

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d",
)


def parse_sms_time(raw: str) -> datetime:
    """A timestamp as SMS exports write it; local times are WIB, digits are epoch (ms or s)."""
    value = raw.strip()
    if re.fullmatch(r"\d{10}(\d{3})?", value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return datetime.fromtimestamp(seconds, tz=UTC)
    try:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=WIB)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=WIB)
        except ValueError:
            continue
    raise ValueError(
        f"waktu {raw!r} tidak dikenali (contoh: 2026-11-03 09:15 atau 03/11/2026 09:15)"
    )


def _pick(header: list[str], names: list[str]) -> str | None:
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n.lower()] for n in names if n.lower() in lowered), None)


def _subject(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= 80 else first[:77].rstrip() + "..."


def import_sms_csv(
    session: Session,
    rules: ComplaintRules,
    path: Path,
    *,
    store: Path,
    reg_prefix: str,
    handler: Official | None = None,
) -> ImportResult:
    """Register each incoming SMS row of an export; bad rows are reported by row number."""
    result = ImportResult()
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = reader.fieldnames or []
    cols = rules.sms_csv
    c_date, c_sender, c_text = (
        _pick(header, cols.date),
        _pick(header, cols.sender),
        _pick(header, cols.text),
    )
    c_name, c_dir = _pick(header, cols.name), _pick(header, cols.direction)
    missing = [
        what
        for what, col in (("tanggal", c_date), ("pengirim", c_sender), ("isi pesan", c_text))
        if col is None
    ]
    if missing:
        result.errors.append(
            (f"{path.name}:1", f"kolom {', '.join(missing)} tidak ditemukan (kolom: {header})")
        )
        return result
    incoming = {v.lower() for v in cols.incoming_values}
    for rowno, row in enumerate(reader, start=2):
        where = f"{path.name}:{rowno}"
        if c_dir and incoming and (row.get(c_dir) or "").strip().lower() not in incoming:
            result.skipped.append((where, "bukan pesan masuk"))
            continue
        sender = (row.get(c_sender) or "").strip()
        body = (row.get(c_text) or "").strip()
        if not sender or not body:
            result.errors.append((where, "nomor pengirim atau isi pesan kosong"))
            continue
        try:
            when = parse_sms_time(row.get(c_date) or "")
        except ValueError as exc:
            result.errors.append((where, str(exc)))
            continue
        digest = hashlib.sha256(f"{sender}|{when.isoformat()}|{body}".encode()).hexdigest()
        key = f"sms:{digest[:40]}"
        if find_by_source_key(session, key) is not None:
            result.skipped.append((where, "sudah diimpor"))
            continue
        name = (row.get(c_name) or "").strip() if c_name else ""
        try:
            with session.begin_nested():
                complaint = add_complaint(
                    session,
                    rules,
                    NewComplaint(
                        channel="sms",
                        complainant_name=name or sender,
                        phone=sender,
                        subject=_subject(body),
                        text=body,
                        received_at=when,
                        handler=handler,
                        source=f"{path}:{rowno}",
                        source_key=key,
                    ),
                    store=store,
                    reg_prefix=reg_prefix,
                )
        except ComplaintError as exc:
            result.errors.append((where, str(exc)))
            continue
        result.created.append(complaint)
    return result
