"""Rules files: schema errors name the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from loket.cli.main import app
from loket.common.rulesfile import RulesError, load_model
from loket.intake.classify import ClassificationRules, load_classification_rules

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "rules" / "document-types.yaml"


def test_the_shipped_rules_are_valid() -> None:
    rules = load_classification_rules(GOOD)
    assert {
        "surat_permohonan",
        "ktp",
        "ijazah",
        "str",
        "rekomendasi_organisasi_profesi",
        "surat_keterangan_sehat",
        "surat_pernyataan_tempat_kerja",
        "rekomendasi_dinkes",
        "surat_izin_asli",
    } <= set(rules.types)
    assert rules.photo is not None and rules.photo.doc_type == "pas_foto"


def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    text = GOOD.read_text(encoding="utf-8")
    assert old in text
    lineno = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "document-types.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, lineno


def test_a_wrong_value_names_file_line_and_fix(tmp_path: Path) -> None:
    path, line = _broken(tmp_path, "weight: 3}", "weight: berat}")
    with pytest.raises(RulesError) as info:
        load_model(path, ClassificationRules)
    (message,) = str(info.value).splitlines()
    assert message.startswith(f"{path}:{line}: types.surat_permohonan.keywords.")
    assert "fix: write a number" in message


def test_a_misspelt_key_is_reported(tmp_path: Path) -> None:
    path, line = _broken(tmp_path, "threshold: 4.0", "treshold: 4.0")
    with pytest.raises(RulesError) as info:
        load_model(path, ClassificationRules)
    assert f"{path}:{line}: treshold: Extra inputs are not permitted" in str(info.value)


def test_a_bad_regex_is_reported(tmp_path: Path) -> None:
    path, line = _broken(
        tmp_path, 'regex: "perpanjangan|permohonan baru"', 'regex: "(perpanjangan"'
    )
    with pytest.raises(RulesError) as info:
        load_model(path, ClassificationRules)
    assert f"{path}:{line}:" in str(info.value) and "regular expression" in str(info.value)


def test_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "document-types.yaml"
    path.write_text("version: 1\ntypes:\n  ktp: {label: KTP\n", encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_model(path, ClassificationRules)
    assert str(info.value).startswith(f"{path}:4: not valid YAML")


def test_cli_rules_check(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["rules", "check", str(GOOD)])
    assert ok.exit_code == 0, ok.output
    path, line = _broken(tmp_path, "max_ink: 0.03", "max_ink: 3")
    bad = runner.invoke(app, ["rules", "check", str(path)])
    assert bad.exit_code == 1
    assert f"{path}:{line}: blank.max_ink" in bad.output


def test_an_impossible_date_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("version: 1\nadded:\n  - date: 2026-02-30\n", encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_model(path, ClassificationRules)
    assert str(info.value).startswith(f"{path}:3: impossible value")
