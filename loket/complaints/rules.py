"""The schema of ``rules/complaints.yaml``: channels, types, weights, deadlines, SMS columns."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from loket.approval import Role
from loket.common.rulesfile import load_model

WeightCode = Literal["ringan", "sedang", "berat"]
WEIGHTS: tuple[WeightCode, ...] = ("ringan", "sedang", "berat")
ReplyKind = Literal["surat", "email", "catatan"]


class Channel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    reply: ReplyKind


class ComplaintType(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    keywords: list[str] = Field(default_factory=list)


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int = Field(ge=0)
    working_days: bool = True


class WeightRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str
    description: str
    deadline: Deadline
    coordination: list[list[Role]] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)


class SmsColumns(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: list[str]
    sender: list[str]
    text: list[str]
    name: list[str] = Field(default_factory=list)
    direction: list[str] = Field(default_factory=list)
    incoming_values: list[str] = Field(default_factory=list)


class ComplaintRules(BaseModel):
    """Schema of ``rules/complaints.yaml``."""

    model_config = ConfigDict(extra="forbid")

    numbering_prefix: str = Field(default="PGD", pattern=r"^[A-Z]{2,8}$")
    default_weight: WeightCode = "ringan"
    default_type: str = "pengaduan"
    channels: dict[str, Channel]
    types: dict[str, ComplaintType]
    weights: dict[WeightCode, WeightRule]
    sms_csv: SmsColumns

    @model_validator(mode="after")
    def _complete(self) -> ComplaintRules:
        missing = [w for w in WEIGHTS if w not in self.weights]
        if missing:
            raise ValueError(f"weights must define ringan, sedang and berat (missing {missing})")
        if self.default_type not in self.types:
            raise ValueError(f"default_type {self.default_type!r} is not one of types")
        return self

    def channel_label(self, code: str) -> str:
        return self.channels[code].label if code in self.channels else code

    def type_label(self, code: str) -> str:
        return self.types[code].label if code in self.types else code

    def weight_label(self, code: str | None) -> str:
        if code is None:
            return "-"
        return self.weights[code].label if code in self.weights else code  # type: ignore[index]


def load_complaint_rules(path: Path) -> ComplaintRules:
    return load_model(path, ComplaintRules)
