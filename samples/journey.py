"""The second half of ``make demo``: the office at work on the sample applications.

After intake has checked the sample inbox, every complete application travels the whole
approval chain: at each desk the official configured for that role in rules/officials.yaml
acts through the real ``loket`` command line, exactly as an officer would type it. Then the
control cards are printed and verified and this month's SLA report is written.

    .venv/bin/python -m samples.journey
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path

LOKET = str(Path(sys.executable).with_name("loket"))


def run(*args: str, check: bool = True) -> str:
    print(f"\n$ loket {shlex.join(args)}", flush=True)
    done = subprocess.run([LOKET, *args], text=True, capture_output=True)
    out = (done.stdout + done.stderr).rstrip()
    if out:
        print(out, flush=True)
    if check and done.returncode != 0:
        raise SystemExit(f"demo step failed: loket {shlex.join(args)} (exit {done.returncode})")
    return done.stdout


def main() -> None:
    from loket.approval.desk import Desk
    from loket.approval.tasks import list_tasks

    desk = Desk.load()
    holders = {str(o.role): o.nip for o in reversed(desk.officials.officials)}
    handled: list[str] = []
    for _round in range(20):  # a chain has 7 steps; a bound keeps a bug from looping forever
        tasks = list_tasks(desk)
        if not tasks:
            break
        for task in tasks:
            nip = holders[str(task.step.role)]
            if str(task.step.action) == "penyerahan":  # SOP step 9: the applicant collects it
                run("collected", task.reg_no, "--as", nip)
            else:
                run("approve", task.reg_no, "--as", nip, "--note", "Sesuai (demo)")
            if task.reg_no not in handled:
                handled.append(task.reg_no)
    for reg_no in handled:
        run("card", reg_no)
    if handled:
        run("card", "verify")
    run("report", "sla", "--month", datetime.now().strftime("%Y-%m"))
    print("\nPermits issued:", ", ".join(handled) or "none")


if __name__ == "__main__":
    main()
