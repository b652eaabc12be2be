"""The figures and lists of the monthly complaint report, as JSON-ready data.

The data is stored with each drafted version, so the approved document shows exactly the
figures that were reviewed.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from loket.approval import ROLE_LABELS, Official
from loket.common.clock import as_utc, to_wib, utcnow
from loket.complaints.deadlines import is_overdue
from loket.complaints.models import STATUS_ANSWERED, STATUS_LABELS, Complaint
from loket.complaints.rules import WEIGHTS, ComplaintRules
from loket.complaints.times import month_bounds
from loket.documents import BULAN, angka, tanggal, tanggal_jam

UNCONFIRMED = "Belum dikonfirmasi"


def _days(delta_seconds: float) -> float:
    return delta_seconds / 86400


def _weight_label(rules: ComplaintRules, c: Complaint) -> str:
    if c.weight:
        return rules.weight_label(c.weight)
    return f"{rules.weight_label(c.weight_suggested)} (saran)"


def _summary(
    rules: ComplaintRules, month: list[Complaint], late_this_month: list[Complaint]
) -> list[dict[str, object]]:
    """The month's counts (rekap): in all, by channel, type, weight and status, overdue."""
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
    rekap.extend(_by_weight_and_status(rules, month))
    rekap.append(
        {
            "kategori": "Batas waktu",
            "uraian": "Melewati batas waktu",
            "jumlah": len(late_this_month),
        }
    )
    return rekap


def _by_weight_and_status(rules: ComplaintRules, month: list[Complaint]) -> list[dict[str, object]]:
    """The month's counts by weight (unconfirmed ones apart) and by status."""
    rekap: list[dict[str, object]] = []
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
    return rekap


def _response_times(
    rules: ComplaintRules, month: list[Complaint], now: datetime
) -> list[dict[str, object]]:
    """Answered, average and longest response time, on time and late, per weight and in all."""
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
    return waktu


def _register_rows(
    rules: ComplaintRules, month: list[Complaint], now: datetime
) -> list[dict[str, object]]:
    """One row per complaint received in the month (the register's page of the month)."""
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
    return daftar


def _overdue_rows(
    session: Session,
    rules: ComplaintRules,
    start: datetime,
    late_this_month: list[Complaint],
    now: datetime,
) -> list[dict[str, object]]:
    """Overdue complaints: unanswered ones from earlier months, then the month's own."""
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
    return lewat


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
    rekap = _summary(rules, month, late_this_month)
    waktu = _response_times(rules, month, now)
    daftar = _register_rows(rules, month, now)
    lewat = _overdue_rows(session, rules, start, late_this_month, now)
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
