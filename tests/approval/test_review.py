"""The front office decides the cells the checks left in review (no Prefect).

Applications are written by code (:func:`samples.office.make_application`) and then given
cells in review the way the checks write them; the officials are generated.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loket.office import Office
from tests.approval.approval_helpers import REPO, Home, make_application, make_home
from tests.identity.helpers import cheap_argon2, enrol, passphrase, sign_in


@pytest.fixture
def ahome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)
    home = make_home(tmp_path, monkeypatch)
    for name in ("izin-kerja-radiografer.yaml", "document-types.yaml"):  # letters need them
        shutil.copy(REPO / "rules" / name, home.rules / name)
    return home


@pytest.fixture
def desk(ahome: Home):  # type: ignore[no-untyped-def]

    return Office.from_environment().desk(pdf=False)


def _in_review(desk, seed: int, cells: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """A registered application whose checklist has ``cells`` (id -> reason) in review."""
    from loket.intake import get_application

    reg_no = make_application(desk.settings, seed=seed)
    path = desk.folder(reg_no) / "checklist.json"
    data = json.loads(path.read_text("utf-8"))
    for rid, reason in cells.items():
        data["requirements"].append(
            {
                "id": rid,
                "status": "review",
                "reasons": [reason],
                "evidence": [
                    {"file": "surat.pdf", "page": 1, "text": "", "box": [0.1, 0.1, 0.5, 0.3]}
                ],
            }
        )
    data["verdict"] = "review"
    path.write_text(json.dumps(data), "utf-8")
    with desk.db.begin() as session:
        get_application(session, reg_no).verdict = "review"
    return reg_no


def _cli():  # type: ignore[no-untyped-def]
    from loket.cli.main import app

    return app


def _card(desk, reg_no: str) -> list[tuple[int | None, str, str, str]]:  # type: ignore[no-untyped-def]
    from loket.approval import card_entries, verify_card

    with desk.db() as session:
        assert verify_card(session, reg_no, settings=desk.settings) == {reg_no: []}  # intact
        entries = card_entries(session, reg_no)
    handed = [e.handed_over_at for e in entries]
    assert handed == sorted(handed), handed  # the card reads in time order
    return [(e.sop_step, e.action, e.actor_name, e.outcome) for e in entries]


def test_confirming_the_last_doubt_starts_the_chain(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.desk import attempts_of, open_task
    from loket.approval.refusal import ApprovalError, Refused
    from loket.approval.review import confirm_cell
    from loket.approval.start import start

    p = ahome.people
    reg_no = _in_review(desk, 31, {"str": "Nomor STR tidak terbaca."})
    with pytest.raises(ApprovalError, match="belum lengkap"):
        start(desk, reg_no)  # a file in review does not enter the chain
    with pytest.raises(Refused, match="bukan Petugas Front Office"):
        confirm_cell(desk, reg_no, "str", "ok", sign_in(desk, p["kepala_dinas"]))
    with pytest.raises(ApprovalError, match="bukan 'perlu diperiksa petugas'"):
        confirm_cell(desk, reg_no, "surat_permohonan", "ok", sign_in(desk, p["front_office"]))
    with pytest.raises(ApprovalError, match="tidak dikenal"):
        confirm_cell(desk, reg_no, "str", "mungkin", sign_in(desk, p["front_office"]))
    with desk.db() as session:
        assert [a.actor_nip for a in attempts_of(session, reg_no)] == [p["kepala_dinas"]]

    run = CliRunner(env={"COLUMNS": "300"})
    pending = run.invoke(_cli(), ["checklist", "pending"])
    assert pending.exit_code == 0 and reg_no in pending.output and "str" in pending.output
    confirm = ["checklist", "confirm", reg_no, "str", "ok", "--as", p["front_office"], "--no-flow"]
    enrol(desk.gate(), p["front_office"])
    wrong = run.invoke(_cli(), confirm, input="bukan-sandinya\n")
    assert wrong.exit_code == 3 and "kata sandi salah" in wrong.output
    r = run.invoke(_cli(), confirm, input=passphrase(p["front_office"]) + "\n")
    if r.exit_code:
        __import__("traceback").print_exception(*r.exc_info)
    assert r.exit_code == 0, r.output
    assert "lengkap" in r.output and "menunggu" in r.output.lower()

    checklist = json.loads((desk.folder(reg_no) / "checklist.json").read_text("utf-8"))
    assert checklist["verdict"] == "complete"
    item = next(i for i in checklist["requirements"] if i["id"] == "str")
    assert item["status"] == "ok" and item["confirmed"]["nip"] == p["front_office"]
    assert item["review"]["reasons"] == ["Nomor STR tidak terbaca."]
    with desk.db() as session:
        assert open_task(session, reg_no).role == "back_office"
    card = _card(desk, reg_no)
    assert [(s, a) for s, a, _, _ in card] == [
        (1, "penerimaan"),
        (2, "pemeriksaan"),
        (2, "konfirmasi"),
        (2, "pemeriksaan"),
    ]
    assert "perlu diperiksa petugas: str" in card[1][3]
    assert card[2][3] == "memenuhi" and card[3][2] == card[2][2]  # the officer, not the machine
    assert "Tidak ada berkas" in run.invoke(_cli(), ["checklist", "pending"]).output


def _letter_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_letter_names_only_decided_defects(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.refusal import ApprovalError
    from loket.approval.review import confirm_cell

    p = ahome.people
    reg_no = _in_review(
        desk,
        32,
        {"ijazah": "Cap legalisir tidak dapat dipastikan.", "str": "Nomor STR tidak terbaca."},
    )
    letter = desk.folder(reg_no) / "surat-pengembalian.docx"
    with pytest.raises(ApprovalError, match="wajib disertai catatan"):
        confirm_cell(desk, reg_no, "ijazah", "invalid", sign_in(desk, p["front_office"]))
    assert not letter.exists()  # only doubts so far: nothing goes to the applicant
    out = confirm_cell(
        desk,
        reg_no,
        "ijazah",
        "invalid",
        sign_in(desk, p["front_office"]),
        "Fotokopi ijazah tanpa legalisir basah.",
    )
    assert "Masih perlu diperiksa: str" in out.message
    assert not letter.exists()  # one letter, once every cell is decided
    out = confirm_cell(
        desk, reg_no, "str", "invalid", sign_in(desk, p["front_office"]), "STR sudah tidak berlaku."
    )
    assert "surat pengembalian" in out.message
    text = _letter_text(letter)
    assert "Fotokopi ijazah tanpa legalisir basah." in text and "STR sudah tidak berlaku." in text
    assert "Nomor STR tidak terbaca" not in text  # what the checks doubted is no reason
    with pytest.raises(ApprovalError, match="bukan 'perlu diperiksa petugas'"):
        confirm_cell(
            desk, reg_no, "str", "ok", sign_in(desk, p["front_office"])
        )  # returned: nothing left
    card = _card(desk, reg_no)
    assert [a for _, a, _, _ in card] == ["penerimaan", "pemeriksaan", "konfirmasi", "konfirmasi"]
    assert card[-1][3] == "tidak memenuhi; berkas dikembalikan kepada pemohon"
    status = CliRunner(env={"COLUMNS": "300"}).invoke(_cli(), ["status", reg_no])
    assert "dikonfirmasi: ijazah invalid" in status.output, status.output
