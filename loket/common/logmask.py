"""Personal data out of the logs: NIKs and phone numbers are masked in every log record.

:func:`install` wraps the logging record factory, so every record of every logger (loket's,
Prefect's run loggers, ``print`` captured with ``log_prints``) is masked once, when it is
created, before any handler (console, file, or Prefect's API log handler that stores logs in
the Prefect database) sees it. Masking keeps the first and last digits so that an officer can
still tell records apart: ``1471015505900001`` -> ``1471********0001``.
"""

from __future__ import annotations

import logging
import re

#: A NIK: 16 digits, not part of a longer number (registration numbers have 6).
NIK = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
#: Indonesian phone numbers: 08…, +628…, 628… with 9-13 digits, optional separators.
PHONE = re.compile(r"(?<![\d+])(\+?62[ -]?|0)(8\d)[\d\- ]{5,12}(\d{2})(?!\d)")

_installed = False


def mask(text: str) -> str:
    """``text`` with NIKs and phone numbers masked."""
    text = NIK.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}******{m.group(3)}", text)


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
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
