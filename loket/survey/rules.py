"""The schema of ``rules/skm.yaml`` (service, population, follow-up plans) and loading it."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from loket.common.rulesfile import RulesError, load_model
from loket.survey.questionnaire import CODES


class FollowUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan: str
    when: str
    responsible: str


class SkmRules(BaseModel):
    """Schema of ``rules/skm.yaml``."""

    model_config = ConfigDict(extra="forbid")
    service: str = "Izin Kerja Radiografer"
    population: int | None = Field(default=None, ge=1)
    follow_up: dict[str, FollowUp] = Field(default_factory=dict)


def load_skm_rules(path: Path) -> SkmRules:
    rules = load_model(path, SkmRules)
    unknown = sorted(set(rules.follow_up) - set(CODES))
    if unknown:
        raise RulesError(path, [(0, f"follow_up: unknown element(s) {unknown} — fix: use U1..U9")])
    return rules
