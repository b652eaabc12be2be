"""The officials of the office and their roles, from one declarative file ``rules/officials.yaml``.

Used wherever an action is reserved to a role (report approval, paraf chain, signing).
An official may name a delegate (``delegate_nip``); the delegate may act in the official's
place and is then recorded as *Plh.* (Pelaksana Harian) of that role.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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
}


class Official(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2)
    nip: str
    role: Role
    title: str | None = None  # jabatan as printed under a signature, e.g. "Pembina Tk. I"
    unit: str | None = None  # bidang, for kepala_bidang
    phone: str | None = None
    email: str | None = None
    delegate_nip: str | None = None
    active: bool = True

    @field_validator("nip", "delegate_nip")
    @classmethod
    def _nip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = str(value).replace(" ", "")
        if not (digits.isdigit() and len(digits) == 18):
            raise ValueError("a NIP has 18 digits (spaces allowed)")
        return digits


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
            if o.delegate_nip is not None and o.delegate_nip not in seen:
                raise ValueError(f"delegate_nip {o.delegate_nip} of {o.name} is not listed")
            if o.delegate_nip == o.nip:
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
    """Who acts and in which capacity: ``acting`` is ``None`` or ``"Plh."``."""

    official: Official
    role: Role
    principal: Official
    acting: str | None = None

    @property
    def label(self) -> str:
        base = ROLE_LABELS[self.role]
        return f"{self.acting} {base}" if self.acting else base


class NotAuthorized(PermissionError):
    """The person may not act in the role; the message is meant for the officer."""

    def __init__(self, message: str, official: Official | None) -> None:
        super().__init__(message)
        self.official = official


def authorize(officials: OfficialsFile, nip: str, role: Role | str) -> Authority:
    """The authority of ``nip`` to act as ``role``: the holder, or a holder's delegate (Plh.).

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
    for holder in holders:
        if holder.delegate_nip == actor.nip:
            return Authority(official=actor, role=role, principal=holder, acting="Plh.")
    raise NotAuthorized(
        f"{actor.name} (NIP {actor.nip}, {ROLE_LABELS[actor.role]}) bukan {label} "
        f"dan bukan Plh. yang ditetapkan untuk {label}.",
        actor,
    )
