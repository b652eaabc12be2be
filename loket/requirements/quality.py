"""Data-quality gate over the extracted applicant fields, with great-expectations.

The expectations are the rules file's (``quality.expectations``: a great-expectations
expectation name in snake case, its keyword arguments, the requirement a failure makes
invalid and the Indonesian reason). One row per application; failures come back per
registration number. great-expectations is imported lazily (5-8 s) and run in an ephemeral
context with analytics and progress bars off; it makes no network calls. An application's
gate reuses one context per rules (built once per process); a batch's Data Docs get their own.

``quality_row`` is an application's row (the applicant fields plus derived columns);
``apply_quality`` turns its failures into invalid requirements of the checklist.
``write_data_docs`` renders the Data Docs HTML of a batch (``index.html`` under a folder).

Memory (issue #17): great-expectations and pandas hold ~155 MiB once imported, which an
intake process then keeps to its end. An application's gate therefore evaluates the four
expectations the rules use (:data:`NATIVE`: not null, regex, between, pair equal) itself,
with great-expectations' semantics (nulls skipped where it skips them; a comparison that
cannot be made fails every row, as its raised exception does); rules naming any other
expectation, or another keyword, are validated by great-expectations as before. The
batch's Data Docs are still great-expectations', rendered by :func:`write_data_docs_apart`
in a short-lived child process, so the intake process never imports it.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from loket.common import safefs
from loket.documents import (
    DATA_DOCS_SCRIPT,
    gx_context,
    gx_definition,
    gx_frame,
    gx_result_format,
    gx_validate_with_docs,
)
from loket.requirements import identity as ident
from loket.requirements.context import Context
from loket.requirements.model import Checklist
from loket.requirements.results import Status, dedupe_evidence
from loket.requirements.rules import QualityRule, ServiceRules

KEY = "registration_number"
_LOCK = threading.Lock()  # great-expectations contexts are not meant for concurrent use


def _context(docs_dir: Path | None = None) -> Any:
    """A great-expectations context (one name for the tests to count them by)."""
    return gx_context(docs_dir)


#: (rules, columns) -> the context and validation definition prepared for them: built once
#: per process, not per application (issue #17); a few kept, for rules edited while serving.
_PREPARED: dict[tuple[str, tuple[str, ...]], tuple[Any, Any]] = {}
_PREPARED_MAX = 4


def _prepared(rule: QualityRule, columns: set[str]) -> tuple[Any, Any]:
    """The context and validation definition for ``rule`` over ``columns`` (caller holds
    :data:`_LOCK`)."""
    key = (rule.model_dump_json(), tuple(sorted(columns)))
    found = _PREPARED.get(key)
    if found is None:
        if len(_PREPARED) >= _PREPARED_MAX:
            _PREPARED.clear()
        ctx = _context()
        found = _PREPARED[key] = (ctx, gx_definition(ctx, rule, columns))
    return found


def _run(rows: list[dict[str, Any]], rule: QualityRule, docs_dir: Path | None) -> Any:
    if docs_dir is not None:  # a batch's Data Docs: a site of its own
        return gx_validate_with_docs(rows, rule, docs_dir, make=_context)
    frame = gx_frame(rows)
    ctx, vd = _prepared(rule, set(frame.columns))  # an application's gate: nothing kept
    try:
        return vd.run(batch_parameters={"dataframe": frame}, result_format=gx_result_format())
    finally:
        store = ctx.validation_results_store  # in memory: one result per run, else
        for key in store.list_keys():
            store.remove_key(key)


def _record(out: dict[str, list[dict]], hit: set[str], exp: Any, columns: list[str]) -> None:
    """One failed expectation, added to the failures of each registration number in ``hit``."""
    for key in hit:
        out.setdefault(key, []).append(
            {
                "requirement": exp.requirement,
                "reason": exp.reason,
                "on_failure": exp.on_failure,
                "expectation": exp.expectation,
                "columns": columns,
            }
        )


def _failures(result: Any, rule: QualityRule, keys: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
    for r in result.results:
        if r.success:
            continue
        idx = (r.expectation_config.meta or {}).get("loket_index")
        if idx is None:
            continue
        exp = rule.expectations[int(idx)]
        columns = [v for k, v in exp.kwargs.items() if k.startswith("column")]
        failed = r.result.get("unexpected_index_list") or []
        hit = {str(row.get(KEY)) for row in failed if isinstance(row, dict)}
        if not hit:
            # failed, and no row named: it could not run (great-expectations keeps the
            # raised exception under a metric id, so it is not looked for) or it is not a
            # per-row expectation: every row is in doubt, never waved through
            hit = set(keys)
        _record(out, hit, exp, columns)
    return out


def validate_rows(
    rows: list[dict[str, Any]], rule: QualityRule, docs_dir: Path | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Failed expectations per registration number (``rows[i]["registration_number"]``).

    With ``docs_dir`` the Data Docs site of this validation is written there too.
    """
    if not rows or not rule.expectations:
        return {}
    keys = [str(r.get(KEY)) for r in rows]
    if docs_dir is None:
        native = _native_failures(rows, rule, keys)
        if native is not None:
            return native
    with _LOCK:
        result = _run(rows, rule, docs_dir)
    return _failures(result, rule, keys)


def write_data_docs(rows: list[dict[str, Any]], rule: QualityRule, folder: Path) -> Path:
    """Validate a batch and write its Data Docs under ``folder``; the index page's path."""
    folder.mkdir(parents=True, exist_ok=True)
    validate_rows(rows, rule, docs_dir=folder)
    return folder / "index.html"


def write_data_docs_apart(
    rows: list[dict[str, Any]],
    rule: QualityRule,
    base: Path,
    parts: Sequence[str],
    timeout: float = 600,
) -> Path:
    """:func:`write_data_docs` in a child process (:mod:`loket.documents.data_docs` run by path):
    great-expectations and pandas are imported there and given back when it exits, not kept
    by the calling process to its end (issue #17). The child writes into a private temporary
    folder; only a complete site is then copied to ``base/parts…`` (see
    :func:`~loket.common.safefs.publish_tree`: never through a link, ``parts`` plain names).
    The index page's path; RuntimeError when the child fails (nothing is published then)."""
    with tempfile.TemporaryDirectory(prefix="loket-data-docs-") as private:
        job = {"rows": rows, "rule": rule.model_dump(mode="json"), "folder": private}
        env = dict(os.environ, GX_ANALYTICS_ENABLED=os.environ.get("GX_ANALYTICS_ENABLED", "false"))
        proc = subprocess.run(  # by path, -P: the child imports great-expectations, not loket
            [sys.executable, "-P", str(DATA_DOCS_SCRIPT)],
            input=json.dumps(job, default=str),
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
        if proc.returncode != 0 or not (Path(private) / "index.html").is_file():
            raise RuntimeError(f"Data Docs child exited {proc.returncode}: {proc.stderr[-500:]}")
        return safefs.publish_tree(Path(private), base, parts) / "index.html"


# --------------------------------------------------------------------------------------------
# The gate's own evaluation of the expectations the rules use (see the module's docstring)
# --------------------------------------------------------------------------------------------
class _Uncomparable(Exception):
    """A value the expectation cannot compare: great-expectations raises, every row fails."""


def _null(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _not_null(rows: list[dict[str, Any]], kw: dict[str, Any]) -> set[int]:
    return {i for i, r in enumerate(rows) if _null(r.get(kw["column"]))}


def _regex(rows: list[dict[str, Any]], kw: dict[str, Any]) -> set[int]:
    pattern = re.compile(kw["regex"])  # pandas' str.contains: a search, on str(value)
    col = kw["column"]
    return {
        i for i, r in enumerate(rows) if not _null(r.get(col)) and not pattern.search(str(r[col]))
    }


def _between(rows: list[dict[str, Any]], kw: dict[str, Any]) -> set[int]:
    low, high = kw.get("min_value"), kw.get("max_value")
    if low is None and high is None:
        raise _Uncomparable("between without bounds")
    out = set()
    for i, r in enumerate(rows):
        v = r.get(kw["column"])
        if _null(v):
            continue
        if isinstance(v, str | bytes | bool) or not isinstance(v, int | float):
            raise _Uncomparable(f"{v!r} is not a number")
        ok_low = low is None or (v > low if kw.get("strict_min") else v >= low)
        ok_high = high is None or (v < high if kw.get("strict_max") else v <= high)
        if not (ok_low and ok_high):
            out.add(i)
    return out


def _pair_equal(rows: list[dict[str, Any]], kw: dict[str, Any]) -> set[int]:
    ignore = kw.get("ignore_row_if", "both_values_are_missing")
    out = set()
    for i, r in enumerate(rows):
        a, b = _null(r.get(kw["column_A"])), _null(r.get(kw["column_B"]))
        if (ignore == "either_value_is_missing" and (a or b)) or (
            ignore == "both_values_are_missing" and a and b
        ):
            continue
        if a or b or r[kw["column_A"]] != r[kw["column_B"]]:
            out.add(i)
    return out


#: Expectation -> (its evaluation: indices of the failing rows, the keywords it understands).
NATIVE: dict[str, tuple[Any, frozenset[str]]] = {
    "expect_column_values_to_not_be_null": (_not_null, frozenset({"column"})),
    "expect_column_values_to_match_regex": (_regex, frozenset({"column", "regex"})),
    "expect_column_values_to_be_between": (
        _between,
        frozenset({"column", "min_value", "max_value", "strict_min", "strict_max"}),
    ),
    "expect_column_pair_values_to_be_equal": (
        _pair_equal,
        frozenset({"column_A", "column_B", "ignore_row_if"}),
    ),
}
_IGNORE = {"both_values_are_missing", "either_value_is_missing", "neither"}
#: Keywords an expectation cannot do without (great-expectations has a default for a
#: missing ``regex``; the gate leaves such a rule to it).
_REQUIRED = {
    "expect_column_values_to_match_regex": ("column", "regex"),
    "expect_column_pair_values_to_be_equal": ("column_A", "column_B"),
}


def _native(exp: Any) -> bool:
    """Whether :data:`NATIVE` evaluates ``exp`` exactly as great-expectations would: a known
    expectation with only keywords it understands, of the types it compares without the
    coercion great-expectations' models apply (a bound given as text, a flag as a word);
    anything else goes to great-expectations."""
    known = NATIVE.get(exp.expectation)
    kw = exp.kwargs
    if known is None or not set(kw) <= known[1]:
        return False
    needed = _REQUIRED.get(exp.expectation, ("column",))
    if not all(isinstance(kw.get(k), str) for k in needed):
        return False
    ignore = kw.get("ignore_row_if", "both_values_are_missing")
    if not isinstance(ignore, str) or ignore not in _IGNORE:
        return False
    if any(not _number(kw.get(k)) for k in ("min_value", "max_value") if kw.get(k) is not None):
        return False
    if any(not isinstance(kw[k], bool) for k in ("strict_min", "strict_max") if k in kw):
        return False
    if "regex" in kw:
        try:
            re.compile(kw["regex"])
        except (re.error, TypeError):
            return False
    return True


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _native_failures(
    rows: list[dict[str, Any]], rule: QualityRule, keys: list[str]
) -> dict[str, list[dict[str, Any]]] | None:
    """:func:`validate_rows`'s answer without great-expectations, or None when ``rule`` names
    an expectation or keyword :data:`NATIVE` does not cover."""
    if not all(_native(exp) for exp in rule.expectations):
        return None
    columns = {k for r in rows for k in r}
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
    for exp in rule.expectations:
        cols = [v for k, v in exp.kwargs.items() if k.startswith("column")]
        if any(c not in columns for c in cols):
            continue  # the rules name a column this service does not extract
        try:
            hit = {keys[i] for i in NATIVE[exp.expectation][0](rows, exp.kwargs)}
        except (_Uncomparable, TypeError):
            hit = set(keys)  # the expectation could not run: every row is in doubt
        _record(out, hit, exp, cols)
    return out


# --------------------------------------------------------------------------------------------
# One application's row, and what its failures do to the checklist
# --------------------------------------------------------------------------------------------
def quality_row(
    checklist: Checklist | Mapping[str, Any], rules: ServiceRules, received: date
) -> dict[str, Any]:
    """One row for the data-quality suite: the applicant fields plus derived columns
    (``checklist``: the model, or the file's dict)."""
    a = dict(Checklist.of(checklist).applicant)
    row: dict[str, Any] = {k: a.get(k) for k in rules.applicant}
    # derived columns: <date field>_year for every date; from "nik" and "birth_date" the
    # birth date the NIK encodes and the age on the receipt day
    for key, value in list(row.items()):
        if key != "birth_date" and _as_date(value) is not None:
            row[f"{key}_year"] = _as_date(value).year  # type: ignore[union-attr]
        elif key != "birth_date" and value in ("lifetime",):
            row[f"{key}_year"] = None
    birth = _as_date(a.get("birth_date"))
    if "nik" in row:
        nik = a.get("nik")
        info = ident.nik_info(str(nik), rules.identity.nik.rule(), near=birth) if nik else None
        row["nik_birth_date"] = (
            info.birth_date.isoformat() if info is not None and info.birth_date else None
        )
    if "birth_date" in row:
        row["age_years"] = (received - birth).days // 365 if birth is not None else None
    row["received"] = received.isoformat()
    return row


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return date.fromisoformat(value)
    return None


def apply_quality(
    checklist: Checklist, failures: list[dict[str, Any]], ctx: Context | None = None
) -> Checklist:
    """``checklist`` with the failed expectations: each makes its requirement invalid, or
    puts it in review when the expectation says a failure means "not readable" (a missing
    one stays missing, and a doubt never softens a decided defect). The verdict is left as
    it was: the caller works it out again."""
    cells = {c.id: c for c in checklist.requirements}
    evidence = getattr(ctx, "applicant_evidence", {}) if ctx is not None else {}
    for fail in failures:
        cell = cells.get(fail["requirement"])
        if cell is None or cell.status in (Status.MISSING, Status.NOT_REQUIRED):
            continue
        status = Status(fail.get("on_failure", Status.INVALID))
        if cell.status == Status.OK or (cell.status == Status.REVIEW and status == Status.INVALID):
            cell = replace(cell, status=status, reasons=(), evidence=())
        elif cell.status == Status.INVALID and status == Status.REVIEW:
            continue  # the decided defect is the reason given
        reason = f"Pemeriksaan mutu data: {fail['reason']}"
        if reason not in cell.reasons:
            cell = replace(cell, reasons=(*cell.reasons, reason))
        for col in fail.get("columns", []):
            f = evidence.get(col)
            if f is not None:
                cell = replace(
                    cell, evidence=tuple(dedupe_evidence([*cell.evidence, f.evidence()]))
                )
        cells[cell.id] = cell
    return checklist.with_cells(list(cells.values()))
