"""``loket permit``: demo keys made once and never over a key, verify's exit codes, revoke asks
the head's key passphrase."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samples.office import Home, make_home


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    return make_home(tmp_path, monkeypatch)


def _cli():  # type: ignore[no-untyped-def]
    import typer

    from loket.cli.permit import mount

    app = typer.Typer()
    mount(app)
    return app


def test_demo_keys_made_once_for_the_head(home: Home) -> None:
    runner = CliRunner()
    first = runner.invoke(_cli(), ["permit", "demo-keys"])
    assert first.exit_code == 0, first.output
    assert "BUKAN UNTUK PRODUKSI" in first.output
    key = home.root / "keys" / "kepala-dinas.p12"
    before = key.read_bytes()
    assert stat.S_IMODE(key.stat().st_mode) == 0o400
    assert stat.S_IMODE((home.root / "keys" / "kepala-dinas.pass").stat().st_mode) == 0o400
    again = runner.invoke(_cli(), ["permit", "demo-keys"])
    assert again.exit_code == 0 and "sudah ada" in again.output
    assert key.read_bytes() == before
    from cryptography.hazmat.primitives.serialization import pkcs12

    passphrase = (home.root / "keys" / "kepala-dinas.pass").read_bytes().strip()
    _k, cert, _extra = pkcs12.load_key_and_certificates(before, passphrase)
    assert cert is not None and home.people["kepala_dinas"] in cert.subject.rfc4514_string()


def test_verify_says_unknown_for_a_foreign_pdf(home: Home, tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Surat izin palsu")
    out = tmp_path / "palsu.pdf"
    pdf.output(str(out))
    result = CliRunner().invoke(_cli(), ["permit", "verify", str(out)])
    assert result.exit_code == 3, result.output
    assert "TIDAK DIKENAL" in result.output
    folder = CliRunner().invoke(_cli(), ["permit", "verify", str(tmp_path)])
    assert folder.exit_code == 2, folder.output  # a usage error (was an IsADirectoryError)
    junk = tmp_path / "bukan-pdf.pdf"
    junk.write_bytes(b"%PDF-1.7\nthis is not a PDF at all\n")
    result = CliRunner().invoke(_cli(), ["permit", "verify", str(junk)])
    assert result.exit_code == 3 and "TIDAK DIKENAL" in result.output, result.output


def test_revoke_needs_the_key_passphrase_and_a_known_number(home: Home) -> None:
    runner = CliRunner()
    assert runner.invoke(_cli(), ["permit", "demo-keys"]).exit_code == 0
    args = ["permit", "revoke", "503/SIKR/9999/DPMPTSP/2026", "--reason", "uji"]
    wrong = runner.invoke(_cli(), args, input="bukan-sandinya\n")
    assert wrong.exit_code == 1 and "salah" in wrong.output
    passphrase = (home.root / "keys" / "kepala-dinas.pass").read_text().strip()
    unknown = runner.invoke(_cli(), args, input=passphrase + "\n")
    assert unknown.exit_code == 2 and "tidak ada" in unknown.output
