"""Requirement checks: field extraction, the rule engine, stamps, identity, the data-quality gate
and the checklist writers."""
