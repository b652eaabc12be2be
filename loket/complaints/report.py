"""Monthly complaint report (Laporan Pengaduan Pelayanan Publik) and its review.

Flow (standard §6 j–k): the register's month is drafted (DOCX/PDF + XLSX, kept under
``var/reports/drafts/YYYY-MM/vN/``); the Sekretaris — or her configured delegate, recorded
as Plh. — approves it or returns it with a note; only the approved version is written to
``outbox/reports/YYYY-MM/`` for the Kepala Dinas. Each draft stores the data it shows, so the
approved document carries exactly the figures that were reviewed. Every approve/return
attempt is recorded, refused ones included.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval.officials import (
    ROLE_LABELS,
    NotAuthorized,
    Official,
    OfficialsFile,
    Role,
    authorize,
)
from loket.common.settings import Settings
from loket.complaints.book import (
    STATUS_ANSWERED,
    STATUS_LABELS,
    WEIGHTS,
    Complaint,
    ComplaintError,
    ComplaintRules,
    ReportRecord,
    ReviewAttempt,
    as_utc,
    is_overdue,
    month_bounds,
    to_wib,
    utcnow,
)
from loket.documents.templates import MONTHLY_REPORT
from loket.documents.officedocs import (
    BULAN,
    OFFICE,
    angka,
    render_docx,
    tanggal,
    tanggal_jam,
    templates_dir,
    to_pdf,
    write_xlsx,
)

KIND = "pengaduan_bulanan"
DRAFT, RETURNED, APPROVED, SUPERSEDED = "draft", "dikembalikan", "disetujui", "diganti"
UNCONFIRMED = "Belum dikonfirmasi"


def _days(delta_seconds: float) -> float:
    return delta_seconds / 86400


def _weight_label(rules: ComplaintRules, c: Complaint) -> str:
    if c.weight:
        return rules.weight_label(c.weight)
    return f"{rules.weight_label(c.weight_suggested)} (saran)"


def build_data(
    session: Session,
    rules: ComplaintRules,
    period: str,
    *,
    now: datetime | None = None,
    maker: Official | None = None,
    notes: list[str] | None = None,
) -> dict[str, object]:
    """The figures and lists of the month's report, as JSON-ready data."""
    now = as_utc(now or utcnow())
    start, end = month_bounds(period)
    month = list(
        session.scalars(
            select(Complaint)
            .where(Complaint.received_at >= start, Complaint.received_at < end)
            .order_by(Complaint.received_at, Complaint.id)
        )
    )
    answered = [c for c in month if c.status == STATUS_ANSWERED]
    late_this_month = [c for c in month if is_overdue(c, now)]

    rekap: list[dict[str, object]] = [
        {
            "kategori": "Jumlah",
            "uraian": "Seluruh pengaduan, saran dan masukan",
            "jumlah": len(month),
        }
    ]
    by_channel = Counter(c.channel for c in month)
    for i, (code, ch) in enumerate(rules.channels.items()):
        rekap.append(
            {
                "kategori": "Media" if i == 0 else "",
                "uraian": ch.label,
                "jumlah": by_channel.get(code, 0),
            }
        )
    by_type = Counter(c.type for c in month)
    for i, (code, kind) in enumerate(rules.types.items()):
        rekap.append(
            {
                "kategori": "Jenis" if i == 0 else "",
                "uraian": kind.label,
                "jumlah": by_type.get(code, 0),
            }
        )
    by_weight = Counter(c.weight or "" for c in month)
    for i, code in enumerate(WEIGHTS):
        rekap.append(
            {
                "kategori": "Bobot" if i == 0 else "",
                "uraian": rules.weight_label(code),
                "jumlah": by_weight.get(code, 0),
            }
        )
    if by_weight.get(""):
        rekap.append({"kategori": "", "uraian": UNCONFIRMED, "jumlah": by_weight[""]})
    by_status = Counter(c.status for c in month)
    for i, (code, label) in enumerate(STATUS_LABELS.items()):
        rekap.append(
            {
                "kategori": "Status" if i == 0 else "",
                "uraian": label,
                "jumlah": by_status.get(code, 0),
            }
        )
    rekap.append(
        {
            "kategori": "Batas waktu",
            "uraian": "Melewati batas waktu",
            "jumlah": len(late_this_month),
        }
    )

    waktu: list[dict[str, object]] = []
    groups: list[tuple[str, str, list[Complaint]]] = [
        (
            rules.weight_label(w),
            f"{rules.weights[w].deadline.days} hari "
            f"{'kerja' if rules.weights[w].deadline.working_days else 'kalender'}",
            [c for c in month if c.weight == w],
        )
        for w in WEIGHTS
    ]
    unconfirmed = [c for c in month if not c.weight]
    if unconfirmed:
        groups.append((UNCONFIRMED, "-", unconfirmed))
    groups.append(("Jumlah", "", month))
    for label, limit, items in groups:
        done = [c for c in items if c.answered_at is not None]
        spans = [
            _days((as_utc(c.answered_at) - as_utc(c.received_at)).total_seconds())  # type: ignore[arg-type]
            for c in done
        ]
        late = [c for c in items if is_overdue(c, now)]
        waktu.append(
            {
                "bobot": label,
                "batas": limit,
                "jumlah": len(items),
                "dijawab": len(done),
                "rata": angka(statistics.fmean(spans), 1) if spans else "-",
                "rata_angka": round(statistics.fmean(spans), 1) if spans else None,
                "terlama": angka(max(spans), 1) if spans else "-",
                "terlama_angka": round(max(spans), 1) if spans else None,
                "tepat": len(done) - len([c for c in done if is_overdue(c, now)]),
                "terlambat": len(late),
            }
        )

    daftar = []
    for no, c in enumerate(month, start=1):
        span = (
            _days((as_utc(c.answered_at) - as_utc(c.received_at)).total_seconds())
            if c.answered_at
            else None
        )
        daftar.append(
            {
                "no": no,
                "nomor": c.number,
                "diterima": tanggal_jam(to_wib(c.received_at)),
                "pengadu": c.complainant_name,
                "kontak": ", ".join(x for x in (c.complainant_phone, c.complainant_email) if x),
                "media": rules.channel_label(c.channel),
                "jenis": rules.type_label(c.type),
                "bobot": _weight_label(rules, c),
                "perihal": c.subject,
                "isi": c.text,
                "registrasi": c.related_reg_no or "",
                "jawaban": c.answer or "(belum dijawab)",
                "dijawab_pada": tanggal_jam(to_wib(c.answered_at)) if c.answered_at else "",
                "dijawab_singkat": f"{to_wib(c.answered_at):%d-%m-%Y}" if c.answered_at else "",
                "hari_tanggapan": angka(span, 1) if span is not None else "",
                "hari_tanggapan_angka": round(span, 1) if span is not None else None,
                "batas": tanggal(to_wib(c.due_at)),
                "status": STATUS_LABELS.get(c.status, c.status)
                + (" (terlambat)" if is_overdue(c, now) else ""),
                "penanganan": c.handler_name or "",
            }
        )

    carried = list(
        session.scalars(
            select(Complaint)
            .where(Complaint.received_at < start, Complaint.status != STATUS_ANSWERED)
            .order_by(Complaint.received_at)
        )
    )
    lewat = []
    for no, c in enumerate(
        [*[c for c in carried if is_overdue(c, now)], *late_this_month], start=1
    ):
        until = as_utc(c.answered_at) if c.answered_at else now
        overdue_days = _days((until - as_utc(c.due_at)).total_seconds())
        lewat.append(
            {
                "no": no,
                "nomor": c.number,
                "diterima": tanggal(to_wib(c.received_at)),
                "batas": tanggal(to_wib(c.due_at)),
                "bobot": _weight_label(rules, c),
                "status": STATUS_LABELS.get(c.status, c.status),
                "hari": angka(overdue_days, 1),
                "hari_angka": round(overdue_days, 1),
            }
        )

    year, month_no = (int(x) for x in period.split("-"))
    return {
        "period": period,
        "bulan": BULAN[month_no - 1],
        "tahun": year,
        "per_tanggal": tanggal_jam(to_wib(now)),
        "dibuat_iso": now.isoformat(),
        "total": len(month),
        "dijawab": len(answered),
        "belum_dijawab": len(month) - len(answered),
        "terlambat_bulan_ini": len(late_this_month),
        "rekap": rekap,
        "waktu": waktu,
        "daftar": daftar,
        "lewat": lewat,
        "catatan": notes or [],
        "pembuat": {
            "nama": maker.name if maker else "",
            "nip": maker.nip if maker else "",
            "jabatan": ROLE_LABELS[maker.role] if maker else "Petugas Pengaduan",
        },
    }


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


def render(
    data: dict[str, object],
    out_dir: Path,
    *,
    version: int,
    approval: dict[str, str] | None = None,
    pdf: bool = True,
) -> list[Path]:
    """DOCX (+PDF) and XLSX of a report snapshot; ``approval`` fills the Sekretaris block."""
    maker = data["pembuat"]
    assert isinstance(maker, dict)
    made = to_wib(datetime.fromisoformat(str(data["dibuat_iso"])))
    context = {
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
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(str(data["period"]))
    docx = render_docx(templates_dir() / MONTHLY_REPORT, context, out_dir / f"{stem}.docx")
    files = [docx]
    if pdf:
        files.extend(to_pdf([docx]))
    title = [
        "LAPORAN PENGADUAN PELAYANAN PUBLIK",
        f"DPMPTSP Kota Pekanbaru \u2014 Bulan {data['bulan']} {data['tahun']}",
        f"Keadaan per {data['per_tanggal']}",
        (
            f"Disetujui: {approval['jabatan']} {approval['nama']} ({approval['tanggal']})"
            if approval
            else "DRAF \u2014 belum disetujui Sekretaris"
        ),
    ]
    rekap, waktu, daftar, lewat = (data["rekap"], data["waktu"], data["daftar"], data["lewat"])
    assert isinstance(rekap, list) and isinstance(waktu, list)
    assert isinstance(daftar, list) and isinstance(lewat, list)
    files.append(
        write_xlsx(
            out_dir / f"{stem}.xlsx",
            [
                (
                    "Rekap",
                    ["Kategori", "Uraian", "Jumlah"],
                    [[r["kategori"], r["uraian"], r["jumlah"]] for r in rekap],
                ),
                (
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
                ),
                (
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
                ),
                (
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
                ),
            ],
            title_rows={"Rekap": title},
            # days as numbers an officer can compute with, one decimal as in the report
            number_formats={
                "Waktu Tanggapan": {5: "0.0", 6: "0.0"},
                "Daftar Pengaduan": {14: "0.0"},
                "Melewati Batas Waktu": {7: "0.0"},
            },
        )
    )
    return files


def versions(session: Session, period: str) -> list[ReportRecord]:
    return list(
        session.scalars(
            select(ReportRecord)
            .where(ReportRecord.kind == KIND, ReportRecord.period == period)
            .order_by(ReportRecord.version)
        )
    )


def draft(
    session: Session,
    rules: ComplaintRules,
    period: str,
    *,
    drafts_root: Path,
    maker: Official | None = None,
    now: datetime | None = None,
    pdf: bool = True,
) -> tuple[ReportRecord, list[Path]]:
    """Draft a new version of the month's report (caller commits)."""
    month_bounds(period)  # validates
    previous = versions(session, period)
    notes = [
        f"Versi {r.version} dikembalikan oleh {r.reviewed_as} {r.reviewed_by_name} pada "
        f"{tanggal_jam(to_wib(r.reviewed_at))}: {r.review_note}"
        for r in previous
        if r.status == RETURNED and r.reviewed_at is not None
    ]
    for r in previous:
        if r.status == DRAFT:
            r.status = SUPERSEDED
    data = build_data(session, rules, period, now=now, maker=maker, notes=notes)
    version = (previous[-1].version + 1) if previous else 1
    out_dir = drafts_root / period / f"v{version}"
    files = render(data, out_dir, version=version, pdf=pdf)
    record = ReportRecord(
        kind=KIND,
        period=period,
        version=version,
        status=DRAFT,
        created_at=as_utc(now or utcnow()),
        created_by=maker.nip if maker else None,
        data=data,
        draft_dir=str(out_dir),
    )
    session.add(record)
    session.flush()
    return record, files


@dataclass
class ReviewOutcome:
    allowed: bool
    message: str
    report: ReportRecord | None = None
    files: list[Path] | None = None


def _attempt(
    session: Session,
    period: str,
    action: str,
    nip: str,
    *,
    allowed: bool,
    message: str,
    official: Official | None = None,
    acting_as: str | None = None,
    report: ReportRecord | None = None,
) -> None:
    session.add(
        ReviewAttempt(
            kind=KIND,
            period=period,
            report_id=report.id if report else None,
            action=action,
            actor_nip=nip,
            actor_name=official.name if official else None,
            acting_as=acting_as,
            allowed=allowed,
            message=message,
        )
    )
    session.flush()


def _review_target(session: Session, period: str) -> ReportRecord | str:
    found = versions(session, period)
    if not found:
        return f"Belum ada draf laporan pengaduan bulan {period}."
    latest = found[-1]
    if latest.status == APPROVED:
        return f"Laporan {period} versi {latest.version} sudah disetujui."
    if latest.status == RETURNED:
        return f"Laporan {period} versi {latest.version} sudah dikembalikan; tunggu draf perbaikan."
    return latest


def review(
    session: Session,
    officials: OfficialsFile,
    period: str,
    nip: str,
    action: str,
    *,
    outbox: Path,
    note: str | None = None,
    now: datetime | None = None,
    pdf: bool = True,
) -> ReviewOutcome:
    """Approve (``action="approve"``) or return (``"return"``) the latest draft.

    Only the Sekretaris or her delegate (Plh.) may; anyone else is refused, nothing changes,
    and the attempt is recorded. The caller commits in every case.
    """
    month_bounds(period)
    if action not in {"approve", "return"}:
        raise ValueError(action)
    try:
        auth = authorize(officials, nip, Role.sekretaris)
    except NotAuthorized as exc:
        message = (
            f"Ditolak: {exc} Hanya Sekretaris atau Plh. Sekretaris yang dapat "
            f"{'menyetujui' if action == 'approve' else 'mengembalikan'} laporan."
        )
        _attempt(
            session, period, action, nip, allowed=False, message=message, official=exc.official
        )
        return ReviewOutcome(False, message)
    target = _review_target(session, period)
    if isinstance(target, str):
        _attempt(
            session,
            period,
            action,
            nip,
            allowed=False,
            message=target,
            official=auth.official,
            acting_as=auth.label,
        )
        return ReviewOutcome(False, target)
    when = as_utc(now or utcnow())
    if action == "return":
        if not note or not note.strip():
            message = "Catatan perbaikan wajib diisi saat mengembalikan laporan."
            _attempt(
                session,
                period,
                action,
                nip,
                allowed=False,
                message=message,
                official=auth.official,
                acting_as=auth.label,
                report=target,
            )
            return ReviewOutcome(False, message)
        target.status = RETURNED
        target.review_note = note.strip()
        files: list[Path] = []
        message = (
            f"Laporan {period} versi {target.version} dikembalikan oleh {auth.label} "
            f"{auth.official.name} untuk diperbaiki."
        )
    else:
        final_dir = outbox / "reports" / period
        files = render(
            target.data,
            final_dir,
            version=target.version,
            approval={
                "jabatan": auth.label,
                "nama": auth.official.name,
                "nip": auth.official.nip,
                "tanggal": tanggal(to_wib(when)),
            },
            pdf=pdf,
        )
        target.status = APPROVED
        target.final_dir = str(final_dir)
        target.review_note = note.strip() if note else None
        message = (
            f"Laporan {period} versi {target.version} disetujui oleh {auth.label} "
            f"{auth.official.name}; dikirim ke {final_dir}."
        )
    target.reviewed_by_nip = auth.official.nip
    target.reviewed_by_name = auth.official.name
    target.reviewed_as = auth.label
    target.reviewed_at = when
    _attempt(
        session,
        period,
        action,
        nip,
        allowed=True,
        message=message,
        official=auth.official,
        acting_as=auth.label,
        report=target,
    )
    return ReviewOutcome(True, message, target, files)


def attempts(session: Session, period: str) -> list[ReviewAttempt]:
    return list(
        session.scalars(
            select(ReviewAttempt)
            .where(ReviewAttempt.kind == KIND, ReviewAttempt.period == period)
            .order_by(ReviewAttempt.id)
        )
    )


def previous_month(now: datetime | None = None) -> str:
    """``YYYY-MM`` of the month before ``now`` (WIB)."""
    local = to_wib(now or utcnow())
    year, month = (local.year, local.month - 1) if local.month > 1 else (local.year - 1, 12)
    return f"{year:04d}-{month:02d}"


__all__ = [
    "APPROVED",
    "DRAFT",
    "RETURNED",
    "ComplaintError",
    "ReviewOutcome",
    "attempts",
    "build_data",
    "draft",
    "previous_month",
    "review",
    "versions",
]


def draft_month(
    settings: Settings, period: str, *, maker_nip: str | None = None, pdf: bool = True
) -> tuple[int, list[Path]]:
    """Open the database and rules of ``settings``, draft ``period`` and commit.

    Shared by ``loket complaints report`` and the scheduled Prefect flow. Returns the
    version number and the draft files.
    """
    from loket.approval.officials import load_officials
    from loket.common.db import open_database
    from loket.complaints.book import load_rules

    rules = load_rules(settings.rules_dir / "complaints.yaml")
    officials = load_officials(settings.rules_dir / "officials.yaml")
    maker = officials.by_nip(maker_nip) if maker_nip else None
    if maker_nip and maker is None:
        raise ComplaintError(f"NIP {maker_nip} tidak terdaftar di daftar pejabat.")
    factory = open_database(settings.db_url)
    with factory() as session:
        record, files = draft(
            session, rules, period, drafts_root=drafts_root(settings), maker=maker, pdf=pdf
        )
        session.commit()
        return record.version, files


def drafts_root(settings: Settings) -> Path:
    return settings.var_dir / "reports" / "drafts"
