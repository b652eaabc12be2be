"""The officials of the office and their roles, from one declarative file ``rules/officials.yaml``.

Used wherever an action is reserved to a role (report approval, paraf chain, signing).
An official may name delegates (``delegations``: a NIP, the first and last day, the decree
that grants it); a delegate may act in the official's place on those days only and is then
recorded as *Plh.* (Pelaksana Harian) of that role. Who the person *is* is proven separately
(:mod:`loket.identity`): authorising here is only about the role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from loket.common.clock import to_wib, utcnow
from loket.common.rulesfile import load_model


class Role(StrEnum):
    back_office = "back_office"
    front_office = "front_office"
    analis_ahli_muda = "analis_ahli_muda"
    analis_ahli_madya = "analis_ahli_madya"
    sekretaris = "sekretaris"
    kepala_dinas = "kepala_dinas"
    petugas_penomoran = "petugas_penomoran"
    # complaints handling (standard §6)
    petugas_pengaduan = "petugas_pengaduan"
    kepala_bidang = "kepala_bidang"
    asisten_walikota = "asisten_walikota"
    sekretaris_daerah = "sekretaris_daerah"
    # sets officials' passphrases (loket officials set-password); decides nothing on files
    administrator = "administrator"


ROLE_LABELS: dict[Role, str] = {
    Role.back_office: "Petugas Back Office",
    Role.front_office: "Petugas Front Office",
    Role.analis_ahli_muda: "JF Analis Kebijakan Ahli Muda",
    Role.analis_ahli_madya: "JF Analis Kebijakan Ahli Madya",
    Role.sekretaris: "Sekretaris",
    Role.kepala_dinas: "Kepala Dinas",
    Role.petugas_penomoran: "Petugas Penomoran",
    Role.petugas_pengaduan: "Petugas Pengaduan",
    Role.kepala_bidang: "Kepala Bidang",
    Role.asisten_walikota: "Asisten Walikota",
    Role.sekretaris_daerah: "Sekretaris Daerah",
    Role.administrator: "Administrator Sistem",
}


def _nip_digits(value: str | None) -> str | None:
    if value is None:
        return None
    digits = str(value).replace(" ", "")
    if not (digits.isdigit() and len(digits) == 18):
        raise ValueError("a NIP has 18 digits (spaces allowed)")
    return digits


def _day(value: date) -> str:
    return f"{value:%d-%m-%Y}"


class Delegation(BaseModel):
    """A Plh./Plt. appointment: who, from which day to which day (both included), by which
    decree (nomor SK). Outside those days it does not authorise."""

    model_config = ConfigDict(extra="forbid")

    nip: str
    start: date
    end: date
    decree: str = Field(min_length=3)

    @field_validator("nip")
    @classmethod
    def _nip(cls, value: str) -> str:
        return _nip_digits(value)  # type: ignore[return-value]

    @model_validator(mode="after")
    def _dates(self) -> Delegation:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}; swap them")
        return self

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def period(self) -> str:
        return f"{_day(self.start)} s.d. {_day(self.end)} (SK {self.decree})"


class Official(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2)
    nip: str
    role: Role
    title: str | None = None  # jabatan as printed under a signature, e.g. "Pembina Tk. I"
    unit: str | None = None  # bidang, for kepala_bidang
    phone: str | None = None
    email: str | None = None
    #: Plh. appointments, each with its days and decree. The undated ``delegate_nip`` of old
    #: files is gone (``extra="forbid"`` names it): a delegation that never ends would let a
    #: former Plh. act for ever.
    delegations: list[Delegation] = Field(default_factory=list)
    active: bool = True

    @field_validator("nip")
    @classmethod
    def _nip(cls, value: str | None) -> str | None:
        return _nip_digits(value)


class OfficialsFile(BaseModel):
    """Schema of ``rules/officials.yaml``."""

    model_config = ConfigDict(extra="forbid")

    officials: list[Official] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> OfficialsFile:
        seen: set[str] = set()
        for o in self.officials:
            if o.nip in seen:
                raise ValueError(f"NIP {o.nip} appears twice")
            seen.add(o.nip)
        for o in self.officials:
            for nip in (d.nip for d in o.delegations):
                if nip not in seen:
                    raise ValueError(f"delegation to {nip} of {o.name}: NIP is not listed")
                if nip == o.nip:
                    raise ValueError(f"{o.name} cannot be their own delegate")
        return self

    def by_nip(self, nip: str) -> Official | None:
        nip = nip.replace(" ", "")
        return next((o for o in self.officials if o.nip == nip), None)

    def with_role(self, role: Role | str) -> list[Official]:
        return [o for o in self.officials if o.role == Role(role) and o.active]

    def holder(self, role: Role | str) -> Official | None:
        """The (first active) holder of a single-person role such as the Sekretaris."""
        found = self.with_role(role)
        return found[0] if found else None


def load_officials(path: Path) -> OfficialsFile:
    return load_model(path, OfficialsFile)


@dataclass(frozen=True)
class Authority:
    """Who acts and in which capacity: ``acting`` is ``None`` or ``"Plh."`` (then
    ``delegation`` is the appointment)."""

    official: Official
    role: Role
    principal: Official
    acting: str | None = None
    delegation: Delegation | None = None

    @property
    def label(self) -> str:
        base = ROLE_LABELS[self.role]
        return f"{self.acting} {base}" if self.acting else base


class NotAuthorized(PermissionError):
    """The person may not act in the role; the message is meant for the officer."""

    def __init__(self, message: str, official: Official | None) -> None:
        super().__init__(message)
        self.official = official


def authorize(
    officials: OfficialsFile, nip: str, role: Role | str, on: date | None = None
) -> Authority:
    """The authority of ``nip`` to act as ``role`` on day ``on`` (default today): the holder,
    or a holder's delegate (Plh.) whose appointment covers that day.

    Raises :class:`NotAuthorized` with a message in Bahasa Indonesia.
    """
    role = Role(role)
    actor = officials.by_nip(nip)
    label = ROLE_LABELS[role]
    if actor is None:
        raise NotAuthorized(f"NIP {nip} tidak terdaftar di daftar pejabat.", None)
    if not actor.active:
        raise NotAuthorized(f"{actor.name} (NIP {actor.nip}) tidak aktif.", actor)
    holders = officials.with_role(role)
    if actor.role == role:
        return Authority(official=actor, role=role, principal=actor)
    day = on or to_wib(utcnow()).date()
    lapsed: list[str] = []
    for holder in holders:
        for d in holder.delegations:
            if d.nip == actor.nip and d.covers(day):
                return Authority(actor, role, holder, acting="Plh.", delegation=d)
            if d.nip == actor.nip:
                lapsed.append(d.period)
    if lapsed:
        raise NotAuthorized(
            f"{actor.name} (NIP {actor.nip}) ditunjuk Plh. {label} hanya "
            f"{'; '.join(lapsed)}; tanggal {_day(day)} di luar masa penunjukan.",
            actor,
        )
    raise NotAuthorized(
        f"{actor.name} (NIP {actor.nip}, {ROLE_LABELS[actor.role]}) bukan {label} "
        f"dan bukan Plh. yang ditetapkan untuk {label}.",
        actor,
    )
