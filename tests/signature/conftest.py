"""Fixtures of the signed-permit tests: a throw-away CA made in the test, a key folder holding
the head's PKCS#12 (mode 0400, outside ``var/``), and a small PDF to sign (fpdf2, no
LibreOffice)."""

from __future__ import annotations

from pathlib import Path

import pytest

from samples.office import Home, make_home


@pytest.fixture
def key_files(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A demo CA and the head's PKCS#12 in ``tmp_path/keys`` (what ``demo-keys`` makes)."""
    from loket.signature import KeyFiles, make_demo_keys

    keys = tmp_path / "keys"
    files = KeyFiles(
        key=keys / "kepala-dinas.p12",
        passphrase=keys / "kepala-dinas.pass",
        trust_roots=keys / "trust",
        forbidden=tmp_path / "var",
    )
    make_demo_keys(files, holder="Dr. Kepala Dinas, M.Si.", nip="197501012000031001")
    return files


@pytest.fixture
def plain_pdf(tmp_path: Path) -> Path:
    """A one-page PDF with some text, as LibreOffice would hand it over."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(False)  # the text stays readable: a test changes one of its bytes
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="SURAT IZIN KERJA RADIOGRAFER Nomor 503/SIKR/0001/DPMPTSP/2026")
    out = tmp_path / "permit.pdf"
    pdf.output(str(out))
    return out


@pytest.fixture
def session(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A session on a fresh database migrated to head (migration 0007 included)."""
    from loket.common.db import open_database

    factory = open_database(f"sqlite:///{tmp_path / 'var' / 'loket.db'}")
    with factory() as s:
        yield s


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    from tests.identity.helpers import cheap_argon2

    cheap_argon2(monkeypatch)
    return make_home(tmp_path, monkeypatch)
