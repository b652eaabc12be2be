"""The whole journey through the real parts: a generated complete application is dropped into
inbox/ as scans, the intake flow (real Prefect run, real tesseract) registers, reads and
checks it, the complete checklist starts the approval flow run on a served deployment, and
every desk decides — some through the CLI, some through Prefect's resume-with-input (what
the form in the Prefect UI sends) — until the permit is numbered, the SMS written and the
permit handed over. Nothing in between is written by the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loket.office import Office
from samples import generate_application
from samples.runner import run_state, start_runner, stop, wait_for, wait_paused
from tests.approval.approval_helpers import REPO, Home, make_home
from tests.identity.helpers import CHEAP, log_in_everyone, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

#: a fully valid new application scanned in colour whose letter gives the applicant's mobile
#: number (three letters in ten give none: the SMS then waits for the officer to enter it)
SEED, PACKAGING = 7104, "jpg_folder"


@pytest.fixture(scope="module")
def office(
    tmp_path_factory: pytest.TempPathFactory, prefect_server: None
) -> Iterator[tuple[Home, Path]]:
    """An office home with every rules file of the repository (the requirement rules
    included) and generated officials, and a runner serving the approval deployment."""
    from prefect.settings import get_current_settings

    root = tmp_path_factory.mktemp("journey")
    home = make_home(root)
    for item in (REPO / "rules").iterdir():
        if item.name == "officials.yaml":
            continue
        if item.is_dir():
            shutil.copytree(item, home.rules / item.name, dirs_exist_ok=True)
        else:
            shutil.copy(item, home.rules / item.name)
    env = {**home.env(), "LOKET_STABLE_SECONDS": "0", **CHEAP}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)

    log_in_everyone(
        Office.from_environment().desk(pdf=False), home.people.by_role.values()
    )  # loket login
    log = root / "runner.log"
    proc = start_runner({**env, "PREFECT_API_URL": str(get_current_settings().api.url)}, log)
    try:
        yield home, log
    finally:
        stop(proc)
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _ui(run_id: str, nip: str, task_id: int, note: str = "") -> None:
    """A resume with input as loket sends it after the official authenticated: with a
    decision token for this task, official and decision (a resume without one is refused)."""
    from prefect.flow_runs import resume_flow_run

    from loket.identity import mint_token

    desk = Office.from_environment().desk(pdf=False)
    resume_flow_run(
        run_id,
        run_input={
            "nip": nip,
            "keputusan": "setuju",
            "catatan": note,
            "nomor_bap": "",
            "tugas": task_id,
            "token": mint_token(desk.gate(), sign_in(desk, nip), task_id, "setuju"),
        },
    )


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def test_scans_in_inbox_to_numbered_permit(office: tuple[Home, Path]) -> None:
    import typer
    from pypdf import PdfReader

    from flows.intake import intake_flow
    from loket.approval import control_card
    from loket.approval import desk as approval
    from loket.approval.waiting import waiting_for
    from loket.cli.approval import mount
    from loket.common.clock import WIB

    home, log = office
    p = home.people
    truth = generate_application(
        home.root / "inbox",
        "pemohon-sikr",
        SEED,
        packaging=PACKAGING,
        received=datetime.now(WIB).date(),
    )
    person = truth["applicant"]

    # SOP steps 1-2: intake and the front-office check, one real Prefect flow run
    summary = intake_flow()
    [reg_no] = summary["processed"]
    assert summary["verdicts"] == {reg_no: "complete"}, summary
    desk = Office.from_environment().desk()
    checklist = json.loads((desk.folder(reg_no) / "checklist.json").read_text("utf-8"))
    assert checklist["source"] == truth["source"] and checklist["verdict"] == "complete"
    assert checklist["applicant"]["nik"] == person["nik"]

    # the intake started the approval flow run; it waits for the back office
    run_id = wait_paused(desk, reg_no, timeout=120, log=log)
    cli, run = typer.Typer(), CliRunner(env={"COLUMNS": "300"})
    mount(cli)
    listed = run.invoke(cli, ["tasks", "--as", p["back_office"]])
    assert listed.exit_code == 0 and reg_no in listed.output, listed.output

    def at(code: str) -> int:
        wait_for(
            lambda: (w := waiting_for(desk, reg_no)) is not None and w.step.code == code,
            60,
            f"the {code} step",
            log=log,
        )
        assert wait_paused(desk, reg_no, log=log) == run_id  # one flow run all along
        waiting = waiting_for(desk, reg_no)
        assert waiting is not None
        return waiting.task_id

    def cli_approve(nip: str, *extra: str) -> str:
        r = run.invoke(cli, ["approve", reg_no, "--as", nip, *extra])
        assert r.exit_code == 0, r.output
        return r.output

    # 3. back office (CLI, with the technical team's BAP); 4. Ahli Muda (Prefect form)
    at("draf")
    cli_approve(p["back_office"], "--bap", "BAP/21/TT/XI/2026")
    _ui(run_id, p["analis_ahli_muda"], at("paraf_ahli_muda"), "sesuai")
    # 5. Ahli Madya (CLI); 6. Sekretaris (form); 7. Kepala Dinas signs (form)
    at("paraf_ahli_madya")
    cli_approve(p["analis_ahli_madya"])
    _ui(run_id, p["sekretaris"], at("paraf_sekretaris"))
    _ui(run_id, p["kepala_dinas"], at("tanda_tangan"), "setuju, terbitkan")
    # 8. the numbering officer (CLI): the number, then the flow sends the SMS and completes
    at("penomoran")
    out = cli_approve(p["petugas_penomoran"])
    number = re.search(r"503/DPMPTSP/SIKR/\d{4}/\d{4}", out)
    assert number is not None, out
    wait_for(lambda: run_state(run_id).is_completed(), 90, "the flow run to complete", log=log)

    with desk.db() as session:
        assert approval.permit_of(session, reg_no).number == number.group()
        entries = control_card.entries(session, reg_no)
        assert control_card.verify(session, reg_no, settings=desk.settings) == {reg_no: []}
    assert [(e.sop_step, e.role, e.channel) for e in entries] == [
        (1, "front_office", "intake"),
        (2, "front_office", "intake"),
        (3, "back_office", "cli"),
        (4, "analis_ahli_muda", "prefect"),
        (5, "analis_ahli_madya", "cli"),
        (6, "sekretaris", "prefect"),
        (7, "kepala_dinas", "prefect"),
        (8, "petugas_penomoran", "cli"),
    ]
    assert all(e.acting is None for e in entries)  # every desk acted in person
    assert [e.actor_nip for e in entries[2:]] == [
        p[r]
        for r in (
            "back_office",
            "analis_ahli_muda",
            "analis_ahli_madya",
            "sekretaris",
            "kepala_dinas",
            "petugas_penomoran",
        )
    ]

    # the permit PDF carries what was read from the scans
    folder = desk.folder(reg_no)
    text = _flat(
        " ".join(pg.extract_text() or "" for pg in PdfReader(str(folder / "permit.pdf")).pages)
    )
    for expected in (
        number.group(),
        "surat izin kerja radiografer",
        person["name"],
        person["nik"],
        person["str_number"],
        "BAP/21/TT/XI/2026",
        p.names["kepala_dinas"],
    ):
        assert _flat(expected) in text, expected
    assert "draf" not in text
    # the SMS to the phone number on the application letter
    [sms] = (desk.settings.outbox_dir / "notifications").glob(f"*-{reg_no}-siap-*.txt")
    body = sms.read_text("utf-8")
    assert f"Kepada (No. HP) : {person['phone']}" in body and number.group() in body

    # 9. the hand-over closes the card
    r = run.invoke(cli, ["collected", reg_no, "--as", p["front_office"]])
    assert r.exit_code == 0, r.output
    with desk.db() as session:
        last = control_card.entries(session, reg_no)[-1]
    assert (last.sop_step, last.outcome) == (9, "diserahkan kepada pemohon")
    assert (folder / "kartu-kendali.pdf").read_bytes().startswith(b"%PDF")


#: a quality expectation that every application fails (a name is always read), put into the
#: office's rules for one test: it leaves the ijazah cell in review without touching a scan
_DOUBT = """
    - expectation: expect_column_values_to_be_null
      kwargs: {column: name}
      requirement: ijazah
      reason: Uji alur pemeriksaan petugas.
      on_failure: review
"""


def test_review_cells_are_confirmed_then_the_chain_starts_or_the_letter_goes(
    office: tuple[Home, Path],
) -> None:
    """Intake leaves a cell in review; the officer confirms it with the CLI: one file goes on
    to the chain (its flow run waits at the back office), the other is returned by letter."""
    from pypdf import PdfReader

    from flows.intake import intake_flow
    from loket.approval import control_card
    from loket.approval import desk as approval
    from loket.cli.main import app as cli
    from loket.common.clock import WIB

    home, log = office
    p = home.people
    rules = home.rules / "izin-kerja-radiografer.yaml"
    original = rules.read_text("utf-8")
    quality = original.index("\nquality:\n")
    at = original.index("  expectations:\n", quality) + len("  expectations:\n")
    rules.write_text(original[:at] + _DOUBT.lstrip("\n") + original[at:], "utf-8")
    try:
        for name, seed, packaging in (
            ("ragu-lanjut", 7101, "single_pdf"),
            ("ragu-kembali", 7102, "jpg_folder"),
        ):
            generate_application(
                home.root / "inbox",
                name,
                seed,
                packaging=packaging,
                received=datetime.now(WIB).date(),
            )
        summary = intake_flow()
    finally:
        rules.write_text(original, "utf-8")
    assert set(summary["verdicts"].values()) == {"review"}, summary
    desk = Office.from_environment().desk()
    by_source = {}
    for reg_no in summary["verdicts"]:
        checklist = json.loads((desk.folder(reg_no) / "checklist.json").read_text("utf-8"))
        by_source[checklist["source"].split(".")[0]] = reg_no
        ijazah = next(r for r in checklist["requirements"] if r["id"] == "ijazah")
        assert ijazah["status"] == "review" and "Uji alur" in " ".join(ijazah["reasons"])
        assert not (desk.folder(reg_no) / "surat-pengembalian.docx").exists()
        pdf = PdfReader(str(desk.folder(reg_no) / "checklist.pdf"))
        assert "Perlu diperiksa petugas" in " ".join(pg.extract_text() for pg in pdf.pages)
        assert sum(len(pg.images) for pg in pdf.pages) >= 1  # the page the check looked at
        with desk.db() as session:
            assert approval.get(session, reg_no) is None  # not in the chain while in doubt

    run = CliRunner(env={"COLUMNS": "300"})
    pending = run.invoke(cli, ["checklist", "pending"])
    assert all(r in pending.output for r in by_source.values()), pending.output
    go, back = by_source["ragu-lanjut"], by_source["ragu-kembali"]
    r = run.invoke(cli, ["checklist", "confirm", go, "ijazah", "ok", "--as", p["front_office"]])
    assert r.exit_code == 0 and "diteruskan" in r.output, r.output
    wait_paused(desk, go, timeout=120, log=log)  # the approval flow run waits at the back office
    with desk.db() as session:
        entries = control_card.entries(session, go)
    assert [(e.sop_step, e.action, e.actor_nip) for e in entries] == [
        (1, "penerimaan", None),
        (2, "pemeriksaan", None),
        (2, "konfirmasi", p["front_office"]),
        (2, "pemeriksaan", p["front_office"]),
    ]
    r = run.invoke(
        cli,
        ["checklist", "confirm", back, "ijazah", "invalid", "--as", p["front_office"],
         "--note", "Legalisir pada fotokopi ijazah tidak asli."],
    )  # fmt: skip
    assert r.exit_code == 0 and "surat-pengembalian.docx" in r.output, r.output
    assert (desk.folder(back) / "surat-pengembalian.docx").is_file()
    with desk.db() as session:
        assert approval.get(session, back) is None
    assert "Tidak ada berkas" in run.invoke(cli, ["checklist", "pending"]).output
