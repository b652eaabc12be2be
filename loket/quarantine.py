"""Quarantine: files (or whole submissions) that cannot be processed, kept with a reason.

Nothing is deleted: the original goes to ``outbox/_quarantine/<submission>/`` beside a
``<file>.alasan.txt`` that says why, in Indonesian and English.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

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


def _safe_relpath(relpath: str) -> Path:
    parts = [p for p in Path(relpath).parts if p not in ("", ".", "..", "/")]
    return Path(*parts) if parts else Path("_")


def _copy_and_reason(
    quarantine_dir: Path, submission: str, problem: Problem, original: Path | None
) -> tuple[Path, dict[str, str]]:
    target_dir = quarantine_dir / _safe_relpath(submission)
    dest = target_dir / _safe_relpath(problem.relpath)
    dest.parent.mkdir(parents=True, exist_ok=True)
    copy_failed = ""
    if original is not None and (original.exists() or original.is_symlink()):
        if original.is_symlink():
            link = os.readlink(original)
            if dest.is_symlink() or dest.exists():
                dest.unlink()
            os.symlink(link, dest)
        elif original.is_file():
            try:
                # content and times only: the mode comes from the umask, never from the inbox
                # copy (copy2 made world-readable quarantine copies of world-readable scans)
                shutil.copyfile(original, dest)
                st = original.stat()
                os.utime(dest, ns=(st.st_atime_ns, st.st_mtime_ns))
            except OSError as exc:  # unreadable: the reason is written, the original stays
                copy_failed = exc.strerror or str(exc)
    reason = dest.with_name(dest.name + ".alasan.txt")
    stamp = datetime.now().astimezone().isoformat(timespec="seconds")
    reason.write_text(
        f"Pengajuan / submission: {submission}\n"
        f"Berkas / file: {problem.relpath}\n"
        f"Waktu / time: {stamp}\n"
        f"Alasan: {problem.indonesian}\n"
        f"Reason: {problem.english}\n"
        + (
            f"Berkas asli tidak dapat disalin ({copy_failed}); tetap di inbox.\n"
            f"The original could not be copied ({copy_failed}); it stays in the inbox.\n"
            if copy_failed
            else ""
        ),
        encoding="utf-8",
    )
    entry = {
        "file": problem.relpath,
        "code": problem.code,
        "alasan": problem.indonesian,
        "reason": problem.english,
        "at": stamp,
    }
    return reason, entry


def _append_index(target_dir: Path, new: list[dict[str, str]]) -> None:
    index = target_dir / "karantina.json"
    entries = json.loads(index.read_text("utf-8")) if index.exists() else []
    entries += new
    index.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")


def quarantine_copy(
    quarantine_dir: Path, submission: str, problem: Problem, original: Path | None
) -> Path:
    """Put a copy of ``original`` (or the symlink itself) and its reason into quarantine.

    Returns the reason file's path. The original is copied (a symlink is moved as a link, never
    followed); the caller removes the inbox entry only after this returns.
    """
    return quarantine_all(quarantine_dir, submission, [(problem, original)])[0]


def quarantine_all(
    quarantine_dir: Path, submission: str, items: list[tuple[Problem, Path | None]]
) -> list[Path]:
    """:func:`quarantine_copy` for many files of one submission, ``karantina.json`` written
    once (rewriting it per file made a folder of 2,000 bad files take 34 s)."""
    reasons, entries = [], []
    for problem, original in items:
        reason, entry = _copy_and_reason(quarantine_dir, submission, problem, original)
        reasons.append(reason)
        entries.append(entry)
    if entries:
        _append_index(quarantine_dir / _safe_relpath(submission), entries)
    return reasons
