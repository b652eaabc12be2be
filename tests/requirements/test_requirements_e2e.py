"""Requirement checks end to end: generated scans with planted defects -> real Prefect flow
runs (intake, then the checks) -> real tesseract -> checklist.json/.pdf, return letters,
verdicts in the register, Data Docs of the batch.

Every planted defect kind is covered, two per application on different documents so that
one shared intake run (OCR is the expensive part) stays short; plus a fully valid new and a
fully valid renewal application.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from samples import DEFECTS, generate_application

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

REPO = Path(__file__).resolve().parents[2]
#: name -> (seed, application type, defects, packaging)
PLAN: dict[str, tuple[int, str, list[str], str]] = {
    "valid-new": (7101, "new", [], "jpg_folder"),
    "valid-renewal": (7102, "renewal", [], "single_pdf"),
    "c-missing-expired": (7103, "new", ["missing_ijazah", "str_expired"], "mixed_tree"),
    # a colour scan: an unlegalised copy is a defect (below: on black and white, a doubt)
    "d-unlegal-nosip": (7158, "new", ["ijazah_unlegalized", "sehat_no_sip"], "multipage_folder"),
    "e-unlegal-dinkes": (7105, "new", ["str_unlegalized", "dinkes_other_city"], "single_tiff"),
    "f-person-nik": (7106, "new", ["other_person", "nik_mismatch"], "text_pdf_letter"),
    "g-renewal-photo-body": (
        7107,
        "renewal",
        ["renewal_without_permit", "one_photo", "rekomendasi_other_body"],
        "jpg_folder",
    ),
}
CONTRACT_KEYS = {"source", "service", "application_type", "verdict", "applicant", "requirements"}
APPLICANT_KEYS = {
    "name",
    "nik",
    "birth_place",
    "birth_date",
    "str_number",
    "str_valid_until",
    "workplace",
}


def test_plan_covers_every_defect_kind() -> None:
    planted = {d for _, _, defects, _ in PLAN.values() for d in defects}
    kinds = {d for d in DEFECTS if not d.startswith("missing_")} | {"missing_"}
    assert kinds <= {d if not d.startswith("missing_") else "missing_" for d in planted}


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory, prefect_server: None
) -> Iterator[tuple[Path, dict[str, dict[str, Any]], dict[str, str]]]:
    from loket.common.clock import WIB

    home = tmp_path_factory.mktemp("home")
    inbox = home / "inbox"
    inbox.mkdir()
    env = {"LOKET_HOME": str(home), "LOKET_STABLE_SECONDS": "0", "LOKET_RULES": str(REPO / "rules")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    today = datetime.now(WIB).date()  # the register's receipt day
    truths = {}
    for name, (seed, kind, defects, packaging) in PLAN.items():
        truth = generate_application(
            inbox,
            name,
            seed,
            application_type=kind,
            defects=defects,
            packaging=packaging,
            received=today,
        )
        truths[truth["source"]] = truth

    from flows.checks import check_flow
    from flows.intake import intake_flow

    summary = intake_flow()
    processed = {Path(folder).name for folder in summary["processed"].values()}
    check_flow()  # every processed application without a verdict (none, once integrated)
    by_source = {}
    for reg_no in processed:
        checklist = json.loads((home / "outbox" / reg_no / "checklist.json").read_text("utf-8"))
        by_source[checklist["source"]] = reg_no
    yield home, truths, by_source
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _checklist(home: Path, reg_no: str) -> dict[str, Any]:
    return json.loads((home / "outbox" / reg_no / "checklist.json").read_text("utf-8"))


def test_every_application_is_checked(run) -> None:  # type: ignore[no-untyped-def]
    _home, truths, by_source = run
    assert set(by_source) == set(truths)


def _expected(truth: dict[str, Any]) -> dict[str, str]:
    """The statuses the checks owe the application: its truth, except that a copy without
    its legalisation scanned without colour is for the officer (the rules' ``no_region:
    review``: a stamp's blue cannot be told from a photocopy's grey)."""
    want = dict(truth["requirements"])
    if truth["scan_mode"] != "colour":
        for defect in truth["defects"]:
            if defect.endswith("_unlegalized"):
                want[defect.removesuffix("_unlegalized")] = "review"
    return want


def test_the_plan_has_a_colour_and_a_colourless_unlegalised_copy(run) -> None:  # type: ignore[no-untyped-def]
    _home, truths, _ = run
    unlegalised = [
        t for t in truths.values() if any(d.endswith("_unlegalized") for d in t["defects"])
    ]
    assert {t["scan_mode"] == "colour" for t in unlegalised} == {True, False}


@pytest.mark.parametrize("name", list(PLAN))
def test_statuses_match_the_planted_defects(run, name: str) -> None:  # type: ignore[no-untyped-def]
    home, truths, by_source = run
    truth = next(t for s, t in truths.items() if s.startswith(name))
    checklist = _checklist(home, by_source[truth["source"]])
    assert set(checklist) == CONTRACT_KEYS
    assert set(checklist["applicant"]) == APPLICANT_KEYS
    got = {r["id"]: r["status"] for r in checklist["requirements"]}
    assert list(got) == list(truth["requirements"])  # all ten, in the standard's order
    wrong = {k: (got[k], v) for k, v in _expected(truth).items() if got[k] != v}
    assert not wrong, json.dumps(
        [r for r in checklist["requirements"] if r["id"] in wrong], ensure_ascii=False, indent=1
    )
    want = "complete" if all(v in ("ok", "not_required") for v in got.values()) else "incomplete"
    assert checklist["verdict"] == want
    assert checklist["application_type"] == truth["application_type"]
    for r in checklist["requirements"]:
        assert r["reasons"] and all(isinstance(s, str) and s for s in r["reasons"])
        if r["status"] in ("invalid", "ok") and r["id"] != "pas_foto":
            assert r["evidence"], r
            assert {"file", "page", "text"} <= set(r["evidence"][0])


@pytest.mark.parametrize("name", list(PLAN))
def test_applicant_fields(run, name: str) -> None:  # type: ignore[no-untyped-def]
    home, truths, by_source = run
    truth = next(t for s, t in truths.items() if s.startswith(name))
    got = _checklist(home, by_source[truth["source"]])["applicant"]
    want = {k: truth["applicant"][k] for k in APPLICANT_KEYS}
    assert got == want


def test_outputs_and_register(run) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    from loket.common.db import open_database
    from loket.common.settings import load_settings
    from loket.intake import register

    home, _truths, by_source = run
    db = open_database(load_settings().db_url)
    for source, reg_no in by_source.items():
        folder = home / "outbox" / reg_no
        checklist = _checklist(home, reg_no)
        assert (folder / "checklist.pdf").read_bytes().startswith(b"%PDF")
        letter = folder / "surat-pengembalian.docx"
        assert letter.exists() == (checklist["verdict"] == "incomplete"), source
        if letter.exists():
            doc = Document(str(letter))
            text = "\n".join(
                [p.text for p in doc.paragraphs]
                + [c.text for t in doc.tables for row in t.rows for c in row.cells]
            )
            assert "Perihal" in text and "Pengembalian Berkas Permohonan" in text
            assert reg_no in text and "{{" not in text
            for r in checklist["requirements"]:
                if r["status"] in ("missing", "invalid"):
                    assert r["reasons"][0][:40] in text
        with db() as session:
            app = register.get(session, reg_no)
            assert app is not None and app.verdict == checklist["verdict"]
    docs = list((home / "outbox" / "_data-docs").glob("*/index.html"))
    assert docs and "<html" in docs[0].read_text(encoding="utf-8").lower()
