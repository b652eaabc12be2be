"""Office documents: Indonesian dates, DOCX from templates, PDF via LibreOffice, XLSX."""

from __future__ import annotations

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
    "MONTHLY_REPORT",
    "OFFICE",
    "PERMIT",
    "REPLY_LETTER",
    "SKM_REPORT",
    "UNCOLLECTED_LETTER",
    "angka",
    "cell_text",
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
