"""The :class:`Office`: the one place where the office is put together from its settings.

Every entry point (a ``loket`` command, a Prefect flow, a test) builds one ``Office`` from
:class:`~loket.common.settings.Settings` and hands it, or the part a function needs, down.
Nothing below reads the environment or ``loket.toml`` on its own: a domain function takes the
settings, the session factory, the calendar, the rules or the keys it uses as arguments,
so what it depends on is in its signature and a test can hand it a temporary office.

The parts are made when first asked for (opening the database migrates it; the calendar and
the rules are files read and checked), so that a command which only needs paths stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from loket.approval import Desk, Keyring, keyring_for
from loket.calendar import CALENDAR_DIR, WorkCalendar, office_calendar
from loket.common.clock import utcnow
from loket.common.db import open_database
from loket.common.settings import Settings, load_settings
from loket.office.rulesets import rules_files
from loket.requirements import ServiceRules, load_service_rules


@dataclass(frozen=True)
class Office:
    """The office as configured: paths (``settings``), the database's session factory, the
    work calendar, the requirement rules of each service, the control card's keys, the
    clock and the OCR engine chosen."""

    settings: Settings
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def from_environment(cls, **overrides: object) -> Office:
        """The office of ``loket.toml`` and the ``LOKET_*`` variables (and ``overrides``):
        what a command or a flow builds once, at its start."""
        return cls(load_settings(**overrides))

    @cached_property
    def db(self) -> sessionmaker[Session]:
        """The session factory of the register (the database migrated to head)."""
        return open_database(self.settings.db_url)

    @property
    def calendar(self) -> WorkCalendar:
        """Working days and office hours (``rules/calendar/``; read again when a file
        there changes)."""
        return office_calendar(self.calendar_dir)

    @property
    def calendar_dir(self) -> Path:
        return self.settings.rules_dir / CALENDAR_DIR

    def rules_path(self, service: str | None = None) -> Path:
        """The requirement rules of ``service`` (default: the office's service)."""
        return self.settings.rules_dir / f"{service or self.settings.service}.yaml"

    def rules(self, service: str | None = None) -> ServiceRules:
        """The requirement rules of ``service`` (default: the office's service), checked."""
        return load_service_rules(self.rules_path(service))

    def rules_files(self) -> list[Path]:
        """Every rules file of the office (``loket rules check``)."""
        return rules_files(self.settings.rules_dir)

    @cached_property
    def keys(self) -> Keyring:
        """The control card's keys (HMAC keys, the anchors' signing key)."""
        return keyring_for(self.settings)

    @property
    def ocr_engine(self) -> str | None:
        """The tesseract engine chosen (``api`` | ``cli``); None: the default (``api`` when
        tesserocr loads)."""
        return self.settings.ocr_engine

    def desk(self, *, pdf: bool = True) -> Desk:
        """The approval chain's desk of this office (its database, rules, officials and
        clock); ``pdf``: render PDFs beside the DOCX files."""
        return Desk.load(self.settings, pdf=pdf, db=self.db, clock=self.clock)
