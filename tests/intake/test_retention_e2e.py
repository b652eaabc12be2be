"""Personal data end to end (issue #18, part 5), through the real parts: a real intake flow run
(real Prefect, real tesseract) reads two applications, one returned as incomplete (closed) and
one in the approval chain (open); ``loket purge`` removes the closed file's OCR cache entries
and page texts and keeps everything else, and the open one's once its permit is collected.
Outputs come out 0640 even from a process started with umask 022; ``loket status`` masks
NIKs and refuses ``--show-nik``; a permit rendered by LibreOffice is not world-readable."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

NIK = "1471015505900001"


def _scan(text: str) -> bytes:
    """A one-page scan with a line a reader reads digit for digit (a large font)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1400, 300), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=40)
    draw.text((40, 40), "SURAT PERMOHONAN", fill="black", font=font)
    draw.text((40, 140), text, fill="black", font=font)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def _keys_of(settings, reg_no: str) -> set[str]:  # type: ignore[no-untyped-def]
    from loket.common.db import open_database
    from loket.intake import get_application
    from loket.intake.retention import cache_keys

    with open_database(settings.db_url)() as session:
        app = get_application(session, reg_no)
        assert app is not None
        return cache_keys((f.sha256, f.page_count) for f in app.files)


def _cached(settings) -> set[str]:  # type: ignore[no-untyped-def]
    from loket.intake.retention import list_cache

    return {e.key for e in list_cache(settings.cache_dir)}


@pytest.fixture
def umask022():  # type: ignore[no-untyped-def]
    """The process starts with umask 022, as one started outside loket would."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_purge_after_closing(home: Path, prefect_server: None, umask022: None) -> None:
    from flows.runtime import apply_prefect_defaults
    from loket.cli.main import app as cli
    from loket.common.settings import load_settings

    for name in ("pemohon-satu", f"pemohon-{NIK}"):
        (home / "inbox" / name).mkdir()
        (home / "inbox" / name / "scan.jpg").write_bytes(_scan(f"{name[:12]} NIK {NIK}"))
    apply_prefect_defaults()  # what importing flows does: loket's umask too
    from flows.intake import intake_flow

    summary = intake_flow()
    settings = load_settings()
    regs = {s["source"]: s["reg_no"] for s in summary["submissions"]}
    returned, in_chain = regs["pemohon-satu"], regs[f"pemohon-{NIK}"]
    for reg in (returned, in_chain):
        folder = settings.outbox_dir / reg
        for name in ("pages.json", "checklist.json"):
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o640, (reg, name)
        assert NIK in (folder / "pages.json").read_text("utf-8")
        assert _keys_of(settings, reg) & _cached(settings)

    # the second file is in the approval chain (not collected): open
    from loket.approval import Approval
    from loket.common.db import open_database

    db = open_database(settings.db_url)
    with db() as session:
        session.add(Approval(reg_no=in_chain, service=settings.service))
        session.commit()

    # status masks the NIK (here in the submission's name) and refuses --show-nik
    run = CliRunner(env={"COLUMNS": "250"})
    shown = run.invoke(cli, ["status", in_chain])
    assert shown.exit_code == 0, shown.output
    assert NIK not in shown.output and "1471********0001" in shown.output
    refused = run.invoke(cli, ["status", in_chain, "--show-nik"])
    assert refused.exit_code == 2 and NIK not in refused.output

    archive = _files(settings.archive_dir)
    before = {reg: _files(settings.outbox_dir / reg) for reg in (returned, in_chain)}
    cached = _cached(settings)
    dry = run.invoke(cli, ["purge", "--days", "0", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{returned}: pages.json" in dry.output and in_chain not in dry.output
    assert _cached(settings) == cached
    assert {reg: _files(settings.outbox_dir / reg) for reg in before} == before

    done = run.invoke(cli, ["purge", "--days", "0"])
    assert done.exit_code == 0, done.output
    assert not _keys_of(settings, returned) & _cached(settings)
    assert _keys_of(settings, in_chain) & _cached(settings)  # open: kept
    pages = json.loads((settings.outbox_dir / returned / "pages.json").read_text("utf-8"))
    assert pages["text_purged_at"] and all(p["text"] == "" for p in pages["pages"])
    assert pages["pages"] and all(p["file"] for p in pages["pages"])
    after = _files(settings.outbox_dir / returned)
    assert after["checklist.json"] == before[returned]["checklist.json"]
    assert _files(settings.outbox_dir / in_chain) == before[in_chain]
    assert _files(settings.archive_dir) == archive
    # not yet 30 days after closing: the default keeps it
    assert " 0 pages.json" in run.invoke(cli, ["purge", "--dry-run"]).output

    # the permit is collected: the chain's file is closed too
    from loket.common.clock import utcnow
    from loket.intake import IntakeEvent

    with db() as session:
        row = session.scalars(select(Approval).where(Approval.reg_no == in_chain)).one()
        row.collected_at = utcnow()
        session.commit()
    assert run.invoke(cli, ["purge", "--days", "0"]).exit_code == 0
    assert not _keys_of(settings, in_chain) & _cached(settings)
    pages = json.loads((settings.outbox_dir / in_chain / "pages.json").read_text("utf-8"))
    assert all(NIK not in p["text"] for p in pages["pages"])
    with db() as session:
        noted = session.scalars(select(IntakeEvent.reg_no).where(IntakeEvent.kind == "retensi"))
        assert set(noted) == {returned, in_chain}


def test_permit_files_not_world_readable(tmp_path: Path, umask022: None) -> None:
    """The permit's DOCX (docxtpl) and PDF (LibreOffice) under loket's umask, in a process
    that started with 022."""
    from flows.runtime import apply_prefect_defaults
    from loket.common.settings import Settings
    from loket.documents.officedocs import render_docx, soffice_binary, templates_dir, to_pdf

    if soffice_binary() is None:
        pytest.skip("LibreOffice is not installed")
    apply_prefect_defaults(Settings(home=tmp_path))
    docx = render_docx(templates_dir() / "sikr.docx", {}, tmp_path / "SIKR-1" / "izin.docx")
    (pdf,) = to_pdf([docx])
    for path in (docx, pdf):
        assert stat.S_IMODE(path.stat().st_mode) == 0o640, path


def test_daily_flow_runs_on_prefect(home: Path, prefect_server: None) -> None:
    """The scheduled flow itself, a real flow run: it purges and says what it did."""
    from flows.retention import retention_flow
    from loket.common.settings import load_settings

    settings = load_settings()
    shard = settings.cache_dir / "ab"
    shard.mkdir(parents=True)
    stale = shard / ("ab" * 32 + ".json")
    stale.write_text("{}")
    os.utime(stale, (0, 0))  # an entry of no file, decades old
    line = retention_flow()
    assert "1 entri cache tanpa berkas" in line, line
    assert not stale.exists()
