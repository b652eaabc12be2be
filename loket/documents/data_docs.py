"""great-expectations for the data-quality gate: a context, a suite, a validation over a
data frame of rows, and a batch's Data Docs site (issue #17).

This module imports nothing of loket, and great-expectations and pandas only when called: run
as a script by path (:data:`SCRIPT`, ``python -P``, the job as JSON on stdin), it renders a
batch's Data Docs in a child process that holds great-expectations and pandas (~160 MiB) and
nothing else, and gives them back when it exits; the intake process never imports them.
The rules are read through their attributes (``suite``; each expectation's ``expectation``
and ``kwargs``): the gate's :class:`~loket.requirements.rules.QualityRule`, or the same as
plain JSON in the child.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

#: This file, run by path as the Data Docs child (see the module's docstring).
SCRIPT = Path(__file__)
#: The column that names a row (an application's registration number).
KEY = "registration_number"


def gx() -> Any:
    """great-expectations, imported now (5-8 s the first time), analytics off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations

    return great_expectations


def expectation_class(name: str) -> Any:
    """The great-expectations class for a snake-case expectation name."""
    camel = "".join(part.capitalize() for part in name.split("_"))
    cls = getattr(gx().expectations, camel, None)
    if cls is None:
        raise ValueError(f"great-expectations has no expectation {name!r}")
    return cls


def context(docs_dir: Path | None = None) -> Any:
    """An ephemeral context, progress bars off; with a Data Docs site under ``docs_dir``."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx().get_context(mode="ephemeral")
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


def frame(rows: list[dict[str, Any]]) -> Any:
    """The rows as a data frame, missing values as None (not NaN)."""
    import pandas as pd

    out = pd.DataFrame(rows)
    for col in out.columns:
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def _suite(rule: Any, columns: set[str]) -> Any:
    suite = gx().ExpectationSuite(name=rule.suite)
    for i, exp in enumerate(rule.expectations):
        cols = [v for k, v in exp.kwargs.items() if k.startswith("column")]
        if any(c not in columns for c in cols):
            continue  # the rules name a column this service does not extract
        suite.add_expectation(
            expectation_class(exp.expectation)(**exp.kwargs, meta={"loket_index": i})
        )
    return suite


def definition(ctx: Any, rule: Any, columns: set[str]) -> Any:
    """``rule``'s suite over a whole data frame with ``columns``, as a validation definition."""
    source = ctx.data_sources.add_pandas("applicants")
    asset = source.add_dataframe_asset("applicant_fields")
    batch = asset.add_batch_definition_whole_dataframe("batch")
    suite = ctx.suites.add(_suite(rule, columns))
    return ctx.validation_definitions.add(
        gx().ValidationDefinition(name=f"{rule.suite}-validation", data=batch, suite=suite)
    )


def result_format() -> dict[str, Any]:
    return {"result_format": "COMPLETE", "unexpected_index_column_names": [KEY]}


def validate_with_docs(
    rows: list[dict[str, Any]], rule: Any, docs_dir: Path, make: Any = context
) -> Any:
    """Validate ``rows`` and write the Data Docs site under ``docs_dir`` (a context of its
    own, made by ``make``); the validation's result."""
    data = frame(rows)
    ctx = make(docs_dir)
    vd = definition(ctx, rule, set(data.columns))
    checkpoint = ctx.checkpoints.add(
        gx().Checkpoint(
            name=f"{rule.suite}-checkpoint",
            validation_definitions=[vd],
            actions=[gx().checkpoint.UpdateDataDocsAction(name="docs", site_names=["loket"])],
            result_format=result_format(),
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": data})
    return next(iter(result.run_results.values()))


def _rule_of(data: dict[str, Any]) -> Any:
    return SimpleNamespace(
        suite=data["suite"],
        expectations=[SimpleNamespace(**e) for e in data.get("expectations", [])],
    )


def main() -> None:
    """The child: ``{"rows", "rule", "folder"}`` on stdin; prints the index page's path."""
    job = json.loads(sys.stdin.read())
    folder = Path(job["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    validate_with_docs(job["rows"], _rule_of(job["rule"]), folder)
    print(folder / "index.html")


if __name__ == "__main__":
    main()
