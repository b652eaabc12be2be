"""Complaint intake from an SMS export: the CSV file a phone or SMS gateway writes.

An SMS export is a spreadsheet-like file, one text message a row, with (at least) columns for
the time, the sender's number and the text; which columns those are is set in the complaint
rules (``sms_csv``). :func:`import_sms_csv` registers each incoming message as a complaint.

The import is all-or-nothing per row (issue #14): each row is recorded in its own
transaction, and a row that cannot be (malformed, oversize, invalid, or failing while stored)
is reported with its row number and reason while every other row is still imported. It is
idempotent: a row seen before (same sender, time and text) is skipped. Limits:

* an export over :data:`SMS_CSV_MAX_BYTES` (64 MiB) is refused whole;
* a row with a field over :data:`SMS_FIELD_MAX_CHARS` (10,000 characters, some 65 joined SMS
  parts) is refused, as is a malformed row (misplaced or unclosed quote, more values than
  columns).

Reasons, results and the per-input transaction are shared with the e-mail importer in
:mod:`loket.complaints.importing`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from loket.calendar import WorkCalendar
from loket.common.clock import WIB
from loket.common.settings import Settings
from loket.complaints.book import NewComplaint
from loket.complaints.importing import (
    ImportResult,
    Reason,
    Recorder,
    Refused,
    explain,
    read_limited,
    shorten,
)
from loket.complaints.rules import ComplaintRules
from loket.identity import Actor

SMS_CSV_MAX_BYTES = 64 * 1024 * 1024
"""Largest SMS export read; it also bounds the csv module's field size limit."""

SMS_FIELD_MAX_CHARS = 10_000
"""Longest field of an SMS row; a longer one is not an SMS and its row is refused."""


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
            shown = shorten(", ".join(header), 300)
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
            column = shorten(cols.header[i]) if i < len(cols.header) else f"#{i + 1}"
            raise Refused(Reason.field_too_long, column=column, length=len(value), limit=max_field)
    extra = record[len(cols.header) :]
    if any(v.strip() for v in extra):
        raise Refused(Reason.too_many_values, got=len(record), expected=len(cols.header))
    return dict(zip(cols.header, record, strict=False))


def _sms_complaint(
    row: dict[str, str], cols: _SmsColumns, source: str, handler: Actor | None
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
        raise Refused(Reason.bad_time, value=shorten(raw_time)) from exc
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
    calendar: WorkCalendar,
    settings: Settings,
    handler: Actor | None = None,
    max_bytes: int = SMS_CSV_MAX_BYTES,
    max_field_chars: int = SMS_FIELD_MAX_CHARS,
) -> ImportResult:
    """Register each incoming SMS row of an export, each row committed on its own.

    A row that is oversize, malformed or invalid is listed in ``errors`` by its row number
    (``file.csv:N``, the header being row 1); outgoing and already imported rows in ``skipped``.
    """
    rec = Recorder(session, rules, store, reg_prefix, calendar, settings)
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
