"""A signing key on a PKCS#11 token: SoftHSM2 (the ``softhsm2`` Debian package) stands in for
the office's smart card or HSM. The key pair is generated on the token, its certificate issued
by a throw-away CA made here and stored beside it; the permit is signed through the token and
verifies against that CA."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loket.signature import KeyFiles, SigningConfig, SigningSetupError, Verdict, load_trust_roots
from loket.signature import register as reg
from loket.signature.issue import close_key, load_key
from loket.signature.keys import Pkcs11Token, _usage, make_ca
from loket.signature.pades import sign_pdf
from loket.signature.verify import verify_file

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
PIN = "123456"

pytestmark = pytest.mark.skipif(
    not MODULE.is_file(), reason="SoftHSM2 is not installed (apt-get install softhsm2)"
)


def _store_certificate(token_label: str, label: str, trust: Path) -> None:
    """Generate the key on the token, issue its certificate from a new CA (written to
    ``trust``) and store the certificate on the token under the same label."""
    import pkcs11
    from asn1crypto import keys as asn1_keys
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
    from pkcs11.util.rsa import encode_rsa_public_key

    ca_key, ca = make_ca("Token Test Root")
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "token-root.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    token = pkcs11.lib(str(MODULE)).get_token(token_label=token_label)
    with token.open(rw=True, user_pin=PIN) as session:
        pub, _priv = session.generate_keypair(
            KeyType.RSA, 2048, label=label, id=b"\x01", store=True
        )
        rsa = asn1_keys.RSAPublicKey.load(encode_rsa_public_key(pub))
        spki = asn1_keys.PublicKeyInfo({"algorithm": {"algorithm": "rsa"}, "public_key": rsa})
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kepala Dinas")]))
            .issuer_name(ca.subject)
            .public_key(serialization.load_der_public_key(spki.dump()))  # type: ignore[arg-type]
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(_usage(ca=False), critical=True)  # signing: non-repudiation
            .sign(ca_key, hashes.SHA256())
        )
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )


@pytest.fixture(scope="module")
def token_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SigningConfig]:
    """A SoftHSM token with the head's key and certificate; the PIN in a 0400 file. One per
    module: SoftHSM reads its configuration once per process."""
    tmp_path = tmp_path_factory.mktemp("softhsm")
    conf = tmp_path / "softhsm2.conf"
    (tmp_path / "tokens").mkdir()
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nlog.level = ERROR\n")
    before = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            *("softhsm2-util", "--init-token", "--free", "--label", "loket"),
            *("--so-pin", "654321", "--pin", PIN),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
    )
    keys = tmp_path / "keys"
    _store_certificate("loket", "kepala-dinas", keys / "trust")
    pin = keys / "kepala-dinas.pass"
    pin.write_text(PIN + "\n")
    pin.chmod(0o400)
    files = KeyFiles(keys / "kepala-dinas.p12", pin, keys / "trust", forbidden=tmp_path / "var")
    yield SigningConfig(files, token=Pkcs11Token(MODULE, "loket", "kepala-dinas"))
    if before is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = before


def test_a_permit_signed_on_the_token_verifies(
    token_config: SigningConfig, plain_pdf: Path, session
) -> None:  # type: ignore[no-untyped-def]
    assert token_config.configured and not token_config.files.key.exists()
    unsigned = plain_pdf.read_bytes()
    for _permit in range(2):  # the session is closed after each: the next login works
        plain_pdf.write_bytes(unsigned)
        signer, issuer = load_key(token_config)
        assert signer is not None and issuer == "Token Test Root"
        try:
            signed = sign_pdf(plain_pdf, plain_pdf, signer, reason="Izin", location="Pekanbaru")
        finally:
            close_key(signer)
    assert "Kepala Dinas" in signed.cert_subject
    reg.record(
        session,
        number="503/SIKR/0001/DPMPTSP/2026",
        reg_no="SIKR-1",
        code="C1",
        sha256=None,
        pdfa=False,
        signed=signed,
        signer_nip=None,
        now=datetime.now(UTC),
    )
    session.commit()
    roots = load_trust_roots(token_config.files.trust_roots)
    result = verify_file(plain_pdf, session, roots, read_qr=lambda _p: None)
    assert result.verdict is Verdict.VALID, result.reasons


def test_a_wrong_pin_or_label_is_an_error(token_config: SigningConfig) -> None:
    pin = token_config.files.passphrase
    pin.chmod(0o600)
    pin.write_text("000000\n")
    with pytest.raises(SigningSetupError, match="PKCS#11"):
        load_key(token_config)
    pin.write_text(PIN + "\n")
    pin.chmod(0o400)
    other = SigningConfig(token_config.files, token=Pkcs11Token(MODULE, "loket", "tidak-ada"))
    with pytest.raises(SigningSetupError, match="PKCS#11"):
        load_key(other)
