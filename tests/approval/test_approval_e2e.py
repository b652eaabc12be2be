"""The approval chain end to end on a real Prefect server: a complete application goes from
its checklist to a numbered permit through every desk, some decisions with the CLI, some
with Prefect's resume-with-input (what the form in the Prefect UI sends), one refused, one
return; then the card, the permit PDF and the SMS file are checked, and the permit handed
over. A second test loses the flow run and re-attaches a new one from the database.

Here the application's checklist.json is written by code (tests/approval_helpers.py), so
that the chain's corner cases run without OCR; tests/test_journey_e2e.py takes generated scans
from inbox/ through intake and the checks to the numbered permit.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loket.office import Office
from samples.runner import run_state, start_runner, stop, wait_for, wait_paused
from tests.approval.approval_helpers import Home, contact, make_application, make_home
from tests.identity.helpers import CHEAP, log_in_everyone, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, prefect_server: None
) -> Iterator[tuple[Home, Path]]:
    from prefect.settings import get_current_settings

    root = tmp_path_factory.mktemp("approval-e2e")
    home = make_home(root)
    _kepala_bidang_is_plh_of_the_head(home)
    env = {**home.env(), **CHEAP}
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


def _cli():  # type: ignore[no-untyped-def]
    import typer

    from loket.cli.approval import mount
    from loket.cli.card import mount as mount_card

    app = typer.Typer()
    mount(app)
    mount_card(app)
    return app


def _kepala_bidang_is_plh_of_the_head(home: Home) -> None:
    """officials.yaml: the Kepala Bidang is Plh. Kepala Dinas this month (the Sekretaris, who
    initials, may not also sign one file: separation of duties)."""
    from datetime import date, timedelta

    import yaml

    path = home.rules / "officials.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    today = date.today()
    for o in data["officials"]:
        if o["role"] == "kepala_dinas":
            o["delegations"] = [
                {
                    "nip": home.people["kepala_bidang"],
                    "start": (today - timedelta(days=2)).isoformat(),
                    "end": (today + timedelta(days=30)).isoformat(),
                    "decree": "800/SK-PLH/DPMPTSP/2026/021",
                }
            ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def _ui(
    run_id: str, nip: str, decision: str, task_id: int, note: str = "", token: str = ""
) -> None:
    """What a resume with input sends (the Prefect UI form, or a POST to the resume API):
    without ``token`` it is what anyone could forge."""
    from prefect.flow_runs import resume_flow_run

    resume_flow_run(
        run_id,
        run_input={
            "nip": nip,
            "keputusan": decision,
            "catatan": note,
            "nomor_bap": "",
            "tugas": task_id,
            "token": token,
        },
    )


def _token(desk, nip: str, decision: str, task_id: int) -> str:  # type: ignore[no-untyped-def]
    """A decision token, minted by loket after the official authenticated."""
    from loket.identity import mint_token

    return mint_token(desk.gate(), sign_in(desk, nip), task_id, decision)


def test_complete_application_to_numbered_permit(served: tuple[Home, Path]) -> None:
    from flows.approval import start_approvals
    from loket.approval import control_card
    from loket.approval import desk as approval
    from loket.approval.waiting import waiting_for

    home, log = served
    p = home.people
    desk = Office.from_environment().desk()
    reg_no = make_application(desk.settings, seed=101)
    phone, address = contact(desk.settings, reg_no)
    cli, run = _cli(), CliRunner(env={"COLUMNS": "300"})

    start_approvals([reg_no], desk)
    wait_paused(desk, reg_no, log=log)
    packet = desk.settings.outbox_dir / "reviews" / "back_office" / reg_no
    assert {"draft.pdf", "checklist.json", "pages.json", "tugas.txt"} <= {
        f.name for f in packet.iterdir()
    }
    assert (packet / "draft.pdf").read_bytes().startswith(b"%PDF")
    # 3. back office, CLI, with the BAP reference
    r = run.invoke(cli, ["approve", reg_no, "--as", p["back_office"], "--bap", "BAP/17/TT/XI/2026"])
    assert r.exit_code == 0 and "dilanjutkan" in r.output, r.output
    run_id = wait_paused(desk, reg_no, log=log)
    # 4. Ahli Muda through a resume with input: forged ones first (someone else, then the
    # Muda's own NIP typed into the form, no token; refused and recorded), then the holder's
    # decision with the token loket minted after the Muda authenticated
    w = waiting_for(desk, reg_no)
    assert w is not None and w.step.code == "paraf_ahli_muda"
    _ui(run_id, p["kepala_dinas"], "setuju", w.task_id)
    wait_for(lambda: waiting_for(desk, reg_no).key.endswith("-1"), 60, "a fresh key")
    wait_paused(desk, reg_no, log=log)
    _ui(run_id, p["analis_ahli_muda"], "setuju", w.task_id)
    wait_for(lambda: waiting_for(desk, reg_no).key.endswith("-2"), 60, "a fresh key")
    wait_paused(desk, reg_no, log=log)
    with desk.db() as session:
        refused = approval.attempts_of(session, reg_no)
    assert [(a.actor_nip, a.channel) for a in refused] == [
        (p["kepala_dinas"], "prefect"),
        (p["analis_ahli_muda"], "prefect"),
    ]
    assert all("tanpa token" in a.message for a in refused)
    assert waiting_for(desk, reg_no).step.code == "paraf_ahli_muda"  # nothing decided
    token = _token(desk, p["analis_ahli_muda"], "setuju", w.task_id)
    _ui(run_id, p["analis_ahli_muda"], "setuju", w.task_id, "sesuai", token)
    wait_for(
        lambda: waiting_for(desk, reg_no).step.code == "paraf_ahli_madya",
        60,
        "the Madya step",
    )
    wait_paused(desk, reg_no, log=log)
    # 5. Madya (CLI); 6. the Sekretaris returns it (CLI); Madya again; Sekretaris (form)
    assert run.invoke(cli, ["approve", reg_no, "--as", p["analis_ahli_madya"]]).exit_code == 0
    wait_paused(desk, reg_no, log=log)
    r = run.invoke(
        cli,
        [
            "return",
            reg_no,
            "--as",
            p["sekretaris"],
            "--note",
            "Lengkapi nama instalasi pada tempat kerja",
        ],
    )
    assert r.exit_code == 0, r.output
    wait_paused(desk, reg_no, log=log)
    assert waiting_for(desk, reg_no).incoming_note.startswith("Lengkapi")
    assert run.invoke(cli, ["approve", reg_no, "--as", p["analis_ahli_madya"]]).exit_code == 0
    wait_paused(desk, reg_no, log=log)
    w = waiting_for(desk, reg_no)
    assert w.step.code == "paraf_sekretaris"
    _ui(
        run_id,
        p["sekretaris"],
        "setuju",
        w.task_id,
        "",
        _token(desk, p["sekretaris"], "setuju", w.task_id),
    )
    wait_for(lambda: waiting_for(desk, reg_no).step.code == "tanda_tangan", 60, "Kadis")
    wait_paused(desk, reg_no, log=log)
    # 7. signature by the Plh. (the Kepala Bidang, by decree) through a resume with a token
    w = waiting_for(desk, reg_no)
    plh = p["kepala_bidang"]
    _ui(
        run_id,
        plh,
        "setuju",
        w.task_id,
        "Kepala Dinas dinas luar kota",
        _token(desk, plh, "setuju", w.task_id),
    )
    wait_for(lambda: waiting_for(desk, reg_no).step.code == "penomoran", 60, "numbering")
    wait_paused(desk, reg_no, log=log)
    # 8. the number (CLI); the flow finishes and sends the SMS
    r = run.invoke(cli, ["approve", reg_no, "--as", p["petugas_penomoran"]])
    assert r.exit_code == 0 and "503/DPMPTSP/SIKR/" in r.output, r.output
    wait_for(lambda: run_state(run_id).is_completed(), 90, "the flow run to complete", log=log)
    assert waiting_for(desk, reg_no) is None

    folder = desk.folder(reg_no)
    with desk.db() as session:
        number = approval.permit_of(session, reg_no).number
        entries = control_card.entries(session, reg_no)
        assert control_card.verify(session, reg_no, settings=desk.settings) == {reg_no: []}
    assert number == "503/DPMPTSP/SIKR/" + number.split("/")[3] + "/0001"
    # the card: receipt, check, then every desk with who, when and how
    steps = [(e.sop_step, e.role, e.acting, e.channel) for e in entries]
    assert steps == [
        (1, "front_office", None, "intake"),
        (2, "front_office", None, "intake"),
        (3, "back_office", None, "cli"),
        (4, "analis_ahli_muda", None, "prefect"),
        (5, "analis_ahli_madya", None, "cli"),
        (6, "sekretaris", None, "cli"),
        (5, "analis_ahli_madya", None, "cli"),
        (6, "sekretaris", None, "prefect"),
        (7, "kepala_dinas", "Plh.", "prefect"),
        (8, "petugas_penomoran", None, "cli"),
    ]
    assert entries[5].outcome.startswith("dikembalikan") and entries[5].note.startswith("Lengkapi")
    # the permit PDF
    from pypdf import PdfReader

    pdf = folder / "permit.pdf"
    text = " ".join((PdfReader(str(pdf)).pages[0].extract_text() or "").split())
    assert len(PdfReader(str(pdf)).pages) == 1
    for expected in (
        number,
        "SURAT IZIN KERJA RADIOGRAFER",
        "Plh. KEPALA DINAS",
        "BAP/17/TT/XI/2026",
        p.names["kepala_bidang"],
        "MEMBERIKAN IZIN KERJA",
    ):
        assert expected in text, expected
    assert "DRAF" not in text
    draft = " ".join((PdfReader(str(folder / "draft.pdf")).pages[0].extract_text() or "").split())
    assert "DRAF" in draft and number not in draft
    png = folder / "permit-preview"
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", str(pdf), str(png)], check=True)
    print(f"\npermit preview: {png}.png")
    # the SMS, written by the flow's last task
    sms = list((desk.settings.outbox_dir / "notifications").glob(f"*-{reg_no}-siap-*.txt"))
    assert len(sms) == 1
    body = sms[0].read_text("utf-8")
    assert f"Kepada (No. HP) : {phone}" in body and number in body and "sudah selesai" in body
    # printable card, then the hand-over (step 9)
    assert (folder / "kartu-kendali.pdf").read_bytes().startswith(b"%PDF")
    r = run.invoke(cli, ["collected", reg_no, "--as", p["front_office"]])
    assert r.exit_code == 0, r.output
    with desk.db() as session:
        last = control_card.entries(session, reg_no)[-1]
        assert (last.sop_step, last.outcome) == (9, "diserahkan kepada pemohon")
        assert approval.get(session, reg_no).address == address
    shown = run.invoke(cli, ["card", reg_no])
    assert shown.exit_code == 0 and "Rantai hash utuh" in shown.output
    assert "11" in shown.output and "Penyerahan" in shown.output


def test_lost_or_stale_runs_are_reattached(served: tuple[Home, Path]) -> None:
    from prefect import get_client

    from flows.approval import reattach, start_approvals
    from loket.approval import desk as approval
    from loket.approval.waiting import waiting_for

    home, log = served
    p = home.people
    desk = Office.from_environment().desk(pdf=False)
    reg_no = make_application(desk.settings, seed=102)
    start_approvals([reg_no], desk)
    first = wait_paused(desk, reg_no, log=log)
    start_approvals([reg_no], desk)  # again (an intake re-run): no second run
    with desk.db() as session:
        assert approval.get(session, reg_no).flow_run_id == first
    # the Prefect database lost the run: re-created from loket's database
    with get_client(sync_client=True) as client:
        client.delete_flow_run(first)  # type: ignore[arg-type]
    assert any("flow run baru" in line for line in reattach(desk))
    second = wait_paused(desk, reg_no, log=log)
    assert second != first
    # a decision recorded while the run was not resumed: reattach wakes it, it moves on
    r = CliRunner().invoke(_cli(), ["approve", reg_no, "--as", p["back_office"], "--no-resume"])
    assert r.exit_code == 0, r.output
    assert run_state(second).state_details.pause_key != waiting_for(desk, reg_no).key
    assert any("dibangunkan" in line for line in reattach(desk))
    assert wait_paused(desk, reg_no, log=log) == second
    assert waiting_for(desk, reg_no).step.code == "paraf_ahli_muda"


def test_daily_guarantee_check_flow_and_deployments(served: tuple[Home, Path]) -> None:
    from datetime import timedelta

    from flows import approval as approval_flows
    from flows import guarantees
    from flows.approval import start_approvals
    from loket.approval import desk as approval
    from loket.approval.acts import act

    home, _ = served
    p = home.people
    desk = Office.from_environment().desk(pdf=False)
    reg_no = make_application(desk.settings, seed=103)
    start_approvals([reg_no], desk, runs=False)  # the CLI alone can drive the chain
    for role in (
        "back_office",
        "analis_ahli_muda",
        "analis_ahli_madya",
        "sekretaris",
        "kepala_dinas",
        "petugas_penomoran",
    ):
        act(desk, reg_no, sign_in(desk, p[role]), "setuju")
    with desk.db() as session:
        completed = approval.get(session, reg_no).completed_at
    result = guarantees.daily_guarantee_check(now=completed + timedelta(days=40), pdf=False)
    assert [x["reg_no"] for x in result["letters"]] == [reg_no]
    assert result["messages"]["sent"] >= 1
    assert (desk.folder(reg_no) / "surat-pemberitahuan.docx").is_file()
    again = guarantees.daily_guarantee_check(now=completed + timedelta(days=41), pdf=False)
    assert again["letters"] == []
    deps = {d.name: d for d in [*approval_flows.deployments(), *guarantees.deployments()]}
    assert set(deps) == {"persetujuan-izin", "pemeriksaan-jaminan-harian", "kirim-pemberitahuan"}
    crons = {
        n: (d.schedules[0].schedule.cron, d.schedules[0].schedule.timezone)
        for n, d in deps.items()
        if d.schedules
    }
    assert crons == {
        "pemeriksaan-jaminan-harian": ("0 7 * * *", "Asia/Jakarta"),
        "kirim-pemberitahuan": ("*/10 * * * *", "Asia/Jakarta"),
    }
