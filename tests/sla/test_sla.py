"""SLA tracking, escalation and the SLA reports (issue #5).

The monthly report is rendered from a generated history and its figures are checked against
a plain loop over the database rows with the calendar's day-walking reference
(``working_minutes_loop``), not the vectorised code path of the report.
"""

from __future__ import annotations

import math
import re
import shutil
import sqlite3
import subprocess
import threading
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from loket.office import Office
from tests.approval.approval_helpers import Home, make_application, make_home
from tests.identity.helpers import cheap_argon2, sign_in

APPROVE = "setuju"
WIB_OFFSET = timedelta(hours=7)


@pytest.fixture
def ahome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)
    shome = make_home(tmp_path, monkeypatch)
    import shutil

    from tests.approval.approval_helpers import REPO

    shutil.copy(REPO / "rules" / "sla.yaml", shome.rules / "sla.yaml")
    return shome


def wib(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC) - WIB_OFFSET


def _q(values: list[float], q: float) -> float:
    """Quantile with linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(values)
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A migrated database with ~3 months of generated history."""
    from loket.approval.chain import load_chain
    from loket.calendar.loading import office_calendar
    from loket.common.db import make_engine, migrate
    from samples.sla_history import generate
    from tests.approval.approval_helpers import REPO

    root = tmp_path_factory.mktemp("sla")
    db = root / "var" / "loket.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    engine.dispose()
    chain = load_chain(REPO / "rules" / "alur-persetujuan.yaml").for_service(
        "izin-kerja-radiografer"
    )
    cal = office_calendar(REPO / "rules" / "calendar")
    now = wib(2026, 11, 25, 12)
    generate(db, chain, cal, n=700, first=date(2026, 9, 1), last=date(2026, 11, 24), now=now)
    return root, db, now


@pytest.mark.e2e
def test_monthly_report_matches_independent_recomputation(history, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook
    from sqlalchemy.orm import Session

    from loket.approval.models import Approval, CardEntry, Permit
    from loket.calendar.loading import office_calendar
    from loket.common.clock import as_utc
    from loket.common.db import make_engine
    from loket.common.settings import Settings
    from loket.intake.register import Application
    from loket.sla.report import write_report
    from tests.approval.approval_helpers import REPO

    root, db, now = history
    settings = Settings(home=root, rules=REPO / "rules", database_url=f"sqlite:///{db}")
    monkeypatch.setenv("LOKET_TEMPLATES", str(REPO / "templates"))
    report, files = write_report(settings, "2026-10", cutoff=now, pdf=True)
    xlsx, pdf = files
    assert xlsx == root / "outbox" / "reports" / "2026-10" / "laporan-sla-2026-10.xlsx"
    assert pdf.name == "laporan-sla-2026-10.pdf" and pdf.read_bytes().startswith(b"%PDF")

    # -- independent recomputation: ORM rows, loops, the calendar's reference walk --------
    cal = office_calendar(REPO / "rules" / "calendar")
    start, end = wib(2026, 10, 1, 0), wib(2026, 11, 1, 0)
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        apps = [a for a in s.scalars(select(Application)) if start <= as_utc(a.received_at) < end]
        permits = [p for p in s.scalars(select(Permit)) if start <= as_utc(p.numbered_at) < end]
        approvals = {a.reg_no: a for a in s.scalars(select(Approval))}
        cards: dict[str, list[CardEntry]] = defaultdict(list)
        for e in s.scalars(select(CardEntry).order_by(CardEntry.reg_no, CardEntry.seq)):
            cards[e.reg_no].append(e)
    engine.dispose()

    norms = {"pemeriksaan": 35.0, "draf": 3.0, "tanda_tangan": 510.0, "penomoran": 3.0}
    paraf = {"analis_ahli_muda": 5.0, "analis_ahli_madya": 10.0, "sekretaris": 10.0}
    code = {"analis_ahli_muda": "paraf_ahli_muda", "analis_ahli_madya": "paraf_ahli_madya"}
    code["sekretaris"] = "paraf_sekretaris"
    step_minutes: dict[str, list[float]] = defaultdict(list)
    late_by_role: dict[str, int] = defaultdict(int)
    for entries in cards.values():
        for e in entries:
            t1 = as_utc(e.handed_over_at)
            if not (start <= t1 < end):
                continue
            if e.action == "paraf":
                norm, key = paraf[e.role], code[e.role]
            elif e.action in norms:
                norm, key = norms[e.action], e.action
            else:
                continue
            m = cal.working_minutes_loop(as_utc(e.received_at), t1)
            step_minutes[key].append(m)
            if m > norm + 1 / 120:
                late_by_role[e.role] += 1

    def clock(entries: list[CardEntry]) -> float:
        t0 = max(as_utc(e.handed_over_at) for e in entries if e.action == "pemeriksaan")
        t1 = next(as_utc(e.handed_over_at) for e in entries if e.action == "penomoran")
        total = cal.working_minutes_loop(t0, t1)
        for i, e in enumerate(entries):
            if e.action == "pengembalian_pemohon":
                p0 = max(as_utc(e.handed_over_at), t0)
                p1 = min(as_utc(entries[i + 1].received_at), t1)
                if p1 > p0:
                    total -= cal.working_minutes_loop(p0, p1)
        return total

    clocks = {p.reg_no: clock(cards[p.reg_no]) for p in permits}
    late = {r for r, m in clocks.items() if m > 1020 + 1 / 120}
    paused = [r for r in clocks if any(e.action == "pengembalian_pemohon" for e in cards[r])]
    assert paused, "the generated month should contain files returned to the applicant"
    uncollected = [
        p
        for p in permits
        if approvals[p.reg_no].collected_at is None
        or as_utc(approvals[p.reg_no].collected_at) > now
    ]

    s = report.summary
    assert s["diterima"] == len(apps) > 100
    assert s["lengkap"] == sum(a.verdict == "complete" for a in apps)
    assert s["dikembalikan"] == sum(a.verdict == "incomplete" for a in apps) > 0
    assert s["terbit"] == s["terbit_terukur"] == len(permits)
    assert s["belum_diambil"] == len(uncollected) > 0
    assert s["terlambat"] == len(late) > 0
    assert s["persen_tepat"] == pytest.approx(100 * (1 - len(late) / len(permits)))
    assert s["median_hari"] * 510 == pytest.approx(_q(list(clocks.values()), 0.5), abs=1e-6)
    issued_late = set(report.late_files.loc[report.late_files["status"] == "terbit", "reg_no"])
    assert issued_late == late
    for row in report.steps.itertuples():
        values = step_minutes[row.kode]
        assert row.jumlah == len(values), row.kode
        assert row.median_menit == pytest.approx(_q(values, 0.5), abs=1e-6), row.kode
        assert row.p90_menit == pytest.approx(_q(values, 0.9), abs=1e-6), row.kode
    desks = report.desks.set_index("role")
    for role, n in late_by_role.items():
        assert desks.at[role, "lewat_norma"] == n, role
    assert report.files_covered >= len(apps)

    # -- the XLSX opens and carries the same figures; the PDF has its charts -------------
    wb = load_workbook(xlsx)
    assert wb.sheetnames == [
        "Ringkasan", "Per langkah", "Meja", "Petugas", "Berkas terlambat", "Izin terbit",
        "Harian",
    ]  # fmt: skip
    ws = wb["Ringkasan"]
    cells = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0]}
    assert cells["Permohonan diterima"] == str(len(apps))
    assert cells["Izin terbit (diberi nomor)"] == str(len(permits))
    assert any("Periode: Oktober 2026" in str(k) for k in cells)
    assert any("Data per (cut-off): 25 November 2026 12.00 WIB" in str(k) for k in cells)
    late_rows = [r for r in wb["Berkas terlambat"].iter_rows(values_only=True)][8:]
    assert {r[0] for r in late_rows if r[1] == "terbit"} == late
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    assert "DINAS PENANAMAN MODAL" in text.stdout and "Oktober 2026" in text.stdout
    assert "Data per (cut-off)" in text.stdout and "Grafik" in text.stdout
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    assert len(images.stdout.strip().splitlines()) - 2 >= 4  # the four charts


def test_weekly_and_yearly_periods(history) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.orm import Session

    from loket.approval.chain import load_chain
    from loket.calendar.loading import office_calendar
    from loket.common.db import make_engine
    from loket.sla.figures import compute
    from loket.sla.loading import load_history
    from loket.sla.periods import parse_period
    from tests.approval.approval_helpers import REPO

    _root, db, now = history
    week = parse_period("2026-W44")
    assert (week.first, week.last) == (date(2026, 10, 26), date(2026, 11, 1))
    assert week.label.startswith("Minggu ke-44 Tahun 2026")
    chain = load_chain(REPO / "rules" / "alur-persetujuan.yaml").for_service(
        "izin-kerja-radiografer"
    )
    cal = office_calendar(REPO / "rules" / "calendar")
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        weekly = compute(load_history(s, week, now), chain, cal)
        month = compute(load_history(s, parse_period("2026-10"), now), chain, cal)
        year = compute(load_history(s, parse_period("2026"), now), chain, cal)
    engine.dispose()
    assert 0 < weekly.summary["terbit"] < month.summary["terbit"] < year.summary["terbit"]
    assert year.summary["diterima"] == 700
    assert len(weekly.daily) == 7 and len(year.daily) == 365


def _advance(desk, at: datetime) -> None:  # type: ignore[no-untyped-def]
    desk.clock = lambda: at


NOT_MEASURED = "belum ada izin terbit yang terukur pada periode ini"
NAN = re.compile(r"\bnan\b", re.IGNORECASE)


def _tamper_checks(db: Path, target: Path, start: datetime, end: datetime, how: str) -> None:
    """A copy of ``db`` in which the permits numbered in [start, end) lose their measurable
    clock: the check entries deleted (``delete``), or moved to 7 hours after the numbering
    (``after``: what a receipt time stored as WIB wall clock does to the card)."""
    shutil.copy(db, target)
    fmt = "%Y-%m-%d %H:%M:%S.%f"
    with sqlite3.connect(target) as con:
        permits = con.execute(
            "SELECT reg_no, numbered_at FROM permits WHERE numbered_at >= ? AND numbered_at < ?",
            (f"{start.replace(tzinfo=None):{fmt}}", f"{end.replace(tzinfo=None):{fmt}}"),
        ).fetchall()
        for reg_no, numbered_at in permits:
            if how == "delete":
                con.execute(
                    "DELETE FROM card_entries WHERE reg_no = ? AND action = 'pemeriksaan'",
                    (reg_no,),
                )
            else:
                later = datetime.strptime(numbered_at, fmt) + timedelta(hours=7)
                con.execute(
                    "UPDATE card_entries SET handed_over_at = ? "
                    "WHERE reg_no = ? AND action = 'pemeriksaan'",
                    (f"{later:{fmt}}", reg_no),
                )
    assert permits


@pytest.mark.parametrize(
    ("case", "period"),
    [("kosong", "2026-12"), ("tanpa_pemeriksaan", "2026-W45"), ("pemeriksaan_sesudah", "2026-W46")],
)
def test_report_without_measured_permits_says_so(  # type: ignore[no-untyped-def]
    history, tmp_path: Path, case: str, period: str
) -> None:
    """Nothing to measure (no permit, or permits whose clock cannot be measured): the share,
    median and p90 are NaN in the figures and a dash with the reason in every rendering."""
    from docx import Document
    from openpyxl import load_workbook
    from sqlalchemy.orm import Session

    from loket.approval.chain import load_chain
    from loket.calendar.loading import office_calendar
    from loket.common.db import make_engine
    from loket.sla.figures import compute
    from loket.sla.loading import load_history
    from loket.sla.periods import parse_period
    from loket.sla.report import render_sla_report
    from loket.sla.wording import on_time_text, summary_rows
    from loket.sla.workbook import render_xlsx
    from tests.approval.approval_helpers import REPO

    _root, db, now = history
    per = parse_period(period)
    if case != "kosong":
        db, target = tmp_path / "loket.db", db
        _tamper_checks(target, db, per.start, per.end, "delete" if case[0] == "t" else "after")
    chain = load_chain(REPO / "rules" / "alur-persetujuan.yaml").for_service(
        "izin-kerja-radiografer"
    )
    cal = office_calendar(REPO / "rules" / "calendar")
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        report = compute(load_history(s, per, now), chain, cal)
    engine.dispose()

    s = report.summary
    assert s["terbit_terukur"] == s["tepat_waktu"] == s["terlambat"] == 0
    assert s["terbit_tidak_terukur"] == s["terbit"]
    assert (s["terbit"] == 0) == (case == "kosong")
    assert all(math.isnan(float(s[k])) for k in ("persen_tepat", "median_hari", "p90_hari"))
    rows = dict(summary_rows(report))
    assert rows["Terbit tepat waktu (\u2264 2 hari kerja sejak lengkap)"] == (
        f"\u2014 ({NOT_MEASURED})"
    )
    dash = "\u2014"
    assert rows["Median waktu penyelesaian"] == rows["Persentil ke-90 waktu penyelesaian"] == dash
    assert on_time_text(report) == f"\u2014 ({NOT_MEASURED})"

    if case == "pemeriksaan_sesudah":  # the whole rendering: XLSX, charts, DOCX
        xlsx, docx = render_sla_report(report, tmp_path / "out", pdf=False)
        doc = Document(str(docx))
        text = "\n".join(
            [p.text for p in doc.paragraphs]
            + [c.text for t in doc.tables for row in t.rows for c in row.cells]
        )
        assert NOT_MEASURED in text and "tidak dapat diukur waktunya" in text
        assert not NAN.search(text), text
    else:
        xlsx = render_xlsx(report, tmp_path / "r.xlsx")
    cells = [
        str(v)
        for ws in load_workbook(xlsx).worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    assert not [c for c in cells if NAN.search(c)]
    assert any(c.startswith("Belum ada izin terbit yang terukur") for c in cells)
    assert any(NOT_MEASURED in c for c in cells)
    assert any("tidak dapat diukur waktunya" in c for c in cells) == (case != "kosong")


def _issue_one(ahome: Home, received: datetime):  # type: ignore[no-untyped-def]
    """One application received ``received`` (Monday 16 November 2026, 09:00 WIB) taken
    through the whole chain to numbering by 10:05; this month's report at 11:00."""
    from loket.approval.acts import act
    from loket.approval.start import start
    from loket.calendar.loading import office_calendar
    from loket.intake import register
    from loket.sla.figures import compute
    from loket.sla.loading import load_history
    from loket.sla.periods import parse_period

    desk = Office.from_environment().desk(pdf=False)
    t0 = wib(2026, 11, 16, 9)
    reg = make_application(desk.settings, seed=21, received=received)
    with desk.db.begin() as session:
        session.execute(
            update(register.IntakeEvent).where(register.IntakeEvent.reg_no == reg).values(at=t0)
        )
    _advance(desk, t0 + timedelta(minutes=5))
    start(desk, reg)
    roles = ["back_office", "analis_ahli_muda", "analis_ahli_madya", "sekretaris"]
    roles += ["kepala_dinas", "petugas_penomoran"]
    for i, role in enumerate(roles, start=1):
        _advance(desk, t0 + timedelta(minutes=5 + 10 * i))
        act(desk, reg, sign_in(desk, ahome.people[role]), APPROVE)
    with desk.db() as session:
        history = load_history(session, parse_period("2026-11"), wib(2026, 11, 16, 11))
    cal = office_calendar(ahome.rules / "calendar")
    return compute(history, desk.chain("izin-kerja-radiografer"), cal)


def _assert_one_issued_on_time(report) -> None:  # type: ignore[no-untyped-def]
    s = report.summary
    assert (s["diterima"], s["terbit"], s["terbit_terukur"], s["tepat_waktu"]) == (1, 1, 1, 1)
    assert s["persen_tepat"] == 100.0
    assert s["median_hari"] * report.day_minutes == pytest.approx(65)  # 09:00 -> 10:05


def test_issued_permit_is_measured(ahome: Home) -> None:
    _assert_one_issued_on_time(_issue_one(ahome, wib(2026, 11, 16, 9)))


def test_issued_permit_is_measured_when_received_at_is_office_local(ahome: Home) -> None:
    """As ``loket intake`` registers an application: received_at in WIB (same instant).
    SQLite keeps no time zone; stored as its WIB wall clock it came back 7 hours late, and
    the demo's SLA report said "tepat waktu nan %" (fixed by loket.common.db.UtcDateTime)."""
    from loket.common.clock import WIB

    _assert_one_issued_on_time(_issue_one(ahome, wib(2026, 11, 16, 9).astimezone(WIB)))


def test_escalation_sent_once_per_threshold(ahome: Home) -> None:
    from loket.approval import control_card
    from loket.approval.acts import act
    from loket.approval.documents import write_card
    from loket.approval.models import CardEntry, Notification
    from loket.approval.start import start
    from loket.intake import register
    from loket.sla.escalation import (
        FILE_NEARING,
        FILE_OVERDUE,
        STEP_HOLDER,
        STEP_SUPERIOR,
        escalate,
        sent_escalations,
    )

    desk = Office.from_environment().desk(pdf=False)
    p = ahome.people
    t0 = wib(2026, 11, 16, 8)  # Monday 08:00 WIB: received and checked complete
    reg = make_application(desk.settings, seed=5, received=t0)
    with desk.db.begin() as session:
        session.execute(
            update(register.IntakeEvent).where(register.IntakeEvent.reg_no == reg).values(at=t0)
        )
    _advance(desk, t0)
    start(desk, reg)
    _advance(desk, t0 + timedelta(minutes=2))
    act(
        desk, reg, sign_in(desk, p["back_office"]), APPROVE
    )  # draft on time; now at the Analis Muda (5 min)

    def run(at: datetime) -> list[str]:
        return [e.threshold for e in escalate(desk, at)]

    assert run(t0 + timedelta(minutes=5)) == []
    assert run(t0 + timedelta(minutes=10)) == [STEP_HOLDER]  # 8 min > 5
    assert run(t0 + timedelta(minutes=10)) == []  # twice: once
    assert run(t0 + timedelta(minutes=30)) == []
    assert run(t0 + timedelta(minutes=80)) == [STEP_SUPERIOR]  # 78 > 5 x 2 + 60
    assert run(t0 + timedelta(minutes=81)) == []
    assert run(wib(2026, 11, 17, 11)) == []  # 690 working minutes on the file's clock
    assert run(wib(2026, 11, 18, 7, 45)) == [FILE_NEARING]  # 1005 >= 0.75 x 1020
    assert run(wib(2026, 11, 18, 8)) == []
    # past 2 working days, two monitors at the same moment: one escalation
    at = wib(2026, 11, 19, 8)
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(run(at))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(x for r in results for x in r) == [FILE_OVERDUE]
    assert run(at + timedelta(hours=1)) == []
    assert run(wib(2026, 11, 25, 10)) == []

    with desk.db() as session:
        rows = sent_escalations(session, reg)
        notes = session.scalars(
            select(Notification).where(Notification.kind == "eskalasi").order_by(Notification.id)
        ).all()
        card = control_card.entries(session, reg)
        problems = control_card.verify(session, reg, settings=desk.settings)[reg]
    assert [r.threshold for r in rows] == [STEP_HOLDER, STEP_SUPERIOR, FILE_NEARING, FILE_OVERDUE]
    muda, madya = p["analis_ahli_muda"], p["analis_ahli_madya"]
    assert [r.recipients for r in rows] == [muda, madya, muda, f"{muda},{madya}"]
    assert len(notes) == 5 and len({n.key for n in notes}) == 5
    assert all(reg in n.text and "Yth." in n.text for n in notes)
    esc = [e for e in card if e.action == "eskalasi"]
    assert [e.seq for e in esc] == [r.card_seq for r in rows]
    assert all(isinstance(e, CardEntry) and e.channel == "sla" for e in esc)
    assert "Ahli Madya" in esc[1].outcome and problems == []
    # the chain goes on; the card (with the escalation lines) still renders
    _advance(desk, wib(2026, 11, 25, 10, 30))
    act(desk, reg, sign_in(desk, muda), APPROVE)
    assert write_card(desk, reg, pdf=False)


def test_escalation_pauses_while_with_the_applicant(ahome: Home) -> None:
    """A return to the applicant stops the file's clock until the file comes back."""
    import pandas as pd

    from loket.calendar.loading import office_calendar
    from loket.sla.tracking import RETURN_TO_APPLICANT, clock_minutes

    cal = office_calendar(ahome.rules / "calendar")
    t0 = wib(2026, 11, 16, 8)

    def e(seq: int, action: str, a: datetime, b: datetime) -> dict[str, object]:
        return {
            "reg_no": "R",
            "seq": seq,
            "sop_step": None,
            "action": action,
            "role": "back_office",
            "actor_nip": None,
            "actor_name": "x",
            "received_at": a.replace(tzinfo=None) - timedelta(0),
            "handed_over_at": b.replace(tzinfo=None),
        }

    u = lambda d: d.astimezone(UTC).replace(tzinfo=None)  # noqa: E731
    rows = [
        e(1, "pemeriksaan", u(t0), u(t0)),
        e(2, RETURN_TO_APPLICANT, u(t0 + timedelta(hours=1)), u(t0 + timedelta(hours=1))),
        e(3, "draf", u(wib(2026, 11, 18, 8)), u(wib(2026, 11, 18, 8, 2))),
    ]
    frame = pd.DataFrame(rows)
    for c in ("received_at", "handed_over_at"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[us]")
    # 60 minutes before the return + 2 hours after the file came back (Wed 08:00-10:00)
    assert clock_minutes(frame, cal, until=wib(2026, 11, 18, 10)) == pytest.approx(180)


def test_deployments_and_first_working_day(ahome: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows import sla

    monkeypatch.setenv(sla.INTERVAL_ENV, "20")
    deps = {d.name: d for d in sla.deployments()}
    assert set(deps) == {"pemantauan-sla", "laporan-sla-bulanan", "laporan-sla-mingguan"}
    interval = deps["pemantauan-sla"].schedules[0].schedule
    assert interval.interval == timedelta(minutes=20) and interval.timezone == "Asia/Jakarta"
    cron = deps["laporan-sla-bulanan"].schedules[0].schedule
    assert cron.cron == "0 7 * * *" and cron.timezone == "Asia/Jakarta"
    monkeypatch.delenv(sla.INTERVAL_ENV)
    assert sla.interval_minutes() == 15
    # 1 January is a holiday: the first working day of 2026 is later
    first = sla.first_working_day_of_month(date(2026, 1, 20))
    assert first is not None and first > date(2026, 1, 1)
    from loket.calendar.loading import office_calendar

    cal = office_calendar(ahome.rules / "calendar")
    assert cal.is_working_day(first)
    assert not any(cal.is_working_day(date(2026, 1, d)) for d in range(1, first.day))
    assert sla.first_working_day_of_week(date(2026, 11, 19)) == date(2026, 11, 16)


def test_cli_report_and_escalate(ahome: Home, history) -> None:  # type: ignore[no-untyped-def]
    import typer
    from typer.testing import CliRunner

    from loket.cli.sla import report_app, sla_app

    app = typer.Typer()
    app.add_typer(report_app, name="report")
    app.add_typer(sla_app, name="sla")
    runner = CliRunner()
    res = runner.invoke(app, ["report", "sla", "--month", "2026-13"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["sla", "escalate", "--now", "2026-11-16T09:00"])
    assert res.exit_code == 0, res.output
    assert "Tidak ada peringatan baru" in res.output
    res = runner.invoke(
        app, ["report", "sla", "--week", "2026-W46", "--cutoff", "2026-11-20T07:00", "--no-pdf"]
    )
    assert res.exit_code == 0, res.output
    out = ahome.outbox / "reports" / "2026-W46" / "laporan-sla-2026-W46.xlsx"
    assert out.is_file() and "0 berkas" in res.output
    assert "belum ada izin terbit yang terukur" in res.output and not NAN.search(res.output)


def test_rules_check_knows_sla_yaml(ahome: Home) -> None:
    import loket.cli.sla  # noqa: F401  (registers the schema)
    from loket.office.rulesets import check_file

    assert check_file(ahome.rules / "sla.yaml") == []
    bad = ahome.rules / "sla.yaml"
    bad.write_text(bad.read_text("utf-8").replace("interval_minutes: 15", "interval_minutes: 0"))
    assert any("interval_minutes" in line for line in check_file(bad))


@pytest.mark.e2e
def test_scheduled_report_flows_act_on_first_working_day(ahome: Home, prefect_server) -> None:  # type: ignore[no-untyped-def]
    from flows.sla import monthly_sla_report, sla_monitor, weekly_sla_report

    # 2 December 2026 (Wednesday) is not the first working day of December
    assert monthly_sla_report(now=wib(2026, 12, 2, 7))["skipped"] is True
    done = monthly_sla_report(now=wib(2026, 12, 1, 7), pdf=False)
    assert done["period"] == "2026-11" and done["covered"] == 0
    assert (ahome.outbox / "reports" / "2026-11" / "laporan-sla-2026-11.xlsx").is_file()
    assert weekly_sla_report(now=wib(2026, 12, 2, 7))["skipped"] is True
    week = weekly_sla_report(now=wib(2026, 11, 30, 7), pdf=False)
    assert week["period"] == "2026-W48"
    assert sla_monitor(now=wib(2026, 11, 30, 9))["sent"] == 0
