"""The composition root: the :class:`Office` built from the settings (paths, database,
calendar, rules, keys, clock, OCR engine) that every entry point builds once and passes down,
and what spans every part of the office (checking all rules files)."""

from __future__ import annotations

from loket.office.office import Office
from loket.office.rulesets import check_file, rules_files, schema_for

__all__ = ["Office", "check_file", "rules_files", "schema_for"]
