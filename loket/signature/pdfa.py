"""The archive copy: a DOCX converted by LibreOffice to PDF/A-2b.

LibreOffice (7.4 and later) takes the export filter's options as JSON on the command line:
``--convert-to 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'``
gives PDF/A-2b (fonts embedded, XMP metadata with ``pdfaid:part``), the level that allows the
signature to be added afterwards as an incremental update. An older LibreOffice ignores the
option and writes an ordinary PDF: :func:`is_pdfa` tells which one came out, and the register
records it. Each call gets its own LibreOffice profile (two conversions sharing one silently
produce nothing; see ``/work/shared/stack-notes.md``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from loket.common.safefs import copy_fd, directory

#: 1: PDF/A-1b, 2: PDF/A-2b, 3: PDF/A-3b
PDFA_LEVEL = 2
_FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {"SelectPdfVersion": {"type": "long", "value": str(PDFA_LEVEL)}}, separators=(",", ":")
)
_PART = re.compile(rb"<pdfaid:part>\s*(\d)\s*</pdfaid:part>|pdfaid:part=\"(\d)\"")


class PdfaError(RuntimeError):
    """LibreOffice is missing or made no PDF."""


def to_pdfa(docx: Path, out: Path, *, timeout: float = 240) -> Path:
    """Convert ``docx`` to the PDF/A file ``out`` (in one LibreOffice call)."""
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        raise PdfaError("LibreOffice (soffice) is not installed: cannot make the PDF/A")
    with tempfile.TemporaryDirectory(prefix="loket-pdfa-") as tmp:
        cmd = [
            binary,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            _FILTER,
            "--outdir",
            tmp,
            str(docx),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        made = Path(tmp) / (docx.stem + ".pdf")
        if not made.is_file():
            raise PdfaError(
                f"LibreOffice made no PDF for {docx.name} (exit {proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[:300]}"
            )
        _place(made, out)
    return out


def _place(made: Path, out: Path) -> None:
    """Copy LibreOffice's PDF to ``out`` (mode 0640): a new file renamed over it, never
    through a link planted there (``shutil.move`` across file systems copies through one)."""
    src = os.open(made, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        with directory(out.parent, [], create=True) as folder:
            copy_fd(src, folder, out.name, mode=0o640)
    finally:
        os.close(src)


def is_pdfa(data: bytes) -> bool:
    """The XMP metadata of the (first revision of the) PDF declares PDF/A conformance."""
    return _PART.search(data) is not None
