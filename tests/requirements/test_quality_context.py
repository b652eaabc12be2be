"""The data-quality gate's great-expectations context is built once per process and rules,
not per application, and keeps nothing from one application to the next (issue #17).
(Rules whose expectations the gate evaluates itself never build one: here the gate is made
to use great-expectations for every expectation, as for rules naming one it does not know.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from loket.requirements import quality
from loket.requirements.rules import load_service_rules

pytestmark = pytest.mark.e2e
RULES = Path(__file__).resolve().parents[2] / "rules" / "izin-kerja-radiografer.yaml"


def test_one_context_serves_every_application(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = load_service_rules(RULES).quality
    assert rules is not None
    built: list[Path | None] = []
    real = quality._context

    def counted(docs_dir: Path | None = None) -> object:
        built.append(docs_dir)
        return real(docs_dir)

    monkeypatch.setattr(quality, "_PREPARED", {})
    monkeypatch.setattr(quality, "NATIVE", {})
    monkeypatch.setattr(quality, "_context", counted)
    good = {"registration_number": "A", "nik": "1471015304950012", "str_number": "X-1"}
    bad = {"registration_number": "B", "nik": "14710153049500", "str_number": None}
    first = [quality.validate_rows([dict(row)], rules) for row in (good, bad, good, bad)]
    assert first[0] == first[2] and first[1] == first[3]
    assert first[0]["A"] == [] or all(f["requirement"] != "ktp" for f in first[0]["A"])
    reasons = {f["reason"] for f in first[1]["B"]}
    assert "NIK tidak terdiri dari 16 angka." in reasons
    assert built == [None]  # one context for the four applications
    ((ctx, _vd),) = quality._PREPARED.values()
    assert ctx.validation_results_store.list_keys() == []  # no result kept per application
    # a batch's Data Docs get a context of their own; the applications' one still answers
    assert quality.write_data_docs([good, bad], rules, tmp_path / "docs").is_file()
    assert built == [None, tmp_path / "docs"]
    assert quality.validate_rows([dict(bad)], rules) == first[1]
    assert len(built) == 2
