"""Service-level tracking: the file's clock, live escalation, weekly and monthly SLA reports."""

from __future__ import annotations

from loket.sla.escalation import SlaRules

__all__ = ["SlaRules"]
