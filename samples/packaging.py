"""How a submission lands in the inbox: folders of images, multi-page TIFF/PDF, single files,
and a digitally made application letter next to scans."""

from __future__ import annotations

import calendar
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

PACKAGINGS: tuple[str, ...] = (
    "jpg_folder",  # folder of one-page JPGs with uninformative names (scan order != doc order)
    "mixed_tree",  # folder with subfolders, mixed PNG/JPG/TIFF
    "multipage_folder",  # folder with multi-page TIFF(s) and image-only PDF(s)
    "single_pdf",  # one image-only PDF file <name>.pdf
    "single_tiff",  # one multi-page TIFF file <name>.tif
    "text_pdf_letter",  # folder: application letter as a text PDF + the rest as scans
)


@dataclass
class ScannedPage:
    img: Image.Image | None  # None for pages of a digitally made PDF
    doc_type: str
    doc_index: int  # index of the document in the application
    doc_page: int  # 1-based page within its document
    rotation: int
    skew: float
    photos: int = 0
    text_layer: bool = False


@dataclass
class Placed:
    file: str  # relative to the submission folder, or the file name for single files
    page: int  # 1-based page inside the file
    sp: ScannedPage


def _imgs(pages: list[ScannedPage]) -> list[Image.Image]:
    return [p.img for p in pages if p.img is not None]


def _save_jpg(img: Image.Image | None, path: Path, dpi: int, q: int) -> None:
    assert img is not None
    img.save(path, format="JPEG", quality=q, dpi=(dpi, dpi), optimize=False)


def _save_png(img: Image.Image | None, path: Path, dpi: int) -> None:
    assert img is not None
    img.save(path, format="PNG", compress_level=1, dpi=(dpi, dpi))


def _save_tiff(imgs: list[Image.Image], path: Path, dpi: int, q: int) -> None:
    # one mode for all frames
    mode = "L" if all(i.mode == "L" for i in imgs) else "RGB"
    frames = [i.convert(mode) for i in imgs]
    kw: dict[str, object] = (
        {"compression": "tiff_lzw"} if mode == "L" else {"compression": "jpeg", "quality": q}
    )
    frames[0].save(
        path, format="TIFF", save_all=True, append_images=frames[1:], dpi=(dpi, dpi), **kw
    )


#: PDF metadata of scanned PDFs (set per application by `write`, for determinism)
_PDF_META: dict[str, object] = {}


def _save_pdf(imgs: list[Image.Image], path: Path, dpi: int, q: int) -> None:
    frames = [i if i.mode in ("L", "RGB") else i.convert("RGB") for i in imgs]
    frames[0].save(
        path,
        format="PDF",
        save_all=True,
        append_images=frames[1:],
        resolution=dpi,
        quality=q,
        **_PDF_META,
    )


def _scan_names(r: random.Random, n: int) -> list[str]:
    style = r.choice(("scan", "img", "dok", "wa", "hal", "cam"))
    start = r.randint(1, 300) if style in ("scan", "img", "cam") else 1
    wa_date = f"2026-{r.randint(1, 11):02d}-{r.randint(10, 28)}"
    names = []
    for i in range(n):
        k = start + i
        names.append(
            {
                "scan": f"scan{k:04d}.jpg",
                "img": f"IMG_{k:04d}.jpg",
                "dok": f"Dokumen ({k}).jpg",
                "wa": f"WhatsApp Image {wa_date} at {9 + k // 60 % 10:02d}.{k % 60:02d}."
                f"{r.randint(10, 59)}.jpeg",
                "hal": f"hal{k}.jpg",
                "cam": f"CamScanner {k:03d}.jpg",
            }[style]
        )
    return names


INFORMATIVE = {
    "surat_permohonan": ("surat permohonan", "01_permohonan", "Surat Permohonan SIKR"),
    "ktp": ("ktp", "KTP", "fotokopi ktp"),
    "pas_foto": ("pas foto", "foto 3x4", "pasfoto"),
    "ijazah": ("ijazah", "IJAZAH LEGALISIR", "ijazah_d3"),
    "str": ("str", "STR legalisir", "Surat Tanda Registrasi"),
    "rekomendasi_organisasi_profesi": ("rekom pari", "rekomendasi OP", "rekomendasi_organisasi"),
    "surat_keterangan_sehat": ("surat sehat", "ket sehat", "surat_keterangan_sehat"),
    "surat_pernyataan_tempat_kerja": (
        "surat pernyataan",
        "pernyataan tempat kerja",
        "pernyataan_kerja",
    ),
    "rekomendasi_dinkes": ("rekom dinkes", "rekomendasi dinas kesehatan", "rekom_dinkes"),
    "surat_izin_asli": ("SIKR lama", "izin asli", "sikr_asli"),
    "other": ("lain-lain", "tambahan", "IMG"),
    "blank": ("scan", "IMG", "lampiran"),
}


def write(
    packaging: str,
    out_dir: Path,
    name: str,
    pages: list[ScannedPage],
    r: random.Random,
    dpi: int,
    q: int,
    write_text_letter: Callable[[Path], int] | None = None,
    scanned_at: dt.datetime | None = None,
) -> tuple[str, list[Placed]]:
    """Write pages in scan order; returns (source name, placements)."""
    when = time.gmtime(calendar.timegm((scanned_at or dt.datetime(2026, 1, 5, 9)).timetuple()))
    _PDF_META.clear()
    _PDF_META.update(
        {
            "creationDate": when,
            "modDate": when,
            "creator": r.choice(
                (
                    "EPSON Scan",
                    "Canon MF Scan Utility",
                    "CamScanner",
                    "HP Scan",
                    "NAPS2",
                    "Brother ControlCenter4",
                )
            ),
            "title": r.choice(("Scan", "Dokumen", "berkas")),
        }
    )
    check_free(out_dir, name)
    if packaging == "single_pdf":
        path = out_dir / f"{name}.pdf"
        _save_pdf(_imgs(pages), path, dpi, q)
        return path.name, [Placed(path.name, i + 1, p) for i, p in enumerate(pages)]
    if packaging == "single_tiff":
        path = out_dir / f"{name}.tif"
        _save_tiff(_imgs(pages), path, dpi, q)
        return path.name, [Placed(path.name, i + 1, p) for i, p in enumerate(pages)]
    root = out_dir / name
    root.mkdir(parents=True, exist_ok=False)
    placed: list[Placed] = []
    if packaging == "jpg_folder":
        for fname, p in zip(_scan_names(r, len(pages)), pages, strict=True):
            _save_jpg(p.img, root / fname, dpi, q)
            placed.append(Placed(fname, 1, p))
    elif packaging == "mixed_tree":
        placed = _mixed_tree(root, pages, r, dpi, q)
    elif packaging == "multipage_folder":
        placed = _multipage(root, pages, r, dpi, q)
    elif packaging == "text_pdf_letter":
        if write_text_letter is not None:
            fname = r.choice(
                ("surat_permohonan.pdf", "Surat Permohonan SIKR.pdf", "permohonan.pdf")
            )
            n = write_text_letter(root / fname)
            placed += [
                Placed(
                    fname, i + 1, ScannedPage(None, "surat_permohonan", -1, i + 1, 0, 0.0, 0, True)
                )
                for i in range(n)
            ]
        rest = r.choice(("jpg", "pdf", "mixed"))
        if rest == "jpg":
            for fname, p in zip(_scan_names(r, len(pages)), pages, strict=True):
                _save_jpg(p.img, root / fname, dpi, q)
                placed.append(Placed(fname, 1, p))
        elif rest == "pdf":
            fname = r.choice(("lampiran.pdf", "persyaratan.pdf", "scan berkas.pdf"))
            _save_pdf(_imgs(pages), root / fname, dpi, q)
            placed += [Placed(fname, i + 1, p) for i, p in enumerate(pages)]
        else:
            placed += _mixed_tree(root, pages, r, dpi, q, subfolders=False)
    else:
        raise ValueError(f"unknown packaging {packaging!r}; known: {', '.join(PACKAGINGS)}")
    return name, placed


def check_free(out_dir: Path, name: str) -> None:
    """Refuse to overwrite an earlier submission of the same name."""
    for existing in (out_dir / name, out_dir / f"{name}.pdf", out_dir / f"{name}.tif"):
        if existing.exists():
            raise FileExistsError(f"{existing} exists already")


def _groups(pages: list[ScannedPage]) -> list[list[ScannedPage]]:
    """Consecutive pages of the same document."""
    groups: list[list[ScannedPage]] = []
    for p in pages:
        if groups and groups[-1][0].doc_index == p.doc_index and p.doc_index >= 0:
            groups[-1].append(p)
        else:
            groups.append([p])
    return groups


def _mixed_tree(
    root: Path,
    pages: list[ScannedPage],
    r: random.Random,
    dpi: int,
    q: int,
    subfolders: bool = True,
) -> list[Placed]:
    placed: list[Placed] = []
    folders = r.choice(
        (
            ("1. Surat", "2. Identitas", "3. Persyaratan"),
            ("surat", "lampiran"),
            ("berkas", "berkas/scan", "foto"),
            ("A", "B", "C", "D"),
        )
    )
    used: set[str] = set()
    counter = r.randint(1, 500)
    for g in _groups(pages):
        folder = r.choice(folders) if subfolders else ""
        dt_ = g[0].doc_type
        informative = r.random() < 0.55 and dt_ not in ("other", "blank")
        stem = r.choice(INFORMATIVE[dt_]) if informative else f"IMG_{counter:04d}"
        counter += len(g)
        fmt = r.choice(("jpg", "jpg", "png", "tif"))
        rel_dir = Path(folder) if folder else Path()
        (root / rel_dir).mkdir(parents=True, exist_ok=True)
        if fmt == "tif" and len(g) > 1 and r.random() < 0.7:
            rel = _unique(rel_dir / f"{stem}.tif", used)
            _save_tiff(_imgs(g), root / rel, dpi, q)
            placed += [Placed(rel.as_posix(), i + 1, p) for i, p in enumerate(g)]
            continue
        for i, p in enumerate(g):
            suffix = f"_{i + 1}" if len(g) > 1 else ""
            if len(g) > 1 and r.random() < 0.3:  # a page stored in another folder
                rel_dir_p = Path(r.choice(folders)) if subfolders else Path()
                (root / rel_dir_p).mkdir(parents=True, exist_ok=True)
            else:
                rel_dir_p = rel_dir
            f = fmt if r.random() < 0.8 else r.choice(("jpg", "png", "tif"))
            rel = _unique(rel_dir_p / f"{stem}{suffix}.{f}", used)
            if f == "jpg":
                _save_jpg(p.img, root / rel, dpi, q)
            elif f == "png":
                _save_png(p.img, root / rel, dpi)
            else:
                _save_tiff(_imgs([p]), root / rel, dpi, q)
            placed.append(Placed(rel.as_posix(), 1, p))
    return placed


def _unique(rel: Path, used: set[str]) -> Path:
    k = 2
    cand = rel
    while cand.as_posix().lower() in used:
        cand = rel.with_name(f"{rel.stem} ({k}){rel.suffix}")
        k += 1
    used.add(cand.as_posix().lower())
    return cand


def _multipage(
    root: Path, pages: list[ScannedPage], r: random.Random, dpi: int, q: int
) -> list[Placed]:
    """Split the page stream into 2-4 chunks (documents may straddle two files)."""
    n = len(pages)
    k = min(n, r.randint(2, 4))
    cuts = sorted(r.sample(range(1, n), k - 1)) if n > 1 else []
    bounds = [0, *cuts, n]
    placed: list[Placed] = []
    names = r.choice(
        (("berkas", "berkas"), ("scan", "scan"), ("bagian", "bagian"), ("Dokumen", "Dokumen"))
    )
    kinds = ["pdf", "tif"]
    r.shuffle(kinds)
    for ci in range(k):
        chunk = pages[bounds[ci] : bounds[ci + 1]]
        kind = kinds[ci % 2] if ci < 2 else r.choice(("pdf", "tif", "jpg"))
        if kind == "jpg" and len(chunk) > 1:
            kind = "pdf"
        fname = f"{names[0]}_{ci + 1}.{kind}" if r.random() < 0.7 else f"{names[1]} {ci + 1}.{kind}"
        if kind == "pdf":
            _save_pdf(_imgs(chunk), root / fname, dpi, q)
        elif kind == "tif":
            _save_tiff(_imgs(chunk), root / fname, dpi, q)
        else:
            _save_jpg(chunk[0].img, root / fname, dpi, q)
        placed += [Placed(fname, i + 1, p) for i, p in enumerate(chunk)]
    return placed
