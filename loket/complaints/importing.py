"""Complaint intake from files: an e-mail drop folder (``.eml``), and what importers share.

E-mails are parsed with the standard library's :mod:`email` package; the original message and
every attachment are kept with the complaint. The import is idempotent: a message seen before
(same Message-ID or content) is skipped. The SMS export importer is in
:mod:`loket.complaints.sms`; it uses the reasons, results and :class:`Recorder` defined here.

No single input stops an import (issue #14). Each message is recorded in its own transaction;
one that cannot be recorded is reported with its reason (Bahasa Indonesia / English), and
every other one is still imported. Limits:

* an ``.eml`` file over :data:`EML_MAX_BYTES` (25 MiB) or whose header block is over
  :data:`EML_MAX_HEADER_BYTES` (64 KiB) is refused, as is a file that is not an e-mail (no
  From/To/Date/Subject/Message-ID/Received-type header, binary bytes in the header block), a
  symbolic link, or anything but a regular file. Refused files stay where they are, like the
  imported ones;
* a body whose declared charset is unknown or wrong is read as the declared charset, else
  UTF-8, else Windows-1252 with replacement characters.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from enum import StrEnum
from pathlib import Path

from sqlalchemy.orm import Session

from loket.calendar import WorkCalendar
from loket.common import safefs
from loket.common.clock import WIB
from loket.common.errors import describe_error
from loket.common.settings import Settings
from loket.complaints.book import NewComplaint, StoredFile, add_complaint
from loket.complaints.errors import ComplaintError, DuplicateComplaint
from loket.complaints.models import Complaint
from loket.complaints.rules import ComplaintRules
from loket.identity import Actor

EML_MAX_BYTES = 25 * 1024 * 1024
"""Largest ``.eml`` file imported (the usual mail-server limit for a message)."""

EML_MAX_HEADER_BYTES = 64 * 1024
"""Largest header block of a message; parsing some header fields takes quadratic time."""


# ---------------------------------------------------------------------------------------
# reasons and results


class Reason(StrEnum):
    """Why an input (a file, a message, a row) is not imported."""

    duplicate = "duplicate"
    outgoing = "outgoing"
    unreadable = "unreadable"
    symlink = "symlink"
    not_a_file = "not_a_file"
    too_large = "too_large"
    not_text = "not_text"
    empty_file = "empty_file"
    missing_columns = "missing_columns"
    empty_message = "empty_message"
    binary = "binary"
    no_headers = "no_headers"
    header_too_large = "header_too_large"
    no_content = "no_content"
    field_too_long = "field_too_long"
    too_many_values = "too_many_values"
    unclosed_quote = "unclosed_quote"
    bad_row = "bad_row"
    empty_values = "empty_values"
    bad_time = "bad_time"
    not_stored = "not_stored"


# reason -> (Bahasa Indonesia, English); {placeholders} are filled by explain()
REASONS: dict[Reason, tuple[str, str]] = {
    Reason.duplicate: ("sudah diimpor ({detail})", "already imported ({detail})"),
    Reason.outgoing: ("bukan pesan masuk", "not an incoming message"),
    Reason.unreadable: ("tidak dapat dibaca: {detail}", "cannot be read: {detail}"),
    Reason.symlink: (
        "tautan simbolik (symlink) tidak diterima; salin berkas aslinya",
        "symbolic links are not accepted; copy the real file",
    ),
    Reason.not_a_file: ("bukan berkas biasa", "not a regular file"),
    Reason.too_large: (
        "berkas terlalu besar ({size} byte, batas {limit} byte)",
        "file too large ({size} bytes, limit {limit} bytes)",
    ),
    Reason.not_text: (
        "berkas bukan teks CSV (UTF-8 atau UTF-16): {bad} dari {total} karakter tidak terbaca",
        "the file is not a text CSV (UTF-8 or UTF-16): {bad} of {total} characters unreadable",
    ),
    Reason.empty_file: ("berkas kosong", "the file is empty"),
    Reason.missing_columns: (
        "kolom {detail} tidak ditemukan (kolom: {header})",
        "column(s) {detail} not found (columns: {header})",
    ),
    Reason.empty_message: ("bukan e-mail: berkas kosong", "not an e-mail: the file is empty"),
    Reason.binary: (
        "bukan e-mail: kepala pesan berisi data biner",
        "not an e-mail: binary data where the header should be",
    ),
    Reason.no_headers: (
        "bukan e-mail: tanpa kepala From/To/Date/Subject/Message-ID",
        "not an e-mail: no From/To/Date/Subject/Message-ID header",
    ),
    Reason.header_too_large: (
        "kepala (header) pesan lebih dari {limit} byte",
        "the message header is over {limit} bytes",
    ),
    Reason.no_content: (
        "bukan pesan e-mail (tanpa pengirim dan isi)",
        "not an e-mail message (no sender and no content)",
    ),
    Reason.field_too_long: (
        "kolom {column!r} berisi {length} karakter, batas {limit} (bukan SMS)",
        "field {column!r} has {length} characters, limit {limit} (not an SMS)",
    ),
    Reason.too_many_values: (
        "{got} kolom, seharusnya {expected} (koma dalam pesan tanpa tanda kutip?)",
        "{got} columns, expected {expected} (a comma in the text without quotes?)",
    ),
    Reason.unclosed_quote: (
        'tanda kutip (") tidak ditutup sampai akhir berkas; baris sesudahnya tidak terbaca',
        'unclosed quote (") up to the end of the file; the rows after it cannot be read',
    ),
    Reason.bad_row: (
        "baris CSV rusak (tanda kutip salah tempat?): {detail}",
        "malformed CSV row (misplaced quote?): {detail}",
    ),
    Reason.empty_values: (
        "nomor pengirim atau isi pesan kosong",
        "sender number or message text is empty",
    ),
    Reason.bad_time: (
        "waktu {value!r} tidak dikenali (contoh: 2026-11-03 09:15 atau 03/11/2026 09:15)",
        "date/time {value!r} not recognised (e.g. 2026-11-03 09:15 or 03/11/2026 09:15)",
    ),
    Reason.not_stored: ("gagal disimpan: {detail}", "could not be stored: {detail}"),
}


def explain(reason: Reason, **detail: object) -> str:
    """The officer's text for ``reason``: Bahasa Indonesia, then English."""
    indonesian, english = REASONS[reason]
    return f"{indonesian.format(**detail)} / {english.format(**detail)}"


class Refused(Exception):
    """An input an importer does not take; ``text`` says why, for the officer."""

    def __init__(self, reason: Reason, **detail: object) -> None:
        self.reason = reason
        self.text = explain(reason, **detail)
        super().__init__(self.text)


@dataclass
class ImportResult:
    """What one import did; ``where`` is a file name, or ``file:row`` for an SMS row."""

    created: list[Complaint] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, why)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (where, what)
    duplicates: int = 0  # of ``skipped``: imported before


@dataclass
class Recorder:
    """Where the complaints of one import go, and the running :class:`ImportResult`."""

    session: Session
    rules: ComplaintRules
    store: Path
    reg_prefix: str
    calendar: WorkCalendar  # the office's: the deadlines' working days
    settings: Settings  # the office's: the keys an attached control card is checked with
    result: ImportResult = field(default_factory=ImportResult)

    def refuse(self, where: str, exc: Refused) -> None:
        self.result.errors.append((where, exc.text))

    def skip(self, where: str, why: str) -> None:
        self.result.skipped.append((where, why))

    def add(self, where: str, new: NewComplaint, files: list[StoredFile] | None = None) -> None:
        """Record ``new`` in a transaction of its own: committed whole, or rolled back.

        Whatever goes wrong while one message or row is recorded (a refusal of the register,
        a full disk, a database error) becomes that input's reason; the import goes on.
        """
        session = self.session
        try:
            complaint = add_complaint(
                session,
                self.rules,
                new,
                store=self.store,
                calendar=self.calendar,
                settings=self.settings,
                reg_prefix=self.reg_prefix,
                files=files,
            )
            session.commit()
        except DuplicateComplaint as exc:
            session.rollback()
            self.skip(where, explain(Reason.duplicate, detail=exc.existing.number))
            self.result.duplicates += 1
            return
        except ComplaintError as exc:
            session.rollback()
            self.result.errors.append((where, str(exc)))
            return
        except Exception as exc:  # one input must not stop the import
            session.rollback()
            self.refuse(where, Refused(Reason.not_stored, detail=describe_error(exc)))
            return
        self.result.created.append(complaint)


def shorten(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a message to the officer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_limited(path: Path, max_bytes: int, *, follow_symlinks: bool = False) -> bytes:
    """The bytes of the regular file ``path``, refused when larger than ``max_bytes``.

    Opened through :mod:`loket.common.safefs`: without blocking (a FIFO cannot hang the import)
    and, unless ``follow_symlinks``, refusing a symbolic link rather than following it.
    """
    if follow_symlinks:
        path = path.resolve()
    try:
        fd = safefs.open_file(path)
    except safefs.UnsafePath as exc:
        raise Refused(Reason.symlink if path.is_symlink() else Reason.not_a_file) from exc
    except OSError as exc:
        raise Refused(Reason.unreadable, detail=exc.strerror or str(exc)) from exc
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > max_bytes:
            raise Refused(Reason.too_large, size=size, limit=max_bytes)
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise Refused(Reason.unreadable, detail=exc.strerror or str(exc)) from exc
    if len(data) > max_bytes:  # grew since it was measured
        raise Refused(Reason.too_large, size=f"> {max_bytes}", limit=max_bytes)
    return data


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


# at least one of these makes a file a message (lower case, as email.message compares them)
_MESSAGE_HEADERS = frozenset(
    ("from", "sender", "reply-to", "to", "date", "subject", "message-id", "received")
)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# control bytes other than TAB, CR, LF and ESC (raw ISO-2022-JP headers use ESC)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]")
# Python codecs that are not character sets; a declared charset naming one is ignored
_NOT_CHARSETS = frozenset(("unicode_escape", "raw_unicode_escape", "punycode", "idna"))


def _check_header_block(data: bytes, max_header: int) -> None:
    """Refuse bytes that are empty, or whose header block is binary or too large to parse."""
    if not data.strip():
        raise Refused(Reason.empty_message)
    end = _HEADER_END.search(data, 0, max_header + 4)
    if end is None and len(data) > max_header:
        raise Refused(Reason.header_too_large, limit=max_header)
    head = data[: end.start() if end else len(data)]
    if b"\x00" in head or len(_CONTROL.findall(head)) > len(head) // 20:
        raise Refused(Reason.binary)


def _codec(name: str | None) -> str | None:
    """The Python codec of a declared charset, None when unknown or not a character set."""
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        return None
    return info.name


def decode_text(payload: bytes, declared: str | None) -> str:
    """Text of a body part: its declared charset, else UTF-8, else Windows-1252 (replacing)."""
    for name in (_codec(declared), "utf-8"):
        if name is None:
            continue
        try:
            return payload.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return payload.decode("cp1252", errors="replace")


_BLOCK_START = re.compile(r"(?i)<(script|style)\b")
_BLOCK_END = {tag: re.compile(rf"(?i)</{tag}\s*>") for tag in ("script", "style")}
_BREAK = re.compile(r"(?i)<br\s*/?>|</p>|</div>")
_TAG = re.compile(r"<[^<>]+>")


def _without_scripts(raw: str) -> str:
    """``raw`` without its ``<script>``/``<style>`` blocks, in linear time."""
    out: list[str] = []
    pos, closable = 0, {"script", "style"}  # tags whose end may still be found
    for start in _BLOCK_START.finditer(raw):
        tag = start.group(1).lower()
        if start.start() < pos or tag not in closable:
            continue
        end = _BLOCK_END[tag].search(raw, start.end())
        if end is None:  # no later block of this tag can be closed either
            closable.discard(tag)
            continue
        out += [raw[pos : start.start()], " "]
        pos = end.end()
    out.append(raw[pos:])
    return "".join(out)


def _html_to_text(raw: str) -> str:
    """Readable text of an HTML body; every step is linear in the length of ``raw``."""
    raw = _BREAK.sub("\n", _without_scripts(raw))
    return html.unescape(_TAG.sub(" ", raw))


def _body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    content = decode_text(payload, part.get_content_charset())
    return _html_to_text(content) if part.get_content_subtype() == "html" else content


def _attachments(msg: EmailMessage) -> list[StoredFile]:
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
    return attachments


def _header_text(msg: EmailMessage, name: str) -> str:
    """The text of header ``name`` ("" when absent); its raw value when parsing it fails.

    The standard library's header parser raises on some malformed values (an address cut off
    after its ``@``); the message is still read, with that header as written.
    """
    try:
        return str(msg.get(name, ""))
    except Exception:
        raw = next((str(v) for k, v in msg.raw_items() if k.lower() == name.lower()), "")
        clean = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return " ".join(clean.split())


def _received_at(msg: EmailMessage) -> datetime | None:
    raw = _header_text(msg, "Date")
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=WIB)


def parse_eml(data: bytes, *, max_header: int = EML_MAX_HEADER_BYTES) -> ParsedEmail:
    """Sender, subject, plain-text body, date and attachments of one RFC 822 message.

    Raises :class:`Refused` for bytes that are not an e-mail: empty, binary or oversize
    header block, or none of the header fields every message has (From, Date, Subject, ...).
    """
    _check_header_block(data, max_header)
    msg = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(msg, EmailMessage)
    if not _MESSAGE_HEADERS & {k.lower() for k in msg}:
        raise Refused(Reason.no_headers)
    name, addr = parseaddr(_header_text(msg, "From"))
    return ParsedEmail(
        sender_name=name.strip() or (addr.split("@")[0] if addr else "Anonim"),
        sender_email=addr or None,
        subject=_header_text(msg, "Subject").strip(),
        text=_body_text(msg).strip(),
        received_at=_received_at(msg),
        message_id=_header_text(msg, "Message-ID").strip() or None,
        attachments=_attachments(msg),
    )


def _read_eml(path: Path, max_bytes: int) -> tuple[bytes, ParsedEmail]:
    """The bytes of one ``.eml`` file and its parse; :class:`Refused` with the reason."""
    data = read_limited(path, max_bytes)
    try:
        parsed = parse_eml(data)
    except Refused:
        raise
    except Exception as exc:  # the parser's own failure on a broken file
        raise Refused(Reason.unreadable, detail=describe_error(exc)) from exc
    if not parsed.sender_email and not parsed.text and not parsed.attachments:
        raise Refused(Reason.no_content)
    return data, parsed


def import_eml_folder(
    session: Session,
    rules: ComplaintRules,
    folder: Path,
    *,
    store: Path,
    reg_prefix: str,
    calendar: WorkCalendar,
    settings: Settings,
    handler: Actor | None = None,
    channel: str = "email",
    max_bytes: int = EML_MAX_BYTES,
) -> ImportResult:
    """Register every ``*.eml`` in ``folder`` not seen before, each committed on its own.

    A file refused (over ``max_bytes``, not an e-mail, unreadable, a symbolic link) stays in
    the folder, as imported files do, and is listed in ``errors`` with its reason.
    """
    rec = Recorder(session, rules, store, reg_prefix, calendar, settings)
    for path in sorted(folder.glob("*.eml")):
        try:
            data, parsed = _read_eml(path, max_bytes)
        except Refused as exc:
            rec.refuse(path.name, exc)
            continue
        new = NewComplaint(
            channel=channel,
            complainant_name=parsed.sender_name,
            email=parsed.sender_email,
            subject=parsed.subject or "(tanpa perihal)",
            text=parsed.text or "(pesan kosong; lihat lampiran)",
            received_at=parsed.received_at,
            handler=handler,
            source=str(path),
            source_key="email:" + (parsed.message_id or hashlib.sha256(data).hexdigest()),
        )
        files = [StoredFile("pesan_asli", path.name, data, "message/rfc822"), *parsed.attachments]
        rec.add(path.name, new, files)
    return rec.result
