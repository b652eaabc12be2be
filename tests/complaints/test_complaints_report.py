"""Monthly complaint report: figures, review by the Sekretaris (or Plh.), and the CLI."""

# ruff: noqa: F811  (pytest fixtures are imported from tests/conftest_complaints.py)

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loket.approval.officials import load_officials
from loket.common.clock import WIB, to_wib
from loket.complaints.book import NewComplaint, add_complaint, answer, coordinate
from loket.complaints.deadlines import is_overdue
from loket.complaints.errors import ComplaintError
from loket.complaints.models import APPROVED, DRAFT, RETURNED, STATUS_ANSWERED, Complaint
from loket.complaints.report import draft, previous_month
from loket.complaints.report_data import UNCONFIRMED, build_data
from loket.complaints.report_files import render_monthly_report
from loket.complaints.review import attempts, review
from loket.complaints.rules import ComplaintRules, load_complaint_rules
from loket.identity import AuthError
from tests.conftest_complaints import (  # noqa: F401  (fixtures)
    Home,
    c_home,
    c_session,
    cli,
    make_survey,
    office_parts,
    write_sms_csv,
    write_survey,
)
from tests.identity.helpers import actor_for, log_in

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=WIB)


@pytest.fixture
def rules(c_home: Home) -> ComplaintRules:
    return load_complaint_rules(c_home.rules / "complaints.yaml")


@pytest.fixture
def officials(c_home: Home):  # type: ignore[no-untyped-def]
    return load_officials(c_home.rules / "officials.yaml")


def populate(c_home: Home, session, rules, officials, seed: int = 5) -> list[Complaint]:
    """Random complaints in October and November 2026, some answered, some coordinated."""
    rng = random.Random(seed)
    officer = actor_for(officials, c_home.people["petugas_pengaduan"])
    made = []
    for i in range(24):
        month = 10 if i < 4 else 11
        received = datetime(2026, month, rng.randint(1, 28), rng.randint(7, 16), 0, tzinfo=WIB)
        weight = rng.choice([None, "ringan", "ringan", "sedang", "berat"])
        c = add_complaint(
            session,
            rules,
            NewComplaint(
                channel=rng.choice(list(rules.channels)),
                complainant_name=f"Pengadu {i}",
                subject=f"Perihal {i}",
                text=rng.choice(
                    ["Izin belum selesai", "Mohon informasi", "Ada pungli", "Saran: tambah kursi"]
                ),
                type=rng.choice(list(rules.types)),
                received_at=received,
                weight=weight,
                handler=officer,
                email=f"p{i}@contoh.test",
                phone="0812",
            ),
            store=c_home.var / "complaints",
            **office_parts(c_home),
        )
        if weight and rng.random() < 0.6:
            for step in rules.weights[weight].coordination:
                coordinate(session, c, role=step[0], by=officer, note="ok", party_name="Pejabat")
            when = received + timedelta(days=rng.choice([1, 2, 5, 12, 20]))
            answer(session, rules, c, f"Jawaban {i}", by=officer, at=min(when, NOW))
        made.append(c)
    session.commit()
    return made


def test_report_figures_match_the_register(c_home: Home, c_session, rules, officials) -> None:
    made = populate(c_home, c_session, rules, officials)
    data = build_data(c_session, rules, "2026-11", now=NOW)
    november = [c for c in made if to_wib(c.received_at).month == 11]
    assert data["total"] == len(november) == 20
    rekap = data["rekap"]
    assert isinstance(rekap, list)

    def section(name: str) -> dict[str, int]:
        out, current = {}, None
        for r in rekap:
            current = r["kategori"] or current
            if current == name:
                out[r["uraian"]] = r["jumlah"]
        return out

    channels = Counter(rules.channel_label(c.channel) for c in november)
    assert {k: v for k, v in section("Media").items() if v} == dict(channels)
    assert sum(section("Jenis").values()) == 20
    weights = Counter(rules.weight_label(c.weight) if c.weight else UNCONFIRMED for c in november)
    assert {k: v for k, v in section("Bobot").items() if v} == dict(weights)
    answered = [c for c in november if c.status == STATUS_ANSWERED]
    assert data["dijawab"] == len(answered) and data["belum_dijawab"] == 20 - len(answered)
    late = [c for c in november if is_overdue(c, NOW)]
    assert data["terlambat_bulan_ini"] == len(late)
    waktu = {w["bobot"]: w for w in data["waktu"]}  # type: ignore[union-attr]
    assert waktu["Jumlah"]["dijawab"] == len(answered)
    if answered:
        spans = [(c.answered_at - c.received_at).total_seconds() / 86400 for c in answered]
        assert waktu["Jumlah"]["rata"] == f"{sum(spans) / len(spans):.1f}".replace(".", ",")
    # the list has every November complaint, in order of receipt
    assert [c["nomor"] for c in data["daftar"]] == [  # type: ignore[union-attr]
        c.number for c in sorted(november, key=lambda c: (c.received_at, c.id))
    ]
    # overdue: this month's late ones plus October's still unanswered past their deadline
    carried = [
        c
        for c in made
        if to_wib(c.received_at).month == 10 and c.status != STATUS_ANSWERED and is_overdue(c, NOW)
    ]
    assert {c["nomor"] for c in data["lewat"]} == {c.number for c in late + carried}  # type: ignore[union-attr]

    # the XLSX carries the days as numbers an officer can compute with
    from openpyxl import load_workbook

    files = render_monthly_report(data, c_home.outbox / "t", version=1, pdf=False)
    wb = load_workbook(next(f for f in files if f.suffix == ".xlsx"))
    overdue = wb["Melewati Batas Waktu"]
    days = [row[6] for row in overdue.iter_rows(min_row=2)]
    assert len(days) == len(late + carried)
    for cell, entry in zip(days, data["lewat"], strict=True):  # type: ignore[arg-type]
        assert isinstance(cell.value, float) and cell.number_format == "0.0"
        assert f"{cell.value:.1f}".replace(".", ",") == entry["hari"]
    if answered:
        total = next(
            r for r in wb["Waktu Tanggapan"].iter_rows(min_row=2) if r[0].value == "Jumlah"
        )
        assert total[4].value == pytest.approx(sum(spans) / len(spans), abs=0.05)
        listed = [r[13].value for r in wb["Daftar Pengaduan"].iter_rows(min_row=2)]
        assert sum(v is not None for v in listed) == len(answered)
    # a snapshot saved before the numbers were kept (text only) renders the same numbers
    old = json.loads(json.dumps(data, default=str))
    for section_name in ("waktu", "daftar", "lewat"):
        for entry in old[section_name]:
            for key in [k for k in entry if k.endswith("_angka")]:
                del entry[key]
    again = render_monthly_report(old, c_home.outbox / "t-old", version=1, pdf=False)
    wb_old = load_workbook(next(f for f in again if f.suffix == ".xlsx"))
    for name in ("Waktu Tanggapan", "Daftar Pengaduan", "Melewati Batas Waktu"):
        now_values = [[c.value for c in r] for r in wb[name].iter_rows()]
        assert [[c.value for c in r] for r in wb_old[name].iter_rows()] == now_values


def test_review_chain(c_home: Home, c_session, rules, officials) -> None:
    p = c_home.people
    who = {
        nip: actor_for(officials, nip)
        for nip in (p["kepala_dinas"], p["front_office"], p["sekretaris"], p["analis_ahli_madya"])
    }
    populate(c_home, c_session, rules, officials)
    drafts = c_home.var / "reports" / "drafts"
    final = c_home.outbox / "reports" / "2026-11"
    with pytest.raises(ComplaintError):
        draft(c_session, rules, "2026-13", drafts_root=drafts, pdf=False)
    record, files = draft(
        c_session,
        rules,
        "2026-11",
        drafts_root=drafts,
        maker=officials.by_nip(p["petugas_pengaduan"]),
        pdf=False,
    )
    c_session.commit()
    assert record.version == 1 and record.status == DRAFT
    assert all(f.parent == drafts / "2026-11" / "v1" for f in files)
    assert not final.exists()

    # someone else: refused, nothing changed, attempt recorded
    for nip in (p["kepala_dinas"], p["front_office"]):
        out = review(
            c_session, officials, "2026-11", who[nip], "approve", outbox=c_home.outbox, pdf=False
        )
        c_session.commit()
        assert not out.allowed and "Ditolak" in out.message
    # a NIP not in officials.yaml never becomes an actor; a typed NIP is refused outright
    with pytest.raises(AuthError, match="tidak terdaftar"):
        actor_for(officials, "199001012020011001")
    with pytest.raises(TypeError, match="authenticated"):
        review(c_session, officials, "2026-11", p["sekretaris"], "approve", outbox=c_home.outbox)
    assert record.status == DRAFT and record.reviewed_by_nip is None
    assert not final.exists()
    tried = attempts(c_session, "2026-11")
    assert [(a.actor_nip, a.allowed) for a in tried] == [
        (p["kepala_dinas"], False),
        (p["front_office"], False),
    ]

    # the Sekretaris returns it; a note is required
    out = review(
        c_session, officials, "2026-11", who[p["sekretaris"]], "return", outbox=c_home.outbox
    )
    assert not out.allowed and "Catatan" in out.message
    out = review(
        c_session,
        officials,
        "2026-11",
        who[p["sekretaris"]],
        "return",
        outbox=c_home.outbox,
        note="Lengkapi jawaban yang kosong",
    )
    c_session.commit()
    assert out.allowed and record.status == RETURNED
    out = review(
        c_session,
        officials,
        "2026-11",
        who[p["sekretaris"]],
        "approve",
        outbox=c_home.outbox,
        pdf=False,
    )
    assert not out.allowed and "dikembalikan" in out.message

    second, _ = draft(c_session, rules, "2026-11", drafts_root=drafts, pdf=False)
    assert second.version == 2
    assert any("Lengkapi jawaban yang kosong" in n for n in second.data["catatan"])

    # the delegate approves as Plh.; only now the report is in the outbox
    out = review(
        c_session,
        officials,
        "2026-11",
        who[p["analis_ahli_madya"]],
        "approve",
        outbox=c_home.outbox,
        pdf=False,
    )
    c_session.commit()
    assert out.allowed and second.status == APPROVED
    assert second.reviewed_as == "Plh. Sekretaris"
    assert sorted(f.name for f in final.iterdir()) == [
        "Laporan-Pengaduan-2026-11.docx",
        "Laporan-Pengaduan-2026-11.xlsx",
    ]
    from docx import Document

    doc = Document(str(final / "Laporan-Pengaduan-2026-11.docx"))
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    text = "\n".join(x.text for x in doc.paragraphs)
    assert "Plh. Sekretaris" in cells and c_home.people.names["analis_ahli_madya"] in cells
    assert "BELUM DISETUJUI" not in text
    draft_doc = Document(str(drafts / "2026-11" / "v2" / "Laporan-Pengaduan-2026-11.docx"))
    assert "BELUM DISETUJUI" in "\n".join(x.text for x in draft_doc.paragraphs)
    out = review(
        c_session,
        officials,
        "2026-11",
        who[p["sekretaris"]],
        "approve",
        outbox=c_home.outbox,
        pdf=False,
    )
    assert not out.allowed and "sudah disetujui" in out.message


def flat(res) -> str:  # type: ignore[no-untyped-def]
    """CLI output with rich's line wrapping undone."""
    return " ".join(res.output.split())


def test_previous_month() -> None:
    assert previous_month(datetime(2026, 1, 1, 7, 0, tzinfo=WIB)) == "2025-12"
    assert previous_month(datetime(2026, 11, 1, 0, 30, tzinfo=WIB)) == "2026-10"


# ---------------------------------------------------------------------------------------
# CLI


def test_cli_complaint_lifecycle(c_home: Home, cli, tmp_path: Path, officials) -> None:
    runner = CliRunner()
    p = c_home.people
    # the officers signed in (loket login) this morning: no passphrase on stdin below
    log_in(officials, [p["petugas_pengaduan"], p["back_office"], p["sekretaris"]])
    env = {"LOKET_NIP": p["petugas_pengaduan"]}
    # interactive: prompts in Bahasa Indonesia, weight suggestion confirmed by the officer
    typed = (
        "\n".join(
            [
                "surat",
                "Budi",
                "0812",
                "",
                "Jl. Melati 5",
                "Izin terlambat",
                "Permohonan SIKR-2026-000001 terlambat",
                "",
                "pengaduan",
                "",
            ]
        )
        + "\n"
    )
    res = runner.invoke(
        cli, ["complaint", "add", "--received", "2026-11-03 09:00"], input=typed, env=env
    )
    assert res.exit_code == 0, res.output
    assert "Nama pengadu" in flat(res) and "Saran bobot: Sedang" in flat(res)
    assert "PGD-2026-000001" in flat(res)
    # flags only
    res = runner.invoke(
        cli,
        [
            "complaint",
            "add",
            "--channel",
            "telepon",
            "--name",
            "Ani",
            "--phone",
            "0813",
            "--subject",
            "Jam layanan",
            "--text",
            "Mohon informasi jam layanan",
            "--weight",
            "ringan",
            "--received",
            "2026-11-04 10:00",
            "--no-input",
        ],
        env=env,
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["complaint", "answer", "PGD-2026-000001", "--text", "x"], env=env)
    # the weight was confirmed at the prompt (sedang): coordination comes first
    assert res.exit_code == 1 and "dikoordinasikan" in flat(res)
    res = runner.invoke(
        cli,
        [
            "complaint",
            "coordinate",
            "PGD-2026-000001",
            "--role",
            "kepala_bidang",
            "--note",
            "Dicek",
        ],
        env=env,
    )
    assert res.exit_code == 0 and "Masih perlu: Kepala Dinas" in flat(res)
    res = runner.invoke(cli, ["complaint", "list", "--month", "2026-11"], env=env)
    assert res.exit_code == 0 and "2 pengaduan" in flat(res)
    res = runner.invoke(cli, ["complaint", "show", "PGD-2026-000001"], env=env)
    assert res.exit_code == 0 and "Koordinasi yang wajib" in flat(res)
    assert "SIKR-2026-000001" in flat(res)
    res = runner.invoke(
        cli,
        ["complaint", "answer", "PGD-2026-000002", "--text", "Senin-Jumat 08.00-15.00"],
        env=env,
    )
    assert res.exit_code == 0, res.output
    assert (
        c_home.outbox / "pengaduan" / "PGD-2026-000002" / "tanggapan-PGD-2026-000002-catatan.txt"
    ).is_file()

    sms = write_sms_csv(
        tmp_path / "sms.csv",
        [
            {"date": "2026-11-05 08:00", "from": "0811", "body": "Ada calo di loket"},
            {"date": "??", "from": "0812", "body": "x"},
        ],
    )
    res = runner.invoke(cli, ["complaint", "import-sms", str(sms)], env=env)
    assert res.exit_code == 0 and "1 tercatat" in flat(res) and "sms.csv:3" in flat(res)

    # report: draft, refused approval (exit 3), approval by the Sekretaris
    res = runner.invoke(cli, ["complaints", "report", "--month", "2026-11", "--no-pdf"], env=env)
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        cli, ["complaints", "approve", "--month", "2026-11", "--nip", p["back_office"], "--no-pdf"]
    )
    assert res.exit_code == 3 and "Ditolak" in flat(res)
    assert not (c_home.outbox / "reports" / "2026-11").exists()
    res = runner.invoke(
        cli, ["complaints", "approve", "--month", "2026-11", "--nip", p["sekretaris"], "--no-pdf"]
    )
    assert res.exit_code == 0, res.output
    assert (c_home.outbox / "reports" / "2026-11" / "Laporan-Pengaduan-2026-11.xlsx").is_file()
    res = runner.invoke(cli, ["complaints", "status", "--month", "2026-11"])
    assert "DITOLAK" in flat(res) and "disetujui" in flat(res)


def test_cli_skm(c_home: Home, cli, tmp_path: Path) -> None:
    runner = CliRunner()
    rows = make_survey(90, 4)
    rows[0]["U5"] = 7
    path = write_survey(tmp_path / "skm.xlsx", rows)
    res = runner.invoke(cli, ["skm", "import", str(path)])
    assert res.exit_code == 0, res.output
    assert "89 responden sah" in flat(res) and "Baris 2" in flat(res)
    res = runner.invoke(cli, ["skm", "import", str(path)])
    assert res.exit_code == 1 and "sudah diimpor" in flat(res)
    res = runner.invoke(cli, ["skm", "report", "--year", "2026", "--population", "120", "--no-pdf"])
    assert res.exit_code == 0, res.output
    assert "IKM 2026" in flat(res) and "kurang dari sampel minimum 92" in flat(res)
    assert (c_home.outbox / "reports" / "2026" / "Laporan-SKM-2026.docx").is_file()
    res = runner.invoke(cli, ["skm", "report", "--year", "2020", "--no-pdf"])
    assert res.exit_code == 1 and "belum ada data" in flat(res)
