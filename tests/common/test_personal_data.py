"""NIKs out of logs and CLI output (issue #18, part 5): the traceback of a logged exception is
masked as its message is; :func:`mask_niks` masks NIKs only."""

from __future__ import annotations

import io
import logging

import pytest

from loket.common.logmask import install, mask, mask_niks

NIK = "1471015505900001"


def test_mask_niks_only() -> None:
    assert mask_niks(f"NIK {NIK} telp 081234567890") == "NIK 1471********0001 telp 081234567890"
    assert "081234567890" not in mask("telp 081234567890")
    assert mask_niks("SIKR-2026-000012 14710155059000011") == "SIKR-2026-000012 14710155059000011"


def test_logged_traceback_is_masked() -> None:
    install()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("loket.test.personal")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError(f"cannot parse page text 'NIK : {NIK}'")
        except ValueError:
            logger.exception("page unreadable")
        try:
            raise KeyError("no NIK here")
        except KeyError as exc:
            logger.warning("plain %s", "traceback", exc_info=exc)
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert "Traceback" in text and "ValueError" in text and "KeyError" in text
    assert NIK not in text and "1471********0001" in text


def test_every_loket_command_masks_its_logs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Commands that never import the flows (which mask on import) mask too."""
    import subprocess
    import sys

    from tests.faults.helpers import clean_env

    code = (
        "import logging, sys\n"
        "from loket.cli.main import app\n"
        "assert 'flows' not in sys.modules\n"
        "try:\n    app(['config'])\nexcept SystemExit:\n    pass\n"
        f"logging.basicConfig()\nlogging.getLogger('loket.x').warning('NIK {NIK}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(LOKET_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "1471********0001" in done.stderr and NIK not in done.stderr


def test_uncaught_exceptions_are_masked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A process that dies, or a thread, prints its traceback masked."""
    import subprocess
    import sys

    code = (
        "import threading\n"
        "from loket.common.logmask import install\n"
        "install()\n"
        "def boom():\n"
        f"    raise ValueError('dalam thread: {NIK}')\n"
        "t = threading.Thread(target=boom); t.start(); t.join()\n"
        f"raise RuntimeError('halaman: NIK {NIK}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 1
    assert "RuntimeError" in done.stderr and "ValueError" in done.stderr
    assert NIK not in done.stderr and done.stderr.count("1471********0001") == 2


@pytest.mark.parametrize(
    ("written", "masked"),
    [
        ("1471 0155 0590 0001", "1471 **** **** 0001"),
        ("1471.0155.0590.0001", "1471.****.****.0001"),
        ("1471-015505-900001", "1471-******-**0001"),
        ("14.71.01.550590.0001", "14.71.**.******.0001"),
        ("1 4 7 1 0 1 5 5 0 5 9 0 0 0 0 1", "1 4 7 1 * * * * * * * * 0 0 0 1"),  # boxed form
        ("NIK: 1471 0155 0590 0001.", "NIK: 1471 **** **** 0001."),
        ("SIKR-2026-000001 1471 0155 0590 0001", "SIKR-2026-000001 1471 **** **** 0001"),
        ("Rp 2.500.000 1471-0155-0590-0001", "Rp 2.500.000 1471-****-****-0001"),
    ],
)
def test_niks_written_with_separators_are_masked(written: str, masked: str) -> None:
    assert mask_niks(written) == masked
    assert mask(f"NIK {written} telp 0812-3456-7890").startswith(f"NIK {masked} telp 08")


@pytest.mark.parametrize(
    "ordinary",
    [
        "SIKR-2026-000001",
        "SIKR-2026-000001 SIKR-2026-000002",
        "diterima 06-12-2026 10.30, nomor 503/SIKR/2026",
        "2026-12-06 22:30:15.123456",
        "Rp 1.500.000.000.000.000",  # 16 digits, but no date of birth in them
        "Rp 1.500.000 2.500.000 3.000.000 4.000",
        "tahun 2021 2022 2023 2024 2025",
        "1000 2000 3000 4000",  # four figures of a table
        "NIP 19750312 200003 1 002",
        "192.168.100.200 port 4200",
        "0812 3456 7890 1234",  # no NIK starts with 0
    ],
)
def test_ordinary_numbers_with_separators_stay(ordinary: str) -> None:
    assert mask_niks(ordinary) == ordinary


def test_logged_nik_with_separators_is_masked() -> None:
    install()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger("loket.test.personal.grouped")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("halaman KTP: NIK %s", "1471 0155 0590 0001")
        logger.warning("NIK 1471.0155.0590.0001 / 1471-015505-900001")
    finally:
        logger.removeHandler(handler)
    text = out.getvalue()
    assert "0155" not in text and "015505" not in text and text.count("1471") == 3
