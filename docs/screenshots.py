"""Regenerate the README's screenshot of a review task form in the Prefect UI.

It runs the real thing in a scratch folder: ``loket serve`` (Prefect server with its UI,
and the deployments), one complete application (written by the test helpers, with
generated officials), the approval flow run waiting for the back office, and then headless
Chromium opens that flow run, presses *Resume* and photographs the form an official fills in.

Needs what ``make install`` installs, plus Chromium and Playwright's Python client:

    apt-get install -y chromium && .venv/bin/pip install playwright
    .venv/bin/python docs/screenshots.py            # writes docs/img/prefect-review-form.png
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=REPO / "docs" / "img" / "prefect-review-form.png"
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)

    from samples.office import make_application, make_home

    root = Path(tempfile.mkdtemp(prefix="loket-screenshot-"))
    home = make_home(root)
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **home.env(),
        "LOKET_SERVER_PORT": str(port),
        "PREFECT_HOME": str(root / "prefect"),
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    serve = subprocess.Popen(
        [str(Path(sys.executable).with_name("loket")), "serve"],
        cwd=root,
        env={**os.environ},
        stdout=(root / "serve.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        from samples.runner import wait_for

        wait_for(
            lambda: b"UI" in (root / "serve.log").read_bytes() or None,
            180,
            "loket serve",
            proc=serve,
            log=root / "serve.log",
        )
        os.environ["PREFECT_API_URL"] = api
        # the API answers only with the office's auth string, made by loket serve
        auth = (root / "var" / "prefect-api-auth").read_text("utf-8").strip()
        os.environ["PREFECT_API_AUTH_STRING"] = auth
        from flows.approval import start_approvals
        from loket.approval.desk import Desk
        from samples.runner import wait_paused

        desk = Desk.load()
        reg_no = make_application(desk.settings, seed=42)
        start_approvals([reg_no], desk)
        run_id = wait_paused(desk, reg_no, timeout=120)
        url = f"http://127.0.0.1:{port}/runs/flow-run/{run_id}"
        _photograph(url, args.out, args.chromium, auth)
        print(f"{args.out} ({reg_no}, flow run {run_id}); scratch folder {root}")
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
    return 0


def _photograph(url: str, out: Path, chromium: str, auth: str) -> None:
    import base64

    from playwright.sync_api import sync_playwright

    # what the UI's Login page stores after the auth string is typed in
    login = base64.b64encode(auth.encode()).decode()

    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1366, "height": 900}, device_scale_factor=1)
        page.add_init_script(f"localStorage.setItem('prefect-password', '{login}')")
        page.goto(url, wait_until="networkidle")
        page.get_by_role("button", name="Resume").first.click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("nip", exact=False).first.wait_for()
        time.sleep(1.0)  # let the form's schema render settle
        page.screenshot(path=str(out))
        browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
