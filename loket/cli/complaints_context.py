"""What the complaint CLIs share: the context of one command (the office's settings, calendar
and database, the complaint rules and officials), the ``--nip``/``--no-pdf`` options, the
consoles and the refusal.

Used by ``loket complaint`` (:mod:`loket.cli.complaints`), ``loket complaints``
(:mod:`loket.cli.complaints_report`) and ``loket skm`` (:mod:`loket.cli.survey`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from loket.approval.officials import Official, OfficialsFile, load_officials
from loket.calendar import WorkCalendar
from loket.common.rulesfile import RulesError
from loket.common.settings import Settings
from loket.complaints.book import get_complaint
from loket.complaints.errors import ComplaintError
from loket.complaints.models import Complaint
from loket.complaints.rules import ComplaintRules, load_complaint_rules
from loket.documents.officedocs import PdfError
from loket.identity import Actor
from loket.office import Office

console = Console()
err = Console(stderr=True)

NipOpt = Annotated[
    str | None,
    typer.Option(
        "--nip", envvar="LOKET_NIP", help="NIP of the officer acting (rules/officials.yaml)."
    ),
]
NoPdf = Annotated[bool, typer.Option("--no-pdf", help="Skip the PDF (LibreOffice) conversion.")]


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]Gagal:[/] {message}")
    return typer.Exit(code)


class Ctx:
    def __init__(self) -> None:
        office = Office.from_environment()
        self.settings: Settings = office.settings
        try:
            self.rules: ComplaintRules = load_complaint_rules(
                self.settings.rules_dir / "complaints.yaml"
            )
            self.officials: OfficialsFile = load_officials(
                self.settings.rules_dir / "officials.yaml"
            )
        except RulesError as exc:
            raise fail(str(exc), 2) from exc
        self.factory = office.db
        self.calendar: WorkCalendar = office.calendar  # the deadlines' working days

    @property
    def store(self) -> Path:
        return self.settings.var_dir / "complaints"

    def lookup(self, nip: str) -> Official:
        """An official named as a party (not the one acting): only looked up."""
        found = self.officials.by_nip(nip)
        if found is None:
            raise fail(f"NIP {nip} tidak terdaftar di rules/officials.yaml.")
        return found

    def official(self, nip: str | None, *, required: bool = True) -> Actor | None:
        """The officer acting, authenticated (session or passphrase); None when no NIP is
        given and none is ``required``."""
        from loket.approval.desk import gate_for
        from loket.cli.identity import authenticated

        if not nip:
            if required:
                raise fail("NIP petugas wajib diisi (--nip atau LOKET_NIP).")
            return None
        self.lookup(nip)
        return authenticated(gate_for(self.settings, self.factory, self.officials), nip)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with self.factory() as session:
            try:
                yield session
            except ComplaintError as exc:
                session.rollback()
                raise fail(str(exc)) from exc
            except PdfError as exc:
                session.rollback()
                raise fail(f"{exc} (gunakan --no-pdf untuk melewati PDF)") from exc

    def complaint(self, session: Session, ref: str) -> Complaint:
        found = get_complaint(session, ref)
        if found is None:
            raise fail(f"pengaduan {ref} tidak ditemukan.")
        return found
