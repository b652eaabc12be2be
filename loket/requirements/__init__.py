"""Requirement checks: field extraction, the rule engine, stamps, identity, the data-quality gate
and the checklist writers."""

from __future__ import annotations

from loket.requirements.results import UNMET, Status, Verdict
from loket.requirements.rules import resolve_schema

__all__ = ["UNMET", "Status", "Verdict", "resolve_schema"]
