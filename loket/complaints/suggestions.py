"""Suggestions from the complaint's text: its weight and type (keywords), the related application.

A suggestion is only that: the officer confirms the weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from loket.common.saferegex import SafePattern, compile_rule
from loket.complaints.rules import WEIGHTS, ComplaintRules


@cache
def _keyword_pattern(keyword: str) -> SafePattern:
    # a keyword comes from rules/complaints.yaml and runs over text the public wrote:
    # 'a*a*a*…' is polynomial backtracking, so it runs with the rules' time limit
    parts = [re.escape(p) for p in keyword.strip().lower().split("*")]
    body = r"\w*".join(parts)
    return compile_rule(rf"(?<!\w){body}(?!\w)")


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def matched_keywords(text: str, keywords: list[str]) -> list[str]:
    """The words of ``text`` matched by ``keywords`` (each reported once, in rule order)."""
    norm = _normalise(text)
    found: list[str] = []
    for k in keywords:
        m = _keyword_pattern(k).search(norm) if k.strip() else None
        if m and m.group(0) not in found:
            found.append(m.group(0))
    return found


@dataclass(frozen=True)
class Suggestion:
    value: str
    matched: list[str]

    @property
    def reason(self) -> str:
        if not self.matched:
            return "tidak ada kata kunci yang cocok (bobot bawaan)"
        return "kata kunci: " + ", ".join(self.matched)


def suggest_weight(rules: ComplaintRules, text: str) -> Suggestion:
    """The heaviest weight whose keywords occur in ``text`` (else the default)."""
    for weight in reversed(WEIGHTS):
        found = matched_keywords(text, rules.weights[weight].keywords)
        if found and weight != "ringan":
            return Suggestion(weight, found)
    found = matched_keywords(text, rules.weights["ringan"].keywords)
    if found:
        return Suggestion("ringan", found)
    return Suggestion(rules.default_weight, [])


def suggest_type(rules: ComplaintRules, text: str) -> Suggestion:
    for code, kind in rules.types.items():
        found = matched_keywords(text, kind.keywords)
        if found:
            return Suggestion(code, found)
    return Suggestion(rules.default_type, [])


def find_reg_no(text: str, prefix: str) -> str | None:
    """The first registration number such as ``SIKR-2026-000123`` mentioned in ``text``."""
    m = re.search(
        rf"(?<![A-Za-z0-9]){re.escape(prefix)}[-/ ]?(\d{{4}})[-/ ]?(\d{{6}})(?!\d)",
        text,
        flags=re.IGNORECASE,
    )
    return f"{prefix.upper()}-{m.group(1)}-{m.group(2)}" if m else None
