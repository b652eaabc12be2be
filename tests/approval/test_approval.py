"""Approval chain, control card, numbering and delivery guarantees — without Prefect.

Applications are written by code (register row, complete checklist.json, pages.json); the
officials are generated. PDF conversion (LibreOffice) only where a test looks at a PDF.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from loket.approval import keyring_for
from loket.calendar import office_calendar
from loket.office import Office
from tests.approval.approval_helpers import Home, contact, make_application, make_home
from tests.identity.helpers import cheap_argon2, log_in_everyone, sign_in

APPROVE, RETURN = "setuju", "kembalikan"


@pytest.fixture
def ahome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)
    return make_home(tmp_path, monkeypatch)


@pytest.fixture
def desk(ahome: Home):  # type: ignore[no-untyped-def]
    """The desk, every official signed in (a ``loket login`` session each, so that the CLI
    commands of these tests authenticate without a passphrase on stdin)."""

    desk = Office.from_environment().desk(pdf=False)
    log_in_everyone(desk, ahome.people.by_role.values())
    return desk


def _cli():  # type: ignore[no-untyped-def]
    import typer

    from loket.cli.approval import mount
    from loket.cli.card import mount as mount_card

    app = typer.Typer()
    mount(app)
    mount_card(app)
    return app


def _through(desk, reg_no: str, people, roles: list[str]) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.acts import act

    for role in roles:
        act(desk, reg_no, sign_in(desk, people[role]), APPROVE)


CHAIN = [
    "back_office",
    "analis_ahli_muda",
    "analis_ahli_madya",
    "sekretaris",
    "kepala_dinas",
    "petugas_penomoran",
]


def test_rules_files_check(ahome: Home) -> None:
    from loket.approval.chain import Action, load_chain
    from loket.office.rulesets import check_file

    repo = Path(__file__).resolve().parents[2] / "rules"
    for name in ("alur-persetujuan.yaml", "notifikasi.yaml"):
        assert check_file(repo / name) == []
    chain = load_chain(repo / "alur-persetujuan.yaml").for_service("izin-kerja-radiografer")
    assert [s.action for s in chain.steps] == [
        Action.draf,
        Action.paraf,
        Action.paraf,
        Action.paraf,
        Action.tanda_tangan,
        Action.penomoran,
        Action.penyerahan,
    ]
    assert [s.norm.label for s in chain.steps] == [
        "3 menit",
        "5 menit",
        "10 menit",
        "10 menit",
        "1 hari kerja",
        "3 menit",
        "1 menit",
    ]
    assert chain.format_number(year=2026, seq=7) == "503/DPMPTSP/SIKR/2026/0007"
    # a broken file names the line and the fix
    bad = ahome.rules / "alur-persetujuan.yaml"
    bad.write_text(bad.read_text("utf-8").replace("action: penomoran", "action: nomor"), "utf-8")
    problems = check_file(bad)
    assert problems and ":" in problems[0] and "fix:" in problems[0]
    # norms count office working time (rules/calendar): Friday 15:00 WIB + 1 working day is
    # Monday 15:00 WIB; Friday 15:55 WIB + 10 minutes is Monday 07:35 WIB
    cal = office_calendar(ahome.rules / "calendar")
    friday = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    assert chain.steps[4].norm.due(friday, cal) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    late_friday = datetime(2026, 11, 27, 8, 55, tzinfo=UTC)
    assert chain.steps[3].norm.due(late_friday, cal) == datetime(2026, 11, 30, 0, 35, tzinfo=UTC)


def test_contact_from_letter_and_ktp() -> None:
    from loket.approval.permit import find_address, find_phone

    doc = {
        "pages": [
            {
                "doc_type": "surat_permohonan",
                "text": (
                    "Nama : Siti\nAlamat : Jl. Kuantan Raya No. 12, RT 003/RW 001,\n"
                    "Kel. Sekip, Kec. Lima Puluh\nNo. HP : 0812-7654-3210\nTempat Kerja : RS X"
                ),
            }
        ]
    }
    assert find_phone(doc) == "081276543210"
    assert (
        find_address(doc) == "Jl. Kuantan Raya No. 12, RT 003/RW 001, Kel. Sekip, Kec. Lima Puluh"
    )
    ktp = {
        "pages": [
            {
                "doc_type": "ktp",
                "text": (
                    "NIK : 1471..\nAlamat : JL. MERDEKA NO. 5\nRT/RW : 002/004\n"
                    "Kel/Desa : SUKAJADI\nKecamatan : SUKAJADI"
                ),
            }
        ]
    }
    assert find_phone(ktp) is None
    assert find_address(ktp) == (
        "JL. MERDEKA NO. 5, RT/RW 002/004, Kel. Sukajadi, Kec. Sukajadi, Kota Pekanbaru"
    )
    assert (
        find_phone({"pages": [{"doc_type": "surat_permohonan", "text": "HP: +62 811 7515 133"}]})
        == "08117515133"
    )
    # a table's colon read with stray quotes and digits before the number (real tesseract on
    # a generated letter, seed 7104)
    noisy = {"pages": [{"doc_type": "surat_permohonan", "text": ". No. HP ‘ : “23 087857183213"}]}
    assert find_phone(noisy) == "087857183213"
    for text in (
        "No. HP :\nNIK 1471020812850001",  # no number: not the next line's NIK
        "HP : NIK 1471020812850001",
        "No. HP : - NIK 1471020812850001",
        "HP : Tgl 08121990 1234",
        "HP Ibu: 081234567890",  # someone else's number
        "Telepon Rumah: 081234567890",
        "lihat whatsapp.com/0812345678",
        "No. HP : 1471020812850001",  # a NIK where the number should be
    ):
        assert find_phone({"pages": [{"doc_type": "surat_permohonan", "text": text}]}) is None, text
    two = "No. HP Suami : 081234567890\nNo. HP : 085211112222"
    assert find_phone({"pages": [{"doc_type": "surat_permohonan", "text": two}]}) == "085211112222"


def test_start_requires_a_complete_checklist(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.refusal import ApprovalError
    from loket.approval.start import start

    reg_no = make_application(desk.settings, seed=1)
    path = desk.folder(reg_no) / "checklist.json"
    data = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**data, "verdict": "incomplete"}), "utf-8")
    with pytest.raises(ApprovalError, match="belum lengkap"):
        start(desk, reg_no)
    path.write_text(json.dumps(data), "utf-8")
    first = start(desk, reg_no)
    again = start(desk, reg_no)
    assert again.next_task == first.next_task  # idempotent
    assert (desk.folder(reg_no) / "draft.docx").is_file()
    packet = desk.settings.outbox_dir / "reviews" / "back_office" / reg_no
    assert {"draft.docx", "checklist.json", "pages.json", "tugas.txt"} <= {
        p.name for p in packet.iterdir()
    }
    with desk.db() as session:
        from loket.approval import control_card

        entries = control_card.entries(session, reg_no)
    assert [(e.sop_step, e.action) for e in entries] == [(1, "penerimaan"), (2, "pemeriksaan")]


def test_wrong_role_is_refused_recorded_and_changes_nothing(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.acts import act
    from loket.approval.desk import attempts_of, open_task
    from loket.approval.refusal import Refused
    from loket.approval.start import start
    from loket.identity import AuthError

    p = ahome.people
    reg_no = make_application(desk.settings, seed=2)
    start(desk, reg_no)
    _through(desk, reg_no, p, ["back_office"])
    with desk.db() as session:
        before = (open_task(session, reg_no).id, len(control_card.entries(session, reg_no)))
    for intruder in ("analis_ahli_madya", "kepala_dinas", "front_office"):
        with pytest.raises(Refused, match="bukan JF Analis Kebijakan Ahli Muda"):
            act(desk, reg_no, sign_in(desk, p[intruder]), APPROVE)
    # a NIP not in officials.yaml cannot authenticate; a typed NIP is not an actor at all
    with pytest.raises(AuthError, match="tidak terdaftar"):
        sign_in(desk, "199901012020121999")
    with pytest.raises(TypeError, match="authenticated"):
        act(desk, reg_no, "199901012020121999", APPROVE)
    # the CLI refuses with the same message and exit code 3
    result = CliRunner().invoke(_cli(), ["approve", reg_no, "--as", p["sekretaris"], "--no-resume"])
    assert result.exit_code == 3 and "Ditolak" in result.output
    with desk.db() as session:
        task = open_task(session, reg_no)
        assert (task.id, len(control_card.entries(session, reg_no))) == before
        assert task.role == "analis_ahli_muda"
        refused = attempts_of(session, reg_no)
    assert [a.actor_nip for a in refused] == [
        p["analis_ahli_madya"],
        p["kepala_dinas"],
        p["front_office"],
        p["sekretaris"],
    ]
    assert all("Ditolak" in a.message or "tidak terdaftar" in a.message for a in refused)
    # a decision pinned to a task that is no longer open is refused, not applied elsewhere
    act(desk, reg_no, sign_in(desk, p["analis_ahli_muda"]), APPROVE)
    with pytest.raises(Refused, match="sudah diputuskan"):
        act(
            desk,
            reg_no,
            sign_in(desk, p["analis_ahli_madya"]),
            APPROVE,
            task_id=task.id,
            channel="prefect",
        )


def _delegate(ahome: Home, principal: str, delegate: str, start, end) -> None:  # type: ignore[no-untyped-def]
    """officials.yaml: ``delegate`` is Plh. of ``principal`` from ``start`` to ``end``."""
    import yaml

    path = ahome.rules / "officials.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for o in data["officials"]:
        if o["role"] == principal:
            o["delegations"] = [
                {
                    "nip": ahome.people[delegate],
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                    "decree": "800/SK-PLH/DPMPTSP/2026/017",
                }
            ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _today(desk):  # type: ignore[no-untyped-def]
    from loket.common.clock import to_wib

    return to_wib(desk.now()).date()


def test_delegate_acts_as_plh_and_is_recorded(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.acts import act
    from loket.approval.desk import get
    from loket.approval.start import start

    p = ahome.people
    today = _today(desk)
    # the Kepala Bidang is Plh. Sekretaris for these days; the Sekretaris is Plh. of the Kadis
    _delegate(ahome, "sekretaris", "kepala_bidang", today - timedelta(days=1), today)
    desk = Office.from_environment().desk(pdf=False)
    reg_no = make_application(desk.settings, seed=3)
    start(desk, reg_no)
    _through(desk, reg_no, p, CHAIN[:3])
    act(desk, reg_no, sign_in(desk, p["kepala_bidang"]), APPROVE, note="Sekretaris dinas luar")
    act(desk, reg_no, sign_in(desk, p["sekretaris"]), APPROVE, note="Kepala Dinas cuti")
    with desk.db() as session:
        entries = control_card.entries(session, reg_no)
        appr = get(session, reg_no)
    assert [(e.role, e.actor_nip, e.acting) for e in entries[-2:]] == [
        ("sekretaris", p["kepala_bidang"], "Plh."),
        ("kepala_dinas", p["sekretaris"], "Plh."),
    ]
    assert (appr.signer_nip, appr.signer_acting) == (p["sekretaris"], "Plh.")
    _through(desk, reg_no, p, ["petugas_penomoran"])
    from docx import Document

    signature = Document(str(desk.folder(reg_no) / "permit.docx")).tables[-1]
    text = "\n".join(c.text for c in signature._cells)
    assert "Plh. KEPALA DINAS" in text and ahome.people.names["sekretaris"] in text


@pytest.mark.parametrize("days", [(-10, -1), (1, 5)], ids=["expired", "future"])
def test_delegation_outside_its_dates_does_not_authorise(ahome: Home, desk, days) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.acts import act
    from loket.approval.desk import attempts_of, open_task
    from loket.approval.refusal import Refused
    from loket.approval.start import start

    p = ahome.people
    today = _today(desk)
    first, last = (today + timedelta(days=d) for d in days)
    _delegate(ahome, "sekretaris", "kepala_bidang", first, last)
    desk = Office.from_environment().desk(pdf=False)
    reg_no = make_application(desk.settings, seed=31)
    start(desk, reg_no)
    _through(desk, reg_no, p, CHAIN[:3])
    with pytest.raises(Refused, match="di luar masa penunjukan") as refused:
        act(desk, reg_no, sign_in(desk, p["kepala_bidang"]), APPROVE)
    assert f"{first:%d-%m-%Y} s.d. {last:%d-%m-%Y}" in str(refused.value)
    assert "800/SK-PLH/DPMPTSP/2026/017" in str(refused.value)
    with desk.db() as session:
        assert open_task(session, reg_no).role == "sekretaris"
        assert [a.actor_nip for a in attempts_of(session, reg_no)] == [p["kepala_bidang"]]


def test_delegation_schema_names_file_line_and_fix(ahome: Home) -> None:
    from loket.approval.officials import load_officials
    from loket.common.rulesfile import RulesError

    path = ahome.rules / "officials.yaml"
    text = path.read_text(encoding="utf-8")
    nip = ahome.people["kepala_bidang"]
    bad = text.replace(
        "role: sekretaris\n",
        "role: sekretaris\n  delegations:\n  - {nip: '" + nip + "', start: 2026-12-09, "
        "end: 2026-12-01, decree: 800/SK/1}\n",
    )
    assert bad != text
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RulesError, match=r"officials.yaml:\d+: .*before start.*swap them"):
        load_officials(path)
    path.write_text(bad.replace("decree: 800/SK/1", "decre: x"), encoding="utf-8")
    with pytest.raises(RulesError, match=r"officials.yaml:\d+: .*decree"):
        load_officials(path)


def test_one_person_gives_one_decision_per_file(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    """Separation of duties: the Analis Madya initialled, then tries again as the configured
    Plh. Sekretaris; the Sekretaris initialled, then tries to sign as Plh. Kepala Dinas."""
    from loket.approval import control_card
    from loket.approval.acts import act
    from loket.approval.desk import attempts_of, open_task
    from loket.approval.refusal import Refused
    from loket.approval.start import start
    from loket.approval.tasks import list_tasks

    p = ahome.people
    reg_no = make_application(desk.settings, seed=32)
    start(desk, reg_no)
    _through(desk, reg_no, p, CHAIN[:3])
    with desk.db() as session:
        before = len(control_card.entries(session, reg_no))
    for decision, note in ((APPROVE, None), (RETURN, "cek lagi")):
        with pytest.raises(Refused, match=r"pemisahan tugas.*Paraf"):
            act(desk, reg_no, sign_in(desk, p["analis_ahli_madya"]), decision, note=note)
    _through(desk, reg_no, p, ["sekretaris"])
    with pytest.raises(Refused, match="pemisahan tugas"):
        act(desk, reg_no, sign_in(desk, p["sekretaris"]), APPROVE)
    # the CLI refuses alike (exit 3), and every refusal is on the file's record
    r = CliRunner().invoke(_cli(), ["approve", reg_no, "--as", p["sekretaris"], "--no-resume"])
    assert r.exit_code == 3 and "pemisahan tugas" in r.output
    with desk.db() as session:
        assert open_task(session, reg_no).role == "kepala_dinas"
        assert len(control_card.entries(session, reg_no)) == before + 1
        refused = attempts_of(session, reg_no)
    assert [a.actor_nip for a in refused] == [p["analis_ahli_madya"]] * 2 + [p["sekretaris"]] * 2
    # loket tasks does not offer them the file either; the holder sees it
    assert list_tasks(desk, p["sekretaris"]) == []
    assert [t.reg_no for t in list_tasks(desk, p["kepala_dinas"])] == [reg_no]
    # the holders themselves go on; deciding a step again after a return is the same duty
    _through(desk, reg_no, p, ["kepala_dinas", "petugas_penomoran"])


def test_return_and_resume(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.acts import act
    from loket.approval.desk import open_task, tasks_of
    from loket.approval.documents import standing
    from loket.approval.refusal import ApprovalError
    from loket.approval.start import redraft, start
    from loket.approval.tasks import list_tasks

    p = ahome.people
    reg_no = make_application(desk.settings, seed=4)
    start(desk, reg_no)
    _through(desk, reg_no, p, CHAIN[:3])  # back office, Muda, Madya
    with pytest.raises(ApprovalError, match="catatan"):
        act(desk, reg_no, sign_in(desk, p["sekretaris"]), RETURN)
    out = act(
        desk,
        reg_no,
        sign_in(desk, p["sekretaris"]),
        RETURN,
        note="Nama tempat kerja kurang lengkap",
    )
    assert out.next_role == "analis_ahli_madya"
    mine = list_tasks(desk, p["analis_ahli_madya"])
    assert [t.incoming_note for t in mine] == ["Nama tempat kerja kurang lengkap"]
    # Madya sends it further back to the back office, which fixes the draft
    act(
        desk,
        reg_no,
        sign_in(desk, p["analis_ahli_madya"]),
        RETURN,
        note="Perbaiki nama RS",
        to_first=True,
    )
    with pytest.raises(ApprovalError, match="tidak dapat dikembalikan"):
        act(desk, reg_no, sign_in(desk, p["back_office"]), RETURN, note="x")
    redraft(
        desk,
        reg_no,
        sign_in(desk, p["back_office"]),
        bap="BAP/44/TT/2026",
        corrections={"workplace": "RSUD Arifin Achmad Provinsi Riau (Instalasi Radiologi)"},
    )
    with pytest.raises(ApprovalError, match="tidak dapat diubah"):
        redraft(desk, reg_no, sign_in(desk, p["back_office"]), corrections={"number": "1"})
    # continues from there: every desk from the back office on acts again
    _through(desk, reg_no, p, CHAIN)
    with desk.db() as session:
        entries = control_card.entries(session, reg_no)
        history = tasks_of(session, reg_no)
        assert open_task(session, reg_no).role == "front_office"
        assert standing(history, 1) is not None
    roles = [e.role for e in entries[2:]]
    assert roles == [
        "back_office",
        "analis_ahli_muda",
        "analis_ahli_madya",
        "sekretaris",
        "analis_ahli_madya",
        *CHAIN,
    ]
    returned = [e for e in entries if e.outcome.startswith("dikembalikan")]
    assert [e.note for e in returned] == ["Nama tempat kerja kurang lengkap", "Perbaiki nama RS"]
    from docx import Document

    body = "\n".join(
        c.text for t in Document(str(desk.folder(reg_no) / "permit.docx")).tables for c in t._cells
    )
    assert "(Instalasi Radiologi)" in body
    # a paraf given before a return does not stand on the draft until given again
    fresh = make_application(desk.settings, seed=40)
    start(desk, fresh)
    _through(desk, fresh, p, CHAIN[:3])
    act(desk, fresh, sign_in(desk, p["sekretaris"]), RETURN, note="cek", to_first=True)
    with desk.db() as session:
        history = tasks_of(session, fresh)
    assert [standing(history, i) is None for i in range(3)] == [True, True, True]


def _number_all(db, chain, reg_nos: list[str]) -> tuple[list[str], float]:  # type: ignore[no-untyped-def]
    from loket.approval.numbering import assign_number, with_retries
    from loket.common.settings import load_settings

    settings = load_settings()
    barrier = threading.Barrier(len(reg_nos))
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    at = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)

    def one(reg_no: str) -> None:
        try:
            barrier.wait()
            permit = with_retries(
                db,
                lambda s: (
                    assign_number(
                        s,
                        chain,
                        service="izin-kerja-radiografer",
                        reg_no=reg_no,
                        at=at,
                        settings=settings,
                    ).number
                ),
            )
            with lock:
                numbers.append(permit)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(r,)) for r in reg_nos]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return numbers, time.perf_counter() - t0


def _check_consecutive(numbers: list[str], n: int) -> None:
    assert len(numbers) == n and len(set(numbers)) == n
    seqs = sorted(int(x.rsplit("/", 1)[1]) for x in numbers)
    assert seqs == list(range(1, n + 1))
    assert all(x.startswith("503/DPMPTSP/SIKR/2026/") for x in numbers)


def test_fifty_concurrent_numberings_sqlite(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.models import Permit

    chain = desk.chain("izin-kerja-radiografer")
    numbers, seconds = _number_all(desk.db, chain, [f"SIKR-2026-{i:06d}" for i in range(1, 51)])
    _check_consecutive(numbers, 50)
    print(f"50 concurrent numberings on SQLite: {seconds:.2f} s")
    # numbering the same permit again returns its number, it never takes a second one
    again, _ = _number_all(desk.db, chain, ["SIKR-2026-000001"] * 5)
    assert len(set(again)) == 1
    with desk.db() as session:
        assert len(session.scalars(select(Permit)).all()) == 50


@pytest.mark.e2e
def test_fifty_concurrent_numberings_postgres(ahome: Home, postgres_url: str) -> None:
    from sqlalchemy.orm import sessionmaker

    from loket.approval.chain import load_chain
    from loket.common.db import make_engine, migrate

    engine = make_engine(postgres_url)
    migrate(engine)  # every migration, 0003 included, on PostgreSQL
    db = sessionmaker(engine, expire_on_commit=False)
    chain = load_chain(ahome.rules / "alur-persetujuan.yaml").for_service("izin-kerja-radiografer")
    numbers, seconds = _number_all(db, chain, [f"SIKR-2026-{i:06d}" for i in range(1, 51)])
    _check_consecutive(numbers, 50)
    print(f"50 concurrent numberings on PostgreSQL: {seconds:.2f} s")
    engine.dispose()


def test_tampered_card_is_detected(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.models import CardEntry
    from loket.approval.start import start

    p = ahome.people
    regs = [make_application(desk.settings, seed=s) for s in (5, 6, 7)]
    for r in regs:
        start(desk, r)
        _through(desk, r, p, CHAIN[:3])
    cli = _cli()
    ok = CliRunner().invoke(cli, ["card", "verify"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("utuh") == 3
    edited, middle, last = regs
    with desk.db.begin() as session:
        session.execute(
            update(CardEntry)
            .where(CardEntry.reg_no == edited, CardEntry.seq == 3)
            .values(note="diubah belakangan")
        )
        session.execute(delete(CardEntry).where(CardEntry.reg_no == middle, CardEntry.seq == 2))
        session.execute(delete(CardEntry).where(CardEntry.reg_no == last, CardEntry.seq == 5))
    with desk.db() as session:
        report = control_card.verify(session, settings=desk.settings)
    assert any("#3: isi diubah" in x for x in report[edited])
    assert any("#2" in x and "hilang" in x for x in report[middle])
    assert any("entri terakhir dihapus" in x for x in report[last])
    bad = CliRunner().invoke(cli, ["card", "verify"])
    assert bad.exit_code == 1
    shown = CliRunner().invoke(cli, ["card", edited])
    assert shown.exit_code == 1 and "RUSAK" in shown.output
    # an edit that also recomputes the entry's own hash breaks the link of the next entry
    with desk.db.begin() as session:
        e = session.scalars(
            select(CardEntry).where(CardEntry.reg_no == edited, CardEntry.seq == 3)
        ).one()
        e.hash = control_card.entry_hash(e, e.prev_hash, keyring_for(desk.settings))
    with desk.db() as session:
        assert any(
            "#4: tidak tersambung" in x
            for x in control_card.verify(session, edited, settings=desk.settings)[edited]
        )


def test_notifications_retry_and_missing_phone(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import notify
    from loket.approval.desk import get
    from loket.approval.models import Notification
    from loket.approval.start import start

    p = ahome.people
    reg_no = make_application(desk.settings, seed=8)
    start(desk, reg_no)
    _through(desk, reg_no, p, CHAIN)

    class Flaky:
        name = "flaky"

        def __init__(self) -> None:
            self.calls = 0

        def send(self, message: notify.Outgoing) -> str:
            self.calls += 1
            raise notify.NotifyError("gateway timeout")

    flaky = Flaky()
    t0 = datetime.now(UTC)
    assert [s.ok for s in notify.dispatch(desk.db, flaky, desk.notify_rules, now=t0)] == [False]
    assert notify.dispatch(desk.db, flaky, desk.notify_rules, now=t0 + timedelta(seconds=30)) == []
    with desk.db() as session:
        row = session.scalars(select(Notification).where(Notification.reg_no == reg_no)).one()
        assert (row.status, row.attempts, row.last_error) == (
            notify.PENDING,
            1,
            "NotifyError: gateway timeout",
        )
    files = notify.FileNotifier(desk.settings.outbox_dir / "notifications")
    sent = notify.dispatch(desk.db, files, desk.notify_rules, now=t0 + timedelta(minutes=2))
    assert [s.ok for s in sent] == [True] and flaky.calls == 1
    phone, _ = contact(desk.settings, reg_no)
    text = Path(sent[0].detail).read_text("utf-8")
    assert f"Kepada (No. HP) : {phone}" in text and "sudah selesai" in text
    assert notify.dispatch(desk.db, files, desk.notify_rules, now=t0 + timedelta(hours=9)) == []
    # no phone in the letter: recorded as missing, not sent, sent once a number is given
    silent = make_application(desk.settings, seed=9, phone=False)
    start(desk, silent)
    _through(desk, silent, p, CHAIN)
    with desk.db() as session:
        assert get(session, silent).phone is None
        row = session.scalars(select(Notification).where(Notification.reg_no == silent)).one()
        assert row.status == notify.NO_PHONE
    assert notify.dispatch(desk.db, files, desk.notify_rules) == []
    from loket.complaints.control_card import collect_control_card

    with desk.db() as session:  # the card as a complaint collects it
        card = collect_control_card(session, silent, settings=desk.settings)
    assert "nomor HP pemohon tidak ditemukan" in (card.entries[1]["note"] or "")
    assert card.permit_number and card.approval_status == "selesai" and card.integrity == []
    done = CliRunner().invoke(_cli(), ["delivery", "phone", silent, "0813 1111 2222"])
    assert done.exit_code == 0, done.output
    assert [s.ok for s in notify.dispatch(desk.db, files, desk.notify_rules)] == [True]


def test_http_channel_posts_and_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx

    from loket.approval import notify

    cfg = notify.HttpChannel(
        kind="http",
        url="https://sms.example/api",
        headers={"Authorization": "Bearer {env:T}"},
        json_body={"to": "{phone}", "text": "{text}"},
    )
    monkeypatch.setenv("T", "rahasia")
    seen = {}

    def fake(method, url, **kw):  # type: ignore[no-untyped-def]
        seen.update(kw, method=method, url=url)
        return httpx.Response(503 if seen.get("fail") else 200, text="ok")

    msg = notify.Outgoing(1, "k", "SIKR-2026-000001", "siap", "0812", "Halo", datetime.now(UTC))
    assert notify.HttpNotifier(cfg, fake).send(msg).startswith("HTTP 200")
    assert seen["json"] == {"to": "0812", "text": "Halo"}
    assert seen["headers"]["Authorization"] == "Bearer rahasia"
    seen["fail"] = True
    with pytest.raises(notify.NotifyError, match="503"):
        notify.HttpNotifier(cfg, fake).send(msg)


@pytest.mark.e2e
def test_uncollected_letter_generated_exactly_once(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    from loket.approval.acts import collected
    from loket.approval.delivery import issue_uncollected_letters
    from loket.approval.models import DeliveryLetter
    from loket.approval.start import start

    p = ahome.people
    done = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
    desk.clock = lambda: done
    regs = [make_application(desk.settings, seed=s) for s in (11, 12, 13)]
    for r in regs:
        start(desk, r)
        _through(desk, r, p, CHAIN)
    waiting, fetched, recent = regs
    collected(desk, fetched, sign_in(desk, p["front_office"]), receiver="Kuasa: Budi (surat kuasa)")
    with desk.db.begin() as session:  # `recent` was completed 20 days later
        from loket.approval.models import Approval

        session.execute(
            update(Approval)
            .where(Approval.reg_no == recent)
            .values(completed_at=done + timedelta(days=20))
        )
    assert issue_uncollected_letters(desk, done + timedelta(days=29)) == []
    desk.pdf = True
    month_later = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    # two daily checks at the same moment, then the next days: one letter, once
    results: list = []
    threads = [
        threading.Thread(
            target=lambda: results.append(issue_uncollected_letters(desk, month_later))
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    letters = [x for batch in results for x in batch if x.new]
    assert [x.reg_no for x in letters] == [waiting]
    assert issue_uncollected_letters(desk, month_later + timedelta(days=1)) == []
    assert issue_uncollected_letters(desk, month_later + timedelta(days=40))[0].reg_no == recent
    with desk.db() as session:
        rows = session.scalars(select(DeliveryLetter).order_by(DeliveryLetter.id)).all()
    assert [r.reg_no for r in rows] == [waiting, recent]
    folder = desk.folder(waiting)
    assert (folder / "surat-pemberitahuan.pdf").read_bytes().startswith(b"%PDF")
    text = "\n".join(
        par.text for par in Document(str(folder / "surat-pemberitahuan.docx")).paragraphs
    )
    _, address = contact(desk.settings, waiting)
    assert address in text and "belum diambil" in text and "{{" not in text
    # a lost file is made again, not a second letter
    (folder / "surat-pemberitahuan.docx").unlink()
    again = issue_uncollected_letters(desk, month_later + timedelta(days=2))
    assert [(x.reg_no, x.new) for x in again] == [(waiting, False)]


def test_cli_tasks_approve_return_card_collected(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.start import start

    p = ahome.people
    reg_no = make_application(desk.settings, seed=14)
    start(desk, reg_no)
    cli = _cli()
    run = CliRunner(env={"COLUMNS": "400"})
    listed = run.invoke(cli, ["tasks", "--as", p["back_office"]])
    assert reg_no in listed.output and "Back Office" in listed.output
    assert reg_no not in run.invoke(cli, ["tasks", "--as", p["kepala_dinas"]]).output
    for role in CHAIN[:2]:
        r = run.invoke(cli, ["approve", reg_no, "--as", p[role], "--no-resume"])
        assert r.exit_code == 0, r.output
    r = run.invoke(
        cli,
        [
            "return",
            reg_no,
            "--as",
            p["analis_ahli_madya"],
            "--note",
            "STR belum dilegalisir?",
            "--no-resume",
        ],
    )
    assert r.exit_code == 0 and "dikembalikan" in r.output
    assert (
        "STR belum dilegalisir?" in run.invoke(cli, ["tasks", "--as", p["analis_ahli_muda"]]).output
    )
    early = run.invoke(cli, ["collected", reg_no, "--as", p["front_office"], "--no-pdf"])
    assert early.exit_code == 1 and "belum selesai" in early.output
    shown = run.invoke(cli, ["card", reg_no])
    assert shown.exit_code == 0 and "Rantai hash utuh" in shown.output
    status = run.invoke(cli, ["approval", "status", reg_no])
    assert "Menunggu" in status.output and "Ahli Muda" in status.output


def test_review_packet_has_page_thumbnails(ahome: Home, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw

    from loket.approval.acts import act
    from loket.approval.start import start
    from loket.intake import archive, register

    reg_no = make_application(desk.settings, seed=15)
    pages = []
    for i, colour in enumerate(("white", "lightyellow")):
        img = Image.new("RGB", (1240, 1754), colour)
        ImageDraw.Draw(img).text((100, 100), f"Halaman {i + 1}", fill="black")
        pages.append(img)
    scan = tmp_path / "scan.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=150)
    sha, size = archive.store(desk.settings.archive_dir, scan)
    with desk.db.begin() as session:
        app = register.get(session, reg_no)
        session.add(
            register.ArchivedFile(
                application_id=app.id,
                relpath="berkas/scan.pdf",
                sha256=sha,
                size=size,
                kind="pdf",
                page_count=2,
            )
        )
    pages_json = desk.folder(reg_no) / "pages.json"
    doc = json.loads(pages_json.read_text("utf-8"))
    doc["pages"] += [
        {"file": "berkas/scan.pdf", "page": 1, "doc_type": "ktp", "text": ""},
        {"file": "berkas/scan.pdf", "page": 2, "doc_type": "str", "text": ""},
    ]
    pages_json.write_text(json.dumps(doc), "utf-8")
    start(desk, reg_no)
    act(desk, reg_no, sign_in(desk, ahome.people["back_office"]), APPROVE)
    packet = desk.settings.outbox_dir / "reviews" / "analis_ahli_muda" / reg_no
    listed = json.loads((packet / "pages.json").read_text("utf-8"))["pages"]
    scans = [p for p in listed if p["file"] == "berkas/scan.pdf"]
    assert [(p["page"], p["doc_type"]) for p in scans] == [(1, "ktp"), (2, "str")]
    for p in scans:
        with Image.open(packet / "halaman" / p["image"]) as im:
            assert max(im.size) <= 720 and im.size[0] <= 360
    assert "Paraf JF Analis Kebijakan Ahli Muda" in (packet / "tugas.txt").read_text("utf-8")
    assert not (desk.settings.outbox_dir / "reviews" / "back_office" / reg_no).exists()


def test_a_stale_input_on_the_wait_key_gets_a_fresh_key(
    ahome: Home, desk, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A resume that raced with the run's move to the next desk (CLI decision, reattach)
    leaves input for the closed task under the new wait's key. The run notes it against the
    open task and waits on a fresh key; before, every re-run read the same input again and
    the run spun, refusing it (seen in CI: a restarted runner's reattach and the CLI)."""
    import logging
    from types import SimpleNamespace

    import flows.approval as fa
    from loket.approval.start import start
    from loket.approval.waiting import waiting_for

    p = ahome.people
    reg_no = make_application(desk.settings, seed=5)
    start(desk, reg_no)
    closed = waiting_for(desk, reg_no)
    _through(desk, reg_no, p, ["back_office"])  # decided by the CLI; the run missed it
    open_now = waiting_for(desk, reg_no)
    keys: list[str] = []

    class Parked(Exception):
        pass

    from loket.identity import mint_token

    token = mint_token(desk.gate(), sign_in(desk, p["back_office"]), closed.task_id, APPROVE)

    def suspend(wait_for_input: object, key: str, timeout: object) -> object:
        keys.append(key)
        if len(keys) == 1:  # the late resume, meant for the back office's task, landed here
            return fa.Keputusan(
                nip=p["back_office"], keputusan=APPROVE, tugas=closed.task_id, token=token
            )
        raise Parked  # the run now waits for a real decision

    monkeypatch.setattr(fa, "suspend_flow_run", suspend)
    monkeypatch.setattr(fa, "get_run_logger", lambda: logging.getLogger("test"))
    monkeypatch.setattr(fa, "current_run", SimpleNamespace(id="run-1"))
    with pytest.raises(Parked):
        fa.approval_flow.fn(reg_no)
    assert keys[0] == open_now.key
    assert len(keys) == 2 and keys[1] != keys[0]
    assert keys[1].startswith(f"tugas-{open_now.task_id}-")
    assert waiting_for(desk, reg_no).step.code == open_now.step.code  # nothing decided


def test_flow_acts_only_with_a_valid_decision_token(
    ahome: Home, desk, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Prefect's resume API believes any input: the run acts only on one carrying a token
    loket minted after the official authenticated, for that task, official and decision,
    once. Forged, mismatched and replayed inputs are refused, recorded on the task, and the
    run waits again on a fresh key."""
    import logging
    from types import SimpleNamespace

    import flows.approval as fa
    from loket.approval.desk import attempts_of, open_task
    from loket.approval.start import start
    from loket.approval.waiting import waiting_for
    from loket.identity import mint_token, recent_events

    p = ahome.people
    reg_no = make_application(desk.settings, seed=6)
    start(desk, reg_no)
    task = waiting_for(desk, reg_no).task_id
    bo, kadis = p["back_office"], p["kepala_dinas"]
    good = mint_token(desk.gate(), sign_in(desk, bo), task, APPROVE)
    for_return = mint_token(desk.gate(), sign_in(desk, bo), task, RETURN)

    def form(nip: str, token: str) -> object:
        return fa.Keputusan(nip=nip, keputusan=APPROVE, tugas=task, token=token)

    inputs = [
        form(bo, ""),  # the UI form, or a forged POST .../resume: no token
        form(kadis, good),  # someone else's NIP with the back office's token
        form(bo, for_return),  # a token for another decision
        form(bo, good.split(".")[0] + "." + "0" * 64),  # a forged HMAC
        form(bo, good),  # the real one
        form(bo, good),  # replayed on the next desk
    ]
    keys: list[str] = []

    class Parked(Exception):
        pass

    def suspend(wait_for_input: object, key: str, timeout: object) -> object:
        keys.append(key)
        if inputs:
            return inputs.pop(0)
        raise Parked

    monkeypatch.setattr(fa, "suspend_flow_run", suspend)
    monkeypatch.setattr(fa, "get_run_logger", lambda: logging.getLogger("test"))
    monkeypatch.setattr(fa, "current_run", SimpleNamespace(id="run-1"))
    with pytest.raises(Parked):
        fa.approval_flow.fn(reg_no)
    assert len(keys) == 7 and len(set(keys)) == 7  # every refused input moved the key on
    with desk.db() as session:
        assert open_task(session, reg_no).role == "analis_ahli_muda"  # only the real one acted
        refused = [a.message for a in attempts_of(session, reg_no)]
        events = [e.kind for e in recent_events(session, limit=100)]
    assert len(refused) == 5 and all(m.startswith("Ditolak") for m in refused[:4])
    assert "tanpa token" in refused[0] and "palsu" in refused[1] and "palsu" in refused[3]
    assert "sudah dipakai" in refused[4] or "palsu" in refused[4]
    assert events.count("token-ditolak") == 5 and events.count("token-dibuat") == 2
