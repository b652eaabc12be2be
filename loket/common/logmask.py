"""Personal data out of the logs: NIKs and phone numbers are masked in every log record.

:func:`install` wraps the logging record factory, so every record of every logger (loket's,
Prefect's run loggers, ``print`` captured with ``log_prints``) is masked once, when it is
created, before any handler (console, file, or Prefect's API log handler that stores logs in
the Prefect database) sees it — the traceback of a logged exception too, whose message may
quote a page's text. Masking keeps the first and last digits so that an officer can still tell
records apart: ``1471015505900001`` -> ``1471********0001``. :func:`mask` also serves what
the CLI prints (``loket status``).

A NIK is also written in groups — ``1471 0155 0590 0001``, ``1471.0155.0590.0001``,
``1471-015505-900001``, a boxed form read as ``1 4 7 1 0 1 …`` — and is masked digit by digit,
separators kept: ``1471 **** **** 0001``. Grouped digits are common in ordinary text (dates,
amounts, registration numbers, a table's figures), so 16 grouped digits are taken for a NIK
only when laid out like one: no leading 0, a day of birth (01-31, women +40) and a month
where the NIK has them. Sixteen digits in one piece are masked whatever they are.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback

#: A NIK: 16 digits, not part of a longer number (registration numbers have 6).
NIK = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
#: Digit groups joined by single separators (space, dot, dash): where a grouped NIK may be.
GROUPED = re.compile(r"(?<!\d)\d+(?:[ .\-]\d+)+")
_DIGITS = re.compile(r"\d+")
#: Indonesian phone numbers: 08…, +628…, 628… with 9-13 digits, optional separators.
PHONE = re.compile(r"(?<![\d+])(\+?62[ -]?|0)(8\d)[\d\- ]{5,12}(\d{2})(?!\d)")

_installed = False


def mask(text: str) -> str:
    """``text`` with NIKs and phone numbers masked."""
    text = mask_niks(text)
    return PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}******{m.group(3)}", text)


def mask_niks(text: str) -> str:
    """``text`` with its NIKs masked (phone numbers left as they are)."""
    text = NIK.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return GROUPED.sub(_mask_grouped, text)


def looks_like_nik(digits: str) -> bool:
    """16 digits laid out as a NIK: region code (no leading 0), day of birth (+40 for women)
    and month in places 7-10. Years, amounts or a table's figures in groups rarely are."""
    day, month = int(digits[6:8]), int(digits[8:10])
    return digits[0] != "0" and (1 <= day <= 31 or 41 <= day <= 71) and 1 <= month <= 12


def _mask_grouped(match: re.Match[str]) -> str:
    """Mask the middle eight digits of every run of whole groups that holds 16 digits laid
    out as a NIK (a NIK may stand next to other numbers: ``SIKR-2026-000001 1471 0155 …``)."""
    text = match.group(0)
    groups = [(g.start(), g.end()) for g in _DIGITS.finditer(text)]
    hide: set[int] = set()
    for first in range(len(groups)):
        size, last = 0, first
        while last < len(groups) and size < 16:
            size += groups[last][1] - groups[last][0]
            last += 1
        if size != 16:
            continue
        places = [i for i in range(groups[first][0], groups[last - 1][1]) if text[i].isdigit()]
        if looks_like_nik("".join(text[i] for i in places)):
            hide.update(places[4:12])
    if not hide:
        return text
    return "".join("*" if i in hide else c for i, c in enumerate(text))


def _mask_traceback(record: logging.LogRecord) -> None:
    """Format a logged exception's traceback now, masked: handlers use ``exc_text`` when it
    is set instead of formatting ``exc_info`` again (with the NIK in the exception's text)."""
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        text = _FORMATTER.formatException(record.exc_info)
        masked = mask(text)
        if masked != text:
            record.exc_text = masked
    if record.stack_info:
        record.stack_info = mask(record.stack_info)


_FORMATTER = logging.Formatter()


def install() -> None:
    """Mask every log record created from now on in this process (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report
            return record
        masked = mask(message)
        if masked != message or record.args:
            record.msg, record.args = masked, ()
        _mask_traceback(record)
        return record

    logging.setLogRecordFactory(factory)
    _mask_uncaught()
    _installed = True


def _mask_uncaught() -> None:
    """An exception no one caught is printed by Python itself, not logged (a crashing
    process's traceback lands in ``var/logs/runner.log``): mask that too."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: object) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))  # type: ignore[arg-type]
        sys.stderr.write(mask(text))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread else "?"
        text = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        sys.stderr.write(f"Exception in thread {name}:\n{mask(text)}")

    sys.excepthook = hook
    threading.excepthook = thread_hook
