"""Helpers for the approval-chain tests. The sample office they work in (an isolated home with
generated officials, complete applications written by code) is :mod:`samples.office`."""

from __future__ import annotations

import json

from samples.office import REPO, Home, make_application, make_home  # noqa: F401


def contact(settings, reg_no: str) -> tuple[str | None, str]:  # type: ignore[no-untyped-def]
    """(phone, address) as written into the generated letter."""
    pages = json.loads((settings.outbox_dir / reg_no / "pages.json").read_text("utf-8"))
    text = pages["pages"][0]["text"]
    phone = None
    address = ""
    for line in text.splitlines():
        if line.startswith("No. HP"):
            phone = line.split(":", 1)[1].strip().replace("-", "")
        if line.startswith("Alamat"):
            address = line.split(":", 1)[1].strip()
    return phone, address
