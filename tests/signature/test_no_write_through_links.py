"""The permit's files are never written through a link (review of issue #18, M5): a link
planted at ``permit.docx`` or ``permit.pdf`` in the outbox is replaced by the new file, its
target left untouched, and the file is mode 0640.

Before: ``doc.save(path)`` opened the link's target; ``shutil.move`` from LibreOffice's
temporary folder (another file system: /tmp) fell back to ``copy2``, which writes through a
link at the destination.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from types import SimpleNamespace

import pytest


def _planted(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """``outbox/REG/name`` as a link to a file of someone else's (the victim)."""
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"jangan ditimpa")
    folder = tmp_path / "outbox" / "SIKR-1"
    folder.mkdir(parents=True)
    (folder / name).symlink_to(victim)
    return folder / name, victim


def _written_safely(path: Path, victim: Path) -> None:
    assert victim.read_bytes() == b"jangan ditimpa"
    st = os.lstat(path)
    assert stat.S_ISREG(st.st_mode)  # the link was replaced, not followed
    assert stat.S_IMODE(st.st_mode) == 0o640


def test_permit_docx_replaces_a_planted_link(tmp_path: Path) -> None:
    from loket.approval.permit import render_permit_docx
    from loket.signature import QrData, payload, png

    out, victim = _planted(tmp_path, "permit.docx")
    chain = SimpleNamespace(template=None)
    qr = png(payload(QrData("503/SIKR/0001", "SIKR-1", "A" * 20), None))
    render_permit_docx(chain, {"tte": True}, out, qr_png=qr)  # type: ignore[arg-type]
    _written_safely(out, victim)
    assert out.read_bytes()[:2] == b"PK"  # a DOCX (zip)


def test_pdfa_across_file_systems_replaces_a_planted_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice is stood in for (it writes ``<stem>.pdf`` into ``--outdir``), and a rename
    fails with EXDEV as it does between /tmp and an outbox on another file system."""
    from loket.signature import pdfa

    out, victim = _planted(tmp_path, "permit.pdf")
    docx = tmp_path / "permit.docx"
    docx.write_bytes(b"PK")

    def soffice(cmd: list[str], **_k: object) -> SimpleNamespace:
        outdir = Path(cmd[cmd.index("--outdir") + 1])
        (outdir / "permit.pdf").write_bytes(b'%PDF-1.7 pdfaid:part="2"\n%%EOF\n')
        return SimpleNamespace(returncode=0, stderr="", stdout="")

    def rename(*_a: object, **_k: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(pdfa.shutil, "which", lambda name: "/usr/bin/soffice")
    monkeypatch.setattr(pdfa.subprocess, "run", soffice)
    monkeypatch.setattr(os, "rename", rename)
    pdfa.to_pdfa(docx, out)
    monkeypatch.undo()
    _written_safely(out, victim)
    assert out.read_bytes().startswith(b"%PDF-1.7")
