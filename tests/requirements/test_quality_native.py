"""The data-quality gate's own evaluation of the expectations the rules use gives what
great-expectations gives, row for row and in the same order (issue #17: the intake process
no longer imports great-expectations for an application's gate)."""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

import pytest

from loket.requirements import quality
from loket.requirements.rules import QualityRule, load_service_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = sorted(
    p for p in (ROOT / "rules").glob("*.yaml") if "quality:" in p.read_text(encoding="utf-8")
)

#: Values each column takes in the rows: well-formed, missing, malformed, out of range.
VALUES = {
    "name": ["SITI AMINAH", None, ""],
    "nik": ["1471015304950012", None, "14710153049500", "147101530495001X", 1471015304950012],
    "birth_date": ["1995-04-13", None, "1996-04-13"],
    "birth_place": ["PEKANBARU", None],
    "nik_birth_date": ["1995-04-13", None, "1995-04-14"],
    "age_years": [31, None, 7, 18, 70, 71, float("nan")],
    "str_number": ["KR 00001234", None],
    "str_valid_until": ["2029-01-01", None, "lifetime"],
    "str_valid_until_year": [2029, None, 1990],
}


def _rows(seed: int, count: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        row: dict[str, object] = {k: rng.choice(v) for k, v in VALUES.items()}
        row["registration_number"] = f"R{i}"
        rows.append(row)
    return rows


def _gx(rows: list[dict[str, object]], rule: QualityRule) -> dict[str, list[dict]]:
    keys = [str(r.get(quality.KEY)) for r in rows]
    with quality._LOCK:
        result = quality._run(rows, rule, None)
    return quality._failures(result, rule, keys)


def _quality_rules() -> list[QualityRule]:
    out = []
    for path in RULES:
        rule = load_service_rules(path).quality
        if rule is not None and rule.expectations:
            out.append(rule)
    return out


@pytest.mark.e2e
@pytest.mark.parametrize("count", [1, 4, 20])
def test_native_gate_agrees_with_great_expectations(count: int) -> None:
    rules = _quality_rules()
    assert rules, "no rules file with a quality section"
    for rule, seed in itertools.product(rules, range(5)):
        rows = _rows(seed * 31 + count, count)
        native = quality._native_failures(rows, rule, [str(r[quality.KEY]) for r in rows])
        assert native is not None  # the shipped rules are all evaluated without gx
        assert native == _gx(rows, rule), (rule.suite, rows)


@pytest.mark.e2e
def test_columns_missing_from_the_rows_are_skipped_alike() -> None:
    rule = _quality_rules()[0]
    rows = [{"registration_number": "A", "nik": "123"}, {"registration_number": "B"}]
    native = quality._native_failures(rows, rule, ["A", "B"])
    assert native == _gx(rows, rule)


def test_unknown_expectation_or_keyword_goes_to_great_expectations() -> None:
    rule = QualityRule.model_validate(
        {
            "suite": "s",
            "expectations": [
                {
                    "expectation": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": "nik", "mostly": 0.5},
                    "requirement": "ktp",
                    "reason": "r",
                }
            ],
        }
    )
    assert quality._native_failures([{"registration_number": "A"}], rule, ["A"]) is None


@pytest.mark.e2e
def test_gate_and_data_docs_leave_great_expectations_out_of_the_process(tmp_path: Path) -> None:
    """In a fresh interpreter: an application's gate over the shipped rules, and a batch's
    Data Docs (rendered by a child process), leave great-expectations and pandas unimported
    in the process; the Data Docs site is written all the same."""
    import subprocess

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from loket.requirements.quality import validate_rows, write_data_docs_apart\n"
        "from loket.requirements.rules import load_service_rules\n"
        f"rule = load_service_rules(Path({str(RULES[0])!r})).quality\n"
        "rows = [{'registration_number': 'A', 'nik': '1'}, {'registration_number': 'B'}]\n"
        "out = validate_rows(rows[:1], rule)\n"
        "assert out['A'], out\n"
        f"print(write_data_docs_apart(rows, rule, Path({str(tmp_path)!r}), ['docs']))\n"
        "print(sorted(m for m in ('great_expectations', 'pandas') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    index, modules = proc.stdout.strip().splitlines()[-2:]
    assert modules == "[]"
    assert Path(index) == tmp_path / "docs" / "index.html"
    assert "<html" in Path(index).read_text(encoding="utf-8").lower()


def _one(expectation: str, **kwargs: object) -> QualityRule:
    return QualityRule.model_validate(
        {
            "expectations": [
                {"expectation": expectation, "kwargs": kwargs, "requirement": "ktp", "reason": "r"}
            ]
        }
    )


@pytest.mark.parametrize(
    "rule",
    [
        # great-expectations has a default for a missing regex: left to it
        _one("expect_column_values_to_match_regex", column="nik"),
        # a keyword great-expectations' models would coerce, or that cannot be hashed
        _one("expect_column_values_to_be_between", column="age_years", min_value="18"),
        _one("expect_column_values_to_be_between", column="age_years", strict_min="false"),
        _one(
            "expect_column_pair_values_to_be_equal",
            column_A="a",
            column_B="b",
            ignore_row_if={"x": 1},
        ),
        _one("expect_column_values_to_not_be_null", column=["nik"]),
    ],
)
def test_what_the_gate_cannot_evaluate_exactly_goes_to_great_expectations(
    rule: QualityRule,
) -> None:
    """Each of these crashed the native evaluation (KeyError, TypeError) or could differ from
    great-expectations' coercion; now they are left to great-expectations."""
    rows = [{"registration_number": "A", "nik": "1", "age_years": 20, "a": 1, "b": 1}]
    assert quality._native_failures(rows, rule, ["A"]) is None


def test_a_pattern_python_re_cannot_compile_is_refused_at_load() -> None:
    """``regex`` accepts ``\\p{N}``, Python's re (the gate's, and great-expectations') does
    not: every application's check crashed on it; now the rules file is refused."""
    with pytest.raises(ValueError, match="re cannot compile"):
        _one("expect_column_values_to_match_regex", column="nik", regex=r"^\p{N}{16}$")


@pytest.mark.e2e
def test_an_expectation_great_expectations_cannot_run_fails_every_row() -> None:
    """``mostly`` sends the rule to great-expectations; a value it cannot compare makes it
    raise, and the result names no row: every row used to pass (a false accept)."""
    rule = _one("expect_column_values_to_be_between", column="age_years", min_value=18, mostly=1.0)
    rows = [{"registration_number": "A", "age_years": "x"}]
    assert quality._native_failures(rows, rule, ["A"]) is None
    assert [f["requirement"] for f in quality.validate_rows(rows, rule)["A"]] == ["ktp"]
