"""The yearly satisfaction survey (Survei Kepuasan Masyarakat, SKM)."""

from __future__ import annotations

from loket.survey.rules import SkmRules

__all__ = ["SkmRules"]
