"""End to end: Alembic-migrated SQLite, real DOCX -> PDF by LibreOffice, a real Prefect flow run
of the monthly report, review by the CLI, and the yearly SKM report as PDF."""

# ruff: noqa: F811  (pytest fixtures are imported from tests/conftest_complaints.py)

from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import inspect
from typer.testing import CliRunner

from loket.common.clock import WIB
from tests.conftest_complaints import (  # noqa: F401  (fixtures)
    Home,
    c_home,
    cli,
    complaints_prefect,
    make_eml,
    make_survey,
    write_survey,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed"),
]

TABLES = {
    "complaints",
    "complaint_attachments",
    "complaint_steps",
    "report_versions",
    "report_review_attempts",
    "skm_imports",
    "skm_responses",
}


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(path).pages).split())


def test_migration_0002_up_and_down(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from loket.common.db import MIGRATIONS, make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    names = set(inspect(engine).get_table_names())
    assert not TABLES & names and "applications" in names
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_end_to_end(c_home: Home, cli, complaints_prefect, tmp_path: Path) -> None:
    from flows.reports import deployments, monthly_complaint_report
    from loket.approval import load_officials
    from tests.identity.helpers import log_in

    runner = CliRunner()
    p = c_home.people
    env = {"LOKET_NIP": p["petugas_pengaduan"]}
    # the officers signed in this morning (loket login): their acts below use the sessions
    officials = load_officials(c_home.rules / "officials.yaml")
    log_in(officials, [p["petugas_pengaduan"], p["kepala_dinas"], p["sekretaris"]])

    def run(*args: str, code: int = 0, **kw: object) -> str:
        res = runner.invoke(cli, list(args), env=env, **kw)  # type: ignore[arg-type]
        assert res.exit_code == code, res.output
        return " ".join(res.output.split())

    # a letter, an e-mail with an attachment, a phone call
    run(
        "complaint",
        "add",
        "--channel",
        "surat",
        "--name",
        "CV Sinar & Putra <Pekanbaru>",
        "--address",
        "Jl. Arifin Ahmad No. 9\nPekanbaru",
        "--subject",
        "Izin belum selesai",
        "--text",
        "Permohonan SIKR-2026-000031 terlambat, belum selesai",
        "--weight",
        "sedang",
        "--received",
        "2026-11-03 09:00",
        "--no-input",
    )
    drop = c_home.root / "inbox" / "pengaduan-email"
    drop.mkdir()
    (drop / "m1.eml").write_bytes(
        make_eml(
            sender="Dewi",
            address="dewi@contoh.test",
            subject="Dimintai uang pelicin",
            body="Petugas meminta uang pelicin.",
            when=datetime(2026, 11, 9, 10, 0, tzinfo=WIB),
            attachments=[("bukti.txt", b"bukti transfer", "text/plain")],
        )
    )
    assert "1 tercatat" in run("complaint", "import-eml")
    run("complaint", "confirm", "PGD-2026-000002", "--weight", "berat")
    run(
        "complaint",
        "add",
        "--channel",
        "telepon",
        "--name",
        "Ani",
        "--phone",
        "0813",
        "--subject",
        "Jam layanan",
        "--text",
        "Mohon informasi jam layanan",
        "--weight",
        "ringan",
        "--received",
        "2026-11-12 13:00",
        "--no-input",
    )

    run(
        "complaint",
        "coordinate",
        "PGD-2026-000001",
        "--role",
        "kepala_bidang",
        "--note",
        "Berkas tertahan di meja paraf",
    )
    run(
        "complaint",
        "coordinate",
        "PGD-2026-000001",
        "--role",
        "kepala_dinas",
        "--note",
        "Diselesaikan hari ini",
    )
    t0 = time.perf_counter()
    out = run(
        "complaint",
        "answer",
        "PGD-2026-000001",
        "--text",
        "Mohon maaf atas keterlambatan.\nIzin Saudara dapat diambil di loket.",
    )
    letter_seconds = time.perf_counter() - t0
    letter_pdf = c_home.outbox / "pengaduan" / "PGD-2026-000001" / "tanggapan-PGD-2026-000001.pdf"
    assert str(letter_pdf.name) in out and letter_pdf.is_file()
    text = pdf_text(letter_pdf)
    for phrase in (
        "PEMERINTAH KOTA PEKANBARU",
        "Jalan Jenderal Sudirman No. 464",
        "Tanggapan atas Pengaduan",
        "CV Sinar & Putra <Pekanbaru>",
        "SIKR-2026-000031",
        "Izin Saudara dapat diambil di loket.",
    ):
        assert phrase in text, phrase
    run("complaint", "coordinate", "PGD-2026-000002", "--role", "kepala_dinas", "--note", "ok")
    run(
        "complaint",
        "coordinate",
        "PGD-2026-000002",
        "--role",
        "sekretaris_daerah",
        "--note",
        "Diteruskan ke Inspektorat",
    )
    run("complaint", "answer", "PGD-2026-000002", "--text", "Sedang diperiksa Inspektorat.")
    assert (
        c_home.outbox / "pengaduan" / "PGD-2026-000002" / "tanggapan-PGD-2026-000002.eml"
    ).is_file()

    # the scheduled flow drafts the report in a real Prefect run
    deps = deployments()
    assert deps[0].schedules[0].schedule.cron == "0 7 1 * *"
    assert deps[0].schedules[0].schedule.timezone == "Asia/Jakarta"
    t0 = time.perf_counter()
    state = monthly_complaint_report(
        month="2026-11", maker_nip=p["petugas_pengaduan"], return_state=True
    )
    flow_seconds = time.perf_counter() - t0
    assert state.is_completed(), state
    result = state.result()
    assert result["version"] == 1
    draft_pdf = Path(next(f for f in result["files"] if f.endswith(".pdf")))
    assert "DRAF" in pdf_text(draft_pdf)
    assert not (c_home.outbox / "reports" / "2026-11").exists()

    # review: refused for the Kepala Dinas, approved by the Sekretaris
    assert "Ditolak" in run(
        "complaints", "approve", "--month", "2026-11", "--nip", p["kepala_dinas"], code=3
    )
    run("complaints", "approve", "--month", "2026-11", "--nip", p["sekretaris"])
    final = c_home.outbox / "reports" / "2026-11" / "Laporan-Pengaduan-2026-11.pdf"
    text = pdf_text(final)
    for phrase in (
        "LAPORAN PENGADUAN PELAYANAN PUBLIK",
        "BULAN NOVEMBER TAHUN 2026",
        "PGD-2026-000001",
        "PGD-2026-000003",
        "Izin Saudara dapat diambil",
        p.names["sekretaris"],
        "Sekretaris",
    ):
        assert phrase in text, phrase
    assert "BELUM DISETUJUI" not in text
    # its spreadsheet holds the days as numbers (one decimal), not the report's text
    from openpyxl import load_workbook

    book = load_workbook(final.with_suffix(".xlsx"))
    overdue_days = [r[6] for r in book["Melewati Batas Waktu"].iter_rows(min_row=2)]
    assert overdue_days, "the month has overdue complaints"
    # a whole number of days (5.0) is stored as 5 and read back as an int: a number either way
    assert all(type(c.value) in (int, float) and c.number_format == "0.0" for c in overdue_days), [
        (c.value, c.number_format) for c in overdue_days
    ]

    # SKM: yearly report as PDF
    rows = make_survey(100, 9)
    rows[4]["U2"] = ""
    run("skm", "import", str(write_survey(tmp_path / "skm.csv", rows)))
    out = run("skm", "report", "--year", "2026", "--population", "130")
    skm_pdf = c_home.outbox / "reports" / "2026" / "Laporan-SKM-2026.pdf"
    text = pdf_text(skm_pdf)
    assert "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT" in text
    assert "99" in out and "Persyaratan" in text and "Sarana dan Prasarana" in text
    per_element = load_workbook(skm_pdf.with_suffix(".xlsx"))["Per Unsur"]
    nrr = [r[4] for r in per_element.iter_rows(min_row=2)]
    assert len(nrr) == 9
    assert all(isinstance(c.value, float) and c.number_format == "0.00" for c in nrr)
    print(f"\nletter answer+PDF {letter_seconds:.1f}s; flow run {flow_seconds:.1f}s")
