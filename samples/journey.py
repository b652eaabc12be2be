"""The second half of ``make demo``: the office at work on the sample applications.

After intake has checked the sample inbox, every complete application travels the whole
approval chain: at each desk the official configured for that role in rules/officials.yaml
acts through the real ``loket`` command line, exactly as an officer would type it. Then the
control cards are printed and verified and this month's SLA report is written.

No decision is recorded without the official's passphrase, so the demo first does what an
office does once: the administrator sets the officials' first passphrases, and each official
signs in (``loket login``), changing it at first use. The passphrases are example data, fed to
the commands' standard input (never as options); a real office types them at the hidden
prompt.

    .venv/bin/python -m samples.journey
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path

LOKET = str(Path(sys.executable).with_name("loket"))


#: Example passphrases of the demo (never use them in an office): the administrator's, the
#: first one an official is given, and the one they choose at first use.
ADMIN_PASSPHRASE = "contoh-sandi-admin"


def _given(nip: str) -> str:
    return f"sementara-{nip[-6:]}"


def _own(nip: str) -> str:
    return f"contoh-sandi-{nip[-6:]}"


def run(*args: str, check: bool = True, stdin: str | None = None) -> str:
    shown = " < (kata sandi contoh)" if stdin else ""
    print(f"\n$ loket {shlex.join(args)}{shown}", flush=True)
    done = subprocess.run([LOKET, *args], text=True, capture_output=True, input=stdin or "")
    out = (done.stdout + done.stderr).rstrip()
    if out:
        print(out, flush=True)
    if check and done.returncode != 0:
        raise SystemExit(f"demo step failed: loket {shlex.join(args)} (exit {done.returncode})")
    return done.stdout


def sign_in(desk, nips: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Passphrases for the demo's officials (set once per database), then a session each."""
    from loket.identity import has_credential

    gate = desk.gate()
    admin = next(o.nip for o in desk.officials.with_role("administrator"))
    if not has_credential(gate, admin):  # a new installation: the first administrator
        run("officials", "set-password", admin, stdin=f"{ADMIN_PASSPHRASE}\n" * 2)
    for nip in nips:
        if has_credential(gate, nip):
            run("login", "--as", nip, stdin=f"{_own(nip)}\n")
            continue
        given = f"{ADMIN_PASSPHRASE}\n" + f"{_given(nip)}\n" * 2
        run("officials", "set-password", nip, "--admin", admin, stdin=given)
        changed = f"{_given(nip)}\n" + f"{_own(nip)}\n" * 2  # changed at first use
        run("login", "--as", nip, stdin=changed)


def main() -> None:
    from loket.approval.tasks import list_tasks
    from loket.office import Office

    desk = Office.from_environment().desk()
    holders = {str(o.role): o.nip for o in reversed(desk.officials.officials)}
    chain = desk.chain(desk.settings.service)
    acting = list(dict.fromkeys(holders[str(step.role)] for step in chain.steps))
    sign_in(desk, acting)
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
    run("officials", "log", "--limit", "8")
    for nip in acting:
        run("logout", "--as", nip)
    print("\nPermits issued:", ", ".join(handled) or "none")


if __name__ == "__main__":
    main()
