"""Which schema each file in ``rules/`` follows, and checking them all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from loket.common.rulesfile import RulesError, load_model


def _schemas() -> dict[str, type[BaseModel]]:
    from loket.approval import ChainFile, NotifyRules, OfficialsFile
    from loket.complaints import ComplaintRules
    from loket.intake import ClassificationRules
    from loket.sla import SlaRules
    from loket.survey import SkmRules

    return {
        "document-types.yaml": ClassificationRules,
        "complaints.yaml": ComplaintRules,
        "officials.yaml": OfficialsFile,
        "skm.yaml": SkmRules,
        "sla.yaml": SlaRules,
        "alur-persetujuan.yaml": ChainFile,
        "notifikasi.yaml": NotifyRules,
    }


#: Extra schema resolvers registered by other modules: name -> model, or None if not theirs.
resolvers: list[Callable[[Path], type[BaseModel] | None]] = []


def _service_requirements(path: Path) -> type[BaseModel] | None:
    """A service's requirement rules (``rules/<service>.yaml`` with ``requirements:``)."""
    from loket.requirements import resolve_schema

    return resolve_schema(path)


resolvers.append(_service_requirements)


def _calendar_files(path: Path) -> type[BaseModel] | None:
    """``rules/calendar/office-hours.yaml`` and ``rules/calendar/YYYY.yaml``."""
    from loket.calendar import schema_for_file

    return schema_for_file(path)


resolvers.append(_calendar_files)


def schema_for(path: Path) -> type[BaseModel] | None:
    for resolve in resolvers:
        found = resolve(path)
        if found is not None:
            return found
    return _schemas().get(path.name)


def rules_files(directory: Path) -> list[Path]:
    """Every rules file under ``directory`` (the office's ``rules/``), sorted."""
    return sorted(p for p in directory.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def check_file(path: Path) -> list[str]:
    """One line per problem (``file:line: what — fix: how``); empty when the file is fine."""
    model = schema_for(path)
    if model is None:
        return [f"{path}:0: no schema is known for this file name — fix: rename it or remove it"]
    try:
        load_model(path, model)
    except RulesError as exc:
        return str(exc).splitlines()
    return []
