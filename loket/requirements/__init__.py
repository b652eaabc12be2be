"""Requirement checks: field extraction, the rule engine, stamps, identity, the data-quality gate,
the checklist (:class:`Checklist`: ``checklist.json`` typed), its writers and the officer's
confirmation of cells in review."""

from __future__ import annotations

from loket.requirements.checklist import CHECKLIST_JSON, write_outputs
from loket.requirements.documents import ImageFor
from loket.requirements.model import Cell, Checklist, Confirmation, Finding
from loket.requirements.results import MET, UNMET, Status, Verdict, verdict_of
from loket.requirements.review import (
    DECISION_ID,
    Officer,
    ReviewError,
    carry_confirmations,
    confirm,
    decision_status,
    open_reviews,
)
from loket.requirements.rules import ServiceRules, load_service_rules, resolve_schema

__all__ = [
    "CHECKLIST_JSON",
    "DECISION_ID",
    "MET",
    "UNMET",
    "Cell",
    "Checklist",
    "Confirmation",
    "Finding",
    "ImageFor",
    "Officer",
    "ReviewError",
    "ServiceRules",
    "Status",
    "Verdict",
    "carry_confirmations",
    "confirm",
    "decision_status",
    "load_service_rules",
    "open_reviews",
    "resolve_schema",
    "verdict_of",
    "write_outputs",
]
