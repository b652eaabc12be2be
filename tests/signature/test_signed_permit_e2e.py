"""Signed permits end to end: the numbered permit is rendered with its QR code, converted by
the real LibreOffice to PDF/A, signed with the head's PKCS#12 (a throw-away CA made here),
recorded, and checked by ``loket permit verify``; one byte changed makes it altered, a revoked
permit is revoked; with no key the permit is issued unsigned and verify says so."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from samples.office import Home
from tests.signature.helpers import numbered_file, permit_cli

pytestmark = pytest.mark.e2e

NUMBER = "503/SIKR/0007/DPMPTSP/XII/2026"


def _numbered(home: Home) -> tuple[object, str]:
    """A file through the chain's start, signed by the head and numbered (rows as the chain
    writes them), ready for :func:`render_issued_permit`."""
    return numbered_file(home.people, seed=4, seq=7, number=NUMBER)  # type: ignore[no-any-return]


def test_issued_permit_is_signed_pdfa_with_qr_and_verifies(home: Home) -> None:
    from loket.approval.documents import render_issued_permit
    from loket.signature import by_number, make_demo_keys, signing_config
    from loket.signature.qr import parse, read_pdf

    desk, reg_no = _numbered(home)
    config = signing_config(desk.settings)  # type: ignore[attr-defined]
    make_demo_keys(config.files, holder="Kepala Dinas", nip=home.people["kepala_dinas"])
    files = render_issued_permit(desk, reg_no, pdf=True)  # type: ignore[arg-type]
    pdf = files[-1]
    assert pdf.name == "permit.pdf"
    with desk.db() as session:  # type: ignore[attr-defined]
        row = by_number(session, NUMBER)
        assert row is not None and row.signed and row.pdfa and row.reg_no == reg_no
    qr = parse(read_pdf(pdf) or "")
    assert qr is not None and (qr.number, qr.reg_no, qr.code) == (NUMBER, reg_no, row.code)

    runner = CliRunner()
    ok = runner.invoke(permit_cli(), ["permit", "verify", str(pdf)])
    assert ok.exit_code == 0, ok.output
    assert "SAH" in ok.output and NUMBER in ok.output

    data = bytearray(pdf.read_bytes())
    at = data.index(b"/Producer")  # the document info LibreOffice wrote, inside the signed range
    data[at + 2] ^= 0x01
    altered = pdf.with_name("permit-diubah.pdf")
    altered.write_bytes(bytes(data))
    bad = runner.invoke(permit_cli(), ["permit", "verify", str(altered)])
    assert bad.exit_code == 1, bad.output
    assert "DIUBAH" in bad.output and NUMBER in bad.output

    # signed again (loket permit sign, the head's act with the head's own credential): the same
    # QR code, a new file; the earlier one keeps its row and is DIGANTI (replaced), not altered
    from loket.approval import control_card
    from tests.identity.helpers import enrol

    head = home.people["kepala_dinas"]
    typed = enrol(desk.gate(), head) + "\n"  # type: ignore[attr-defined]
    old = pdf.with_name("permit-lama.pdf")
    old.write_bytes(pdf.read_bytes())
    again = runner.invoke(permit_cli(), ["permit", "sign", reg_no, "--as", head], input=typed)
    assert again.exit_code == 0, again.output
    with desk.db() as session:  # type: ignore[attr-defined]
        row2 = by_number(session, NUMBER)
        assert row2 is not None and row2.code == row.code and row2.sha256 != row.sha256
        assert row2.issued_by_nip == head
        last = control_card.entries(session, reg_no)[-1]
        assert (last.action, last.actor_nip) == ("tanda_tangan_ulang", head)
    assert runner.invoke(permit_cli(), ["permit", "verify", str(pdf)]).exit_code == 0
    stale = runner.invoke(permit_cli(), ["permit", "verify", str(old)])
    assert stale.exit_code == 6 and "DIGANTI" in stale.output, stale.output

    args = ["permit", "revoke", NUMBER, "--reason", "STR dicabut", "--as", head]
    revoked = runner.invoke(permit_cli(), args, input=typed)
    assert revoked.exit_code == 0, revoked.output
    after = runner.invoke(permit_cli(), ["permit", "verify", str(pdf)])
    assert after.exit_code == 2 and "DICABUT" in after.output
    assert runner.invoke(permit_cli(), ["permit", "verify", str(old)]).exit_code == 2
    with desk.db() as session:  # type: ignore[attr-defined]
        gone = by_number(session, NUMBER)
        assert gone is not None and gone.revoked_by_nip == head


def test_without_a_key_the_permit_is_issued_unsigned(
    home: Home, caplog: pytest.LogCaptureFixture
) -> None:
    from loket.approval.documents import render_issued_permit
    from loket.signature.qr import parse, read_pdf

    desk, reg_no = _numbered(home)
    with caplog.at_level(logging.WARNING, logger="loket.signature"):
        pdf = render_issued_permit(desk, reg_no, pdf=True)[-1]  # type: ignore[arg-type]
    assert "TANPA tanda tangan elektronik" in caplog.text
    qr = parse(read_pdf(pdf) or "")  # beside the photo here: whole and readable
    assert qr is not None and (qr.number, qr.reg_no) == (NUMBER, reg_no)
    out = CliRunner().invoke(permit_cli(), ["permit", "verify", str(pdf)])
    assert out.exit_code == 4, out.output
    assert "TANPA TTE" in out.output


def test_a_broken_key_issues_unsigned_with_an_error_and_sign_refuses(
    home: Home, caplog: pytest.LogCaptureFixture
) -> None:
    """After the numbering the permit still goes out (unsigned, error logged); the explicit
    ``loket permit sign`` refuses the broken key."""
    from loket.approval.documents import render_issued_permit
    from loket.signature import make_demo_keys, signing_config

    desk, reg_no = _numbered(home)
    files = signing_config(desk.settings).files  # type: ignore[attr-defined]
    make_demo_keys(files, holder="Kepala Dinas", nip=None)
    files.passphrase.chmod(0o600)
    files.passphrase.write_text("bukan-frasa-sandinya\n")
    with caplog.at_level(logging.WARNING, logger="loket.signature"):
        pdf = render_issued_permit(desk, reg_no, pdf=True)[-1]  # type: ignore[arg-type]
    assert "KESALAHAN" in caplog.text and f"loket permit sign {reg_no}" in caplog.text
    assert "belum dipasang" not in caplog.text
    out = CliRunner().invoke(permit_cli(), ["permit", "verify", str(pdf)])
    assert out.exit_code == 4, out.output
    from tests.identity.helpers import enrol

    head = home.people["kepala_dinas"]
    typed = enrol(desk.gate(), head) + "\n"  # type: ignore[attr-defined]
    refused = CliRunner().invoke(
        permit_cli(), ["permit", "sign", reg_no, "--as", head], input=typed
    )
    assert refused.exit_code == 2 and "frasa sandi" in refused.output, refused.output
