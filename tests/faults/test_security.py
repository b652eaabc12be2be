"""Security properties: personal data masked in logs (loket's and Prefect's, the copy stored
in the Prefect database included), every approval action attributed to a named official
(an unknown NIP is refused and recorded), loopback by default."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from loket.office import Office
from tests.approval.approval_helpers import Home, make_application, make_home
from tests.identity.helpers import cheap_argon2, sign_in

NIK = "1471015505900001"
PHONE = "081234567890"


def test_mask_unit() -> None:
    from loket.common.logmask import mask

    text = mask(f"NIK {NIK}, telp {PHONE} / +62 812-3456-7890, reg SIKR-2026-000012")
    assert NIK not in text and PHONE not in text and "3456-7890" not in text
    assert "1471********0001" in text and "SIKR-2026-000012" in text


@pytest.mark.e2e
def test_flow_logs_are_masked(prefect_server: None) -> None:
    from prefect import flow, get_client, get_run_logger

    import flows  # noqa: F401  (installs the masking, as every flow module does)

    @flow(name="uji-penyamaran", log_prints=True)
    def leaky() -> str:
        get_run_logger().warning("pemohon NIK %s telp %s", NIK, PHONE)
        print(f"dicetak: {NIK}")
        logging.getLogger("loket.intake").warning("loket logger %s", NIK)
        from prefect.runtime import flow_run

        return str(flow_run.id)

    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    watched = [logging.getLogger(n) for n in ("prefect.flow_runs", "loket")]
    for lg in watched:
        lg.addHandler(handler)
    try:
        run_id = leaky()
    finally:
        for lg in watched:
            lg.removeHandler(handler)
    captured = "\n".join(lines)
    assert "1471********0001" in captured and "loket logger" in captured
    assert NIK not in captured and PHONE not in captured

    import asyncio

    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    async def stored() -> str:
        async with get_client() as client:
            logs = await client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run_id]))
            )
            return "\n".join(entry.message for entry in logs)

    import time

    deadline = time.monotonic() + 20
    while "1471" not in (text := asyncio.run(stored())) and time.monotonic() < deadline:
        time.sleep(0.5)  # logs reach the server in batches
    assert "1471********0001" in text, text  # the run's logs reached the Prefect database...
    assert NIK not in text and PHONE not in text  # ...masked


@pytest.fixture
def ahome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)
    return make_home(tmp_path, monkeypatch)


def test_every_approval_action_names_its_official(ahome: Home) -> None:
    from sqlalchemy import select

    from loket.approval import models as m
    from loket.approval.acts import act
    from loket.approval.desk import APPROVE
    from loket.approval.refusal import Refused
    from loket.approval.start import start
    from loket.identity import AuthError

    desk = Office.from_environment().desk(pdf=False)
    p = ahome.people
    reg_no = make_application(desk.settings, seed=11)
    start(desk, reg_no)
    with pytest.raises(AuthError):
        sign_in(desk, "199901012020011001")  # not in officials.yaml: cannot authenticate
    with pytest.raises(Refused):
        act(desk, reg_no, sign_in(desk, p["kepala_dinas"]), APPROVE)  # not the back office
    for role in ("back_office", "analis_ahli_muda"):
        act(desk, reg_no, sign_in(desk, p[role]), APPROVE)
    with desk.db() as session:
        done = [t for t in session.scalars(select(m.ApprovalTask)) if t.status != m.OPEN]
        attempts = list(session.scalars(select(m.ApprovalAttempt)))
    assert len(done) == 2
    assert all(t.actor_nip and t.actor_name for t in done)
    assert [a.actor_nip for a in attempts] == [p["kepala_dinas"]]


def test_loopback_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from loket.common.settings import load_settings

    monkeypatch.setenv("LOKET_HOME", str(tmp_path))
    monkeypatch.delenv("LOKET_SERVER_HOST", raising=False)
    assert load_settings().server_host == "127.0.0.1"
