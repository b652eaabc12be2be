"""Scale-out: a PostgreSQL server started by the test, a Prefect server on it, loket's register
on it, two process workers on one work pool, N submissions through the distributed intake
(flows/distributed.py): each processed and checked exactly once, the work spread over both
workers.

Skipped (with the reason) when the PostgreSQL server binaries or psycopg are missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from tests.faults.helpers import PY, REPO, clean_env, free_port, healthy, make_home, small_scan

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

N = 40  # the issue: 40 submissions, each processed exactly once, over two workers
BIN = Path(PY).parent


def _psql(url: str, sql: str) -> None:
    q = parse_qs(urlparse(url).query)
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run(
        [*prefix, "psql", "-h", q["host"][0], "-p", q["port"][0], "-U", "postgres", "-c", sql],
        check=True, capture_output=True,
    )  # fmt: skip


def _spawn(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        cmd, env=env, cwd=REPO, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(p.pid, 15)
    for p in procs:
        try:
            p.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)


def test_two_workers_one_postgres(tmp_path: Path, postgres_url: str) -> None:
    from loket.common.db import open_database
    from loket.intake import register

    _psql(postgres_url, "CREATE DATABASE prefect")
    q = parse_qs(urlparse(postgres_url).query)
    prefect_db = f"postgresql+asyncpg://postgres@/prefect?host={q['host'][0]}&port={q['port'][0]}"
    home = make_home(tmp_path / "kantor")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = clean_env(
        LOKET_HOME=str(home), LOKET_DATABASE_URL=postgres_url, LOKET_STABLE_SECONDS="0",
        PREFECT_API_URL=api, PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_API_DATABASE_CONNECTION_URL=prefect_db, PREFECT_WORKER_QUERY_SECONDS="1",
    )  # fmt: skip
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(
            _spawn(
                [
                    str(BIN / "prefect"),
                    "server",
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env,
                tmp_path / "server.log",
            )
        )
        deadline = time.monotonic() + 120
        while not healthy(api):
            assert procs[0].poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.5)
        subprocess.run([str(BIN / "prefect"), "work-pool", "create", "loket", "--type",
                        "process"], env=env, check=True, capture_output=True)  # fmt: skip
        deploy = (
            "from flows.distributed import process_application as f;"
            f"f.from_source(source={str(REPO)!r}, entrypoint='flows/distributed.py:"
            "process_application').deploy(name='proses-permohonan', work_pool_name='loket',"
            " print_next_steps=False)"
        )
        done = subprocess.run([PY, "-c", deploy], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        for name in ("w1", "w2"):
            procs.append(
                _spawn(
                    [
                        str(BIN / "prefect"),
                        "worker",
                        "start",
                        "--pool",
                        "loket",
                        "--type",
                        "process",
                        "--name",
                        name,
                        "--limit",
                        "1",
                    ],
                    dict(env, LOKET_WORKER_NAME=name),
                    tmp_path / f"{name}.log",
                )
            )
        for i in range(N):
            (home / "inbox" / f"p{i:02d}.jpg").write_bytes(small_scan(f"Pemohon skala {i}"))
        coordinate = "from flows.distributed import coordinate; print(coordinate())"
        for _ in range(2):  # a second coordinator run starts nothing new (idempotency keys)
            done = subprocess.run([PY, "-c", coordinate], env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr[-3000:]
        db = open_database(postgres_url)
        deadline = time.monotonic() + 900
        while True:
            with db() as session:
                apps = list(session.scalars(select(register.Application)))
                # read and checked: the workers run the same stages as the single-machine intake
                if len(apps) == N and all(a.status == "processed" and a.verdict for a in apps):
                    events = list(
                        session.scalars(
                            select(register.IntakeEvent).where(
                                register.IntakeEvent.kind == "processed"
                            )
                        )
                    )
                    break
            assert time.monotonic() < deadline, (tmp_path / "w1.log").read_text()[-3000:]
            time.sleep(1)
        assert sorted(e.reg_no for e in events) == sorted(a.reg_no for a in apps)  # once each
        workers = [
            json.loads((home / "outbox" / a.reg_no / "pages.json").read_text())["worker"]
            for a in apps
        ]
        assert set(workers) == {"w1", "w2"}, workers
        for a in apps:  # each checked once, its checklist written beside its pages
            checklist = json.loads((home / "outbox" / a.reg_no / "checklist.json").read_text())
            assert checklist["verdict"] == a.verdict == "incomplete"
        with db() as session:
            checked = session.scalars(
                select(register.IntakeEvent.reg_no).where(register.IntakeEvent.kind == "checked")
            )
            assert sorted(checked) == sorted(a.reg_no for a in apps)
        print(
            f"\nscale-out: {N} submissions, each read and checked once; "
            f"w1 {workers.count('w1')}, w2 {workers.count('w2')}"
        )
        numbers = sorted(int(a.reg_no[-6:]) for a in apps)
        assert numbers == list(range(1, N + 1))
    finally:
        _stop(procs)
