"""One LibreOffice at a time in a process (issue #17): conversions asked for at once from
several threads (the approval chain's draft permits) run one after another."""

from __future__ import annotations

import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from loket.documents import officedocs

pytestmark = pytest.mark.unit


def test_conversions_wait_for_each_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    running, most, lock = 0, 0, threading.Lock()

    def fake_soffice(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.2)  # long enough for the other threads to arrive meanwhile
        outdir = Path(cmd[cmd.index("--outdir") + 1])
        for doc in cmd[cmd.index("--outdir") + 2 :]:
            (outdir / (Path(doc).stem + ".pdf")).write_bytes(b"%PDF-1.4\n")
        with lock:
            running -= 1
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(officedocs, "soffice_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(officedocs.subprocess, "run", fake_soffice)
    docs = []
    for i in range(4):
        (tmp_path / f"d{i}").mkdir()
        docs.append(tmp_path / f"d{i}" / "izin.docx")
        docs[-1].write_bytes(b"docx")
    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(lambda d: officedocs.to_pdf([d]), docs))
    assert made == [[d.with_suffix(".pdf")] for d in docs]
    assert most == 1
