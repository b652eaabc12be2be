"""How the signing key's files are read and written (review of issue #18, L14): the PKCS#12
is read once and never copied to a temporary file; the checks are made on the descriptor the
bytes are read from (a file swapped in after the check is never read); a key file that is not
this user's is refused; a new key file gets its mode through its own descriptor."""

from __future__ import annotations

import dataclasses
import os
import stat
import tempfile
from pathlib import Path

import pytest

from loket.signature import KeyFiles


def test_the_pkcs12_is_never_copied_to_a_temporary_file(
    key_files: KeyFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    from loket.signature import pades

    def refuse(*_a: object, **_k: object) -> object:
        raise AssertionError("the PKCS#12 was copied to a temporary file")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    signer = pades.load_signer(key_files)
    assert signer.signing_cert.subject.native["serial_number"] == "197501012000031001"  # type: ignore[attr-defined]


def test_a_key_file_swapped_after_the_check_is_not_read(
    key_files: KeyFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever is checked (lstat of the path, fstat of a descriptor), the file is swapped for
    a link to a file others wrote right after it: the bytes read must be the checked file's."""
    from loket.signature.keys import read_passphrase

    key_files = dataclasses.replace(key_files, forbidden=None)  # no resolve() before the check
    genuine = key_files.passphrase.read_bytes().strip()
    planted = tmp_path / "planted"
    planted.write_bytes(b"frasa-penyerang\n")
    planted.chmod(0o644)
    swapped: list[bool] = []

    def swap() -> None:
        if not swapped:
            swapped.append(True)
            key_files.passphrase.unlink()
            key_files.passphrase.symlink_to(planted)

    real_lstat, real_fstat = os.lstat, os.fstat
    genuine_ino = real_lstat(key_files.passphrase).st_ino

    def lstat(path, *a, **k):  # type: ignore[no-untyped-def]
        result = real_lstat(path, *a, **k)
        if Path(path) == key_files.passphrase:
            swap()
        return result

    def fstat(fd, *a, **k):  # type: ignore[no-untyped-def]
        result = real_fstat(fd, *a, **k)
        if result.st_ino == genuine_ino:
            swap()
        return result

    monkeypatch.setattr(os, "lstat", lstat)
    monkeypatch.setattr(os, "fstat", fstat)
    got = read_passphrase(key_files)
    monkeypatch.undo()
    assert swapped, "the swap never happened: the test proves nothing"
    assert got == genuine


@pytest.mark.skipif(os.geteuid() != 0, reason="chown to another user needs root")
def test_a_key_file_of_another_user_is_refused(key_files: KeyFiles) -> None:
    from loket.signature import SigningSetupError
    from loket.signature.keys import read_passphrase

    os.chown(key_files.passphrase, 65534, -1)
    with pytest.raises(SigningSetupError, match="bukan milik pengguna layanan"):
        read_passphrase(key_files)


def test_a_fifo_is_refused_without_blocking(key_files: KeyFiles) -> None:
    from loket.signature import SigningSetupError
    from loket.signature.keys import read_passphrase

    key_files.passphrase.unlink()
    os.mkfifo(key_files.passphrase, 0o600)
    with pytest.raises(SigningSetupError, match="bukan berkas biasa"):
        read_passphrase(key_files)


def test_a_new_key_file_gets_its_mode_through_its_descriptor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is swapped for a link to another file as soon as it is written and closed:
    its mode must have been set already, and the other file's mode left alone."""
    from loket.signature.keys import _write_new

    victim = tmp_path / "victim"
    victim.write_bytes(b"x")
    victim.chmod(0o644)
    target = tmp_path / "new.key"
    real_fdopen = os.fdopen

    class SwapOnClose:
        def __init__(self, f):  # type: ignore[no-untyped-def]
            self.f = f

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self.f

        def __exit__(self, *exc: object) -> None:
            self.f.close()
            os.rename(target, tmp_path / "written")
            target.symlink_to(victim)

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: SwapOnClose(real_fdopen(*a, **k)))
    old = os.umask(0o077)
    try:
        _write_new(target, b"secret", 0o440)
    finally:
        os.umask(old)
        monkeypatch.undo()
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644  # not chmod'ed through the link
    assert stat.S_IMODE((tmp_path / "written").stat().st_mode) == 0o440  # despite the umask
