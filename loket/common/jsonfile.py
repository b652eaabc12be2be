"""JSON files the office writes (``pages.json``, ``checklist.json``): whole or not at all."""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_json(path: Path, data: object) -> None:
    """Write ``data`` as indented UTF-8 JSON through a temporary file and a rename, so that a
    reader never sees half a file; on a failed write (disk full) no temporary is left behind
    and the error goes to the caller, who retries later."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
