"""The application type: a new application or a renewal, with the line that said so
(rules: ``application_type``)."""

from __future__ import annotations

from loket.requirements.documents import Document
from loket.requirements.rules import ServiceRules
from loket.requirements.stamps import find_phrases


def application_type(rules: ServiceRules, docs: dict[str, Document]) -> tuple[str, list[dict]]:
    """ "new" or "renewal", with the line that said so."""
    rule = rules.application_type
    letter = docs.get(rule.document)
    if letter is not None:
        for kind, phrases in (("renewal", rule.renewal), ("new", rule.new)):
            for t in letter.texts:
                hits = find_phrases(t.text, phrases, rule.fuzzy)
                if hits:
                    return kind, [{"file": t.file, "page": t.page, "text": hits[0].line}]
    if rule.renewal_if_present and rule.renewal_if_present in docs:
        return "renewal", []
    return rule.default, []
