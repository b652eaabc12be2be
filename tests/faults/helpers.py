"""Shared pieces of the fault suite: small scans, loket homes, a Prefect server process."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable


def small_scan(text: str, size: tuple[int, int] = (420, 300)) -> bytes:
    """A small single-page 'scan' (JPEG) with one line of text: unique per ``text``."""
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    draw.text((20, 40), "SURAT PERMOHONAN", fill="black")
    draw.text((20, 80), text, fill="black")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_rules(dest: Path) -> Path:
    """The repository's rules, minus files whose schema is not registered yet (work in
    progress of other issues would otherwise make serve refuse to start)."""
    from loket.office.rulesets import schema_for

    shutil.copytree(REPO / "rules", dest)
    for path in dest.rglob("*.y*ml"):
        if schema_for(path) is None:
            path.unlink()
    return dest


def make_home(root: Path) -> Path:
    for name in ("inbox", "outbox", "var"):
        (root / name).mkdir(parents=True, exist_ok=True)
    copy_rules(root / "rules")
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "LOKET_"))}
    env.update(
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        OMP_THREAD_LIMIT="1",
        PREFECT_LOGGING_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def prefect_server_process(timeout: float = 120) -> Iterator[str]:
    """A real ``prefect server start`` on a free loopback port (SQLite in a temp folder)."""
    home = Path(tempfile.mkdtemp(prefix="loket-faults-prefect-"))
    port = free_port()
    env = clean_env(PREFECT_HOME=str(home))
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(Path(PY).with_name("prefect")), "server", "start", "--host", "127.0.0.1",
         "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + timeout
        while not healthy(api):
            assert proc.poll() is None, (home / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "Prefect server did not start"
            time.sleep(0.5)
        yield api
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 15)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(10)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def process(settings: object) -> dict[str, object]:
    """The intake steps of ``flows/intake.py`` without Prefect (fast, for the bad-input suite):
    accept every ready submission, then read, assemble and finish every pending application.
    A failing finish (disk full) is recorded and the others go on."""
    from loket.common.db import open_database
    from loket.intake import register
    from loket.intake import steps as intake
    from loket.intake.classify import load_classification_rules
    from loket.intake.inbox import stable_submissions
    from loket.intake.ocr import OcrCache

    db = open_database(settings.db_url)  # type: ignore[attr-defined]
    ready, _waiting = stable_submissions(settings.inbox_dir, settings.stable_seconds)  # type: ignore[attr-defined]
    accepted = {s.name: intake.accept(s, settings, db, prefix="SIKR") for s in ready}  # type: ignore[arg-type]
    rules = load_classification_rules(settings.rules_dir / intake.CLASSIFICATION_RULES)  # type: ignore[attr-defined]
    cache = OcrCache(settings.cache_dir)  # type: ignore[attr-defined]
    failed: dict[str, str] = {}
    for reg_no in intake.pending(db):
        results = [intake.read(ref, cache) for ref in intake.page_refs(db, settings, reg_no)]  # type: ignore[arg-type]
        with db() as session:
            source = register.get(session, reg_no).source  # type: ignore[union-attr]
        try:
            intake.finish(db, settings, reg_no, intake.assemble(source, reg_no, results, rules))  # type: ignore[arg-type]
        except OSError as exc:
            failed[reg_no] = str(exc)
    return {"accepted": accepted, "failed": failed}
