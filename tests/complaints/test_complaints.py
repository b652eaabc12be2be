"""Complaint register: rules, officials, suggestions, routing, deadlines, intake, replies."""

# ruff: noqa: F811  (pytest fixtures are imported from tests/conftest_complaints.py)

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from loket.approval.officials import NotAuthorized, Role, authorize, load_officials
from loket.calendar import CALENDAR_DIR, WorkCalendar, office_calendar
from loket.common.clock import WIB, to_wib
from loket.common.rulesfile import RulesError
from loket.common.settings import load_settings
from loket.complaints.book import (
    NewComplaint,
    add_complaint,
    answer,
    confirm_weight,
    coordinate,
    routing,
)
from loket.complaints.control_card import collect_control_card
from loket.complaints.deadlines import due_at, is_overdue
from loket.complaints.errors import ComplaintError
from loket.complaints.importing import import_eml_folder
from loket.complaints.models import STATUS_ANSWERED, STATUS_IN_PROGRESS, STATUS_NEW, Complaint
from loket.complaints.reply import draft_reply
from loket.complaints.rules import ComplaintRules, Deadline, load_complaint_rules
from loket.complaints.sms import import_sms_csv, parse_sms_time
from loket.complaints.suggestions import find_reg_no, suggest_type, suggest_weight
from tests.conftest_complaints import (  # noqa: F401  (fixtures)
    REPO,
    Home,
    c_home,
    c_session,
    make_eml,
    office_parts,
    rules,
    write_sms_csv,
)
from tests.identity.helpers import actor_for

#: The repository's office calendar (rules/calendar/): its holidays and cuti bersama.
REPO_CALENDAR = office_calendar(REPO / "rules" / CALENDAR_DIR)


def _calendar(c_home: Home) -> WorkCalendar:
    """The calendar of ``c_home``'s office, as ``loket complaint confirm`` hands it over."""
    return office_parts(c_home)["calendar"]  # type: ignore[return-value]


@pytest.fixture
def officials(c_home: Home):  # type: ignore[no-untyped-def]
    return load_officials(c_home.rules / "officials.yaml")


def _new(**kw: object) -> NewComplaint:
    base: dict[str, object] = {
        "channel": "tatap_muka",
        "complainant_name": "Pengadu Uji",
        "subject": "Perihal uji",
        "text": "Isi uji",
        "received_at": datetime(2026, 11, 2, 9, 0, tzinfo=WIB),
    }
    base.update(kw)
    return NewComplaint(**base)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# rules files


def test_repository_rules_load() -> None:
    rules = load_complaint_rules(REPO / "rules" / "complaints.yaml")
    assert set(rules.weights) == {"ringan", "sedang", "berat"}
    assert rules.weights["sedang"].coordination == [[Role.kepala_bidang], [Role.kepala_dinas]]
    assert rules.channels["email"].reply == "email"
    officials = load_officials(REPO / "rules" / "officials.yaml")
    assert officials.holder(Role.sekretaris) is not None
    assert officials.holder(Role.kepala_dinas) is not None


def test_broken_complaint_rules_name_file_and_line(tmp_path: Path) -> None:
    text = (REPO / "rules" / "complaints.yaml").read_text(encoding="utf-8")
    bad = text.replace(
        "deadline: {days: 7, working_days: true}", "deadline: {days: tujuh, working_days: true}"
    )
    assert bad != text
    line = next(i for i, s in enumerate(bad.splitlines(), 1) if "tujuh" in s)
    path = tmp_path / "complaints.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_complaint_rules(path)
    assert f"complaints.yaml:{line}: weights.sedang.deadline.days" in str(err.value)


def test_unknown_role_in_routing_is_refused(tmp_path: Path) -> None:
    text = (REPO / "rules" / "complaints.yaml").read_text(encoding="utf-8")
    path = tmp_path / "complaints.yaml"
    path.write_text(text.replace("- [kepala_bidang]", "- [walikota]"), encoding="utf-8")
    with pytest.raises(RulesError, match="coordination"):
        load_complaint_rules(path)


def test_officials_file_checks(tmp_path: Path) -> None:
    path = tmp_path / "officials.yaml"
    path.write_text(
        "officials:\n"
        "  - {name: Ani, nip: '197501012000031001', role: sekretaris, delegations: [{nip: "
        "'199901012020121001', start: 2026-01-01, end: 2026-12-31, decree: 800/SK/1}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesError, match=r"delegation to 199901012020121001 .*not listed"):
        load_officials(path)
    # the undated delegate_nip of old files no longer loads (it would authorise for ever)
    path.write_text(
        "officials:\n"
        "  - {name: Ani, nip: '197501012000031001', role: sekretaris, delegate_nip: "
        "'199901012020121002'}\n"
        "  - {name: Budi, nip: '199901012020121002', role: analis_ahli_madya}\n",
        encoding="utf-8",
    )
    with pytest.raises(RulesError, match=r"officials.yaml:2: .*delegate_nip"):
        load_officials(path)
    path.write_text("officials:\n  - {name: Ani, nip: '1975', role: sekretaris}\n", "utf-8")
    with pytest.raises(RulesError, match=r"officials.yaml:2: officials.0.nip"):
        load_officials(path)


def test_authorize_holder_delegate_and_refusal(c_home: Home, officials) -> None:
    p = c_home.people
    own = authorize(officials, p["sekretaris"], Role.sekretaris)
    assert own.acting is None and own.label == "Sekretaris"
    plh = authorize(officials, p["analis_ahli_madya"], Role.sekretaris)
    assert plh.acting == "Plh." and plh.label == "Plh. Sekretaris"
    assert plh.principal.nip == p["sekretaris"]
    with pytest.raises(NotAuthorized, match="bukan Sekretaris"):
        authorize(officials, p["front_office"], Role.sekretaris)
    with pytest.raises(NotAuthorized, match="tidak terdaftar"):
        authorize(officials, "199912312020121999", Role.sekretaris)


# ---------------------------------------------------------------------------------------
# suggestions


def test_weight_suggestion(rules: ComplaintRules) -> None:
    heavy = suggest_weight(rules, "Izin saya terlambat dan saya dimintai uang oleh calo")
    assert heavy.value == "berat"
    assert "dimintai uang" in heavy.matched and "calo" in heavy.matched
    medium = suggest_weight(rules, "Ada keterlambatan penerbitan izin")
    assert medium.value == "sedang" and medium.matched == ["keterlambatan"]
    light = suggest_weight(rules, "Mohon informasi jam layanan")
    assert light.value == "ringan" and light.matched
    none = suggest_weight(rules, "Terima kasih atas pelayanannya")
    assert none.value == rules.default_weight and none.matched == []
    # whole words: "calon" is not "calo", "palsunya" is not "palsu"
    assert suggest_weight(rules, "Saya calon pemohon baru").value != "berat"


def test_type_suggestion(rules: ComplaintRules) -> None:
    assert suggest_type(rules, "Saran saya sebaiknya ada antrian online").value == "saran"
    assert suggest_type(rules, "Sekadar masukan untuk loket").value == "masukan"
    assert suggest_type(rules, "Izin saya belum selesai").value == "pengaduan"


def test_find_registration_number() -> None:
    assert find_reg_no("Permohonan sikr-2026-000123 belum selesai", "SIKR") == "SIKR-2026-000123"
    assert find_reg_no("nomor SIKR/2026/000045.", "SIKR") == "SIKR-2026-000045"
    assert find_reg_no("nomor SIKR-2026-0001234", "SIKR") is None
    assert find_reg_no("tidak ada nomor", "SIKR") is None


# ---------------------------------------------------------------------------------------
# deadlines


def test_deadline_skips_weekend_holidays_and_cuti_bersama(rules: ComplaintRules) -> None:
    # Tue 17 March 2026; 18 Mar cuti bersama Nyepi, 19 Nyepi, 20 cuti bersama Idul Fitri,
    # 21-22 weekend/Idul Fitri, 23-24 cuti bersama: working days 25, 26, 27 March.
    received = datetime(2026, 3, 17, 10, 0, tzinfo=WIB)
    due = due_at(rules, "ringan", received, REPO_CALENDAR).astimezone(WIB)
    assert (due.date().isoformat(), due.hour, due.minute) == ("2026-03-27", 23, 59)
    # Fri 27 Nov 2026 + 7 working days: Mon 30 Nov, Dec 1, 2, 3, 4, 7, 8
    due = due_at(rules, "sedang", datetime(2026, 11, 27, 16, 0, tzinfo=WIB), REPO_CALENDAR)
    assert due.astimezone(WIB).date().isoformat() == "2026-12-08"


def test_calendar_days_deadline(rules: ComplaintRules) -> None:
    rules.weights["ringan"].deadline = Deadline(days=3, working_days=False)
    due = due_at(rules, "ringan", datetime(2026, 3, 17, 10, 0, tzinfo=WIB), REPO_CALENDAR)
    assert due.astimezone(WIB).date().isoformat() == "2026-03-20"


# ---------------------------------------------------------------------------------------
# register


def test_add_numbers_and_control_card(c_home: Home, c_session, rules) -> None:
    from loket.intake import register

    app = register.register(
        c_session,
        prefix="SIKR",
        service="izin-kerja-radiografer",
        source="inbox/berkas-a",
        files=[register.FileRecord("a.pdf", "ab" * 32, 100)],
        received_at=datetime(2026, 10, 30, 1, 0, tzinfo=UTC),
    )
    register.log(c_session, "processed", "inbox/berkas-a", app.reg_no, {"pages": 3})
    store = c_home.var / "complaints"
    first = add_complaint(
        c_session,
        rules,
        _new(text=f"Permohonan {app.reg_no} saya terlambat, belum selesai"),
        store=store,
        **office_parts(c_home),
    )
    second = add_complaint(
        c_session,
        rules,
        _new(related_reg_no="SIKR-2026-999999"),
        store=store,
        **office_parts(c_home),
    )
    c_session.commit()
    assert (first.number, second.number) == ("PGD-2026-000001", "PGD-2026-000002")
    assert first.related_reg_no == app.reg_no
    assert first.weight is None and first.weight_suggested == "sedang"
    assert first.status == STATUS_NEW
    card_att = next(a for a in first.attachments if a.kind == "kartu_kendali")
    card = json.loads((store / card_att.relpath).read_text(encoding="utf-8"))
    assert card["found"] is True
    assert card["application"]["reg_no"] == app.reg_no
    assert [e["kind"] for e in card["events"]] == ["registered", "processed"]
    missing = next(a for a in second.attachments if a.kind == "kartu_kendali")
    assert json.loads((store / missing.relpath).read_text())["found"] is False
    direct = collect_control_card(c_session, app.reg_no, settings=load_settings())
    assert direct.found and len(direct.events) == 2


def test_unknown_channel_or_weight_refused(c_home: Home, c_session, rules) -> None:
    store = c_home.var / "complaints"
    with pytest.raises(ComplaintError, match="media"):
        add_complaint(
            c_session, rules, _new(channel="merpati"), store=store, **office_parts(c_home)
        )
    with pytest.raises(ComplaintError, match="bobot"):
        add_complaint(c_session, rules, _new(weight="parah"), store=store, **office_parts(c_home))


def test_routing_sedang_requires_both_steps(c_home: Home, c_session, rules, officials) -> None:
    p = c_home.people
    officer = actor_for(officials, p["petugas_pengaduan"])
    c = add_complaint(
        c_session,
        rules,
        _new(text="Izin tidak jelas dan berbelit-belit"),
        store=c_home.var / "complaints",
        **office_parts(c_home),
    )
    with pytest.raises(ComplaintError, match="belum dikonfirmasi"):
        answer(c_session, rules, c, "Jawaban", by=officer)
    confirm_weight(c_session, rules, c, "sedang", officer, calendar=_calendar(c_home))
    assert c.status == STATUS_IN_PROGRESS
    route = routing(rules, c)
    assert [s.roles for s in route] == [[Role.kepala_bidang], [Role.kepala_dinas]]
    assert all(s.done is None for s in route)
    with pytest.raises(ComplaintError, match="Kepala Bidang; Kepala Dinas"):
        answer(c_session, rules, c, "Jawaban", by=officer)
    kadis = officials.by_nip(p["kepala_dinas"])
    with pytest.raises(ComplaintError, match="bukan Kepala Bidang"):
        coordinate(c_session, c, role="kepala_bidang", by=officer, note="x", party=kadis)
    coordinate(
        c_session,
        c,
        role="kepala_bidang",
        by=officer,
        note="Diperiksa",
        party=officials.by_nip(p["kepala_bidang"]),
    )
    with pytest.raises(ComplaintError, match="Kepala Dinas"):
        answer(c_session, rules, c, "Jawaban", by=officer)
    coordinate(c_session, c, role="kepala_dinas", by=officer, note="Setuju", party=kadis)
    assert all(s.done is not None for s in routing(rules, c))
    answer(c_session, rules, c, "Izin Saudara selesai hari ini.", by=officer)
    assert c.status == STATUS_ANSWERED and c.answered_by_nip == officer.nip
    assert [s.kind for s in c.steps] == ["diterima", "bobot", "koordinasi", "koordinasi", "jawaban"]
    with pytest.raises(ComplaintError, match="sudah dijawab"):
        confirm_weight(c_session, rules, c, "ringan", officer, calendar=_calendar(c_home))


def test_routing_berat_either_assistant_or_sekda(c_home: Home, c_session, rules, officials) -> None:
    p = c_home.people
    officer = actor_for(officials, p["petugas_pengaduan"])
    c = add_complaint(
        c_session,
        rules,
        _new(text="Ada pungli", weight="berat", handler=officer),
        store=c_home.var / "complaints",
        **office_parts(c_home),
    )
    assert c.status == STATUS_IN_PROGRESS and c.weight_confirmed_by == officer.nip
    coordinate(c_session, c, role="kepala_dinas", by=officer, note="Dibahas")
    coordinate(
        c_session,
        c,
        role="asisten_walikota",
        by=officer,
        note="Diteruskan",
        party_name="Asisten I Setdako",
    )
    answer(c_session, rules, c, "Ditindaklanjuti Inspektorat.", by=officer)
    assert c.status == STATUS_ANSWERED


def test_ringan_answered_directly_and_overdue(c_home: Home, c_session, rules, officials) -> None:
    officer = actor_for(officials, c_home.people["petugas_pengaduan"])
    received = datetime(2026, 11, 2, 9, 0, tzinfo=WIB)  # Monday; 3 working days -> Thu 5th
    c = add_complaint(
        c_session,
        rules,
        _new(weight="ringan", received_at=received),
        store=c_home.var / "complaints",
        **office_parts(c_home),
    )
    assert routing(rules, c) == []
    before = datetime(2026, 11, 5, 23, 0, tzinfo=WIB)
    after = datetime(2026, 11, 6, 0, 1, tzinfo=WIB)
    assert not is_overdue(c, before)
    assert is_overdue(c, after)
    answer(c_session, rules, c, "Sudah dijawab", by=officer, at=before)
    assert not is_overdue(c, after + timedelta(days=30))


# ---------------------------------------------------------------------------------------
# intake: e-mail and SMS


def test_eml_drop_folder(c_home: Home, c_session, rules) -> None:
    folder = c_home.root / "inbox" / "pengaduan-email"
    folder.mkdir()
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 8
    (folder / "a.eml").write_bytes(
        make_eml(
            sender="Rina Lestari",
            address="rina@contoh.test",
            subject="Permohonan SIKR-2026-000077 terlambat",
            body="Sudah seminggu belum selesai. Terlampir tanda terima.",
            when=datetime(2026, 11, 4, 8, 30, tzinfo=WIB),
            attachments=[
                ("tanda terima.pdf", pdf, "application/pdf"),
                ("foto.jpg", b"\xff\xd8\xff" + b"0" * 50, "image/jpeg"),
            ],
        )
    )
    (folder / "b.eml").write_bytes(
        make_eml(
            sender="Tono",
            address="tono@contoh.test",
            subject="Saran ruang tunggu",
            body="Saran saya sebaiknya ruang tunggu diberi AC &amp; kursi tambahan.",
            when=datetime(2026, 11, 6, 14, 0, tzinfo=WIB),
            html=True,
        )
    )
    (folder / "rusak.eml").write_bytes(b"")
    store = c_home.var / "complaints"
    result = import_eml_folder(
        c_session, rules, folder, store=store, reg_prefix="SIKR", **office_parts(c_home)
    )
    c_session.commit()
    assert len(result.created) == 2
    a, b = result.created
    assert (a.complainant_name, a.complainant_email) == ("Rina Lestari", "rina@contoh.test")
    assert a.channel == "email" and a.related_reg_no == "SIKR-2026-000077"
    assert a.weight_suggested == "sedang" and a.weight is None
    assert to_wib(a.received_at) == datetime(2026, 11, 4, 8, 30, tzinfo=WIB)
    kinds = sorted((x.kind, x.filename) for x in a.attachments)
    assert kinds == [
        ("kartu_kendali", "kartu-kendali-SIKR-2026-000077.json"),
        ("lampiran", "foto.jpg"),
        ("lampiran", "tanda terima.pdf"),
        ("pesan_asli", "a.eml"),
    ]
    kept = next(x for x in a.attachments if x.filename == "tanda terima.pdf")
    assert (store / kept.relpath).read_bytes() == pdf
    assert kept.sha256 == hashlib.sha256(pdf).hexdigest()
    assert "ruang tunggu diberi AC & kursi" in b.text and b.type == "saran"
    assert [w for w, _ in result.errors] == ["rusak.eml"]
    again = import_eml_folder(
        c_session, rules, folder, store=store, reg_prefix="SIKR", **office_parts(c_home)
    )
    assert again.created == []
    assert {w for w, _ in again.skipped} >= {"a.eml", "b.eml"}


def test_sms_csv_import(c_home: Home, c_session, rules, tmp_path: Path) -> None:
    rows = [
        {
            "address": "+6281234500001",
            "date": "2026-11-03 09:15",
            "type": "1",
            "body": "Izin SIKR-2026-000010 belum selesai sudah 5 hari",
        },
        {
            "address": "+6281234500002",
            "date": "03/11/2026 10:00",
            "type": "inbox",
            "body": "Petugas loket minta uang rokok",
        },
        {
            "address": "08117515133",
            "date": "2026-11-03 10:05",
            "type": "2",
            "body": "Balasan kami (pesan keluar)",
        },
        {"address": "+6281234500003", "date": "kemarin", "type": "1", "body": "Halo"},
        {"address": "+6281234500004", "date": "2026-11-04 11:00", "type": "1", "body": ""},
        {
            "address": "+6281234500005",
            "date": str(int(datetime(2026, 11, 5, 1, 0, tzinfo=UTC).timestamp() * 1000)),
            "type": "1",
            "body": "Mohon informasi persyaratan perpanjangan",
        },
    ]
    path = write_sms_csv(tmp_path / "sms.csv", rows)
    result = import_sms_csv(
        c_session,
        rules,
        path,
        store=c_home.var / "complaints",
        reg_prefix="SIKR",
        **office_parts(c_home),
    )
    c_session.commit()
    assert [c.complainant_phone for c in result.created] == [
        "+6281234500001",
        "+6281234500002",
        "+6281234500005",
    ]
    assert [c.weight_suggested for c in result.created] == ["sedang", "berat", "ringan"]
    assert result.created[0].related_reg_no == "SIKR-2026-000010"
    assert [w for w, _ in result.skipped] == ["sms.csv:4"]
    assert [w for w, _ in result.errors] == ["sms.csv:5", "sms.csv:6"]
    assert to_wib(result.created[1].received_at) == datetime(2026, 11, 3, 10, 0, tzinfo=WIB)
    assert result.created[2].received_at.replace(tzinfo=UTC) == datetime(
        2026, 11, 5, 1, 0, tzinfo=UTC
    )
    again = import_sms_csv(
        c_session,
        rules,
        path,
        store=c_home.var / "complaints",
        reg_prefix="SIKR",
        **office_parts(c_home),
    )
    assert again.created == [] and len(again.skipped) == 4


def test_sms_csv_semicolon_indonesian_headers(
    c_home: Home, c_session, rules, tmp_path: Path
) -> None:
    rows = [
        {
            "Tanggal": "04-11-2026 13:20",
            "Pengirim": "0813",
            "Nama": "Bu Ani",
            "Pesan": "Sekadar masukan, loket perlu papan informasi",
        }
    ]
    path = write_sms_csv(tmp_path / "sms2.csv", rows, delimiter=";")
    result = import_sms_csv(
        c_session,
        rules,
        path,
        store=c_home.var / "complaints",
        reg_prefix="SIKR",
        **office_parts(c_home),
    )
    assert [(c.complainant_name, c.type) for c in result.created] == [("Bu Ani", "masukan")]


def test_sms_csv_without_needed_columns(c_home: Home, c_session, rules, tmp_path: Path) -> None:
    path = write_sms_csv(tmp_path / "x.csv", [{"foo": "1", "bar": "2"}])
    result = import_sms_csv(
        c_session,
        rules,
        path,
        store=c_home.var / "complaints",
        reg_prefix="SIKR",
        **office_parts(c_home),
    )
    assert result.created == [] and "tidak ditemukan" in result.errors[0][1]


def test_parse_sms_time_variants() -> None:
    assert parse_sms_time("2026-11-03T09:15:00+07:00") == datetime(2026, 11, 3, 2, 15, tzinfo=UTC)
    assert parse_sms_time("03/11/2026 09:15") == datetime(2026, 11, 3, 9, 15, tzinfo=WIB)
    with pytest.raises(ValueError):
        parse_sms_time("13/13/2026")


# ---------------------------------------------------------------------------------------
# replies through the channel


def _answered(c_home: Home, session, rules, officials, **kw: object) -> Complaint:
    officer = actor_for(officials, c_home.people["petugas_pengaduan"])
    c = add_complaint(
        session,
        rules,
        _new(weight="ringan", handler=officer, **kw),
        store=c_home.var / "complaints",
        **office_parts(c_home),
    )
    answer(session, rules, c, "Baris pertama jawaban.\nBaris kedua.", by=officer)
    return c


def test_reply_by_email_is_a_draft_to_the_sender(c_home: Home, c_session, rules, officials) -> None:
    c = _answered(
        c_home,
        c_session,
        rules,
        officials,
        channel="email",
        email="rina@contoh.test",
        complainant_name="Rina",
        source_key="email:<x@y>",
    )
    files = draft_reply(
        c_session, rules, officials, c, store=c_home.var / "complaints", outbox=c_home.outbox
    )
    assert [f.suffix for f in files] == [".eml"]
    msg = BytesParser(policy=policy.default).parsebytes(files[0].read_bytes())
    assert msg["To"].addresses[0].addr_spec == "rina@contoh.test"
    assert msg["In-Reply-To"] == "<x@y>" and msg["X-Unsent"] == "1"
    assert c.number in msg["Subject"]
    assert "Baris kedua." in msg.get_body().get_content()
    c_session.flush()
    c_session.refresh(c, ["attachments"])
    assert [a.filename for a in c.attachments if a.kind == "balasan"] == [files[0].name]


@pytest.mark.parametrize("channel", ["telepon", "sms", "tatap_muka"])
def test_reply_note_for_phone_sms_in_person(
    c_home: Home,
    c_session,
    rules,
    officials,
    channel: str,
) -> None:
    c = _answered(c_home, c_session, rules, officials, channel=channel, phone="0812000111")
    files = draft_reply(
        c_session, rules, officials, c, store=c_home.var / "complaints", outbox=c_home.outbox
    )
    assert [f.name for f in files] == [f"tanggapan-{c.number}-catatan.txt"]
    note = files[0].read_text(encoding="utf-8")
    assert "0812000111" in note and "Baris kedua." in note and c.number in note


@pytest.mark.parametrize("channel", ["surat", "fax"])
def test_reply_letter_for_letters_and_fax(
    c_home: Home,
    c_session,
    rules,
    officials,
    channel: str,
) -> None:
    from docx import Document

    c = _answered(
        c_home,
        c_session,
        rules,
        officials,
        channel=channel,
        complainant_name="PT Maju & Jaya <Tbk>",
        address="Jl. Sudirman 1\nPekanbaru",
    )
    files = draft_reply(
        c_session,
        rules,
        officials,
        c,
        store=c_home.var / "complaints",
        outbox=c_home.outbox,
        pdf=False,
    )
    assert [f.suffix for f in files] == [".docx"]
    doc = Document(str(files[0]))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(cell.text for t in doc.tables for r in t.rows for cell in r.cells)
    assert "Baris pertama jawaban." in text and "Baris kedua." in text
    assert "PT Maju & Jaya <Tbk>" in cells
    assert "Jalan Jenderal Sudirman No. 464" in text
    assert officials.holder(Role.kepala_dinas).nip in text + cells
    assert "{{" not in text + cells


def test_website_without_email_falls_back(c_home: Home, c_session, rules, officials) -> None:
    from loket.complaints.reply import reply_kind

    c = _answered(c_home, c_session, rules, officials, channel="website", phone="0812")
    assert reply_kind(rules, c) == "catatan"
