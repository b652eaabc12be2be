"""The layout's rules that import-linter does not check (issue #15): small modules, small
functions in the runtime code, and nothing outside ``tests/`` importing the tests.

The dependency rule itself (layers, no Prefect/Typer/Rich below the shell, no cycles) is
checked by ``lint-imports`` in ``make lint``; see ``[tool.importlinter]`` in pyproject.toml.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def _modules(*roots: str) -> list[Path]:
    return sorted(p for root in roots for p in (REPO / root).rglob("*.py"))


def test_no_module_over_600_lines() -> None:
    long = {
        str(p.relative_to(REPO)): n
        for p in _modules("loket", "flows", "samples", "bench", "templates", "docs")
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"split these modules by concept (limit {MAX_MODULE_LINES} lines): {long}"


def test_no_runtime_function_over_60_lines() -> None:
    long = {}
    for p in _modules("loket", "flows"):
        if "migrations" in p.parts:
            continue  # Alembic revisions: one generated table definition after another
        for node in ast.walk(ast.parse(p.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{p.relative_to(REPO)}:{node.lineno} {node.name}"] = length
    assert long == {}, f"split into named steps (limit {MAX_FUNCTION_LINES} lines): {long}"


def _imports_tests(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [
            f"{path.relative_to(REPO)}:{node.lineno}" for n in names if n.split(".")[0] == "tests"
        ]
    return found


def test_nothing_outside_tests_imports_the_tests() -> None:
    offenders = [
        hit
        for p in _modules("loket", "flows", "samples", "bench", "templates", "docs")
        for hit in _imports_tests(p)
    ]
    assert offenders == [], f"move what these need into samples/ or loket/: {offenders}"
