"""Office documents: Indonesian dates, DOCX from templates, PDF via LibreOffice, XLSX."""

from __future__ import annotations

from loket.documents.data_docs import SCRIPT as DATA_DOCS_SCRIPT
from loket.documents.data_docs import context as gx_context
from loket.documents.data_docs import definition as gx_definition
from loket.documents.data_docs import frame as gx_frame
from loket.documents.data_docs import gx
from loket.documents.data_docs import result_format as gx_result_format
from loket.documents.data_docs import validate_with_docs as gx_validate_with_docs
from loket.documents.layout import (
    cell_text,
    kop_surat,
    kv_table,
    new_document,
    no_borders,
    para,
    set_widths,
    shade,
)
from loket.documents.officedocs import (
    BULAN,
    OFFICE,
    angka,
    listing,
    render_docx,
    tanggal,
    tanggal_jam,
    templates_dir,
    to_pdf,
    write_xlsx,
)
from loket.documents.templates import (
    CARD,
    MONTHLY_REPORT,
    PERMIT,
    REPLY_LETTER,
    SKM_REPORT,
    UNCOLLECTED_LETTER,
)

__all__ = [
    "BULAN",
    "CARD",
    "DATA_DOCS_SCRIPT",
    "MONTHLY_REPORT",
    "OFFICE",
    "PERMIT",
    "REPLY_LETTER",
    "SKM_REPORT",
    "UNCOLLECTED_LETTER",
    "angka",
    "cell_text",
    "gx",
    "gx_context",
    "gx_definition",
    "gx_frame",
    "gx_result_format",
    "gx_validate_with_docs",
    "kop_surat",
    "kv_table",
    "listing",
    "new_document",
    "no_borders",
    "para",
    "render_docx",
    "set_widths",
    "shade",
    "tanggal",
    "tanggal_jam",
    "templates_dir",
    "to_pdf",
    "write_xlsx",
]
