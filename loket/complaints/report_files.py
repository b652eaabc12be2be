"""The files of a monthly complaint report: DOCX (+PDF) and XLSX of one stored snapshot."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from loket.common.clock import to_wib
from loket.complaints.models import KIND
from loket.documents import (
    MONTHLY_REPORT,
    OFFICE,
    render_docx,
    tanggal,
    templates_dir,
    to_pdf,
    write_xlsx,
)

Sheet = tuple[str, list[str], list[list[object]]]


def file_stem(period: str) -> str:
    return f"Laporan-Pengaduan-{period}"


def _number(entry: dict[str, object], key: str) -> object:
    """The number behind ``entry[key]`` for the XLSX; a snapshot saved before the numbers
    were kept beside the text ("3,5", "-") gives it from the text."""
    if f"{key}_angka" in entry:
        return entry[f"{key}_angka"]
    try:
        return float(str(entry.get(key)).replace(",", "."))
    except ValueError:
        return None


def _docx_context(
    data: dict[str, object], version: int, approval: dict[str, str] | None
) -> dict[str, object]:
    """The template's context: the snapshot, the maker's and the reviewer's blocks."""
    maker = data["pembuat"]
    assert isinstance(maker, dict)
    made = to_wib(datetime.fromisoformat(str(data["dibuat_iso"])))
    return {
        **data,
        "kota": OFFICE["kota"],
        "bulan_besar": str(data["bulan"]).upper(),
        "status_dokumen": "" if approval else "DRAF \u2014 BELUM DISETUJUI SEKRETARIS",
        "tanggal_dibuat": tanggal(made),
        "pembuat_jabatan": maker["jabatan"],
        "pembuat_nama": maker["nama"] or "(nama petugas)",
        "pembuat_nip": f"NIP. {maker['nip']}" if maker["nip"] else "",
        "pemeriksa_jabatan": approval["jabatan"] if approval else "Sekretaris",
        "pemeriksa_tanggal": f"Tanggal {approval['tanggal']}" if approval else "",
        "pemeriksa_nama": approval["nama"] if approval else "(belum diperiksa)",
        "pemeriksa_nip": f"NIP. {approval['nip']}" if approval else "",
        "versi": version,
        "kode": f"{KIND}/{data['period']}",
    }


def _xlsx_title(data: dict[str, object], approval: dict[str, str] | None) -> list[str]:
    """The title rows above the Rekap sheet: office, month, state, approval."""
    return [
        "LAPORAN PENGADUAN PELAYANAN PUBLIK",
        f"DPMPTSP Kota Pekanbaru \u2014 Bulan {data['bulan']} {data['tahun']}",
        f"Keadaan per {data['per_tanggal']}",
        (
            f"Disetujui: {approval['jabatan']} {approval['nama']} ({approval['tanggal']})"
            if approval
            else "DRAF \u2014 belum disetujui Sekretaris"
        ),
    ]


def _summary_sheet(rekap: list) -> Sheet:
    """The counts (Rekap)."""
    return (
        "Rekap",
        ["Kategori", "Uraian", "Jumlah"],
        [[r["kategori"], r["uraian"], r["jumlah"]] for r in rekap],
    )


def _times_sheet(waktu: list) -> Sheet:
    """Response times per weight (Waktu Tanggapan)."""
    return (
        "Waktu Tanggapan",
        [
            "Bobot",
            "Batas Waktu",
            "Jumlah",
            "Dijawab",
            "Rata-rata (hari)",
            "Terlama (hari)",
            "Tepat Waktu",
            "Terlambat",
        ],
        [
            [
                w["bobot"],
                w["batas"],
                w["jumlah"],
                w["dijawab"],
                _number(w, "rata"),
                _number(w, "terlama"),
                w["tepat"],
                w["terlambat"],
            ]
            for w in waktu
        ],
    )


def _register_sheet(daftar: list) -> Sheet:
    """The month's complaints (Daftar Pengaduan)."""
    return (
        "Daftar Pengaduan",
        [
            "No",
            "Nomor",
            "Diterima",
            "Pengadu",
            "Kontak",
            "Media",
            "Jenis",
            "Bobot",
            "Perihal",
            "Isi",
            "No. Registrasi",
            "Tanggapan",
            "Dijawab",
            "Hari",
            "Batas Waktu",
            "Status",
            "Petugas",
        ],
        [
            [
                c["no"],
                c["nomor"],
                c["diterima"],
                c["pengadu"],
                c["kontak"],
                c["media"],
                c["jenis"],
                c["bobot"],
                c["perihal"],
                c["isi"],
                c["registrasi"],
                c["jawaban"],
                c["dijawab_pada"],
                _number(c, "hari_tanggapan"),
                c["batas"],
                c["status"],
                c["penanganan"],
            ]
            for c in daftar
        ],
    )


def _overdue_sheet(lewat: list) -> Sheet:
    """Complaints past their deadline (Melewati Batas Waktu)."""
    return (
        "Melewati Batas Waktu",
        [
            "No",
            "Nomor",
            "Diterima",
            "Batas Waktu",
            "Bobot",
            "Status",
            "Terlambat (hari)",
        ],
        [
            [
                c["no"],
                c["nomor"],
                c["diterima"],
                c["batas"],
                c["bobot"],
                c["status"],
                _number(c, "hari"),
            ]
            for c in lewat
        ],
    )


def _write_report_xlsx(data: dict[str, object], approval: dict[str, str] | None, out: Path) -> Path:
    """The report's XLSX: counts, response times, the month's complaints, overdue ones."""
    title = _xlsx_title(data, approval)
    rekap, waktu, daftar, lewat = (data["rekap"], data["waktu"], data["daftar"], data["lewat"])
    assert isinstance(rekap, list) and isinstance(waktu, list)
    assert isinstance(daftar, list) and isinstance(lewat, list)
    return write_xlsx(
        out,
        [
            _summary_sheet(rekap),
            _times_sheet(waktu),
            _register_sheet(daftar),
            _overdue_sheet(lewat),
        ],
        title_rows={"Rekap": title},
        # days as numbers an officer can compute with, one decimal as in the report
        number_formats={
            "Waktu Tanggapan": {5: "0.0", 6: "0.0"},
            "Daftar Pengaduan": {14: "0.0"},
            "Melewati Batas Waktu": {7: "0.0"},
        },
    )


def render_monthly_report(
    data: dict[str, object],
    out_dir: Path,
    *,
    version: int,
    approval: dict[str, str] | None = None,
    pdf: bool = True,
) -> list[Path]:
    """DOCX (+PDF) and XLSX of a report snapshot; ``approval`` fills the Sekretaris block."""
    context = _docx_context(data, version, approval)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(str(data["period"]))
    docx = render_docx(templates_dir() / MONTHLY_REPORT, context, out_dir / f"{stem}.docx")
    files = [docx]
    if pdf:
        files.extend(to_pdf([docx]))
    files.append(_write_report_xlsx(data, approval, out_dir / f"{stem}.xlsx"))
    return files
