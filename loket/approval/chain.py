"""The approval chain as data: ``rules/alur-persetujuan.yaml`` (schema :class:`ChainFile`).

Per service: the ordered steps of SOP steps 3-9 (who acts, what they do, the time norm), the
permit's number format, validity, legal basis and copy list, and the delivery guarantees.
Time norms are counted in the office's working time (:mod:`loket.calendar`: office hours, public
holidays, cuti bersama and closures of ``rules/calendar/``): a file handed to a desk at 15:55 on a
Friday with a 10-minute norm is due at 07:35 on Monday.
"""

from __future__ import annotations

import re
import string
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from loket.approval.officials import ROLE_LABELS, Role
from loket.calendar import WorkCalendar
from loket.common.roman import roman_month
from loket.common.rulesfile import load_model

CHAIN_RULES = "alur-persetujuan.yaml"


class Action(StrEnum):
    draf = "draf"
    paraf = "paraf"
    tanda_tangan = "tanda_tangan"
    penomoran = "penomoran"
    penyerahan = "penyerahan"


ACTION_LABELS = {
    Action.draf: "Penyusunan draf",
    Action.paraf: "Paraf",
    Action.tanda_tangan: "Tanda tangan",
    Action.penomoran: "Penomoran",
    Action.penyerahan: "Penyerahan",
}


class Norm(BaseModel):
    """A time norm: ``minutes`` on the clock or ``working_days`` (exactly one)."""

    model_config = ConfigDict(extra="forbid")
    minutes: int | None = Field(default=None, ge=1)
    working_days: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one(self) -> Norm:
        if (self.minutes is None) == (self.working_days is None):
            raise ValueError("give exactly one of minutes or working_days")
        return self

    @property
    def label(self) -> str:
        if self.minutes is not None:
            return f"{self.minutes} menit"
        return f"{self.working_days} hari kerja"

    def due(self, start: datetime, cal: WorkCalendar) -> datetime:
        """When a file received at ``start`` must be handed over: the norm counted in the
        office's working time (``cal``: office hours, holidays, cuti bersama, from
        ``rules/calendar/``)."""
        if self.minutes is not None:
            return cal.due(start, minutes=self.minutes).at
        return cal.due(start, days=self.working_days or 0).at


def working_minutes(start: datetime, end: datetime, cal: WorkCalendar) -> float:
    """Working minutes of the office (its calendar ``cal``) between two instants."""
    return cal.working_minutes(start, end)


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    sop_step: int = Field(ge=1)
    title: str
    role: Role
    action: Action
    norm: Norm

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


class Validity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    years: int = Field(default=5, ge=1, le=10)
    limited_by_str: bool = True


class Guarantees(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uncollected_after_months: int = Field(default=1, ge=1)
    collection_place: str = "loket pelayanan DPMPTSP Kota Pekanbaru"
    letter_number_format: str = "503/{seq:03d}/DPMPTSP/PB/{roman_month}/{year}"


_PLACEHOLDERS = {"year", "seq", "month", "roman_month", "reg_no"}


class ServiceChain(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product: str
    abbreviation: str = Field(pattern=r"^[A-Z]{2,10}$")
    profession: str
    template: str = "sikr.docx"
    number_format: str = "503/DPMPTSP/SIKR/{year}/{seq:04d}"
    validity: Validity = Field(default_factory=Validity)
    legal_basis: list[str] = Field(min_length=1)
    tembusan: list[str] = Field(default_factory=list)
    total_norm: Norm
    steps: list[Step] = Field(min_length=3)
    guarantees: Guarantees = Field(default_factory=Guarantees)

    @model_validator(mode="after")
    def _shape(self) -> ServiceChain:
        for fmt in (self.number_format, self.guarantees.letter_number_format):
            try:
                names = {f[1] for f in string.Formatter().parse(fmt) if f[1] is not None}
            except ValueError as exc:
                raise ValueError(f"number format {fmt!r} is not a valid pattern: {exc}") from exc
            unknown = {re.split(r"[.\[]", n)[0] for n in names} - _PLACEHOLDERS
            if unknown:
                raise ValueError(
                    f"number format {fmt!r} uses unknown {sorted(unknown)}; "
                    f"allowed: {sorted(_PLACEHOLDERS)}"
                )
            if "seq" not in names:
                raise ValueError(f"number format {fmt!r} must contain {{seq}}")
        codes = [s.code for s in self.steps]
        if len(set(codes)) != len(codes):
            raise ValueError("step codes must be unique")
        actions = [s.action for s in self.steps]
        if actions[0] != Action.draf:
            raise ValueError("the first step must be the draft (action: draf)")
        if actions[-1] != Action.penyerahan or actions.count(Action.penyerahan) != 1:
            raise ValueError("the last step, and only it, must be penyerahan")
        if actions.count(Action.tanda_tangan) != 1 or actions.count(Action.penomoran) != 1:
            raise ValueError("exactly one tanda_tangan step and one penomoran step are needed")
        if actions.index(Action.penomoran) < actions.index(Action.tanda_tangan):
            raise ValueError("penomoran comes after tanda_tangan")
        if actions.count(Action.draf) != 1:
            raise ValueError("exactly one draf step")
        return self

    def index_of(self, action: Action) -> int:
        return next(i for i, s in enumerate(self.steps) if s.action == action)

    def format_number(self, *, year: int, seq: int, month: int = 1, reg_no: str = "") -> str:
        return self.number_format.format(
            year=year, seq=seq, month=month, roman_month=roman_month(month), reg_no=reg_no
        )


class ChainFile(BaseModel):
    """Schema of ``rules/alur-persetujuan.yaml``."""

    model_config = ConfigDict(extra="forbid")
    services: dict[str, ServiceChain] = Field(min_length=1)

    def for_service(self, service: str) -> ServiceChain:
        try:
            return self.services[service]
        except KeyError:
            raise KeyError(
                f"no approval chain for service {service!r} in {CHAIN_RULES} "
                f"(known: {', '.join(self.services)})"
            ) from None


def load_chain(path: Path) -> ChainFile:
    return load_model(path, ChainFile)
