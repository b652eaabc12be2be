"""The approval flow: the Prefect view of one file waiting at the desks (SOP steps 3-8).

Thin shell over :mod:`loket.approval.desk`, whose database tables are the source of truth. One
flow run per application, created from the ``persetujuan-izin`` deployment (served by
``loket serve``): it reads the open task from the database and *suspends* with a key per task
(``tugas-<task id>-<n>``) and no timeout, waiting for an official's input — the form in the
Prefect UI (approve or return with a note). A suspended run holds no process, so it waits a
weekend or a month and survives restarts of loket and of the Prefect server.

After a resume Prefect runs the flow again from the top; the flow re-reads the database, so
it continues at whatever desk the file is now. A decision made with the CLI
(``loket approve``) is written to the database first and then resumes the run
(:func:`resume_after_cli`); :func:`reattach` re-creates runs lost with the Prefect database
and wakes runs suspended on a task that was decided elsewhere.

Prefect's resume API believes any input, so the flow does not: an input is acted on only
with a decision token (:mod:`loket.identity.tokens`) that loket minted after the official
authenticated, bound to the task, the official and the decision, used once. An input without
a valid token (a form filled in the UI, a forged ``POST /api/flow_runs/<id>/resume``) is
refused and recorded on the task, and the run suspends again.
"""

from __future__ import annotations

import time
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import StateType
from prefect.deployments.runner import RunnerDeployment
from prefect.flow_runs import resume_flow_run, suspend_flow_run
from prefect.input import RunInput
from prefect.runtime import flow_run as current_run
from pydantic import Field

from loket.approval import notify
from loket.approval.acts import act
from loket.approval.desk import APPROVE, Desk, DeskOutcome, get, permit_of
from loket.approval.models import READY
from loket.approval.packets import packet_dir
from loket.approval.refusal import ApprovalError, Refused, refuse
from loket.approval.start import start
from loket.approval.waiting import Waiting, in_progress, set_flow_run, waiting_for
from loket.identity import Actor, AuthError, mint_token, redeem_token
from loket.office import Office

FLOW_NAME = "persetujuan-izin"
DEPLOYMENT = "persetujuan-izin"
FULL_NAME = f"{FLOW_NAME}/{DEPLOYMENT}"
ALIVE = {StateType.SCHEDULED, StateType.PENDING, StateType.RUNNING, StateType.PAUSED}


class Keputusan(RunInput):
    """The input a waiting run takes: sent by loket after the official authenticated, with
    a decision token (the same form in the Prefect UI, without a token, is refused)."""

    nip: str = Field(description="NIP Anda (18 digit), sesuai rules/officials.yaml")
    keputusan: Literal["setuju", "kembalikan"] = Field(
        default="setuju", description="setuju: teruskan; kembalikan: ke meja sebelumnya"
    )
    catatan: str = Field(default="", description="Catatan; wajib bila mengembalikan")
    nomor_bap: str = Field(
        default="", description="Hanya langkah draf (Back Office): nomor BAP tim teknis"
    )
    tugas: int = Field(description="Nomor tugas yang diputuskan (jangan diubah)")
    token: str = Field(
        default="",
        description="Token keputusan dari loket (diisi oleh 'loket approve'); tanpa token "
        "yang sah keputusan ditolak",
    )


def describe_waiting(w: Waiting, desk: Desk) -> str:
    """The Markdown shown above the form."""
    packet = packet_dir(desk, w.step.role.value, w.reg_no)
    lines = [
        f"### {w.step.title}",
        f"**{w.reg_no}** \u2014 pemohon **{w.applicant}**",
        "",
        f"Yang berwenang: {w.step.role_label}: " + "; ".join(w.holders),
        f"Paket pemeriksaan: `{packet}` (draft.pdf, checklist, gambar halaman)",
        f"Draf: `{desk.folder(w.reg_no) / 'draft.pdf'}`",
    ]
    if w.incoming_note:
        lines.append(f"\n**Dikembalikan dengan catatan:** {w.incoming_note}")
    if w.last_refusal:
        lines.append(f"\n*Percobaan sebelumnya ditolak:* {w.last_refusal}")
    lines.append(
        "\nKeputusan diberikan pejabat dengan kata sandinya melalui loket "
        f"(`loket approve {w.reg_no} --as NIP`); formulir ini hanya diterima dengan token "
        "keputusan dari loket."
    )
    return "\n".join(lines)


@task(name="kirim-pemberitahuan", cache_policy=NO_CACHE)
def send_notifications(reg_no: str) -> list[str]:
    desk = Office.from_environment().desk()
    notifier = notify.make_notifier(desk.notify_rules, desk.settings.outbox_dir)
    sent = notify.dispatch(desk.db, notifier, desk.notify_rules, reg_no=reg_no)
    return [f"{s.id}: {'ok' if s.ok else 'gagal'} {s.detail}" for s in sent]


def _read_run(run_id: str):  # type: ignore[no-untyped-def]
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            return client.read_flow_run(run_id)  # type: ignore[arg-type]
        except ObjectNotFound:
            return None


def _alive(run_id: str | None, *, other_than: str | None = None) -> bool:
    if not run_id or run_id == other_than:
        return False
    run = _read_run(run_id)
    return run is not None and run.state is not None and run.state.type in ALIVE


@flow(name=FLOW_NAME, log_prints=False)
def approval_flow(reg_no: str) -> dict[str, object]:
    """Wait at each desk of the chain for ``reg_no`` until the permit is numbered."""
    logger = get_run_logger()
    desk = Office.from_environment().desk()
    me = str(current_run.id)
    with desk.db() as session:
        appr = get(session, reg_no)
        owner = appr.flow_run_id if appr else None
    if _alive(owner, other_than=me):
        logger.warning("%s is already handled by flow run %s; this run stops", reg_no, owner)
        return {"reg_no": reg_no, "handled_by": owner}
    if owner != me:
        set_flow_run(desk, reg_no, me)
    while True:
        waiting = waiting_for(desk, reg_no)
        if waiting is None:
            break
        form = Keputusan.with_initial_data(
            description=describe_waiting(waiting, desk), tugas=waiting.task_id, keputusan=APPROVE
        )
        logger.info("%s: waiting for %s (%s)", reg_no, waiting.step.role_label, waiting.key)
        decision = suspend_flow_run(wait_for_input=form, key=waiting.key, timeout=None)
        _take(desk, reg_no, waiting, decision, logger)
    sent = send_notifications(reg_no)
    with desk.db() as session:
        permit = permit_of(session, reg_no)
    return {"reg_no": reg_no, "number": permit.number if permit else None, "sent": sent}


def _take(desk: Desk, reg_no: str, waiting: Waiting, decision: Keputusan, logger) -> None:  # type: ignore[no-untyped-def]
    """Act on one input of the form: only with a valid decision token; refused otherwise."""
    try:
        actor = redeem_token(
            desk.gate(), decision.token, decision.tugas, decision.nip, decision.keputusan
        )
        out = act(
            desk,
            reg_no,
            actor,
            decision.keputusan,
            note=decision.catatan,
            bap=decision.nomor_bap or None,
            channel="prefect",
            task_id=decision.tugas,
        )
        logger.info(out.message)
    except (Refused, ApprovalError, AuthError) as exc:
        logger.warning("refused: %s", exc)
        again = waiting_for(desk, reg_no)
        if again is not None and again.key == waiting.key:
            # Prefect hands a re-run the input stored under a key, so every consumed
            # input must move the key on. act() records a refusal on this wait's task,
            # which does; a refused token, an error act() does not record, or input meant
            # for a task closed meanwhile (a resume that raced with this run's move to the
            # next desk), would be read again for ever: noted against the open task instead
            stale = decision.tugas != waiting.task_id
            refuse(
                desk,
                reg_no,
                waiting.task_id,
                decision.nip,
                None,
                decision.keputusan,
                "prefect",
                f"Diabaikan (untuk tugas {decision.tugas}): {exc}" if stale else f"Ditolak: {exc}",
            )


# ---------------------------------------------------------------------------------------
# starting, resuming and re-attaching runs (called from the CLI, intake and the schedules)


def server_configured() -> bool:
    """Whether a Prefect server is configured (PREFECT_API_URL); without one there is no
    flow view and the CLI alone drives the chain."""
    from prefect.settings import get_current_settings

    return bool(get_current_settings().api.url)


def create_run(desk: Desk, reg_no: str) -> str | None:
    """A new flow run of the deployment for ``reg_no``; None when it is not deployed."""
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    try:
        run = run_deployment(
            FULL_NAME,
            parameters={"reg_no": reg_no},
            timeout=0,
            flow_run_name=f"persetujuan-{reg_no}",
            tags=["persetujuan", reg_no],
            as_subflow=False,
        )
    except ObjectNotFound:
        return None
    set_flow_run(desk, reg_no, str(run.id))
    return str(run.id)


def start_approvals(
    reg_nos: list[str], desk: Desk | None = None, *, runs: bool = True
) -> list[DeskOutcome]:
    """Put complete applications into the chain and give each a waiting flow run.

    Incomplete or unknown applications are skipped (logged). Call from the intake flow after
    the requirement checks: ``start_approvals([r for r, v in verdicts.items() if v ==
    "complete"])``.
    """
    desk = desk or Office.from_environment().desk()
    done: list[DeskOutcome] = []
    for reg_no in reg_nos:
        try:
            done.append(start(desk, reg_no))
        except ApprovalError as exc:
            print(f"{reg_no}: not started: {exc}")
            continue
        if runs and server_configured():
            ensure_run(desk, reg_no)
    return done


def ensure_run(desk: Desk, reg_no: str) -> str | None:
    """The live flow run of ``reg_no``: the recorded one if alive, else a new one."""
    with desk.db() as session:
        appr = get(session, reg_no)
        run_id = appr.flow_run_id if appr else None
    if _alive(run_id):
        return run_id
    return create_run(desk, reg_no)


@task(name="mulai-persetujuan", cache_policy=NO_CACHE)
def start_approval_task(reg_no: str) -> str:
    """:func:`start_approvals` for one application, as a task of the intake flow."""
    done = start_approvals([reg_no])
    return done[0].message if done else f"{reg_no}: not started"


def resume_after_cli(
    desk: Desk,
    out: DeskOutcome,
    decided: Keputusan | dict,
    wait: float = 20,
    *,
    actor: Actor | None = None,
) -> str:
    """After a CLI decision: resume the run suspended on the decided task (it then re-reads
    the database), with a decision token for ``actor`` (who authenticated for the decision).
    Returns a short status line for the officer."""
    if not server_configured():
        return "tanpa server Prefect: hanya basis data yang diperbarui"
    with desk.db() as session:
        appr = get(session, out.reg_no)
        run_id = appr.flow_run_id if appr else None
    if not run_id:
        return "belum ada flow run untuk berkas ini"
    payload = decided.model_dump() if isinstance(decided, Keputusan) else dict(decided)
    deadline = time.monotonic() + wait
    while True:
        run = _read_run(run_id)
        if run is None or run.state is None or run.state.type not in ALIVE:
            new = create_run(desk, out.reg_no) if waiting_for(desk, out.reg_no) else None
            return f"flow run dibuat ulang: {new}" if new else "flow run tidak aktif"
        if run.state.type == StateType.PAUSED:
            key = run.state.state_details.pause_key or ""
            if key.startswith(f"tugas-{out.closed_task}-"):
                if actor is not None and out.closed_task is not None:
                    payload["token"] = mint_token(
                        desk.gate(), actor, out.closed_task, str(payload.get("keputusan"))
                    )
                resume_flow_run(run.id, run_input=payload)
                return f"flow run {run_id} dilanjutkan"
            return f"flow run {run_id} sudah menunggu langkah berikutnya"
        if time.monotonic() > deadline:
            return f"flow run {run_id} belum menunggu; akan disambung oleh reattach"
        time.sleep(0.5)


def reattach(desk: Desk | None = None) -> list[str]:
    """Make the Prefect view match the database: every file in the chain has one live run,
    waiting on its open task. Safe to run at any time (``loket serve`` start, schedules)."""
    desk = desk or Office.from_environment().desk()
    report: list[str] = []
    if not server_configured():
        return report
    for reg_no, run_id in in_progress(desk):
        waiting = waiting_for(desk, reg_no)
        if waiting is None:
            continue
        run = _read_run(run_id) if run_id else None
        if run is None or run.state is None or run.state.type not in ALIVE:
            new = create_run(desk, reg_no)
            report.append(f"{reg_no}: flow run baru {new}" if new else f"{reg_no}: belum dideploy")
            continue
        if run.state.type == StateType.PAUSED:
            key = run.state.state_details.pause_key or ""
            if key != waiting.key:
                _wake(run.id, key)
                report.append(f"{reg_no}: flow run {run.id} dibangunkan ({key} -> {waiting.key})")
    # numbered while its run was not resumed: wake the run so that it finishes (and sends)
    for reg_no, run_id in in_progress(desk, READY):
        run = _read_run(run_id) if run_id else None
        if run is not None and run.state is not None and run.state.type == StateType.PAUSED:
            _wake(run.id, run.state.state_details.pause_key or "")
            report.append(f"{reg_no}: flow run {run.id} diselesaikan")
    return report


def _wake(run_id: object, key: str) -> None:
    """Resume a run suspended on a task that was decided elsewhere; the input is never read
    (the run re-reads the database and waits on a new key, or finishes)."""
    task_id = int(key.split("-")[1]) if key.count("-") >= 2 and key.split("-")[1].isdigit() else 0
    resume_flow_run(
        run_id,  # type: ignore[arg-type]
        run_input={
            "nip": "-",
            "keputusan": APPROVE,
            "catatan": "",
            "nomor_bap": "",
            "tugas": task_id,
        },
    )


def deployments() -> list[RunnerDeployment]:
    """The approval deployment (no schedule: runs are created per application)."""
    return [
        approval_flow.to_deployment(
            name=DEPLOYMENT,
            description="Alur persetujuan izin: menunggu keputusan setiap meja (langkah SOP 3-8).",
            tags=["persetujuan"],
        )
    ]


def serve_forever() -> None:  # pragma: no cover - a long-running process
    """Serve the approval deployment (and re-attach waiting files first)."""
    from prefect import serve

    from flows.runtime import apply_prefect_defaults

    apply_prefect_defaults()
    deps = deployments()
    for d in deps:
        d.apply()
    reattach()
    serve(*deps)


if __name__ == "__main__":  # pragma: no cover
    serve_forever()
