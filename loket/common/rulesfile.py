"""Loading declarative YAML files (rules, officials, calendars) against a pydantic schema.

Errors name the file, the line and what is expected, in one line each, e.g.::

    rules/document-types.yaml:14: types.ktp.weight: Input should be a valid number
    (got 'heavy') — fix: write a number such as 1.5
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from loket.common.saferegex import SLOW_FIX

M = TypeVar("M", bound=BaseModel)


class RulesError(ValueError):
    """A rules file that cannot be used; ``str()`` is one line per problem: file:line: what."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}:{line}: {msg}" for line, msg in problems))


_HINTS = {
    "missing": "add this key",
    "extra_forbidden": "remove it or check its spelling",
    "float_parsing": "write a number such as 1.5",
    "float_type": "write a number such as 1.5",
    "int_parsing": "write a whole number",
    "int_type": "write a whole number",
    "bool_parsing": "write true or false",
    "string_type": "write text (quote it if it looks like a number)",
    "list_type": "write a list (lines starting with '- ')",
    "dict_type": "write a mapping (key: value lines)",
    "literal_error": "use one of the allowed values",
    "union_tag_invalid": "use one of the allowed values",
    "enum": "use one of the allowed values",
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD",
    "date_parsing": "write a date as YYYY-MM-DD",
    "value_error": "correct the value",
    "greater_than_equal": "use a larger value",
    "less_than_equal": "use a smaller value",
    "regex_invalid": "correct the regular expression (brackets, escapes; quote it with '...')",
    "regex_slow": SLOW_FIX,
}


def _node_at(root: yaml.Node | None, loc: tuple[int | str, ...]) -> yaml.Node | None:
    """The deepest YAML node along ``loc`` (pydantic's error location)."""
    node = root
    best = root
    for i, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for key, value in node.value:
                if str(key.value) == str(part):
                    nxt = value
                    best = key
                    break
            if nxt is None and i < len(loc) - 1:
                continue  # a discriminated union's tag ('issuer' of check: issuer)
            if nxt is None:
                return best
            node = nxt
            best = node
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return best
            node = node.value[part]
            best = node
        else:
            # pydantic adds union/tag names to loc; skip parts that are not in the file
            continue
    return best


def read_text(path: Path) -> str:
    """The text of a rules file; a file that cannot be read or is not UTF-8 (saved as
    Latin-1 or Windows-1252 by an editor) is a :class:`RulesError` at the offending line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulesError(path, [(0, f"cannot read file: {exc.strerror}")]) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[start : exc.start].decode("utf-8")) + 1
        what = f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {column})"
        raise RulesError(path, [(line, f"{what} — fix: save the file as UTF-8")]) from None


def _reader_problem(text: str, exc: yaml.reader.ReaderError) -> tuple[int, str]:
    """Line and message for a character YAML does not allow (e.g. a control character)."""
    start = text.rfind("\n", 0, exc.position) + 1
    line = text.count("\n", 0, exc.position) + 1
    column = exc.position - start + 1
    return (
        line,
        f"character U+{exc.character:04X} at column {column} is not allowed in YAML "
        "— fix: delete it (retype the line if it cannot be seen)",
    )


def load_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parsed data and the node tree (for line numbers) of a YAML file."""
    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise RulesError(
            path, [(line, f"not valid YAML: {exc.problem} — fix the indentation or quoting")]
        ) from exc
    except yaml.reader.ReaderError as exc:
        raise RulesError(path, [_reader_problem(text, exc)]) from exc
    except ValueError as exc:  # a value YAML recognises but cannot build, e.g. 2026-02-30
        line = _bad_scalar_line(node)
        raise RulesError(
            path, [(line, f"impossible value: {exc} — fix: write a real date as YYYY-MM-DD")]
        ) from exc
    return data, node


def _bad_scalar_line(node: yaml.Node | None) -> int:
    """The line of the first scalar that the safe loader cannot construct (0 if none)."""
    if node is None:
        return 0
    loader = yaml.SafeLoader("")
    stack = [node]
    while stack:
        current = stack.pop(0)
        if isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current, deep=True)
            except ValueError:
                return current.start_mark.line + 1
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack += [key, value]
        elif isinstance(current, yaml.SequenceNode):
            stack += list(current.value)
    return 0


def validate(path: Path, data: Any, node: yaml.Node | None, model: type[M]) -> M:
    """Validate ``data`` (loaded from ``path``) as ``model`` or raise :class:`RulesError`."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            target = _node_at(node, loc)
            line = target.start_mark.line + 1 if target is not None else 0
            where = ".".join(str(p) for p in loc) or "(top level)"
            got = err.get("input")
            shown = (
                f" (got {got!r})"
                if err["type"] != "missing" and not isinstance(got, dict | list)
                else ""
            )
            hint = _HINTS.get(err["type"], "see the schema in the file's header comment")
            msg = err["msg"].removeprefix("Value error, ")
            problems.append((line, f"{where}: {msg}{shown} — fix: {hint}"))
        raise RulesError(path, problems) from None


def load_model(path: Path, model: type[M]) -> M:
    """Load a YAML file and validate it as ``model``; errors carry file and line."""
    data, node = load_yaml(path)
    return validate(path, data, node, model)
