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
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from loket.requirements import identity as ident
from loket.requirements.context import Context
from loket.requirements.model import Checklist
from loket.requirements.results import Status, dedupe_evidence
from loket.requirements.rules import QualityRule, ServiceRules

KEY = "registration_number"
_LOCK = threading.Lock()  # great-expectations contexts are not meant for concurrent use


def _gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


def load_in_background() -> threading.Thread:
    """Import great-expectations on a thread of its own, now.

    Its import takes seconds (2-4 s on an office PC); started while the pages are read, it
    overlaps OCR instead of delaying the first checklist. A check that needs it before the
    import is done simply waits on Python's import lock."""
    thread = threading.Thread(target=_gx, name="gx-import", daemon=True)
    thread.start()
    return thread


def expectation_class(name: str) -> Any:
    """The great-expectations class for a snake-case expectation name."""
    gx = _gx()
    camel = "".join(part.capitalize() for part in name.split("_"))
    cls = getattr(gx.expectations, camel, None)
    if cls is None:
        raise ValueError(f"great-expectations has no expectation {name!r}")
    return cls


def _context(docs_dir: Path | None = None) -> Any:
    gx = _gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    if docs_dir is not None:
        ctx.add_data_docs_site(
            site_name="loket",
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return ctx


def _frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd

    frame = pd.DataFrame(rows)
    for col in frame.columns:
        frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def _suite(gx: Any, rule: QualityRule, columns: set[str]) -> tuple[Any, list[int]]:
    suite = gx.ExpectationSuite(name=rule.suite)
    used = []
    for i, exp in enumerate(rule.expectations):
        cols = [v for k, v in exp.kwargs.items() if k.startswith("column")]
        if any(c not in columns for c in cols):
            continue  # the rules name a column this service does not extract
        suite.add_expectation(
            expectation_class(exp.expectation)(**exp.kwargs, meta={"loket_index": i})
        )
        used.append(i)
    return suite, used


#: (rules, columns) -> the context and validation definition prepared for them: built once
#: per process, not per application (issue #17); a few kept, for rules edited while serving.
_PREPARED: dict[tuple[str, tuple[str, ...]], tuple[Any, Any]] = {}
_PREPARED_MAX = 4


def _definition(ctx: Any, rule: QualityRule, columns: set[str]) -> Any:
    gx = _gx()
    source = ctx.data_sources.add_pandas("applicants")
    asset = source.add_dataframe_asset("applicant_fields")
    batch = asset.add_batch_definition_whole_dataframe("batch")
    suite, _used = _suite(gx, rule, columns)
    suite = ctx.suites.add(suite)
    return ctx.validation_definitions.add(
        gx.ValidationDefinition(name=f"{rule.suite}-validation", data=batch, suite=suite)
    )


def _prepared(rule: QualityRule, columns: set[str]) -> tuple[Any, Any]:
    """The context and validation definition for ``rule`` over ``columns`` (caller holds
    :data:`_LOCK`)."""
    key = (rule.model_dump_json(), tuple(sorted(columns)))
    found = _PREPARED.get(key)
    if found is None:
        if len(_PREPARED) >= _PREPARED_MAX:
            _PREPARED.clear()
        ctx = _context()
        found = _PREPARED[key] = (ctx, _definition(ctx, rule, columns))
    return found


def _run(rows: list[dict[str, Any]], rule: QualityRule, docs_dir: Path | None) -> Any:
    gx = _gx()
    frame = _frame(rows)
    result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [KEY]}
    if docs_dir is None:  # an application's gate: the prepared context, nothing kept
        ctx, vd = _prepared(rule, set(frame.columns))
        try:
            return vd.run(batch_parameters={"dataframe": frame}, result_format=result_format)
        finally:
            store = ctx.validation_results_store  # in memory: one result per run, else
            for key in store.list_keys():
                store.remove_key(key)
    ctx = _context(docs_dir)  # a batch's Data Docs: a site of its own
    vd = _definition(ctx, rule, set(frame.columns))
    checkpoint = ctx.checkpoints.add(
        gx.Checkpoint(
            name=f"{rule.suite}-checkpoint",
            validation_definitions=[vd],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["loket"])],
            result_format=result_format,
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": frame})
    return next(iter(result.run_results.values()))


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
        if not failed and r.exception_info and r.exception_info.get("raised_exception"):
            hit = set(keys)  # the expectation could not run: every row is in doubt
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
    with _LOCK:
        result = _run(rows, rule, docs_dir)
    return _failures(result, rule, keys)


def write_data_docs(rows: list[dict[str, Any]], rule: QualityRule, folder: Path) -> Path:
    """Validate a batch and write its Data Docs under ``folder``; the index page's path."""
    folder.mkdir(parents=True, exist_ok=True)
    validate_rows(rows, rule, docs_dir=folder)
    return folder / "index.html"


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
