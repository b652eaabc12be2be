"""Loading the calendar files of ``rules/calendar/`` into a :class:`WorkCalendar`, and the
office's calendar, cached until a file changes.

The folder is ``<rules>/calendar`` of the current settings (``LOKET_RULES`` /
``LOKET_HOME``), read when a calendar is asked for, never at import.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from loket.calendar.schema import (
    OFFICE_HOURS_FILE,
    OfficeHours,
    YearOverrides,
    year_schema,
)
from loket.calendar.work_calendar import WorkCalendar
from loket.common.rulesfile import RulesError, load_model

M = TypeVar("M", bound=BaseModel)


def _bad_timestamp_line(path: Path) -> int:
    """Line of the first scalar PyYAML reads as a date but cannot build (``2026-02-30``)."""
    import yaml

    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return 0
    constructor = yaml.SafeLoader("")
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop(0)
        if isinstance(node, yaml.MappingNode):
            stack[:0] = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack[:0] = list(node.value)
        elif node.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(node)
            except ValueError:
                return node.start_mark.line + 1
    return 0


def _load(path: Path, model: type[M]) -> M:
    """:func:`loket.common.rulesfile.load_model`, plus dates PyYAML cannot build as a RulesError."""
    try:
        return load_model(path, model)
    except RulesError:
        raise
    except ValueError as exc:  # raised by PyYAML's constructors, e.g. for 2026-13-01
        raise RulesError(
            path,
            [
                (
                    _bad_timestamp_line(path),
                    f"not a valid date ({exc}) — fix: write a real date as YYYY-MM-DD",
                )
            ],
        ) from None


def load_calendar(directory: Path, *, use_package: bool = True) -> WorkCalendar:
    """The calendar of ``directory`` (the office's ``rules/calendar``): ``office-hours.yaml``
    (defaults if absent) and every ``YYYY.yaml``. Raises :class:`loket.common.rulesfile.RulesError`
    (file:line: what — fix: how) for a file with a mistake. A missing directory gives the
    default hours and the package's dates."""
    folder = directory
    hours_file = folder / OFFICE_HOURS_FILE
    hours = _load(hours_file, OfficeHours) if hours_file.is_file() else OfficeHours()
    years: dict[int, YearOverrides] = {}
    files: dict[int, Path] = {}
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix in (".yaml", ".yml") and re.fullmatch(r"\d{4}", path.stem):
                year = int(path.stem)
                years[year] = _load(path, year_schema(year))
                files[year] = path
    return WorkCalendar(hours, years, use_package=use_package, files=files)


_OFFICE: dict[Path, tuple[tuple[tuple[str, int, int], ...], WorkCalendar]] = {}
_OFFICE_LOCK = threading.Lock()


def office_calendar(directory: Path) -> WorkCalendar:
    """:func:`load_calendar`, cached until a file in the directory changes."""
    folder = directory.resolve()
    signature: tuple[tuple[str, int, int], ...] = ()
    if folder.is_dir():
        signature = tuple(
            (p.name, p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(folder.iterdir())
            if p.suffix in (".yaml", ".yml")
        )
    with _OFFICE_LOCK:
        hit = _OFFICE.get(folder)
        if hit is not None and hit[0] == signature:
            return hit[1]
    calendar = load_calendar(folder)
    with _OFFICE_LOCK:
        _OFFICE[folder] = (signature, calendar)
    return calendar
