"""The signing key and the trust roots: where they live and how they are loaded.

The Kepala Dinas's certificate and private key come as a PKCS#12 file (the export a PSrE such as
BSrE gives, or a token's backup) protected by a passphrase kept in a second file. Both live
outside ``var/`` (which holds the database and is copied into backups) and must be readable by
the owner only (mode 0400 or 0600): a key file any other user can read is refused, as ssh does.
The trust roots are the CA certificates a verifier accepts (the BSrE chain in production), as
one PEM/DER file or a folder of them.

:func:`make_demo_keys` makes a throw-away CA and a PKCS#12 for the demo; it is marked as not for
production in every certificate it makes.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

#: The file names below a key folder (``keys/`` in LOKET_HOME by default).
KEY_FILE = "kepala-dinas.p12"
PASSPHRASE_FILE = "kepala-dinas.pass"
TRUST_DIR = "trust"
DEMO_MARK = "DEMO loket - BUKAN UNTUK PRODUKSI"


class SigningSetupError(ValueError):
    """The signing key or the trust roots cannot be used (message in Bahasa Indonesia)."""


@dataclass(frozen=True)
class KeyFiles:
    """Where the signing key, its passphrase and the trust roots are."""

    key: Path
    passphrase: Path
    trust_roots: Path
    forbidden: Path | None = None  # a folder key material must not be in (``var/``)

    @property
    def configured(self) -> bool:
        """A key file exists: the office has its certificate (else permits go out unsigned)."""
        return self.key.exists()


#: Key material is opened without following a link and without blocking on a FIFO.
_KEY_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def _private(path: Path, what: str) -> bytes:
    """The bytes of key material, refused when it is a link, not a regular file, not this
    user's, or others may read it. The checks are made with ``fstat`` on the descriptor the
    bytes are then read from: a file swapped in between a check and the read (a race on a
    path) is never read."""
    try:
        fd = os.open(path, _KEY_FLAGS)
    except FileNotFoundError as exc:
        raise SigningSetupError(f"{what} tidak ditemukan: {path}") from exc
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise SigningSetupError(
                f"{what} bukan berkas biasa (tautan tidak diterima): {path}"
            ) from exc
        raise SigningSetupError(f"{what} tidak dapat dibuka ({exc.strerror}): {path}") from exc
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SigningSetupError(f"{what} bukan berkas biasa (tautan tidak diterima): {path}")
        if st.st_uid != os.geteuid():
            raise SigningSetupError(
                f"{what} bukan milik pengguna layanan ini (uid {st.st_uid}); jalankan: "
                f"chown {os.geteuid()} {path}"
            )
        if st.st_mode & 0o077:
            raise SigningSetupError(
                f"{what} dapat dibaca pengguna lain (mode {stat.S_IMODE(st.st_mode):04o}); "
                f"jalankan: chmod 400 {path}"
            )
        os.set_blocking(fd, True)
        return f.read()


def _outside(path: Path, forbidden: Path | None) -> None:
    if forbidden is not None and path.resolve().is_relative_to(forbidden.resolve()):
        raise SigningSetupError(
            f"kunci tidak boleh disimpan di dalam {forbidden} (ikut dicadangkan bersama basis "
            f"data): {path}"
        )


@dataclass(frozen=True)
class Pkcs11Token:
    """A key on a PKCS#11 token (smart card, HSM): the module (``.so``) of its maker, the
    token's label and the label of the key and its certificate on it. Its user PIN is kept in
    the passphrase file."""

    module: Path
    token: str
    label: str


def read_passphrase(files: KeyFiles) -> bytes:
    """The passphrase (or a token's PIN), after the checks on where and how it is kept."""
    _outside(files.passphrase, files.forbidden)
    return _private(files.passphrase, "Berkas frasa sandi").strip()


def load_pkcs12(files: KeyFiles) -> tuple[bytes, bytes]:
    """The PKCS#12 bytes and its passphrase, after the checks on where and how they are kept."""
    _outside(files.key, files.forbidden)
    data = _private(files.key, "Berkas kunci (PKCS#12)")
    return data, read_passphrase(files)


def load_trust_roots(path: Path) -> list[asn1_x509.Certificate]:
    """Every certificate in ``path`` (a PEM/DER file, or a folder of .pem/.crt/.cer files)."""
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.suffix.lower() in (".pem", ".crt", ".cer", ".der")
        )
    elif path.is_file():
        files = [path]
    else:
        raise SigningSetupError(f"akar kepercayaan (trust roots) tidak ditemukan: {path}")
    certs: list[asn1_x509.Certificate] = []
    for f in files:
        data = f.read_bytes()
        if pem.detect(data):
            certs += [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, True)]
        else:
            certs.append(asn1_x509.Certificate.load(data))
    if not certs:
        raise SigningSetupError(f"tidak ada sertifikat di {path}")
    return certs


# ---------------------------------------------------------------------------------------
# demo keys (never for production)


def _new_key() -> rsa.RSAPrivateKey:
    """RSA 2048, as BSrE's certificates: pyHanko marks a PDF signed with ECDSA as PDF 2.0 (ISO
    32002), which a PDF/A-2 archive copy (based on PDF 1.7) must not become."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common: str, *, org: str = "Pemerintah Kota Pekanbaru") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_MARK),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def make_ca(
    common: str, *, now: datetime | None = None
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A self-signed root CA (RSA 2048), valid ten years."""
    now = now or datetime.now(UTC)
    key = _new_key()
    name = _name(common)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def make_signer_cert(
    ca_key: rsa.RSAPrivateKey,
    ca_cert: x509.Certificate,
    common: str,
    *,
    serial_number: str | None = None,
    now: datetime | None = None,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """An end-entity signing certificate issued by ``ca_cert`` (valid two years)."""
    now = now or datetime.now(UTC)
    key = _new_key()
    attrs = list(_name(common))
    if serial_number:  # BSrE puts the civil servant's NIP here
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attrs))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(ca=False), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def pkcs12_bytes(
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    ca_cert: x509.Certificate,
    passphrase: bytes,
) -> bytes:
    """A PKCS#12 with the key, its certificate and the CA, encrypted with ``passphrase``."""
    return pkcs12.serialize_key_and_certificates(
        b"kepala-dinas",
        key,
        cert,
        [ca_cert],
        serialization.BestAvailableEncryption(passphrase),
    )


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file with ``mode`` (never through a link, never over a file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(fd, mode)  # the file opened here, whatever the umask; never a path again
        f.write(data)


def make_demo_keys(files: KeyFiles, *, holder: str, nip: str | None) -> list[Path]:
    """A demo CA (its certificate as the only trust root) and the head's PKCS#12 + passphrase.

    Refuses to overwrite an existing key: an office's real key must never be replaced by a demo.
    """
    for existing in (files.key, files.passphrase):
        if existing.exists():
            raise SigningSetupError(f"sudah ada berkas kunci, tidak ditimpa: {existing}")
    _outside(files.key, files.forbidden)
    ca_key, ca_cert = make_ca("loket Demo Root CA")
    key, cert = make_signer_cert(ca_key, ca_cert, holder, serial_number=nip)
    passphrase = os.urandom(18).hex().encode()
    files.key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    files.trust_roots.mkdir(parents=True, exist_ok=True)
    root = files.trust_roots / "loket-demo-root.pem"
    if root.exists():
        root.unlink()
    _write_new(files.passphrase, passphrase + b"\n", 0o400)
    _write_new(files.key, pkcs12_bytes(key, cert, ca_cert, passphrase), 0o400)
    _write_new(root, ca_cert.public_bytes(serialization.Encoding.PEM), 0o444)
    return [files.key, files.passphrase, root]
