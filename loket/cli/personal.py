"""Who may see personal data in full on the command line (``--show-nik --as NIP``).

Shared by ``loket status`` and ``loket complaint show``: NIKs and phone numbers are masked
(:func:`loket.common.logmask.mask`) unless the official holds a role that works with the
person's identity and proved who they are; every showing and refusal is in the identity log,
so that an auditor sees who looked at whose data.
"""

from __future__ import annotations

import typer
from rich.console import Console

from loket.approval.officials import ROLE_LABELS, Role

#: Roles that work with the applicant's identity — the completeness check at the front
#: office, the permit draft at the back office: the only ones ``loket status --show-nik``
#: shows NIKs and phone numbers in full to, after they authenticated.
NIK_ROLES = ("front_office", "back_office")

err = Console(stderr=True, soft_wrap=True)


def may_see_nik(nip: str | None, command: str, roles: tuple[str, ...] = NIK_ROLES) -> None:
    """Return when ``nip`` holds one of ``roles`` and proved it (a ``loket login`` session or
    the passphrase); every showing and refusal goes to the identity log with ``command``
    (what was asked, e.g. ``loket status REG --show-nik``). Exit 2 otherwise (3 when
    authentication is refused)."""
    from loket.approval.desk import gate_for
    from loket.approval.officials import load_officials
    from loket.cli.identity import authenticated
    from loket.identity.events import record
    from loket.office import Office

    if not nip:
        err.print("--show-nik perlu --as NIP (pejabat yang masuk) / needs --as NIP")
        raise typer.Exit(2)
    office = Office.from_environment()
    officials = load_officials(office.settings.rules_dir / "officials.yaml")
    gate = gate_for(office.settings, office.db, officials)
    official = officials.by_nip(nip)
    if official is None or not official.active or official.role.value not in roles:
        record(gate, nip, "nik-ditolak", "cli", command)
        labels = ", ".join(ROLE_LABELS[Role(r)] for r in roles)
        err.print(
            f"--show-nik ditolak: NIK lengkap hanya untuk {labels}. "
            "/ refused: full NIKs are not for your role.",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(2)
    actor = authenticated(gate, nip)
    record(gate, actor.nip, "nik-dilihat", "cli", command)
