"""Office documents: Indonesian dates, DOCX from docxtpl templates, PDF via LibreOffice, XLSX.

Facts measured here (shared/stack-notes.md): render with ``autoescape=True``; each
``soffice`` call gets its own profile directory, since two conversions sharing one profile
silently produce nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from loket.documents.cells import append_row

OFFICE = {
    "pemerintah": "PEMERINTAH KOTA PEKANBARU",
    "dinas": "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
    "dinas_singkat": "DPMPTSP Kota Pekanbaru",
    "alamat": "Jalan Jenderal Sudirman No. 464 Pekanbaru, Riau",
    "telepon": "Telp. (0761) 28262, Fax (0761) 42003, SMS 08117515133",
    "email": "dpmptsppekanbaru@gmail.com",
    "website": "www.dpmptsp.pekanbaru.go.id",
    "kota": "Pekanbaru",
}

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tanggal(value: date | datetime | None) -> str:
    """``28 November 2026`` (empty for None)."""
    if value is None:
        return ""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def tanggal_jam(value: datetime | None) -> str:
    """``28 November 2026 09.15 WIB`` (Indonesian time separator)."""
    if value is None:
        return ""
    return f"{tanggal(value)} {value:%H.%M} WIB"


def angka(value: float | int, digits: int = 2) -> str:
    """A number with an Indonesian decimal comma: ``88,31``."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def templates_dir() -> Path:
    """``LOKET_TEMPLATES``, else ``$LOKET_HOME/templates`` if present, else the checkout's."""
    env = os.environ.get("LOKET_TEMPLATES")
    if env:
        return Path(env)
    home = os.environ.get("LOKET_HOME")
    if home and (Path(home) / "templates").is_dir():
        return Path(home) / "templates"
    return Path(__file__).resolve().parents[2] / "templates"


def render_docx(template: Path, context: dict[str, object], out: Path) -> Path:
    from docxtpl import DocxTemplate

    if not template.is_file():
        raise FileNotFoundError(
            f"template {template} not found (build it: python -m templates.build templates/)"
        )
    doc = DocxTemplate(str(template))
    doc.render(context, autoescape=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out


def listing(text: str | None) -> object:
    """Text whose line breaks survive docxtpl rendering (escaped for autoescape)."""
    from docxtpl import Listing

    return Listing(text or "")


class PdfError(RuntimeError):
    pass


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


#: One LibreOffice at a time per process (issue #17): each ``soffice`` is ~210 MiB resident
#: for a few seconds, and the intake's approval chain starts a draft permit for each
#: complete file at once. On two cores a second conversion alongside is no faster.
_SOFFICE = threading.Lock()


def to_pdf(docs: Sequence[Path], outdir: Path | None = None, timeout: float = 240) -> list[Path]:
    """Convert DOCX files to PDF in one LibreOffice call with a private profile; one
    conversion at a time in a process (a second waits for the first)."""
    if not docs:
        return []
    binary = soffice_binary()
    if binary is None:
        raise PdfError("LibreOffice (soffice) is not installed: cannot make PDF")
    groups: dict[Path, list[Path]] = {}
    for d in docs:
        groups.setdefault(outdir or d.parent, []).append(d)
    results: list[Path] = []
    for target, members in groups.items():
        target.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="loket-lo-") as profile:
            cmd = [
                binary,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(target),
                *[str(m) for m in members],
            ]
            with _SOFFICE:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        for m in members:
            pdf = target / (m.stem + ".pdf")
            if not pdf.is_file():
                raise PdfError(
                    f"LibreOffice made no PDF for {m.name} (exit {proc.returncode}): "
                    f"{(proc.stderr or proc.stdout).strip()[:300]}"
                )
            results.append(pdf)
    return results


def write_xlsx(
    out: Path,
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
    title_rows: dict[str, list[str]] | None = None,
    number_formats: dict[str, dict[int, str]] | None = None,
) -> Path:
    """An XLSX with one sheet per (name, header, rows); bold header, widths, frozen header.

    Every text is a string cell, never a formula (:mod:`loket.documents.cells`); numbers
    stay numbers.

    ``number_formats`` maps a sheet to {1-based column: Excel number format} for its float
    cells (e.g. ``"0.00"``: two decimals, shown with the reader's decimal separator)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, header, rows in sheets:
        ws = wb.create_sheet(title=name[:31])
        lead = (title_rows or {}).get(name, [])
        for line in lead:
            append_row(ws, [line])
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
        if lead:
            ws.append([])
        append_row(ws, list(header))
        head_row = ws.max_row
        for cell in ws[head_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        widths = [len(str(h)) for h in header]
        formats = (number_formats or {}).get(name, {})
        for row in rows:
            append_row(ws, list(row))
            for i, v in enumerate(row):
                if i < len(widths):
                    widths[i] = max(widths[i], min(60, len(str(v)) if v is not None else 0))
                if i + 1 in formats and isinstance(v, float):
                    ws.cell(row=ws.max_row, column=i + 1).number_format = formats[i + 1]
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(8, w + 2)
        ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
