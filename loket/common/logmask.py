"""Personal data out of the logs: NIKs and phone numbers are masked in every log record.

:func:`install` wraps the logging record factory, so every record of every logger (loket's,
Prefect's run loggers, ``print`` captured with ``log_prints``) is masked once, when it is
created, before any handler (console, file, or Prefect's API log handler that stores logs in
the Prefect database) sees it — the traceback of a logged exception too, whose message may
quote a page's text. Masking keeps the first and last digits so that an officer can still tell
records apart: ``1471015505900001`` -> ``1471********0001``. :func:`mask` also serves what
the CLI prints (``loket status``).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback

#: A NIK: 16 digits, not part of a longer number (registration numbers have 6).
NIK = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
#: Indonesian phone numbers: 08…, +628…, 628… with 9-13 digits, optional separators.
PHONE = re.compile(r"(?<![\d+])(\+?62[ -]?|0)(8\d)[\d\- ]{5,12}(\d{2})(?!\d)")

_installed = False


def mask(text: str) -> str:
    """``text`` with NIKs and phone numbers masked."""
    text = mask_niks(text)
    return PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}******{m.group(3)}", text)


def mask_niks(text: str) -> str:
    """``text`` with its NIKs masked (phone numbers left as they are)."""
    return NIK.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)


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
