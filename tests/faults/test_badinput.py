"""The bad-input catalogue: every kind of bad file (tests/badfiles.py CATALOGUE) and every bad
situation (links, names, trees, timing, permissions, disk space) gets a clear reason, keeps
its original, and leaves the other submissions unaffected. 27 kinds in all.

Runs the intake steps without Prefect (tests/faults/helpers.process); the flow around them is
proven by the crash and burst tests.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from tests import badfiles
from tests.faults.helpers import process, sha, small_scan

SITUATIONS = (
    "symlink_out_of_inbox", "path_traversal_names", "odd_names", "deep_nesting",
    "thousands_of_files", "removed_mid_processing", "read_only_files", "unreadable_file",
    "pdf_200_pages", "outbox_disk_full",
)  # fmt: skip
MANY = 2000
DEPTH = 40


def test_at_least_twenty_kinds() -> None:
    assert len(badfiles.CATALOGUE) + len(SITUATIONS) >= 20


def _pages(home: Path, reg_no: str) -> dict:
    return json.loads((home / "outbox" / reg_no / "pages.json").read_text("utf-8"))


def _reason(quarantine: Path, submission: str, relpath: str) -> str:
    return (quarantine / submission / f"{relpath}.alasan.txt").read_text("utf-8")


def _two_hundred_pages(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format=(100, 140), unit="pt")
    pdf.set_font("helvetica", size=6)
    for i in range(200):
        pdf.add_page()
        pdf.multi_cell(90, 8, f"Lampiran halaman {i + 1} dari dua ratus, surat keterangan")
    pdf.output(str(path))


@pytest.mark.ocr
def test_catalogue_and_situations(office, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from loket.intake import archive

    home, settings = office
    inbox, quarantine = home / "inbox", home / "outbox" / "_quarantine"
    originals: dict[str, str] = {}

    # every bad file kind in one submission, beside one good scan
    kat = inbox / "katalog"
    kat.mkdir()
    (kat / "baik.jpg").write_bytes(small_scan("Halaman baik katalog"))
    for name, write, _code in badfiles.CATALOGUE.values():
        write(kat / name)
    # a symlink out of the inbox, inside a folder
    outside = home / "rahasia.pdf"
    outside.write_bytes(badfiles.pdf_bytes())
    (inbox / "tautan").mkdir()
    (inbox / "tautan" / "baik.jpg").write_bytes(small_scan("Halaman baik tautan"))
    os.symlink(outside, inbox / "tautan" / "rahasia.pdf")
    # names that try to climb out (backslashes are separators on Windows shares)
    trav = inbox / "naik"
    trav.mkdir()
    (trav / "..\\..\\keluar.jpg").write_bytes(small_scan("Halaman naik"))
    (trav / "..\\..\\kosong.jpg").write_bytes(b"")
    # spaces, unicode, a newline
    odd = inbox / "Pemohon Ñandú 日本 spasi"
    odd.mkdir()
    (odd / "surat permohonan.jpg").write_bytes(small_scan("Halaman spasi"))
    (odd / "baris\nbaru.jpg").write_bytes(small_scan("Halaman baris baru"))
    # deep nesting
    deep = inbox / "dalam"
    leaf = deep.joinpath(*[f"d{i:02d}" for i in range(DEPTH)])
    leaf.mkdir(parents=True)
    (leaf / "scan.jpg").write_bytes(small_scan("Halaman dalam"))
    # a folder with thousands of files: one scan, the rest small notes
    many = inbox / "ribuan"
    many.mkdir()
    (many / "scan.jpg").write_bytes(small_scan("Halaman ribuan"))
    for i in range(MANY - 1):
        (many / f"catatan-{i:04d}.txt").write_text(f"catatan {i}\n")
    # read-only files in a read-only folder
    ro = inbox / "hanya-baca"
    ro.mkdir()
    (ro / "scan.jpg").write_bytes(small_scan("Halaman hanya baca"))
    (ro / "scan.jpg").chmod(0o444)
    # a file that cannot be read (simulated: the tests may run as root)
    unr = inbox / "tak-terbaca"
    unr.mkdir()
    (unr / "baik.jpg").write_bytes(small_scan("Halaman tak terbaca baik"))
    (unr / "terkunci.jpg").write_bytes(small_scan("Halaman terkunci"))
    # a 200-page PDF
    big = inbox / "tebal"
    big.mkdir()
    _two_hundred_pages(big / "lampiran.pdf")
    # a file removed while its submission is being archived
    gone = inbox / "hilang"
    gone.mkdir()
    (gone / "a.jpg").write_bytes(small_scan("Halaman hilang a"))
    (gone / "b.jpg").write_bytes(small_scan("Halaman hilang b"))
    # an application whose outbox write meets a full disk
    full = inbox / "disk-penuh.jpg"
    full.write_bytes(small_scan("Halaman disk penuh"))

    for p in inbox.rglob("*"):
        if p.is_file() and not p.is_symlink():
            originals[p.relative_to(inbox).as_posix()] = sha(p)
    outside_sha = sha(outside)

    store = archive.store

    def store_with_faults(archive_dir: Path, source: Path, **kw):  # type: ignore[no-untyped-def]
        if source.name == "terkunci.jpg":
            raise PermissionError(errno.EACCES, "Permission denied")
        if source.parent.name == "hilang" and source.name == "a.jpg":
            (source.parent / "b.jpg").unlink()  # someone takes it back mid-processing
        return store(archive_dir, source)

    write_text = Path.write_text

    def write_text_disk_full(self: Path, data: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.name == "pages.json.tmp" and '"disk-penuh.jpg"' in data:
            write_text(self, data[: len(data) // 2])  # half written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return write_text(self, data, *args, **kwargs)

    monkeypatch.setattr(archive, "store", store_with_faults)
    monkeypatch.setattr(Path, "write_text", write_text_disk_full)
    os.chmod(ro, 0o555)
    started = time.monotonic()
    try:
        result = process(settings)
    finally:
        if ro.exists():  # as root the read-only folder does not stop the clearing
            os.chmod(ro, 0o755)
    first = time.monotonic() - started
    acc = result["accepted"]

    # the catalogue: reasons, originals kept, the good pages processed
    kat_acc = acc["katalog"]
    assert kat_acc.outcome == "registered"
    codes = {p.relpath: p.code for p in kat_acc.problems}
    for kind, (name, _write, code) in badfiles.CATALOGUE.items():
        assert codes.get(name) == code, kind
        if code:
            assert sha(quarantine / "katalog" / name) == originals[f"katalog/{name}"], kind
            reason = _reason(quarantine, "katalog", name)
            assert "Alasan:" in reason and "Reason:" in reason, kind
    kat_files = {p["file"] for p in _pages(home, kat_acc.reg_no)["pages"]}
    good = {n for n, _w, c in badfiles.CATALOGUE.values() if c is None}
    assert kat_files == {"baik.jpg", *good}
    # symlink: quarantined as a reason naming its target (no link is ever made in the
    # outbox), the target untouched and not archived, the link gone from the inbox
    assert [p.code for p in acc["tautan"].problems] == ["symlink"]
    assert not (quarantine / "tautan" / "rahasia.pdf").exists()
    assert str(outside) in _reason(quarantine, "tautan", "rahasia.pdf")
    assert not (inbox / "tautan" / "rahasia.pdf").is_symlink() and sha(outside) == outside_sha
    assert not archive.path_for(settings.archive_dir, outside_sha).exists()
    assert _pages(home, acc["tautan"].reg_no)["pages"][0]["file"] == "baik.jpg"
    # traversal names: processed or quarantined inside the outbox, nothing written outside
    assert acc["naik"].outcome == "registered"
    assert {p["file"] for p in _pages(home, acc["naik"].reg_no)["pages"]} == {"..\\..\\keluar.jpg"}
    assert (quarantine / "naik" / "..\\..\\kosong.jpg.alasan.txt").exists()
    assert sorted(p.name for p in home.iterdir()) == [
        "inbox", "outbox", "rahasia.pdf", "rules", "var"
    ]  # fmt: skip
    from loket.intake.quarantine import Problem, quarantine_copy

    reason = quarantine_copy(quarantine, "../../x", Problem("../../y.pdf", "empty"), None)
    assert reason.resolve().is_relative_to(quarantine.resolve())
    # odd names processed as they are
    odd_files = {p["file"] for p in _pages(home, acc[odd.name].reg_no)["pages"]}
    assert odd_files == {"surat permohonan.jpg", "baris\nbaru.jpg"}
    # deep nesting
    (page,) = _pages(home, acc["dalam"].reg_no)["pages"]
    assert page["file"].count("/") == DEPTH
    # thousands of files: every note quarantined with its reason, the scan processed
    assert acc["ribuan"].outcome == "registered" and len(acc["ribuan"].problems) == MANY - 1
    index = json.loads((quarantine / "ribuan" / "karantina.json").read_text("utf-8"))
    assert len(index) == MANY - 1 and {e["code"] for e in index} == {"unsupported"}
    assert len(_pages(home, acc["ribuan"].reg_no)["pages"]) == 1
    # read-only: processed and archived (the inbox copy goes when the folder allows it)
    assert acc["hanya-baca"].outcome == "registered"
    assert _pages(home, acc["hanya-baca"].reg_no)["pages"]
    # unreadable: a reason, the original left where it is, the rest processed
    assert [(p.relpath, p.code) for p in acc["tak-terbaca"].problems] == [
        ("terkunci.jpg", "unreadable")
    ]
    assert (unr / "terkunci.jpg").exists() and sha(unr / "terkunci.jpg") == originals[
        "tak-terbaca/terkunci.jpg"
    ]
    assert "Permission denied" in _reason(quarantine, "tak-terbaca", "terkunci.jpg")
    assert [p["file"] for p in _pages(home, acc["tak-terbaca"].reg_no)["pages"]] == ["baik.jpg"]
    # 200 pages, read from the text layer
    doc = _pages(home, acc["tebal"].reg_no)
    assert len(doc["pages"]) == 200
    assert {p["text_source"] for p in doc["pages"]} == {"text-layer"}
    # removed mid-processing: deferred, nothing registered yet, the file still there is kept
    assert acc["hilang"].outcome == "deferred" and "vanished" in acc["hilang"].message
    assert (gone / "a.jpg").exists()
    # disk full on the outbox: not finished, no half file, the application waits; others done
    (failed_reg,) = result["failed"]
    assert acc["disk-penuh.jpg"].reg_no == failed_reg
    assert not list((home / "outbox" / failed_reg).glob("*"))
    assert archive.verify(settings.archive_dir, originals["disk-penuh.jpg"])

    # the next run, with space again and the file back: everything ends processed
    monkeypatch.setattr(Path, "write_text", write_text)

    def still_unreadable(archive_dir: Path, source: Path, **kw):  # type: ignore[no-untyped-def]
        if source.name == "terkunci.jpg":
            raise PermissionError(errno.EACCES, "Permission denied")
        return store(archive_dir, source, **kw)

    monkeypatch.setattr(archive, "store", still_unreadable)
    again = process(settings)
    assert not again["failed"]
    assert _pages(home, failed_reg)["source"] == "disk-penuh.jpg"
    assert again["accepted"]["hilang"].outcome == "registered"
    assert [p["file"] for p in _pages(home, again["accepted"]["hilang"].reg_no)["pages"]] == [
        "a.jpg"
    ]
    # the still unreadable file: quarantined again with its reason, never an application
    assert again["accepted"]["tak-terbaca"].outcome == "quarantined"
    assert again["accepted"]["tak-terbaca"].reg_no is None

    # every original that was taken is in the archive, unaltered
    for relpath, digest in originals.items():
        if relpath.startswith("hilang/b") or relpath == "tak-terbaca/terkunci.jpg":
            continue
        assert archive.verify(settings.archive_dir, digest), relpath
        assert hashlib.sha256(archive.path_for(settings.archive_dir, digest).read_bytes())
    print(f"bad input: {len(badfiles.CATALOGUE)} file kinds + {len(SITUATIONS)} situations, "
          f"first pass {first:.1f} s")  # fmt: skip
