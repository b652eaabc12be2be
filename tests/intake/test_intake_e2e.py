"""Intake end to end: generated scans -> real Prefect flow run -> real tesseract -> outbox.

One flow run over a mixed inbox (three applications in different packagings, a duplicate,
a folder with every kind of bad file, a broken single file, a symlink) is shared by the
tests of this module: OCR is the expensive part.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from samples import generate_application
from tests import badfiles

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

KEYS = {"file", "page", "doc_type", "confidence", "rotation", "text_source", "text"}
DOC_TYPES = {
    "surat_permohonan", "ktp", "pas_foto", "ijazah", "str", "rekomendasi_organisasi_profesi",
    "surat_keterangan_sehat", "surat_pernyataan_tempat_kerja", "rekomendasi_dinkes",
    "surat_izin_asli", "other", "blank",
}  # fmt: skip


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, prefect_server: None):  # type: ignore[no-untyped-def]
    home = tmp_path_factory.mktemp("home")
    inbox = home / "inbox"
    inbox.mkdir()
    env = {"LOKET_HOME": str(home), "LOKET_STABLE_SECONDS": "0",
           "LOKET_RULES": str(Path(__file__).resolve().parents[2] / "rules")}  # fmt: skip
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    truths = {
        "app-a": generate_application(inbox, "app-a", 501, packaging="text_pdf_letter"),
        "app-b": generate_application(
            inbox, "app-b", 502, packaging="single_pdf", application_type="renewal"
        ),
        "app-c": generate_application(inbox, "app-c", 503, packaging="mixed_tree", n_blank=1),
    }
    truths = {t["source"]: t for t in truths.values()}
    shutil.copytree(inbox / "app-c", inbox / "app-c-lagi")  # the same papers dropped twice
    bad = inbox / "app-rusak"
    bad.mkdir()
    (bad / "scan0001.jpg").write_bytes(badfiles.jpeg_bytes())
    for name, write, _code in badfiles.CATALOGUE.values():
        write(bad / name)
    badfiles.truncated_pdf(inbox / "rusak.pdf")
    outside = home / "di-luar.pdf"
    outside.write_bytes(badfiles.pdf_bytes())
    os.symlink(outside, inbox / "tautan.pdf")
    originals = {
        p.relative_to(inbox).as_posix(): sha(p)
        for p in inbox.rglob("*")
        if p.is_file() and not p.is_symlink()
    }

    from flows.intake import intake_flow

    summary = intake_flow()
    yield home, truths, originals, summary
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def outcome(summary: dict, source: str) -> dict:
    (sub,) = [s for s in summary["submissions"] if s["source"] == source]
    return sub


def test_every_submission_is_handled(run) -> None:  # type: ignore[no-untyped-def]
    home, truths, _, summary = run
    regs = [outcome(summary, s)["reg_no"] for s in truths]
    assert all(re.fullmatch(r"SIKR-\d{4}-\d{6}", r) for r in regs)
    numbers = sorted(int(r[-6:]) for r in [*regs, outcome(summary, "app-rusak")["reg_no"]])
    assert numbers == list(range(numbers[0], numbers[0] + 4))  # none skipped, none repeated
    dup = outcome(summary, "app-c-lagi")
    assert dup["outcome"] == "duplicate" and dup["reg_no"] == outcome(summary, "app-c")["reg_no"]
    assert list((home / "outbox" / "_duplikat").glob("*app-c-lagi.txt"))
    assert outcome(summary, "rusak.pdf")["outcome"] == "quarantined"
    assert outcome(summary, "tautan.pdf")["outcome"] == "quarantined"
    assert not [p for p in (home / "inbox").rglob("*") if p.is_file() or p.is_symlink()]


def test_pages_json_contract_and_classification(run) -> None:  # type: ignore[no-untyped-def]
    home, truths, _, summary = run
    wrong, total = [], 0
    for source, truth in truths.items():
        reg_no = outcome(summary, source)["reg_no"]
        doc = json.loads((home / "outbox" / reg_no / "pages.json").read_text("utf-8"))
        assert doc["source"] == source
        got = {(p["file"], p["page"]): p for p in doc["pages"]}
        assert set(got) == {(p["file"], p["page"]) for p in truth["pages"]}
        for page in doc["pages"]:
            assert set(page) >= KEYS
            assert page["doc_type"] in DOC_TYPES and 0 <= page["confidence"] <= 1
            assert page["rotation"] in (0, 90, 180, 270)
            assert page["text_source"] in ("ocr", "text-layer")
        for want in truth["pages"]:
            if truth["scan_mode"] == "bw":
                continue  # known defect: test_black_and_white_pages_are_sorted_and_turned
            total += 1
            page = got[(want["file"], want["page"])]
            if page["doc_type"] != want["doc_type"]:
                wrong.append(f"{source}/{want['file']}#{want['page']}: {want['doc_type']} -> "
                             f"{page['doc_type']}")  # fmt: skip
            if want["doc_type"] not in ("blank",):
                assert page["rotation"] == want["rotation"], (source, want)
    assert len(wrong) <= total // 30, wrong  # >= 96.7% on these pages; bench/ measures more


def test_black_and_white_pages_are_sorted_and_turned(run) -> None:  # type: ignore[no-untyped-def]
    home, truths, _, summary = run
    wrong = []
    for source, truth in truths.items():
        if truth["scan_mode"] != "bw":
            continue
        reg_no = outcome(summary, source)["reg_no"]
        doc = json.loads((home / "outbox" / reg_no / "pages.json").read_text("utf-8"))
        got = {(p["file"], p["page"]): p for p in doc["pages"]}
        for w in truth["pages"]:
            page = got[(w["file"], w["page"])]
            if page["doc_type"] != w["doc_type"] or (
                w["doc_type"] != "blank" and page["rotation"] != w["rotation"]
            ):
                wrong.append((source, w["file"], page["doc_type"], page["rotation"]))
    assert any(t["scan_mode"] == "bw" for t in truths.values())
    assert len(wrong) <= 1, wrong


def test_text_layer_is_used_for_digital_pdfs(run) -> None:  # type: ignore[no-untyped-def]
    home, truths, _, summary = run
    reg_no = outcome(summary, "app-a")["reg_no"]
    doc = json.loads((home / "outbox" / reg_no / "pages.json").read_text("utf-8"))
    layer = [p for p in doc["pages"] if p["text_source"] == "text-layer"]
    assert layer and all(p["file"].endswith(".pdf") for p in layer)
    assert all(p["doc_type"] == "surat_permohonan" for p in layer)
    name = truths["app-a"]["applicant"]["name"]
    assert any(name in p["text"] for p in layer)


def test_originals_are_archived_unaltered(run) -> None:  # type: ignore[no-untyped-def]
    from loket.intake import archive

    home, _, originals, _ = run
    for relpath, digest in originals.items():
        assert archive.verify(home / "var" / "archive", digest), relpath


def test_bad_files_are_quarantined_with_reasons(run) -> None:  # type: ignore[no-untyped-def]
    home, _, originals, summary = run
    problems = outcome(summary, "app-rusak")["problems"]
    quarantine = home / "outbox" / "_quarantine"
    for kind, (name, _write, code) in badfiles.CATALOGUE.items():
        copy = quarantine / "app-rusak" / name
        if code is None:
            assert not copy.exists(), kind
            continue
        assert sha(copy) == originals[f"app-rusak/{name}"], kind
        reason = (copy.parent / f"{name}.alasan.txt").read_text("utf-8")
        assert "Alasan:" in reason and "Reason:" in reason, kind
        assert any(line.startswith(f"{name}:") for line in problems), kind
    index = json.loads((quarantine / "app-rusak" / "karantina.json").read_text("utf-8"))
    expected = {c for _n, _w, c in badfiles.CATALOGUE.values() if c}
    assert {e["code"] for e in index} == expected
    assert (quarantine / "rusak.pdf" / "rusak.pdf").exists()
    # a link is never re-created in the outbox: its reason names the target, left untouched
    link = quarantine / "tautan.pdf" / "tautan.pdf"
    assert not link.exists() and not link.is_symlink()
    assert "di-luar.pdf" in (quarantine / "tautan.pdf" / "tautan.pdf.alasan.txt").read_text()
    assert (home / "di-luar.pdf").exists()


def test_same_pages_are_not_ocrd_twice(run) -> None:  # type: ignore[no-untyped-def]
    home, truths, originals, _ = run
    from flows.intake import intake_flow

    # the same pages again, with one more file: a new application, its old pages from cache
    src = home / "var" / "archive"
    target = home / "inbox" / "app-c-tambah"
    target.mkdir()
    for relpath, digest in originals.items():
        if relpath.startswith("app-c/"):
            dest = target / relpath.removeprefix("app-c/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src / digest[:2] / digest[2:4] / digest, dest)
    (target / "tambahan.jpg").write_bytes(badfiles.jpeg_bytes("Halaman tambahan"))
    second = intake_flow()
    sub = outcome(second, "app-c-tambah")
    assert sub["outcome"] == "registered"
    assert second["pages"] == len(truths["app-c"]["pages"]) + 1
    assert second["pages_cached"] == len(truths["app-c"]["pages"])


def test_status_command(run) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from loket.cli.main import app

    _, _, _, summary = run
    reg_no = outcome(summary, "app-rusak")["reg_no"]
    result = CliRunner().invoke(app, ["status", reg_no])
    assert result.exit_code == 0, result.output
    assert "app-rusak" in result.output and "processed" in result.output
    assert "quarantined: encrypted" in result.output


def test_cli_intake_in_a_fresh_process(tmp_path: Path) -> None:
    """`loket intake` as an officer runs it: its own ephemeral Prefect, exit 0, a summary."""
    (tmp_path / "inbox").mkdir()
    generate_application(tmp_path / "inbox", "app-cli", 601, packaging="single_tiff",
                         n_other=0, n_blank=0)  # fmt: skip
    (tmp_path / "inbox" / "kosong.pdf").write_bytes(b"")
    env = dict(os.environ, LOKET_HOME=str(tmp_path), LOKET_STABLE_SECONDS="0",
               PREFECT_HOME=str(tmp_path / "prefect"))  # fmt: skip
    env.pop("PREFECT_API_URL", None)
    env["LOKET_RULES"] = str(Path(__file__).resolve().parents[2] / "rules")
    loket = Path(sys.executable).with_name("loket")
    done = subprocess.run(
        [str(loket), "intake", "--json"], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout[done.stdout.index("{") :])
    assert {s["outcome"] for s in summary["submissions"]} == {"registered", "quarantined"}
    (reg_no,) = summary["processed"]
    assert (tmp_path / "outbox" / reg_no / "pages.json").exists()
    # the submissions were taken and read while Prefect's ephemeral server started (the
    # head start), then the flow run took over: checked, logged in the run like any other
    assert "prefect_wait" in summary["seconds"]
    # the process's own CPU by phase, for bench/intake.py: imports before the run, reading
    cpu = summary["cpu_seconds"]
    assert set(cpu) == {"start", "read", "checks"}
    assert cpu["start"] > 0.5 and cpu["read"] > 0  # Python and Prefect's imports; OCR
    assert summary["verdicts"][reg_no] in ("complete", "incomplete", "review")
    assert (tmp_path / "outbox" / reg_no / "checklist.json").exists()


def test_cli_intake_without_prefect_still_reads_the_pages(tmp_path: Path) -> None:
    """Prefect's server does not start: ``loket intake`` fails saying so, and the pages it
    began reading meanwhile still reach the outbox (no application is left half-read, with
    an attempt the next run would count against it)."""
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "surat.jpg").write_bytes(badfiles.jpeg_bytes("Surat permohonan"))
    env = dict(os.environ, LOKET_HOME=str(tmp_path), LOKET_STABLE_SECONDS="0",
               PREFECT_HOME=str(tmp_path / "prefect"),
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="1")  # fmt: skip
    env.pop("PREFECT_API_URL", None)
    env["LOKET_RULES"] = str(Path(__file__).resolve().parents[2] / "rules")
    loket = Path(sys.executable).with_name("loket")
    done = subprocess.run(
        [str(loket), "intake", "--json"], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode != 0
    (pages,) = (tmp_path / "outbox").glob("*/pages.json")
    assert "Surat" in pages.read_text("utf-8")


def test_checks_start_while_later_applications_are_read(
    home: Path, prefect_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An application's checks start as soon as its pages are read, not after the pages of
    every application of the run (the user waits for the slower, not for the sum)."""
    import threading
    import time

    from flows.intake import intake_flow
    from loket.intake import steps as intake
    from loket.requirements import engine

    events: list[tuple[str, str, float]] = []
    lock = threading.Lock()
    read, check = intake.read, engine.check_application_details

    def slow_read(ref, *args, **kwargs):  # type: ignore[no-untyped-def]
        if ref.relpath.startswith("lambat"):
            time.sleep(1.0)  # the later applications take a while to read
        result = read(ref, *args, **kwargs)
        with lock:
            events.append(("read", ref.relpath, time.monotonic()))
        return result

    def spy_check(pages_doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        with lock:
            events.append(("check", pages_doc.source, time.monotonic()))
        return check(pages_doc, *args, **kwargs)

    monkeypatch.setattr(intake, "read", slow_read)
    monkeypatch.setattr(engine, "check_application_details", spy_check)
    (home / "inbox" / "cepat.jpg").write_bytes(badfiles.jpeg_bytes("Halaman cepat"))
    for i in range(6):
        (home / "inbox" / f"lambat{i}.jpg").write_bytes(badfiles.jpeg_bytes(f"Halaman {i}"))
    summary = intake_flow()
    assert summary["pages"] == 7 and len(summary["processed"]) == 7
    assert set(summary["processed"]) <= set(summary["verdicts"])
    (first_check,) = [t for kind, what, t in events if kind == "check" and what == "cepat.jpg"]
    last_read = max(t for kind, what, t in events if kind == "read" and what.startswith("lambat"))
    assert first_check < last_read, events


def test_ocr_workers_size_the_page_readers(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """LOKET_OCR_WORKERS=1 (docs/configuration.md): every page is read by one reader."""
    import threading

    from flows.intake import intake_flow
    from loket.intake import steps as intake

    home = run[0]
    readers: set[str] = set()
    read = intake.read

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        readers.add(threading.current_thread().name)
        return read(*args, **kwargs)

    monkeypatch.setattr(intake, "read", spy)
    monkeypatch.setenv("LOKET_OCR_WORKERS", "1")
    folder = home / "inbox" / "app-satu-pembaca"
    folder.mkdir()
    for i in range(4):
        (folder / f"hal{i}.jpg").write_bytes(badfiles.jpeg_bytes(f"Halaman {i} satu pembaca"))
    summary = intake_flow()
    assert summary["pages"] == 4
    assert readers == {"page-reader_0"}
