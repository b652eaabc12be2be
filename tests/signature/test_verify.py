"""Signed permits: signing with the head's PKCS#12, the register and ``verify_file``'s verdicts
(valid, altered, revoked, unknown, unsigned, untrusted) with a throw-away CA, offline."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from loket.signature import KeyFiles, SigningSetupError, Verdict, load_trust_roots, revoke
from loket.signature import register as reg
from loket.signature.keys import make_ca
from loket.signature.pades import load_signer, sign_pdf
from loket.signature.verify import verify_file

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
NUMBER = "503/SIKR/0001/DPMPTSP/2026"


def _no_qr(_path: Path) -> None:
    return None


def _sign(files: KeyFiles, src: Path, session, *, number: str = NUMBER) -> Path:  # type: ignore[no-untyped-def]
    signed = sign_pdf(src, src, load_signer(files), reason="Izin", location="Pekanbaru")
    reg.record(
        session,
        number=number,
        reg_no="SIKR-20261207-0001",
        code="CODE" + number[-9:],
        sha256=None,
        pdfa=False,
        signed=signed,
        signer_nip="197501012000031001",
        now=NOW,
    )
    session.commit()
    return src


def test_a_signed_permit_verifies_valid(key_files: KeyFiles, plain_pdf: Path, session) -> None:  # type: ignore[no-untyped-def]
    _sign(key_files, plain_pdf, session)
    row = reg.by_number(session, NUMBER)
    assert row is not None and row.signed
    assert row.sha256 == hashlib.sha256(plain_pdf.read_bytes()).hexdigest()
    assert row.cert_serial and "Kepala Dinas" in (row.cert_subject or "")
    assert not row.timestamped  # no TSA configured
    result = verify_file(
        plain_pdf, session, load_trust_roots(key_files.trust_roots), read_qr=_no_qr
    )
    assert result.verdict is Verdict.VALID, result.reasons
    assert result.number == NUMBER and result.reg_no == "SIKR-20261207-0001"


def test_one_byte_changed_is_altered(key_files: KeyFiles, plain_pdf: Path, session) -> None:  # type: ignore[no-untyped-def]
    _sign(key_files, plain_pdf, session)
    data = bytearray(plain_pdf.read_bytes())
    at = data.index(b"SIKR/0001")  # the permit number in the page, inside the signed range
    data[at + 5] = ord("9")
    plain_pdf.write_bytes(bytes(data))
    result = verify_file(
        plain_pdf, session, load_trust_roots(key_files.trust_roots), read_qr=_no_qr
    )
    assert result.verdict is Verdict.ALTERED
    assert result.number == NUMBER  # recognised by its CMS signature
    assert result.verdict.exit_code == 1


def test_a_byte_outside_the_signed_range_is_altered_by_the_register(
    key_files: KeyFiles, plain_pdf: Path, session
) -> None:  # type: ignore[no-untyped-def]
    """pyHanko does not sign the zero padding of /Contents; the register's hash catches it."""
    _sign(key_files, plain_pdf, session)
    data = bytearray(plain_pdf.read_bytes())
    at = data.rindex(b"0000000000>")  # the padding at the end of the signature's hex string
    data[at] = ord("1")
    plain_pdf.write_bytes(bytes(data))
    result = verify_file(
        plain_pdf, session, load_trust_roots(key_files.trust_roots), read_qr=_no_qr
    )
    assert result.verdict is Verdict.ALTERED
    assert any("berbeda" in r or "tidak cocok" in r for r in result.reasons)


def test_an_unknown_file_is_unknown(key_files: KeyFiles, plain_pdf: Path, session) -> None:  # type: ignore[no-untyped-def]
    """A PDF signed with the office's own key but never issued is still not a permit."""
    sign_pdf(plain_pdf, plain_pdf, load_signer(key_files), reason="x", location="y")
    result = verify_file(
        plain_pdf, session, load_trust_roots(key_files.trust_roots), read_qr=_no_qr
    )
    assert result.verdict is Verdict.UNKNOWN
    assert result.verdict.exit_code == 3


def test_a_revoked_permit_is_revoked(key_files: KeyFiles, plain_pdf: Path, session) -> None:  # type: ignore[no-untyped-def]
    _sign(key_files, plain_pdf, session)
    assert revoke(session, NUMBER, reason="STR dicabut", by="admin", now=NOW) is not None
    session.commit()
    result = verify_file(
        plain_pdf, session, load_trust_roots(key_files.trust_roots), read_qr=_no_qr
    )
    assert result.verdict is Verdict.REVOKED
    assert "STR dicabut" in result.reasons[0]


def test_a_wrong_trust_root_is_not_valid(
    key_files: KeyFiles, plain_pdf: Path, session, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization

    _sign(key_files, plain_pdf, session)
    _key, other = make_ca("Some Other Root")
    pem = tmp_path / "other.pem"
    pem.write_bytes(other.public_bytes(serialization.Encoding.PEM))
    result = verify_file(plain_pdf, session, load_trust_roots(pem), read_qr=_no_qr)
    assert result.verdict is Verdict.UNTRUSTED
    assert result.verdict is not Verdict.VALID
    no_roots = verify_file(plain_pdf, session, None, read_qr=_no_qr)
    assert no_roots.verdict is Verdict.UNTRUSTED


def test_an_unsigned_issue_says_so(plain_pdf: Path, session) -> None:  # type: ignore[no-untyped-def]
    sha = hashlib.sha256(plain_pdf.read_bytes()).hexdigest()
    reg.record(
        session,
        number=NUMBER,
        reg_no="SIKR-1",
        code="C1",
        sha256=sha,
        pdfa=False,
        signed=None,
        signer_nip=None,
        now=NOW,
    )
    session.commit()
    result = verify_file(plain_pdf, session, None, read_qr=_no_qr)
    assert result.verdict is Verdict.UNSIGNED
    plain_pdf.write_bytes(plain_pdf.read_bytes() + b"\n% added\n")
    assert verify_file(plain_pdf, session, None, read_qr=_no_qr).verdict is Verdict.UNKNOWN


def test_key_material_readable_by_others_is_refused(key_files: KeyFiles) -> None:
    key_files.key.chmod(0o644)
    with pytest.raises(SigningSetupError, match="chmod 400"):
        load_signer(key_files)


def test_key_material_inside_var_is_refused(tmp_path: Path, key_files: KeyFiles) -> None:
    inside = KeyFiles(
        key=key_files.key,
        passphrase=key_files.passphrase,
        trust_roots=key_files.trust_roots,
        forbidden=key_files.key.parent,
    )
    with pytest.raises(SigningSetupError, match="tidak boleh"):
        load_signer(inside)


def test_a_wrong_passphrase_is_an_error(key_files: KeyFiles) -> None:
    key_files.passphrase.chmod(0o600)
    key_files.passphrase.write_text("salah\n")
    with pytest.raises(SigningSetupError, match="frasa sandi"):
        load_signer(key_files)


def test_demo_keys_never_overwrite_a_key(key_files: KeyFiles) -> None:
    from loket.signature import make_demo_keys

    before = key_files.key.read_bytes()
    with pytest.raises(SigningSetupError, match="tidak ditimpa"):
        make_demo_keys(key_files, holder="x", nip=None)
    assert key_files.key.read_bytes() == before
    assert oct(key_files.key.stat().st_mode & 0o777) == "0o400"


def test_an_update_appended_after_signing_is_altered(
    key_files: KeyFiles, plain_pdf: Path, session
) -> None:  # type: ignore[no-untyped-def]
    """An incremental update after the signature leaves the signature intact over its own
    revision; the file was still changed after signing."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _sign(key_files, plain_pdf, session)
    with plain_pdf.open("r+b") as f:
        w = IncrementalPdfFileWriter(f)
        w.root["/Lang"] = generic.TextStringObject("en")
        w.update_root()
        w.write_in_place()
    result = verify_file(
        plain_pdf, session, load_trust_roots(key_files.trust_roots), read_qr=_no_qr
    )
    assert result.verdict is Verdict.ALTERED
    assert result.reasons == ["berkas diubah setelah ditandatangani"]


def test_a_file_too_large_for_a_permit_is_not_parsed(tmp_path: Path, session) -> None:  # type: ignore[no-untyped-def]
    from loket.signature.verify import MAX_BYTES

    big = tmp_path / "besar.pdf"
    with big.open("wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: no disk used

    def qr_must_not_run(_path: Path) -> None:
        raise AssertionError("a file over the limit is not rendered")

    result = verify_file(big, session, None, read_qr=qr_must_not_run)
    assert result.verdict is Verdict.UNKNOWN and "MiB" in result.reasons[0]


def test_a_file_replaced_by_a_later_signing_is_replaced_not_altered(
    key_files: KeyFiles, plain_pdf: Path, session, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The head signs the permit again: the applicant's earlier copy is DIGANTI (its row kept,
    superseded), the new file SAH, an altered earlier copy still DIUBAH; revoking the permit
    revokes every file of it."""
    from sqlalchemy import select

    from loket.signature.models import PermitSignature

    roots = load_trust_roots(key_files.trust_roots)
    unsigned = plain_pdf.read_bytes()
    first = _sign(key_files, plain_pdf, session)
    second = tmp_path / "kedua.pdf"
    second.write_bytes(unsigned)
    _sign(key_files, second, session)  # the same permit signed again: a new file
    assert first.read_bytes() != second.read_bytes()
    rows = session.scalars(select(PermitSignature).order_by(PermitSignature.id)).all()
    assert len(rows) == 2 and rows[0].superseded_at is not None and rows[1].superseded_at is None
    assert reg.by_number(session, NUMBER).id == rows[1].id  # type: ignore[union-attr]
    old = verify_file(first, session, roots, read_qr=_no_qr)
    assert old.verdict is Verdict.SUPERSEDED and old.verdict.word == "DIGANTI", old.reasons
    assert old.verdict.exit_code not in {v.exit_code for v in Verdict if v is not old.verdict}
    assert "diganti" in old.reasons[0] and old.number == NUMBER
    assert verify_file(second, session, roots, read_qr=_no_qr).verdict is Verdict.VALID
    data = bytearray(first.read_bytes())
    at = data.index(b"SIKR/0001")
    data[at] ^= 0x01
    altered = tmp_path / "pertama-diubah.pdf"
    altered.write_bytes(bytes(data))
    assert verify_file(altered, session, roots, read_qr=_no_qr).verdict is Verdict.ALTERED
    revoke(session, NUMBER, reason="STR dicabut", by="Kepala Dinas", by_nip="1" * 18, now=NOW)
    session.commit()
    assert verify_file(first, session, roots, read_qr=_no_qr).verdict is Verdict.REVOKED
    assert verify_file(second, session, roots, read_qr=_no_qr).verdict is Verdict.REVOKED
    assert reg.by_number(session, NUMBER).revoked_by_nip == "1" * 18  # type: ignore[union-attr]
