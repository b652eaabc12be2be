"""``loket permit``: demo keys made once and never over a key, verify's exit codes; revoke and
sign again are the head's acts (or a Plh.'s), authenticated with the official's own credential
and recorded (register, control card, identity log)."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from samples.office import Home
from tests.signature.helpers import numbered_file, permit_cli


def test_demo_keys_made_once_for_the_head(home: Home) -> None:
    runner = CliRunner()
    first = runner.invoke(permit_cli(), ["permit", "demo-keys"])
    assert first.exit_code == 0, first.output
    assert "BUKAN UNTUK PRODUKSI" in first.output
    key = home.root / "keys" / "kepala-dinas.p12"
    before = key.read_bytes()
    assert stat.S_IMODE(key.stat().st_mode) == 0o400
    assert stat.S_IMODE((home.root / "keys" / "kepala-dinas.pass").stat().st_mode) == 0o400
    again = runner.invoke(permit_cli(), ["permit", "demo-keys"])
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
    result = CliRunner().invoke(permit_cli(), ["permit", "verify", str(out)])
    assert result.exit_code == 3, result.output
    assert "TIDAK DIKENAL" in result.output
    folder = CliRunner().invoke(permit_cli(), ["permit", "verify", str(tmp_path)])
    assert folder.exit_code == 2, folder.output  # a usage error (was an IsADirectoryError)
    junk = tmp_path / "bukan-pdf.pdf"
    junk.write_bytes(b"%PDF-1.7\nthis is not a PDF at all\n")
    result = CliRunner().invoke(permit_cli(), ["permit", "verify", str(junk)])
    assert result.exit_code == 3 and "TIDAK DIKENAL" in result.output, result.output


def _numbered_without_pdf(home: Home):  # type: ignore[no-untyped-def]
    """A numbered permit (rows as the chain writes them) whose register row has its QR code
    but no file yet (no LibreOffice, no key: an office without its certificate)."""
    from loket.approval.documents import render_issued_permit

    desk, reg_no = numbered_file(home.people, seed=5, seq=8, number=NUMBER)
    render_issued_permit(desk, reg_no, pdf=False)
    return desk, reg_no


NUMBER = "503/SIKR/0008/DPMPTSP/XII/2026"


def test_revoke_is_the_heads_act_with_their_own_credential(home: Home) -> None:
    """Revoking asks the official's own passphrase (not the key's: the office here has no key
    at all), refuses anyone who is not the Kepala Dinas or a Plh. on a dated decree, and is
    recorded in the register (NIP), on the control card and in the identity log."""
    from loket.approval import control_card
    from loket.approval.desk import attempts_of
    from loket.identity import recent_events
    from loket.signature import by_number
    from tests.identity.helpers import enrol

    desk, reg_no = _numbered_without_pdf(home)
    gate = desk.gate()
    p = home.people
    pw = {role: enrol(gate, p[role]) for role in ("kepala_dinas", "sekretaris", "analis_ahli_muda")}
    runner = CliRunner()

    def revoke(number: str, role: str, typed: str):  # type: ignore[no-untyped-def]
        args = ["permit", "revoke", number, "--reason", "STR dicabut", "--as", p[role]]
        return runner.invoke(permit_cli(), args, input=typed + "\n")

    wrong = revoke(NUMBER, "kepala_dinas", "bukan-sandinya")
    assert wrong.exit_code == 3, wrong.output
    other = revoke(NUMBER, "analis_ahli_muda", pw["analis_ahli_muda"])
    assert other.exit_code == 3 and "bukan Kepala Dinas" in other.output, other.output
    unknown = revoke("503/SIKR/9999/DPMPTSP/2026", "kepala_dinas", pw["kepala_dinas"])
    assert unknown.exit_code == 2 and "tidak ada" in unknown.output, unknown.output
    with desk.db() as session:
        assert by_number(session, NUMBER).revoked_at is None  # type: ignore[union-attr]
        assert [a.actor_nip for a in attempts_of(session, reg_no)] == [p["analis_ahli_muda"]]
        kinds = {(e.nip, e.kind) for e in recent_events(session)}
    assert (p["analis_ahli_muda"], "ditolak") in kinds

    with desk.db() as session:
        chain_before = control_card.verify(session, reg_no, settings=desk.settings)
    assert all("penomoran" in problem for problem in chain_before[reg_no])
    done = revoke(NUMBER, "sekretaris", pw["sekretaris"])  # Plh. Kepala Dinas (make_home)
    assert done.exit_code == 0 and "DICABUT" in done.output, done.output
    with desk.db() as session:
        row = by_number(session, NUMBER)
        assert row is not None and row.revoked_by_nip == p["sekretaris"]
        assert row.revoked_reason == "STR dicabut" and "Plh. Kepala Dinas" in row.revoked_by
        last = control_card.entries(session, reg_no)[-1]
        assert (last.action, last.actor_nip, last.acting) == ("pencabutan", p["sekretaris"], "Plh.")
        assert last.note == "STR dicabut" and NUMBER in last.outcome
        # the chain stays intact (the shortcut numbering above has no numbering entry: that
        # one problem was there before the revocation, and is the only one)
        assert control_card.verify(session, reg_no, settings=desk.settings) == chain_before
        events = [e for e in recent_events(session, p["sekretaris"]) if e.kind == "izin-dicabut"]
    assert len(events) == 1 and NUMBER in events[0].message
    again = revoke(NUMBER, "kepala_dinas", pw["kepala_dinas"])
    assert again.exit_code == 2 and "sudah dicabut" in again.output, again.output


def test_sign_again_is_refused_to_anyone_but_the_head(home: Home) -> None:
    """Signing again replaces the applicant's file: refused (and recorded) before anything is
    rendered when the official is not the Kepala Dinas or its Plh."""
    from loket.approval.desk import attempts_of
    from tests.identity.helpers import enrol

    desk, reg_no = _numbered_without_pdf(home)
    nip = home.people["analis_ahli_madya"]
    typed = enrol(desk.gate(), nip)
    before = (desk.folder(reg_no) / "permit.docx").read_bytes()
    out = CliRunner().invoke(
        permit_cli(), ["permit", "sign", reg_no, "--as", nip], input=typed + "\n"
    )
    assert out.exit_code == 3 and "bukan Kepala Dinas" in out.output, out.output
    assert (desk.folder(reg_no) / "permit.docx").read_bytes() == before
    assert not (desk.folder(reg_no) / "permit.pdf").exists()
    with desk.db() as session:
        assert [a.actor_nip for a in attempts_of(session, reg_no)] == [nip]
    no_credential = CliRunner().invoke(permit_cli(), ["permit", "sign", reg_no], input="\n")
    assert no_credential.exit_code == 2  # --as is required: no act without an official
