"""Issue #14: no single input stops the office.

Each case of the issue's list has a test here (the rules, import and spreadsheet cases are in
tests/common/test_rules_safety.py, tests/complaints/test_complaint_imports.py and
tests/documents/test_spreadsheet_injection.py): a 1×1 image beside a good submission through
the real `loket intake` twice; a poisoned application parked after three failures while later
submissions go through; links and swapped files; names too long; empty folders; degenerate
images and PDFs; a page past its time limit, a decoder that never returns; runs that die;
an office that is really broken.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.degenerate import DEGENERATE, WORD
from tests.faults.helpers import PY, clean_env, make_home, process, sha, small_scan

LOKET = str(Path(PY).with_name("loket"))

# every case reads small scans with the real tesseract; those that start `loket intake` or
# use the Prefect test server are end to end as well
pytestmark = pytest.mark.ocr


def _links_under(*folders: Path) -> list[Path]:
    return [Path(d) / n for f in folders for d, ds, fs in os.walk(f) for n in ds + fs
            if (Path(d) / n).is_symlink()]  # fmt: skip


def _intake(home: Path, api_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LOKET, "intake", "--json"], cwd=home, capture_output=True, text=True, timeout=300,
        env=clean_env(LOKET_HOME=str(home), LOKET_STABLE_SECONDS="0", PREFECT_API_URL=api_url,
                      **env),
    )  # fmt: skip


@pytest.mark.e2e
def test_one_pixel_image_beside_a_good_submission_through_the_cli_twice(
    tmp_path: Path, api_url: str
) -> None:
    """Was: cv2.error in ocr.ink_coverage, exit 2, and every later run crashed the same way."""
    home = make_home(tmp_path / "kantor")
    (home / "inbox" / "baik").mkdir()
    (home / "inbox" / "baik" / "scan.jpg").write_bytes(small_scan("Halaman baik"))
    (home / "inbox" / "kecil").mkdir()
    Image.new("L", (1, 1)).save(home / "inbox" / "kecil" / "titik.png")
    (home / "inbox" / "kecil" / "scan.jpg").write_bytes(small_scan("Halaman kecil"))
    first = _intake(home, api_url)
    assert first.returncode == 0, first.stderr[-3000:]
    summary = json.loads(first.stdout)
    outcomes = {s["source"]: s for s in summary["submissions"]}
    assert {s["outcome"] for s in outcomes.values()} == {"registered"}
    assert any("titik.png" in line for line in outcomes["kecil"]["problems"])
    reason = home / "outbox" / "_quarantine" / "kecil" / "titik.png.alasan.txt"
    assert "terlalu kecil" in reason.read_text("utf-8")
    assert len(summary["processed"]) == 2
    # the next run, with a new submission: nothing left over stops it
    (home / "inbox" / "berikut.jpg").write_bytes(small_scan("Halaman berikut"))
    second = _intake(home, api_url)
    assert second.returncode == 0, second.stderr[-3000:]
    assert [s["outcome"] for s in json.loads(second.stdout)["submissions"]] == ["registered"]


@pytest.mark.e2e
def test_a_broken_office_exits_non_zero_and_says_so(tmp_path: Path, api_url: str) -> None:
    """Only the office itself (here: its database unreachable) makes a run exit non-zero."""
    home = make_home(tmp_path / "kantor")
    (home / "inbox" / "scan.jpg").write_bytes(small_scan("Halaman"))
    run = _intake(home, api_url, LOKET_DATABASE_URL="postgresql+psycopg://loket@127.0.0.1:1/loket")
    assert run.returncode == 3, run.stderr[-2000:]
    assert "the office cannot work" in run.stderr and "database" in run.stderr
    assert (home / "inbox" / "scan.jpg").exists()  # nothing taken, nothing lost


@pytest.mark.e2e
def test_rules_that_could_hang_the_office_stop_intake_before_anything_is_taken(
    tmp_path: Path, api_url: str
) -> None:
    """A catastrophic pattern in the rules (`(\\w+\\s?)+$`) is the office's fault, not an
    input's: `loket intake` refuses to start, exit 3, naming the file and line; the
    submission stays in the inbox untouched."""
    home = make_home(tmp_path / "kantor")
    rules = home / "rules" / "document-types.yaml"
    text = rules.read_text("utf-8")
    slow = '{regex: "perpanjangan|permohonan baru", weight: 1}'
    assert slow in text
    rules.write_text(text.replace(slow, '{regex: "(\\\\w+\\\\s?)+$", weight: 1}'), "utf-8")
    (home / "inbox" / "scan.jpg").write_bytes(small_scan("Halaman"))
    before = sha(home / "inbox" / "scan.jpg")
    run = _intake(home, api_url)
    assert run.returncode == 3, run.stderr[-2000:]
    assert "the office cannot work" in run.stderr and "document-types.yaml:" in run.stderr
    assert sha(home / "inbox" / "scan.jpg") == before
    assert not (home / "var" / "archive").exists()


@pytest.mark.e2e
def test_a_poisoned_application_is_parked_and_never_blocks_later_submissions(
    office, prefect_server: None
) -> None:  # type: ignore[no-untyped-def]
    """An application that fails every run (its outbox folder is a file) is tried three
    times, then parked with a notice; each run meanwhile processes the new submissions;
    `loket retry` gives it three more tries."""
    from typer.testing import CliRunner

    from flows.intake import intake_flow
    from loket.cli.main import app
    from loket.common.db import open_database
    from loket.intake import register

    home, settings = office
    (home / "inbox" / "racun.jpg").write_bytes(small_scan("Halaman racun"))
    first = intake_flow(check=False)
    (reg_no,) = first["processed"]
    (home / "outbox" / reg_no / "pages.json").unlink()
    (home / "outbox" / reg_no).rmdir()
    (home / "outbox" / reg_no).write_text("bukan folder")  # the poison
    db = open_database(settings.db_url)
    with db.begin() as session:
        register.get(session, reg_no).status = "received"  # type: ignore[union-attr]
    states = []
    for run in range(4):
        (home / "inbox" / f"baru-{run}.jpg").write_bytes(small_scan(f"Halaman baru {run}"))
        summary = intake_flow(check=False)
        states.append(summary["failed"].get(reg_no))
        assert len(summary["processed"]) == 1, summary  # the new one, every time
    assert states[:2] == [s for s in states[:2] if s and s.startswith("E-")]
    assert states[2] == "parked" and states[3] is None  # parked: not even tried any more
    notice = home / "outbox" / "_parkir" / f"{reg_no}.alasan.txt"
    assert "diparkir" in notice.read_text("utf-8") and "loket retry" in notice.read_text("utf-8")
    listed = CliRunner().invoke(app, ["parked"])
    assert reg_no in listed.output
    (home / "outbox" / reg_no).unlink()  # an officer removes the poison, then retries
    assert CliRunner().invoke(app, ["retry", reg_no]).exit_code == 0
    assert reg_no in intake_flow(check=False)["processed"]


def test_a_symlinked_folder_never_makes_quarantine_write_elsewhere(office) -> None:  # type: ignore[no-untyped-def]
    """Was: inbox/evil/sub -> /some/dir was re-created as a link in the quarantine, and the
    next drop of evil/sub/x was copied through it (officials.yaml could be replaced)."""
    home, settings = office
    outside = home.parent / "di-luar"
    outside.mkdir()
    (outside / "officials.yaml").write_text("asli\n")
    before = {p.name: sha(p) for p in outside.iterdir()}
    evil = home / "inbox" / "evil"
    evil.mkdir()
    (evil / "scan.jpg").write_bytes(small_scan("Halaman evil"))
    os.symlink(outside, evil / "sub")
    first = process(settings)["accepted"]["evil"]
    assert [p.code for p in first.problems] == ["symlink"]
    assert not _links_under(home / "outbox", home / "var")
    (evil / "sub").mkdir(parents=True)  # the next drop: a real folder of that name
    (evil / "sub" / "officials.yaml").write_text("palsu\n")
    (evil / "scan2.jpg").write_bytes(small_scan("Halaman evil dua"))
    second = process(settings)["accepted"]["evil"]
    assert [(p.relpath, p.code) for p in second.problems] == [("sub/officials.yaml", "unsupported")]
    assert {p.name: sha(p) for p in outside.iterdir()} == before
    assert (home / "outbox" / "_quarantine" / "evil" / "sub" / "officials.yaml").read_text() == (
        "palsu\n"
    )
    assert not _links_under(home / "outbox", home / "var")


@pytest.mark.e2e
def test_a_link_left_in_the_quarantine_is_not_written_through(office, prefect_server: None) -> None:  # type: ignore[no-untyped-def]
    """A link already in the quarantine (left by an older version) is refused, the run goes
    on and the other submission is processed."""
    from flows.intake import intake_flow

    home, _settings = office
    outside = home.parent / "di-luar"
    outside.mkdir()
    (home / "outbox" / "_quarantine" / "jahat").mkdir(parents=True)
    os.symlink(outside, home / "outbox" / "_quarantine" / "jahat" / "sub")
    (home / "inbox" / "jahat" / "sub").mkdir(parents=True)
    (home / "inbox" / "jahat" / "sub" / "officials.yaml").write_text("palsu\n")
    (home / "inbox" / "jahat" / "scan.jpg").write_bytes(small_scan("Halaman jahat"))
    (home / "inbox" / "lain.jpg").write_bytes(small_scan("Halaman lain"))
    summary = intake_flow(check=False)
    assert list(outside.iterdir()) == []
    outcomes = {s["source"]: s["outcome"] for s in summary["submissions"]}
    assert outcomes == {"jahat": "failed", "lain.jpg": "registered"}
    assert (home / "inbox" / "jahat" / "sub" / "officials.yaml").exists()  # nothing lost


def test_a_file_swapped_after_the_scan_is_never_archived(office) -> None:  # type: ignore[no-untyped-def]
    """Was: scan() checked with lstat, archive.store opened with open(), following a link
    swapped in meanwhile (any readable file was archived) or blocking on a FIFO."""
    from loket.common.db import open_database
    from loket.intake import archive
    from loket.intake import steps as intake
    from loket.intake.inbox import stable_submissions

    home, settings = office
    secret = home.parent / "rahasia.txt"
    secret.write_text("kata sandi\n")
    for name in ("tukar-tautan", "tukar-fifo"):
        (home / "inbox" / name).mkdir()
        (home / "inbox" / name / "scan.jpg").write_bytes(small_scan(f"Halaman {name}"))
    ready, _ = stable_submissions(settings.inbox_dir, 0)
    scan_link = home / "inbox" / "tukar-tautan" / "scan.jpg"
    scan_link.unlink()
    os.symlink(secret, scan_link)
    scan_fifo = home / "inbox" / "tukar-fifo" / "scan.jpg"
    scan_fifo.unlink()
    os.mkfifo(scan_fifo)
    db = open_database(settings.db_url)
    results: dict[str, object] = {}

    def accept_all() -> None:
        for sub in ready:
            results[sub.name] = intake.accept(sub, settings, db, prefix="SIKR")

    worker = threading.Thread(target=accept_all, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "accept blocked on a FIFO"
    assert {n: r.outcome for n, r in results.items()} == {  # type: ignore[attr-defined]
        "tukar-fifo": "deferred", "tukar-tautan": "deferred"
    }  # fmt: skip
    assert not archive.path_for(settings.archive_dir, sha(secret)).exists()
    # the next run sees them for what they are: reported, and nothing is left to block
    again = process(settings)["accepted"]
    assert [p.code for p in again["tukar-tautan"].problems] == ["symlink"]
    assert [p.code for p in again["tukar-fifo"].problems] == ["not_regular"]
    assert not scan_fifo.exists() and not scan_link.is_symlink()


def test_a_fifo_dropped_into_the_inbox_is_reported_without_blocking(office) -> None:  # type: ignore[no-untyped-def]
    home, settings = office
    os.mkfifo(home / "inbox" / "pipa.pdf")
    (home / "inbox" / "baik.jpg").write_bytes(small_scan("Halaman baik"))
    done: dict[str, object] = {}
    worker = threading.Thread(target=lambda: done.update(process(settings)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "intake blocked on a FIFO"
    accepted = done["accepted"]
    assert accepted["pipa.pdf"].outcome == "quarantined"  # type: ignore[index]
    assert accepted["baik.jpg"].outcome == "registered"  # type: ignore[index]
    assert (
        "FIFO" in (home / "outbox" / "_quarantine" / "pipa.pdf" / "pipa.pdf.alasan.txt").read_text()
    )


def test_names_too_long_for_the_file_system_are_shortened(office) -> None:  # type: ignore[no-untyped-def]
    """Was: OSError 'File name too long' for the reason file (`.alasan.txt` added to a
    250-character name) aborted the run; submissions sorted after it were never processed."""
    home, settings = office
    long_name = "a" * 246 + ".pdf"  # 250 characters: fits, but not with .alasan.txt
    (home / "inbox" / "panjang").mkdir()
    (home / "inbox" / "panjang" / long_name).write_text("bukan pdf")
    (home / "inbox" / "panjang" / "scan.jpg").write_bytes(small_scan("Halaman panjang"))
    long_folder = "b" * 250
    (home / "inbox" / long_folder).mkdir()
    (home / "inbox" / long_folder / "catatan.txt").write_text("bukan gambar")
    (home / "inbox" / "zzz-sesudahnya.jpg").write_bytes(small_scan("Halaman sesudah"))
    accepted = process(settings)["accepted"]
    assert accepted["zzz-sesudahnya.jpg"].outcome == "registered"
    assert accepted["panjang"].outcome == "registered"
    assert accepted[long_folder].outcome == "quarantined"
    quarantine = home / "outbox" / "_quarantine"
    written = [p for p in quarantine.rglob("*") if p.is_file()]
    assert all(len(p.name.encode()) <= 255 for p in written)
    reasons = [p for p in (quarantine / "panjang").iterdir() if p.name.endswith(".alasan.txt")]
    assert len(reasons) == 1 and long_name in reasons[0].read_text("utf-8")
    kept = [p for p in (quarantine / "panjang").iterdir() if p.name.endswith(".pdf")]
    assert [p.read_text() for p in kept] == ["bukan pdf"]


def test_an_empty_submission_folder_is_reported_once(office) -> None:  # type: ignore[no-untyped-def]
    """Was: an empty folder left no trace anywhere. It is reported once and left in place
    (someone may be about to fill it); filled later, it is taken as any submission."""
    from loket.common.db import open_database
    from loket.intake import register

    home, settings = office
    (home / "inbox" / "kosong").mkdir()
    accepted = process(settings)["accepted"]
    assert accepted["kosong"].outcome == "quarantined"
    reason = home / "outbox" / "_quarantine" / "kosong" / "kosong.alasan.txt"
    assert "kosong" in reason.read_text("utf-8").lower() and "empty" in reason.read_text("utf-8")
    assert process(settings)["accepted"]["kosong"].outcome == "empty_reported"
    with open_database(settings.db_url)() as session:
        events = session.query(register.IntakeEvent).filter_by(source="kosong").all()
    assert [e.kind for e in events] == ["empty_folder"]
    (home / "inbox" / "kosong" / "scan.jpg").write_bytes(small_scan("Halaman isi"))
    assert process(settings)["accepted"]["kosong"].outcome == "registered"


@pytest.mark.e2e
def test_a_file_name_that_is_not_utf8_is_taken(office, prefect_server: None) -> None:  # type: ignore[no-untyped-def]
    """A Latin-1 name from an unzipped Windows folder (found by review: UnicodeEncodeError in
    every run) is taken and shown with U+FFFD; the original is archived as it is."""
    from flows.intake import intake_flow

    home, _settings = office
    raw = home / "inbox" / os.fsdecode(b"pemohon-\xe9")
    raw.mkdir()
    (raw / os.fsdecode(b"ijazah-\xe9.jpg")).write_bytes(small_scan("Halaman ijazah"))
    (home / "inbox" / os.fsdecode(b"surat-\xe9.txt")).write_text("bukan gambar")
    (home / "inbox" / "baik.jpg").write_bytes(small_scan("Halaman baik"))
    summary = intake_flow(check=False)
    outcomes = {s["source"]: s["outcome"] for s in summary["submissions"]}
    assert outcomes == {
        "pemohon-\ufffd": "registered", "surat-\ufffd.txt": "quarantined", "baik.jpg": "registered"
    }  # fmt: skip
    assert len(summary["processed"]) == 2 and not summary["failed"]
    assert not raw.exists()
    kept = home / "outbox" / "_quarantine" / "surat-\ufffd.txt" / "surat-\ufffd.txt"
    assert kept.read_text() == "bukan gambar"


def test_a_folder_swapped_for_a_link_while_being_cleared_is_not_followed(office) -> None:  # type: ignore[no-untyped-def]
    """Found by review: os.walk followed a submission folder swapped for a link after the
    archive step and removed the empty folders of its target."""
    from loket.intake import archive
    from loket.intake import steps as intake

    home, settings = office
    outside = home.parent / "penting"
    (outside / "kosong1" / "kosong2").mkdir(parents=True)
    evil = home / "inbox" / "evil"
    evil.mkdir()
    (evil / "scan.jpg").write_bytes(small_scan("Halaman evil"))
    real_verify = archive.verify
    swapped = []

    def verify_then_swap(archive_dir: Path, digest: str) -> bool:
        if not swapped:  # between the archive copy and the clearing of the inbox
            swapped.append(True)
            evil.rename(home / "inbox" / ".disingkirkan")
            os.symlink(outside, evil)
        return real_verify(archive_dir, digest)

    intake.archive.verify = verify_then_swap  # type: ignore[assignment]
    try:
        process(settings)
    finally:
        intake.archive.verify = real_verify  # type: ignore[assignment]
    assert (outside / "kosong1" / "kosong2").is_dir()


def test_inbox_names_never_overwrite_the_quarantine_s_own_files(office) -> None:  # type: ignore[no-untyped-def]
    """Found by review: an inbox file named karantina.json replaced the index, one named
    x.txt.alasan.txt the reason of x.txt."""
    home, settings = office
    folder = home / "inbox" / "nama"
    folder.mkdir()
    (folder / "scan.jpg").write_bytes(small_scan("Halaman nama"))
    (folder / "karantina.json").write_text('[{"file": "palsu"}]')
    (folder / "x.txt").write_text("x")
    (folder / "x.txt.alasan.txt").write_text("alasan palsu")
    (folder / "x.txt.alasan.txt.berkas").write_text("berkas")
    accepted = process(settings)["accepted"]["nama"]
    assert len(accepted.problems) == 4
    quarantine = home / "outbox" / "_quarantine" / "nama"
    index = json.loads((quarantine / "karantina.json").read_text("utf-8"))
    assert sorted(e["file"] for e in index) == sorted(
        ["karantina.json", "x.txt", "x.txt.alasan.txt", "x.txt.alasan.txt.berkas"]
    )
    assert "Berkas / file: x.txt\n" in (quarantine / "x.txt.alasan.txt").read_text("utf-8")
    assert (quarantine / "karantina.json.berkas").read_text() == '[{"file": "palsu"}]'
    assert (quarantine / "x.txt.alasan.txt.berkas").read_text() == "alasan palsu"
    assert (quarantine / "x.txt.alasan.txt.berkas.berkas").read_text() == "berkas"


@pytest.mark.e2e
def test_an_application_whose_runs_die_is_parked_on_the_next(office, prefect_server: None) -> None:  # type: ignore[no-untyped-def]
    """Runs that die while an application is being read (a decoder crash, a hang ended by a
    restart, kill -9) leave its attempt open. Dying among others proves nothing: it is then
    read alone, first. Three deaths while it was read alone park it; the run goes on."""
    from flows.intake import intake_flow
    from loket.common.db import open_database
    from loket.intake import faults
    from loket.intake import steps as intake
    from loket.intake.inbox import stable_submissions

    home, settings = office
    db = open_database(settings.db_url)
    for name in ("mati.jpg", "korban.jpg"):
        (home / "inbox" / name).write_bytes(small_scan(f"Halaman {name}"))
    ready = stable_submissions(settings.inbox_dir, 0)[0]
    reg = {s.name: intake.accept(s, settings, db, prefix="SIKR").reg_no for s in ready}
    for _killed_run in range(4):  # killed while reading both, among other work
        faults.begin(db, stage="read", source="korban.jpg", reg_no=reg["korban.jpg"])
    for _killed_run in range(3):  # killed while reading it alone
        faults.begin(db, stage="read", source="mati.jpg", reg_no=reg["mati.jpg"], alone=True)
    (home / "inbox" / "baru.jpg").write_bytes(small_scan("Halaman baru"))
    summary = intake_flow(check=False)
    assert summary["failed"] == {reg["mati.jpg"]: "parked"}
    assert reg["korban.jpg"] in summary["processed"] and len(summary["processed"]) == 2
    assert [p.reg_no for p in faults.parked_items(db)] == [reg["mati.jpg"]]
    notice = (home / "outbox" / "_parkir" / f"{reg['mati.jpg']}.alasan.txt").read_text()
    assert "proses mati" in notice


def test_degenerate_images_and_pdfs_are_read_or_quarantined(office) -> None:  # type: ignore[no-untyped-def]
    """1×1, 1×N, N×1, 16-bit, CMYK, palette with alpha, EXIF-rotated, a TIFF with one bad
    frame, 0- and 3,000-page PDFs, a broken xref table, an image over the pixel budget."""
    home, settings = office
    folder = home / "inbox" / "aneh"
    folder.mkdir()
    originals = {}
    for name, write, _expected in DEGENERATE.values():
        write(folder / name)
        originals[name] = sha(folder / name)
    accepted = process(settings)["accepted"]["aneh"]
    assert accepted.outcome == "registered"
    codes = {p.relpath: p.code for p in accepted.problems}
    pages = json.loads((home / "outbox" / accepted.reg_no / "pages.json").read_text("utf-8"))
    texts = {p["file"]: p["text"] for p in pages["pages"]}
    quarantine = home / "outbox" / "_quarantine" / "aneh"
    for kind, (name, _write, expected) in DEGENERATE.items():
        if expected == "read":
            assert name not in codes, kind
            assert WORD in texts[name].replace(" ", ""), (kind, texts[name])
        else:
            assert codes.get(name) == expected, kind
            assert sha(quarantine / name) == originals[name], kind
            assert "Alasan:" in (quarantine / f"{name}.alasan.txt").read_text("utf-8")


def test_a_page_past_its_time_limit_is_reported_and_the_rest_goes_on(office) -> None:  # type: ignore[no-untyped-def]
    """tesseract stopped at the page's time limit: that page carries an error id and a
    reason, the application's other pages are read."""
    from loket.common.db import open_database
    from loket.intake import register
    from loket.intake import steps as intake
    from loket.intake.classify import load_classification_rules
    from loket.intake.ocr import OcrCache, page_key

    home, settings = office
    (home / "inbox" / "lambat").mkdir()
    (home / "inbox" / "lambat" / "a.jpg").write_bytes(small_scan("Halaman a"))
    (home / "inbox" / "lambat" / "b.jpg").write_bytes(small_scan("Halaman b"))
    db = open_database(settings.db_url)
    from loket.intake.inbox import stable_submissions

    (sub,) = stable_submissions(settings.inbox_dir, 0)[0]
    reg_no = intake.accept(sub, settings, db, prefix="SIKR").reg_no
    refs = intake.page_refs(db, settings, reg_no)
    cache = OcrCache(settings.cache_dir)
    slow = intake.read(refs[0], cache, timeout=1e-6)
    fine = intake.read(refs[1], cache)
    assert slow.text is None and slow.error_id and "OcrTimeout" in (slow.error or "")
    assert fine.text is not None and fine.error is None
    with db() as session:
        source = register.get(session, reg_no).source  # type: ignore[union-attr]
    doc = intake.assemble(source, reg_no, [slow, fine], load_classification_rules(
        settings.rules_dir / intake.CLASSIFICATION_RULES))  # fmt: skip
    first = doc.to_json()["pages"][0]  # as pages.json holds it
    assert first["error_id"] == slow.error_id and "tidak dapat dibaca" in first["alasan"]
    assert OcrCache(settings.cache_dir).get(page_key(refs[0].sha256, 0, 3)) is None  # not cached


@pytest.mark.e2e
def test_a_page_that_hangs_in_its_decoder_does_not_hold_the_run(
    office, monkeypatch: pytest.MonkeyPatch, prefect_server: None
) -> None:  # type: ignore[no-untyped-def]
    """A decoder cannot be interrupted from Python (simulated: rendering one page never
    returns): past three times the page's time limit the page is given up with an error id,
    the application's other pages and the other submissions are read, and the run ends."""
    from flows import readers
    from flows.intake import intake_flow
    from loket.intake import steps as intake

    home, _settings = office
    monkeypatch.setenv("LOKET_PAGE_TIMEOUT", "1")
    (home / "inbox" / "macet").mkdir()
    for name in ("a.jpg", "b-macet.jpg", "c.jpg"):
        (home / "inbox" / "macet" / name).write_bytes(small_scan(f"Halaman {name}"))
    (home / "inbox" / "lain.jpg").write_bytes(small_scan("Halaman lain"))
    release = threading.Event()
    render = intake.render_page

    def hanging_render(ref, *args, **kwargs):  # type: ignore[no-untyped-def]
        if ref.relpath == "b-macet.jpg":
            release.wait(120)  # a decoder that never returns (released when the test ends)
        return render(ref, *args, **kwargs)

    monkeypatch.setattr(intake, "render_page", hanging_render)
    before = readers.abandoned()
    try:
        started = time.monotonic()
        summary = intake_flow(check=False)
        took = time.monotonic() - started
    finally:
        release.set()
    assert took < 60 and readers.abandoned() == before + 1
    assert len(summary["processed"]) == 2 and not summary["failed"]
    (folder,) = [f for f in summary["processed"].values() if "lain" not in
                 json.loads((Path(f) / "pages.json").read_text("utf-8"))["source"]]  # fmt: skip
    pages = json.loads((Path(folder) / "pages.json").read_text("utf-8"))["pages"]
    by_file = {p["file"]: p for p in pages}
    assert by_file["b-macet.jpg"]["error"].startswith("PageHang") and by_file["b-macet.jpg"][
        "error_id"
    ].startswith("E-")
    assert "error" not in by_file["a.jpg"] and "error" not in by_file["c.jpg"]
