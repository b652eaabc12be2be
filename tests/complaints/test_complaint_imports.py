"""Complaint imports are all-or-nothing per SMS row and per e-mail, with a summary (issue #14).

No single row of an SMS export and no single file of the e-mail drop folder may stop an
import: a bad one is refused with its reason (and its row number), every other one is
recorded in its own transaction, and the officer gets a summary.
"""

# ruff: noqa: F811  (pytest fixtures are imported from tests/conftest_complaints.py)

from __future__ import annotations

import codecs
import csv
import os
import random
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

import loket.complaints.importing as ci
import loket.complaints.sms as sms
from loket.common.clock import WIB
from loket.complaints.models import Complaint
from tests.conftest_complaints import (  # noqa: F401  (fixtures)
    Home,
    c_home,
    c_session,
    cli,
    make_eml,
    office_parts,
    rules,
    write_sms_csv,
)


def _run(cli, *args: str, code: int = 0) -> str:  # type: ignore[no-untyped-def]
    """Run the CLI in-process; the output (stdout and stderr) with its whitespace collapsed."""
    res = CliRunner().invoke(cli, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code == code, res.output
    return " ".join(res.output.split())


def _stored(c_home: Home) -> list[Complaint]:
    """Every complaint committed to the home's database, read by a fresh session."""
    from loket.common.db import open_database
    from loket.common.settings import load_settings

    with open_database(load_settings().db_url)() as session:
        return list(session.scalars(select(Complaint).order_by(Complaint.id)))


def _sms(phone: str, minute: int, body: str, kind: str = "1") -> dict[str, str]:
    return {"address": phone, "date": f"2026-11-03 09:{minute:02d}", "type": kind, "body": body}


def _import_sms(c_home: Home, session, rules, path: Path, **kw: object) -> ci.ImportResult:  # type: ignore[no-untyped-def]
    store = c_home.var / "complaints"
    return sms.import_sms_csv(
        session, rules, path, store=store, reg_prefix="SIKR", **office_parts(c_home), **kw
    )  # type: ignore[arg-type]


def _import_eml(c_home: Home, session, rules, folder: Path, **kw: object) -> ci.ImportResult:  # type: ignore[no-untyped-def]
    store = c_home.var / "complaints"
    return ci.import_eml_folder(
        session, rules, folder, store=store, reg_prefix="SIKR", **office_parts(c_home), **kw
    )  # type: ignore[arg-type]


def _drop(c_home: Home) -> Path:
    folder = c_home.root / "inbox" / "pengaduan-email"
    folder.mkdir(exist_ok=True)
    return folder


def _good_eml(n: int, body: str = "Pelayanan izin lambat sekali.") -> bytes:
    return make_eml(
        sender=f"Warga {n}",
        address=f"warga{n}@contoh.test",
        subject=f"Keluhan {n}",
        body=body,
        when=datetime(2026, 11, 4, 8, n, tzinfo=WIB),
    )


# ---------------------------------------------------------------------------------------
# SMS export (CSV)


def test_sms_oversize_field_row_skipped_rows_around_it_imported_cli(
    c_home: Home, cli, tmp_path: Path
) -> None:
    """A body over the csv module's 131,072-character default stopped the whole import."""
    path = write_sms_csv(
        tmp_path / "sms.csv",
        [
            _sms("+6281200000001", 1, "Izin belum selesai sudah seminggu"),
            _sms("+6281200000002", 2, "x" * 200_000),
            _sms("+6281200000003", 3, "Petugas loket tidak ramah"),
            _sms("+6281200000004", 4, "y" * 10_001),
            _sms("+6281200000005", 5, "Mohon informasi jam layanan"),
        ],
    )
    out = _run(cli, "complaint", "import-sms", str(path))
    assert [c.complainant_phone for c in _stored(c_home)] == [
        "+6281200000001",
        "+6281200000003",
        "+6281200000005",
    ]
    assert "sms.csv:3" in out and "sms.csv:5" in out  # 200,000 and 10,001 characters
    assert not any(f"sms.csv:{n}" in out for n in (2, 4, 6))
    assert "200000" in out.replace(".", "").replace(",", "")  # the length of the refused field
    assert "3 tercatat" in out and "2 ditolak" in out and "rejected" in out
    # run again: nothing new, the three imported rows are counted as already imported
    again = _run(cli, "complaint", "import-sms", str(path), code=1)  # refused rows, none new
    assert "0 tercatat" in again and "3 sudah diimpor" in again
    assert len(_stored(c_home)) == 3


def test_sms_field_limit_default_and_parameter(c_home: Home, c_session, rules, tmp_path) -> None:
    assert sms.SMS_FIELD_MAX_CHARS == 10_000
    assert sms.SMS_CSV_MAX_BYTES == 64 * 1024 * 1024
    path = write_sms_csv(
        tmp_path / "sms.csv",
        [_sms("+62811", 1, "a" * 50), _sms("+62812", 2, "b" * 10)],
    )
    before = csv.field_size_limit()
    result = _import_sms(c_home, c_session, rules, path, max_field_chars=20)
    assert csv.field_size_limit() == before  # raised only while the file is read
    assert [c.complainant_phone for c in result.created] == ["+62812"]
    assert [w for w, _ in result.errors] == ["sms.csv:2"]
    too_big = _import_sms(c_home, c_session, rules, path, max_bytes=100)
    assert too_big.created == [] and "terlalu besar" in too_big.errors[0][1]


def test_sms_malformed_rows_skipped_with_row_numbers(
    c_home: Home, c_session, rules, tmp_path: Path
) -> None:
    """A bare CR ended the import; an unquoted comma silently cut the complaint's text."""
    text = (
        "address,date,type,body\r\n"
        "+6281300000001,2026-11-03 09:01,1,Baris pertama\r\n"
        "+6281300000002,2026-11-03 09:02,1,Izin saya, belum selesai, sudah lama\r\n"
        "+6281300000003,2026-11-03 09:03,1,Baris ketiga\r"  # an old Mac line end
        '+6281300000004,2026-11-03 09:04,1,"kutip"salah\r\n'
        '+6281300000005,2026-11-03 09:05,1,"Baris kelima, dengan koma"\r\n'
    )
    path = tmp_path / "sms.csv"
    path.write_text(text, encoding="utf-8")
    result = _import_sms(c_home, c_session, rules, path)
    assert [c.text for c in result.created] == [
        "Baris pertama",
        "Baris ketiga",
        "Baris kelima, dengan koma",
    ]
    assert [w for w, _ in result.errors] == ["sms.csv:3", "sms.csv:5"]
    assert "kolom" in result.errors[0][1] and "columns" in result.errors[0][1]


def test_sms_unclosed_quote_reported(c_home: Home, c_session, rules, tmp_path: Path) -> None:
    """An unclosed quote swallowed every later row into one complaint's text, silently."""
    text = (
        "address,date,type,body\n"
        "+6281400000001,2026-11-03 09:01,1,Baris pertama\n"
        '+6281400000002,2026-11-03 09:02,1,"Tanda kutip tidak ditutup\n'
        "+6281400000003,2026-11-03 09:03,1,Baris keempat\n"
    )
    path = tmp_path / "sms.csv"
    path.write_text(text, encoding="utf-8")
    result = _import_sms(c_home, c_session, rules, path)
    assert [c.text for c in result.created] == ["Baris pertama"]
    assert [w for w, _ in result.errors] == ["sms.csv:3"]
    assert "kutip" in result.errors[0][1]


def test_sms_failure_while_storing_one_row_keeps_the_others(
    c_home: Home, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each row is its own transaction: an unexpected failure in one row stops nothing."""
    real = ci.add_complaint

    def flaky(session, rules, new, **kw):  # type: ignore[no-untyped-def]
        if "MELEDAK" in new.text:
            raise OSError(28, "No space left on device")
        return real(session, rules, new, **kw)

    monkeypatch.setattr(ci, "add_complaint", flaky)
    path = write_sms_csv(
        tmp_path / "sms.csv",
        [
            _sms("+6281500000001", 1, "Pertama"),
            _sms("+6281500000002", 2, "MELEDAK"),
            _sms("+6281500000003", 3, "Ketiga"),
        ],
    )
    out = _run(cli, "complaint", "import-sms", str(path))
    assert [c.text for c in _stored(c_home)] == ["Pertama", "Ketiga"]
    assert "sms.csv:3" in out and "No space left" in out and "2 tercatat" in out


_CSV_PIECES = st.sampled_from(
    [",", ";", '"', "\r", "\n", "\r\n", " ", "a", "Halo", "+6281", "1", "2026-11-03 09:00", "\x00"]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=st.lists(_CSV_PIECES, max_size=60))
def test_sms_import_never_raises(c_home: Home, c_session, rules, tmp_path, pieces) -> None:  # type: ignore[no-untyped-def]
    """Whatever follows the header, the import ends with a result, not an exception."""
    path = tmp_path / "acak.csv"
    path.write_text("address,date,type,body\n" + "".join(pieces), encoding="utf-8")
    result = _import_sms(c_home, c_session, rules, path)
    assert all(where.startswith("acak.csv") for where, _ in result.errors + result.skipped)


@pytest.mark.e2e  # starts a fresh interpreter (issue #15: not a unit test)
def test_sms_undecodable_file_clear_error_real_cli(c_home: Home, tmp_path: Path) -> None:
    """Through the installed ``loket`` command: a clear refusal, exit status 1, no traceback."""
    path = tmp_path / "sms.csv"
    path.write_bytes(random.Random(3).randbytes(4096) + b"\x00" * 64)
    loket = Path(sys.executable).with_name("loket")
    proc = subprocess.run(
        [str(loket), "complaint", "import-sms", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    out = " ".join((proc.stdout + proc.stderr).split())
    assert proc.returncode == 1, out
    assert "Traceback" not in out
    assert "bukan teks" in out and "not a text" in out
    assert _stored(c_home) == []


def test_sms_utf16_export_is_read(c_home: Home, c_session, rules, tmp_path: Path) -> None:
    """Excel's 'Unicode text' export is UTF-16 with a byte-order mark."""
    path = tmp_path / "sms.csv"
    text = "address;date;type;body\r\n+6281600000001;2026-11-03 09:01;1;Pelayanan lambat\r\n"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    result = _import_sms(c_home, c_session, rules, path)
    assert [c.text for c in result.created] == ["Pelayanan lambat"]


# ---------------------------------------------------------------------------------------
# e-mail drop folder


def test_random_bytes_eml_rejected_with_reason(c_home: Home, c_session, rules) -> None:
    folder = _drop(c_home)
    (folder / "acak.eml").write_bytes(random.Random(1).randbytes(4096))
    (folder / "teks.eml").write_bytes(b"ini hanya catatan, bukan e-mail\nbaris kedua\n")
    (folder / "baik.eml").write_bytes(_good_eml(1))
    result = _import_eml(c_home, c_session, rules, folder)
    assert [c.complainant_name for c in result.created] == ["Warga 1"]
    assert sorted(w for w, _ in result.errors) == ["acak.eml", "teks.eml"]
    assert all("bukan e-mail" in why and "not an e-mail" in why for _, why in result.errors)
    assert [c.complainant_name for c in _stored(c_home)] == ["Warga 1"]
    assert (folder / "acak.eml").exists()  # a refused file stays where it was


def _raw_eml(charset: str, body: bytes, n: int = 1) -> bytes:
    return (
        b"From: Budi Santoso <budi@contoh.test>\r\n"
        b"To: dpmptsp@contoh.test\r\n"
        b"Subject: Keluhan pelayanan\r\n"
        b"Date: Tue, 03 Nov 2026 09:00:00 +0700\r\n"
        b"Message-ID: <charset-%d@contoh.test>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: text/plain; charset="%s"\r\n'
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n" % (n, charset.encode())
    ) + body


def test_unknown_or_wrong_charset_imported_readable(c_home: Home, c_session, rules) -> None:
    folder = _drop(c_home)
    (folder / "tak-dikenal.eml").write_bytes(
        _raw_eml("x-unknown-123", b"Pelayanan lambat, antrean tidak jelas.\r\n", 1)
    )
    (folder / "salah.eml").write_bytes(
        _raw_eml("utf-8", "Caf\u00e9 di depan kantor menutup jalan.\r\n".encode("cp1252"), 2)
    )
    (folder / "rot13.eml").write_bytes(_raw_eml("rot13", b"Antrean sangat panjang.\r\n", 3))
    result = _import_eml(c_home, c_session, rules, folder)
    assert result.errors == []
    texts = {Path(c.source or "").name: c.text for c in result.created}
    assert texts == {
        "rot13.eml": "Antrean sangat panjang.",
        "salah.eml": "Caf\u00e9 di depan kantor menutup jalan.",
        "tak-dikenal.eml": "Pelayanan lambat, antrean tidak jelas.",
    }


def test_header_the_parser_fails_on_is_read_as_written(c_home: Home, c_session, rules) -> None:
    """The standard library raises IndexError on an address cut off after '@'."""
    folder = _drop(c_home)
    (folder / "terpotong.eml").write_bytes(
        b"From: Budi <budi@\r\nSubject: Antrean\r\nMessage-ID: <potong@\r\n"
        b"Date: Tue, 03 Nov 2026 09:00:00 +0700\r\n\r\nAntrean terlalu lama.\r\n"
    )
    result = _import_eml(c_home, c_session, rules, folder)
    assert result.errors == []
    [c] = result.created
    assert (c.complainant_name, c.subject, c.text) == ("Budi", "Antrean", "Antrean terlalu lama.")


def test_oversize_eml_rejected_with_reason(c_home: Home, c_session, rules) -> None:
    folder = _drop(c_home)
    (folder / "besar.eml").write_bytes(_good_eml(1, body="panjang " * 2000))
    (folder / "kecil.eml").write_bytes(_good_eml(2))
    result = _import_eml(c_home, c_session, rules, folder, max_bytes=8 * 1024)
    assert [c.complainant_name for c in result.created] == ["Warga 2"]
    assert [w for w, _ in result.errors] == ["besar.eml"]
    assert "terlalu besar" in result.errors[0][1] and "too large" in result.errors[0][1]
    assert (folder / "besar.eml").exists()
    assert ci.EML_MAX_BYTES == 25 * 1024 * 1024  # the documented default


def test_huge_header_and_pathological_html_do_not_stall(c_home: Home, c_session, rules) -> None:
    """Header parsing and the HTML-to-text step were quadratic: a few MiB took hours."""
    folder = _drop(c_home)
    params = b"".join(b"p%d=v; " % i for i in range(20_000))
    (folder / "kepala.eml").write_bytes(
        b"From: a@contoh.test\r\nSubject: x\r\nContent-Type: text/plain; "
        + params
        + b"\r\n\r\nisi\r\n"
    )
    html = "<p>Keluhan: antrean</p>" + "<" * 200_000 + "<script" * 30_000
    (folder / "html.eml").write_bytes(
        make_eml(
            sender="Sari",
            address="sari@contoh.test",
            subject="Antrean",
            body=html,
            when=datetime(2026, 11, 5, 9, 0, tzinfo=WIB),
            html=True,
        )
    )
    start = time.perf_counter()
    result = _import_eml(c_home, c_session, rules, folder)
    assert time.perf_counter() - start < 10
    assert [w for w, _ in result.errors] == ["kepala.eml"]
    assert "kepala" in result.errors[0][1] and "header" in result.errors[0][1]
    assert [c.complainant_name for c in result.created] == ["Sari"]
    assert "Keluhan: antrean" in result.created[0].text


def test_symlink_and_failing_message_do_not_stop_the_folder(
    c_home: Home, c_session, rules, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _drop(c_home)
    secret = tmp_path / "rahasia.txt"
    secret.write_bytes(_good_eml(9, body="rahasia"))
    os.symlink(secret, folder / "tautan.eml")
    (folder / "a.eml").write_bytes(_good_eml(1))
    (folder / "b.eml").write_bytes(_good_eml(2, body="MELEDAK"))
    (folder / "c.eml").write_bytes(_good_eml(3))
    real = ci.add_complaint

    def flaky(session, rules, new, **kw):  # type: ignore[no-untyped-def]
        if "MELEDAK" in new.text:
            raise RuntimeError("disk penuh")
        return real(session, rules, new, **kw)

    monkeypatch.setattr(ci, "add_complaint", flaky)
    result = _import_eml(c_home, c_session, rules, folder)
    assert [c.complainant_name for c in _stored(c_home)] == ["Warga 1", "Warga 3"]
    assert sorted(w for w, _ in result.errors) == ["b.eml", "tautan.eml"]
    assert "symlink" in dict(result.errors)["tautan.eml"]


def test_import_eml_cli_summary(c_home: Home, cli) -> None:
    folder = _drop(c_home)
    (folder / "acak.eml").write_bytes(random.Random(2).randbytes(2048))
    (folder / "tak-dikenal.eml").write_bytes(
        _raw_eml("x-unknown-123", b"Antrean di loket 3 terlalu lama.\r\n")
    )
    out = _run(cli, "complaint", "import-eml")
    assert "1 tercatat" in out and "1 ditolak" in out
    assert "acak.eml" in out and "bukan e-mail" in out
    [stored] = _stored(c_home)
    assert stored.complainant_name == "Budi Santoso"
    assert stored.text == "Antrean di loket 3 terlalu lama."
    again = _run(cli, "complaint", "import-eml")
    assert "0 tercatat" in again and "1 sudah diimpor" in again


def test_summary_prints_bracketed_text_as_is_cli(c_home: Home, cli) -> None:
    """A subject like '[/b]' was read as console markup and ended the command after commit."""
    folder = _drop(c_home)
    (folder / "kurung.eml").write_bytes(
        make_eml(
            sender="Rudi",
            address="rudi@contoh.test",
            subject="Antrean [/i] loket [bold]",
            body="Antrean panjang.",
            when=datetime(2026, 11, 6, 9, 0, tzinfo=WIB),
        )
    )
    out = _run(cli, "complaint", "import-eml")
    assert "Rudi: Antrean [/i] loket [bold]" in out and "1 tercatat" in out
