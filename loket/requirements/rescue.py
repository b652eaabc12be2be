"""Rescue: a document the page sorting missed, found among the pages sorted as something else
(rules: ``documents.<name>.rescue``)."""

from __future__ import annotations

from loket.intake import letters
from loket.requirements.documents import Document, ImageFor, extract_all
from loket.requirements.reread import reread_document
from loket.requirements.rules import DocumentRule
from loket.requirements.stamps import find_phrases


def rescue(
    docs: dict[str, Document], name: str, spec: DocumentRule, image_for: ImageFor | None
) -> None:
    """Find a document the page sorting missed among pages sorted as something else."""
    rule = spec.rescue
    assert rule is not None
    for source in rule.from_:
        holder = docs.get(source)
        if holder is None:
            continue
        for i, page in enumerate(holder.pages):
            if letters(page.text) < rule.min_letters:
                continue
            if rule.exclude and find_phrases(page.text, rule.exclude, rule.fuzzy):
                continue  # another document of the same look (a family card for a KTP)
            trial = Document(name, [page], [holder.texts[i]])
            extract_all(trial, spec)
            if not all(trial.found.get(f) for f in rule.require):
                reread_document(trial, spec, image_for, doubt=True)
            words = {
                h.phrase
                for t in trial.texts
                for h in find_phrases(t.text, rule.keywords, rule.fuzzy)
            }
            if all(trial.found.get(f) for f in rule.require) and len(words) >= rule.min_keywords:
                holder.pages.pop(i)
                holder.texts.pop(i)
                if not holder.pages:
                    del docs[source]
                trial.rescued_from = source
                docs[name] = trial
                return
