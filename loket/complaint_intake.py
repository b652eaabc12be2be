"""Complaint intake from files: an e-mail drop folder (``.eml``) and an SMS export (CSV).

E-mails are parsed with the standard library's :mod:`email` package; the original message and
every attachment are kept with the complaint. Both importers are idempotent: a message seen
before (same Message-ID or content; same sender, time and text for SMS) is skipped.

No single input stops an import (issue #14). Each message and each row is recorded in its own
transaction; one that cannot be recorded is reported with its reason (Bahasa Indonesia /
English) and, for SMS, its row number, and every other one is still imported. Limits:

* an ``.eml`` file over :data:`EML_MAX_BYTES` (25 MiB) or whose header block is over
  :data:`EML_MAX_HEADER_BYTES` (64 KiB) is refused, as is a file that is not an e-mail (no
  From/To/Date/Subject/Message-ID/Received-type header, binary bytes in the header block), a
  symbolic link, or anything but a regular file. Refused files stay where they are, like the
  imported ones;
* a body whose declared charset is unknown or wrong is read as the declared charset, else
  UTF-8, else Windows-1252 with replacement characters;
* an SMS export over :data:`SMS_CSV_MAX_BYTES` (64 MiB) is refused whole; a row with a field
  over :data:`SMS_FIELD_MAX_CHARS` (10,000 characters, some 65 joined SMS parts) is
  refused, as is a malformed row (misplaced or unclosed quote, more values than columns).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import html
import io
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from enum import StrEnum
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
)
from loket.officials import Official

EML_MAX_BYTES = 25 * 1024 * 1024
"""Largest ``.eml`` file imported (the usual mail-server limit for a message)."""

EML_MAX_HEADER_BYTES = 64 * 1024
"""Largest header block of a message; parsing some header fields takes quadratic time."""

SMS_CSV_MAX_BYTES = 64 * 1024 * 1024
"""Largest SMS export read; it also bounds the csv module's field size limit."""

SMS_FIELD_MAX_CHARS = 10_000
"""Longest field of an SMS row; a longer one is not an SMS and its row is refused."""


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
class _Recorder:
    """Where the complaints of one import go, and the running :class:`ImportResult`."""

    session: Session
    rules: ComplaintRules
    store: Path
    reg_prefix: str
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
                session, self.rules, new, store=self.store, reg_prefix=self.reg_prefix, files=files
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
            self.refuse(where, Refused(Reason.not_stored, detail=_describe(exc)))
            return
        self.result.created.append(complaint)


def _short(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a message to the officer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {_short(text, 300)}" if text else type(exc).__name__


def read_limited(path: Path, max_bytes: int, *, follow_symlinks: bool = False) -> bytes:
    """The bytes of the regular file ``path``, refused when larger than ``max_bytes``.

    The file is opened without blocking (a FIFO cannot hang the import) and, unless
    ``follow_symlinks``, a symbolic link is refused rather than followed.
    """
    if not follow_symlinks and path.is_symlink():
        raise Refused(Reason.symlink)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise Refused(Reason.unreadable, detail=exc.strerror or str(exc)) from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Refused(Reason.not_a_file)
        if info.st_size > max_bytes:
            raise Refused(Reason.too_large, size=info.st_size, limit=max_bytes)
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
        raise Refused(Reason.unreadable, detail=_describe(exc)) from exc
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
    handler: Official | None = None,
    channel: str = "email",
    max_bytes: int = EML_MAX_BYTES,
) -> ImportResult:
    """Register every ``*.eml`` in ``folder`` not seen before, each committed on its own.

    A file refused (over ``max_bytes``, not an e-mail, unreadable, a symbolic link) stays in
    the folder, as imported files do, and is listed in ``errors`` with its reason.
    """
    rec = _Recorder(session, rules, store, reg_prefix)
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


_NON_TEXT = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\ufffd]")


def csv_text(raw: bytes) -> str:
    """The text of a CSV export: UTF-16 with a byte-order mark, else UTF-8.

    Bytes that are not UTF-8 are replaced (as before, so that the keys of rows imported
    earlier stay the same); a file with NUL bytes or mostly undecodable is refused.
    """
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    text = raw.decode("utf-16" if utf16 else "utf-8-sig", errors="replace")
    if not text.strip():
        raise Refused(Reason.empty_file)
    bad = len(_NON_TEXT.findall(text))
    if "\x00" in text or bad > len(text) // 10:
        raise Refused(Reason.not_text, bad=max(bad, 1), total=len(text))
    return text


@contextlib.contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    """Raise the csv module's (process-wide) field size limit to ``limit`` for a while."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, limit))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _records(text: str) -> Iterator[tuple[int, list[str] | Refused]]:
    """Each record of ``text`` with its row number as a spreadsheet shows it (header = 1).

    A malformed record (in strict mode: a misplaced quote, or one not closed before the end)
    is yielded as :class:`Refused`, and reading goes on with the next line.
    """
    try:
        dialect: type[csv.Dialect] = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": a bare CR ends a record instead of failing the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect, strict=True)
    rowno = 0
    while True:
        rowno += 1
        try:
            yield rowno, next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = str(exc)
            if "unexpected end of data" in message:
                yield rowno, Refused(Reason.unclosed_quote)
            else:
                yield rowno, Refused(Reason.bad_row, detail=message)


@dataclass(frozen=True)
class _SmsColumns:
    """The columns of an export that hold what a complaint needs (names as in its header)."""

    header: list[str]
    date: str
    sender: str
    text: str
    name: str | None
    direction: str | None
    incoming: frozenset[str]

    @classmethod
    def find(cls, header: list[str], rules: ComplaintRules) -> _SmsColumns:
        cols = rules.sms_csv
        date, sender, text = (_pick(header, n) for n in (cols.date, cols.sender, cols.text))
        if date is None or sender is None or text is None:
            missing = [
                what
                for what, col in (("tanggal", date), ("pengirim", sender), ("isi pesan", text))
                if col is None
            ]
            shown = _short(", ".join(header), 300)
            raise Refused(Reason.missing_columns, detail=", ".join(missing), header=shown)
        return cls(
            header=header,
            date=date,
            sender=sender,
            text=text,
            name=_pick(header, cols.name),
            direction=_pick(header, cols.direction),
            incoming=frozenset(v.lower() for v in cols.incoming_values),
        )


def _sms_row(record: list[str] | Refused, cols: _SmsColumns, max_field: int) -> dict[str, str]:
    """The record as a row by column name; :class:`Refused` when oversize or malformed."""
    if isinstance(record, Refused):
        raise record
    for i, value in enumerate(record):
        if len(value) > max_field:
            column = _short(cols.header[i]) if i < len(cols.header) else f"#{i + 1}"
            raise Refused(Reason.field_too_long, column=column, length=len(value), limit=max_field)
    extra = record[len(cols.header) :]
    if any(v.strip() for v in extra):
        raise Refused(Reason.too_many_values, got=len(record), expected=len(cols.header))
    return dict(zip(cols.header, record, strict=False))


def _sms_complaint(
    row: dict[str, str], cols: _SmsColumns, source: str, handler: Official | None
) -> NewComplaint | None:
    """The complaint of one row, None for an outgoing message; :class:`Refused` when bad."""
    if cols.direction and cols.incoming:
        direction = (row.get(cols.direction) or "").strip().lower()
        if direction not in cols.incoming:
            return None
    sender = (row.get(cols.sender) or "").strip()
    body = (row.get(cols.text) or "").strip()
    if not sender or not body:
        raise Refused(Reason.empty_values)
    raw_time = row.get(cols.date) or ""
    try:
        when = parse_sms_time(raw_time)
    except ValueError as exc:
        raise Refused(Reason.bad_time, value=_short(raw_time)) from exc
    digest = hashlib.sha256(f"{sender}|{when.isoformat()}|{body}".encode()).hexdigest()
    name = (row.get(cols.name) or "").strip() if cols.name else ""
    return NewComplaint(
        channel="sms",
        complainant_name=name or sender,
        phone=sender,
        subject=_subject(body),
        text=body,
        received_at=when,
        handler=handler,
        source=source,
        source_key=f"sms:{digest[:40]}",
    )


def _header(records: Iterator[tuple[int, list[str] | Refused]]) -> list[str]:
    first = next(records, None)
    if first is None:
        raise Refused(Reason.empty_file)
    if isinstance(first[1], Refused):
        raise first[1]
    return first[1]


def import_sms_csv(
    session: Session,
    rules: ComplaintRules,
    path: Path,
    *,
    store: Path,
    reg_prefix: str,
    handler: Official | None = None,
    max_bytes: int = SMS_CSV_MAX_BYTES,
    max_field_chars: int = SMS_FIELD_MAX_CHARS,
) -> ImportResult:
    """Register each incoming SMS row of an export, each row committed on its own.

    A row that is oversize, malformed or invalid is listed in ``errors`` by its row number
    (``file.csv:N``, the header being row 1); outgoing and already imported rows in ``skipped``.
    """
    rec = _Recorder(session, rules, store, reg_prefix)
    try:
        text = csv_text(read_limited(path, max_bytes, follow_symlinks=True))
    except Refused as exc:
        rec.refuse(path.name, exc)
        return rec.result
    # no field is longer than the file, so the csv module never fails a row on its limit
    with _csv_field_limit(max_bytes + 1):
        records = _records(text)
        try:
            cols = _SmsColumns.find(_header(records), rules)
        except Refused as exc:
            rec.refuse(f"{path.name}:1", exc)
            return rec.result
        for rowno, record in records:
            where = f"{path.name}:{rowno}"
            if record == []:  # a blank line
                continue
            try:
                row = _sms_row(record, cols, max_field_chars)
                new = _sms_complaint(row, cols, f"{path}:{rowno}", handler)
            except Refused as exc:
                rec.refuse(where, exc)
                continue
            if new is None:
                rec.skip(where, explain(Reason.outgoing))
            else:
                rec.add(where, new)
    return rec.result
