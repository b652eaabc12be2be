"""Quarantine: files (or whole submissions) that cannot be processed, kept with a reason.

Nothing is deleted: the original goes to ``outbox/_quarantine/<submission>/`` beside a
``<file>.alasan.txt`` that says why, in Indonesian and English.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from loket.common import safefs

# code -> (Bahasa Indonesia, English)
REASONS: dict[str, tuple[str, str]] = {
    "empty": ("Berkas kosong (0 byte).", "The file is empty (0 bytes)."),
    "too_large": (
        "Berkas terlalu besar untuk diproses ({detail}).",
        "The file is too large to process ({detail}).",
    ),
    "unsupported": (
        "Format berkas tidak dikenali; yang diterima: PDF, JPG, PNG, TIFF ({detail}).",
        "Unrecognised file format; accepted: PDF, JPG, PNG, TIFF ({detail}).",
    ),
    "truncated": (
        "Berkas rusak atau tidak lengkap (terpotong saat disalin?): {detail}.",
        "The file is damaged or incomplete (cut off while copying?): {detail}.",
    ),
    "encrypted": (
        "PDF terkunci dengan kata sandi; mohon kirim ulang tanpa kata sandi.",
        "The PDF is password-protected; please resend it without a password.",
    ),
    "javascript": (
        "PDF berisi JavaScript (berpotensi berbahaya); tidak diproses.",
        "The PDF contains JavaScript (potentially harmful); not processed.",
    ),
    "bomb": (
        "Gambar terlalu besar (kemungkinan 'decompression bomb'): {detail}.",
        "The image is too large (possible decompression bomb): {detail}.",
    ),
    "no_pixels": ("Gambar tidak berisi piksel (0×0).", "The image has no pixels (0×0)."),
    "too_many_pages": (
        "Dokumen memiliki terlalu banyak halaman ({detail}).",
        "The document has too many pages ({detail}).",
    ),
    "no_pages": ("Dokumen tidak memiliki halaman.", "The document has no pages."),
    "symlink": (
        "Tautan simbolik (symlink) tidak diterima; salin berkas aslinya ke inbox ({detail}).",
        "Symbolic links are not accepted; copy the real file into the inbox ({detail}).",
    ),
    "unreadable": (
        "Berkas/folder tidak dapat dibaca: {detail}.",
        "The file/folder cannot be read: {detail}.",
    ),
    "vanished": (
        "Berkas hilang dari inbox saat sedang diproses: {detail}.",
        "The file disappeared from the inbox while it was being processed: {detail}.",
    ),
    "no_usable_files": (
        "Tidak ada berkas yang dapat diproses dalam pengajuan ini.",
        "The submission contains no file that can be processed.",
    ),
    "too_small": (
        "Gambar terlalu kecil untuk berisi dokumen ({detail}).",
        "The image is too small to hold a document ({detail}).",
    ),
    "not_regular": (
        "Bukan berkas biasa (FIFO, perangkat, atau tautan): {detail}.",
        "Not a regular file (a FIFO, a device or a link): {detail}.",
    ),
    "empty_folder": (
        "Folder pengajuan kosong; tidak ada berkas yang diterima.",
        "The submission folder is empty; no file was received.",
    ),
    "failed": (
        "Gagal diproses {detail}; diparkir untuk diperiksa petugas.",
        "Processing failed {detail}; parked for an officer to look at.",
    ),
    "render_failed": (
        "Halaman tidak dapat dibaca sebagai gambar: {detail}.",
        "The page could not be read as an image: {detail}.",
    ),
}


@dataclass(frozen=True)
class Problem:
    """Why one file (``relpath``) of a submission cannot be processed."""

    relpath: str
    code: str
    detail: str = ""

    @property
    def indonesian(self) -> str:
        return REASONS[self.code][0].format(detail=self.detail)

    @property
    def english(self) -> str:
        return REASONS[self.code][1].format(detail=self.detail)

    def line(self) -> str:
        return f"{self.relpath}: {self.indonesian} / {self.english}"


class Unusable(Exception):
    """Raised by probes: the file cannot be processed for ``code`` (see :data:`REASONS`)."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(REASONS[code][1].format(detail=detail))


REASON_SUFFIX = ".alasan.txt"
INDEX = "karantina.json"
#: Added to an inbox name that could pass for one of the quarantine's own files (a reason
#: file, the index) or for a name this rule made, so an inbox file never overwrites them.
ESCAPE_SUFFIX = ".berkas"


def _escaped(name: str) -> str:
    """``name`` as written in the quarantine: one-to-one, and never ending in
    :data:`REASON_SUFFIX` nor equal to :data:`INDEX`."""
    if name == INDEX or name.endswith((REASON_SUFFIX, ESCAPE_SUFFIX)):
        return name + ESCAPE_SUFFIX
    return name


def _copy_original(dir_fd: int, name: str, original: Path, inbox: Path | None) -> str:
    """Copy the inbox original into ``dir_fd/name``; '' or why it could not be copied.

    Read without following a link anywhere below the inbox and without blocking on a FIFO;
    the copy gets its content and times only (the mode comes from the umask, never from the
    inbox copy)."""
    try:
        src = safefs.open_file(original, inbox)
    except FileNotFoundError:
        return ""
    except OSError as exc:  # a link, a FIFO, unreadable: the reason is written, nothing copied
        return exc.strerror or str(exc)
    try:
        st = os.fstat(src)
        safefs.copy_fd(src, dir_fd, name)
        os.utime(name, ns=(st.st_atime_ns, st.st_mtime_ns), dir_fd=dir_fd, follow_symlinks=False)
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        os.close(src)
    return ""


def _reason_text(submission: str, problem: Problem, stamp: str, copy_failed: str) -> str:
    text = (
        f"Pengajuan / submission: {submission}\n"
        f"Berkas / file: {problem.relpath}\n"
        f"Waktu / time: {stamp}\n"
        f"Alasan: {problem.indonesian}\n"
        f"Reason: {problem.english}\n"
    )
    if copy_failed:
        text += (
            f"Berkas asli tidak disalin ({copy_failed}); tetap di inbox.\n"
            f"The original was not copied ({copy_failed}); it stays in the inbox.\n"
        )
    return text


def _copy_and_reason(
    quarantine_dir: Path,
    submission: str,
    problem: Problem,
    original: Path | None,
    inbox: Path | None = None,
) -> tuple[Path, dict[str, str]]:
    """The original's copy and its reason file, written below the submission's quarantine
    folder without following or making a link (a symlink is never copied: its target is
    named in the reason). A name too long for the file system is shortened with a hash."""
    folder = safefs.safe_parts(submission)
    *subdirs, leaf = [_escaped(p) for p in safefs.safe_parts(problem.relpath)]
    subdirs = [safefs.fit_name(d) for d in subdirs]
    name = safefs.fit_name(leaf, reserve=len(REASON_SUFFIX))
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    with safefs.directory(quarantine_dir, [*folder, *subdirs], create=True) as fd:
        copy_failed = ""
        if original is not None and problem.code != "symlink":
            copy_failed = _copy_original(fd, name, original, inbox)
        reason_name = name + REASON_SUFFIX
        safefs.write_bytes(
            fd, reason_name, _reason_text(submission, problem, stamp, copy_failed).encode()
        )
    entry = {
        "file": problem.relpath,
        "code": problem.code,
        "alasan": problem.indonesian,
        "reason": problem.english,
        "at": stamp,
    }
    return quarantine_dir.joinpath(*folder, *subdirs, reason_name), entry


def _append_index(quarantine_dir: Path, submission: str, new: list[dict[str, str]]) -> None:
    folder = safefs.safe_parts(submission)
    with safefs.directory(quarantine_dir, folder, create=True) as fd:
        entries = []
        try:
            src = safefs.open_regular(fd, INDEX)
        except FileNotFoundError:
            pass
        else:
            with os.fdopen(src, "rb") as fh:
                try:
                    entries = json.loads(fh.read().decode("utf-8"))
                except ValueError:  # damaged (a crash mid-write on an old version): the
                    entries = []  # reason files beside it still say everything
            if not isinstance(entries, list):
                entries = []
        entries += new
        data = json.dumps(entries, ensure_ascii=False, indent=2).encode("utf-8")
        safefs.write_bytes(fd, INDEX, data)


def quarantine_copy(
    quarantine_dir: Path, submission: str, problem: Problem, original: Path | None
) -> Path:
    """Put a copy of ``original`` and its reason into quarantine; returns the reason file.

    The original is copied (a symlink is not: its target is named in the reason); the caller
    removes the inbox entry only after this returns."""
    return quarantine_all(quarantine_dir, submission, [(problem, original)])[0]


def quarantine_all(
    quarantine_dir: Path,
    submission: str,
    items: list[tuple[Problem, Path | None]],
    *,
    inbox: Path | None = None,
) -> list[Path]:
    """:func:`quarantine_copy` for many files of one submission, ``karantina.json`` written
    once (rewriting it per file made a folder of 2,000 bad files take 34 s). Originals below
    ``inbox`` are read without following a link anywhere below it."""
    reasons, entries = [], []
    for problem, original in items:
        reason, entry = _copy_and_reason(quarantine_dir, submission, problem, original, inbox)
        reasons.append(reason)
        entries.append(entry)
    if entries:
        _append_index(quarantine_dir, submission, entries)
    return reasons
