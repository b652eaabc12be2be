"""Cells in review: the verdict they give, the officer's confirmation, the quality gate's
doubts, and the crops the checklist PDF shows (pure functions and fpdf, no OCR)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from loket.requirements import (
    Checklist,
    Officer,
    ReviewError,
    Status,
    Verdict,
    confirm,
    open_reviews,
    verdict_of,
)

AT = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
OFFICER = Officer("198901012015031001", "Petugas Contoh", "Petugas Front Office")


def _checklist(**statuses: str) -> dict:
    return {
        "verdict": verdict_of(list(statuses.values())),
        "requirements": [
            {"id": rid, "status": st, "reasons": [f"alasan {rid}"], "evidence": []}
            for rid, st in statuses.items()
        ],
    }


@pytest.mark.parametrize(
    ("statuses", "verdict"),
    [
        (["ok", "not_required"], Verdict.COMPLETE),
        (["ok", "review"], Verdict.REVIEW),
        (["review", "invalid"], Verdict.INCOMPLETE),  # a decided defect returns the file
        (["missing", "review", "ok"], Verdict.INCOMPLETE),
        ([], Verdict.COMPLETE),
    ],
)
def test_verdict_of(statuses: list[str], verdict: Verdict) -> None:
    assert verdict_of(statuses) == verdict


def test_confirm_decides_one_cell_and_keeps_what_the_checks_said() -> None:
    before = _checklist(ktp="ok", ijazah="review", str="review")
    after = confirm(before, "ijazah", "ok", officer=OFFICER, note=None, at=AT)
    assert before["requirements"][1]["status"] == "review"  # the input is not changed
    cell = after.requirements[1]
    assert cell.status == Status.OK and cell.review is not None
    assert cell.review.reasons == ("alasan ijazah",)
    assert cell.confirmed is not None and cell.confirmed.nip == OFFICER.nip
    assert cell.confirmed.at.startswith("2026")
    assert after.verdict == Verdict.REVIEW and [c.id for c in open_reviews(after)] == ["str"]
    done = confirm(after, "str", "invalid", officer=OFFICER, note="STR tanpa legalisir.", at=AT)
    assert after.requirements[2].status == Status.REVIEW  # frozen: a decision is a new checklist
    assert done.verdict == Verdict.INCOMPLETE
    assert done.requirements[2].reasons == ("STR tanpa legalisir.",)
    assert [c.requirement for c in done.confirmations] == ["ijazah", "str"]
    # the file: what the checks said and the decision under the cell, keys in their order
    item = done.to_json()["requirements"][1]
    assert list(item) == ["id", "status", "reasons", "evidence", "review", "confirmed"]
    assert item["review"] == {"reasons": ["alasan ijazah"], "evidence": []}
    assert list(item["confirmed"]) == [
        *("requirement", "decision", "nip", "name", "capacity", "acting", "note", "at")
    ]


@pytest.mark.parametrize(
    ("rid", "decision", "note", "message"),
    [
        ("ktp", "ok", None, "bukan 'perlu diperiksa petugas'"),
        ("pas_foto", "ok", None, "tidak ada di daftar periksa"),
        ("str", "barangkali", None, "tidak dikenal"),
        ("str", "invalid", "  ", "wajib disertai catatan"),
    ],
)
def test_confirm_refuses(rid: str, decision: str, note: str | None, message: str) -> None:
    with pytest.raises(ReviewError, match=message):
        confirm(
            _checklist(ktp="ok", str="review"), rid, decision, officer=OFFICER, note=note, at=AT
        )


def test_quality_doubts_go_to_review_and_never_soften_a_defect() -> None:
    from loket.requirements.quality import apply_quality

    checklist = _checklist(ktp="ok", str="invalid", ijazah="ok")
    failures = [
        {"requirement": "ktp", "reason": "NIK tidak terbaca.", "on_failure": "review"},
        {"requirement": "str", "reason": "Nomor STR tidak terbaca.", "on_failure": "review"},
        {"requirement": "ijazah", "reason": "Cacat.", "on_failure": "invalid"},
    ]
    before = Checklist.from_json(checklist)
    after = apply_quality(before, failures)
    got = {c.id: (c.status, c.reasons) for c in after.requirements}
    assert got["ktp"] == (Status.REVIEW, ("Pemeriksaan mutu data: NIK tidak terbaca.",))
    assert got["str"] == (Status.INVALID, ("alasan str",))
    assert got["ijazah"][0] == Status.INVALID
    assert before.statuses()["ktp"] == Status.OK  # a new checklist; the one given is unchanged


def test_rules_accept_on_failure_review_and_name_the_fix_for_a_typo(tmp_path: Path) -> None:
    from loket.requirements.rules import Expectation

    exp = Expectation(
        expectation="expect_column_values_to_not_be_null",
        kwargs={"column": "nik"},
        requirement="ktp",
        reason="x",
        on_failure="review",
    )
    assert exp.on_failure == "review"
    with pytest.raises(ValueError, match=r"invalid|review"):
        Expectation(
            expectation="expect_column_values_to_not_be_null",
            requirement="ktp",
            reason="x",
            on_failure="maybe",  # type: ignore[arg-type]
        )


def _page() -> Image.Image:
    img = Image.new("RGB", (1000, 1400), "white")
    ImageDraw.Draw(img).rectangle((600, 1000, 900, 1200), outline="black", width=8)
    return img


def test_crop_takes_the_box_with_a_margin_and_stays_small() -> None:
    from loket.requirements.crops import crop

    out = crop(_page(), [0.6, 0.7143, 0.9, 0.857])
    assert 330 <= out.width <= 370 and 260 <= out.height <= 300
    assert crop(_page(), None).size[1] == 900  # the whole page, scaled to MAX_SIDE
    assert crop(_page(), [0.5, 0.5, 0.4, 0.4]).size[1] == 900  # an empty box: the whole page


def test_checklist_pdf_shows_review_cells_with_their_crops(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from loket.requirements.checklist import write_pdf
    from loket.requirements.rules import load_service_rules

    rules = load_service_rules(Path("rules/izin-kerja-radiografer.yaml"))
    checklist = {
        "source": "pemohon-1",
        "application_type": "new",
        "verdict": "review",
        "applicant": {"name": "Rina"},
        "requirements": [
            {"id": "ktp", "status": "ok", "reasons": ["Ada."], "evidence": []},
            {
                "id": "ijazah",
                "status": "review",
                "reasons": ["Cap legalisir tidak dapat dipastikan."],
                "evidence": [
                    {"file": "scan.pdf", "page": 4, "text": "", "box": [0.6, 0.7, 0.9, 0.86]}
                ],
            },
        ],
    }
    calls: list[tuple[str, int]] = []

    def image_for(file: str, page: int) -> Image.Image:
        calls.append((file, page))
        return _page()

    path = write_pdf(
        tmp_path / "c.pdf",
        checklist,
        rules,
        reg_no="SIKR-1",
        received=date(2026, 12, 7),
        image_for=image_for,
    )
    reader = PdfReader(str(path))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Perlu diperiksa petugas" in text and "PERLU DIPERIKSA PETUGAS" in text
    assert "scan.pdf hlm. 4" in text and calls == [("scan.pdf", 4)]
    assert sum(len(p.images) for p in reader.pages) == 1
    plain = write_pdf(
        tmp_path / "d.pdf", checklist, rules, reg_no="SIKR-1", received=date(2026, 12, 7)
    )
    assert sum(len(p.images) for p in PdfReader(str(plain)).pages) == 0


def test_a_defect_the_officer_finds_waits_for_the_last_cell_one_the_checks_found_does_not() -> None:
    from loket.requirements import carry_confirmations

    before = _checklist(ktp="ok", ijazah="review", str="review")
    one = confirm(before, "ijazah", "invalid", officer=OFFICER, note="Tanpa legalisir.", at=AT)
    assert one.verdict == Verdict.REVIEW  # one letter, once every cell is decided
    two = confirm(one, "str", "ok", officer=OFFICER, note=None, at=AT)
    assert two.verdict == Verdict.INCOMPLETE
    with pytest.raises(ReviewError, match="bukan 'perlu diperiksa petugas'"):
        confirm(two, "str", "ok", officer=OFFICER, note=None, at=AT)  # returned already
    # a re-check reads the file again: the officer's decisions stay where the checks doubt
    again = carry_confirmations(_checklist(ktp="ok", ijazah="review", str="ok"), two.to_json())
    assert again.statuses() == {"ktp": "ok", "ijazah": "invalid", "str": "ok"}
    assert again.verdict == Verdict.INCOMPLETE and len(again.confirmations) == 2
    assert again.requirements[1].reasons == ("Tanpa legalisir.",)
    fresh = Checklist.from_json(_checklist(ktp="ok", ijazah="review", str="invalid"))
    assert carry_confirmations(fresh, None) == fresh
    assert carry_confirmations(fresh, one).verdict == Verdict.INCOMPLETE  # the checks' defect


def test_checklist_model_writes_the_file_it_read() -> None:
    """``from_json`` then ``to_json`` gives the same JSON, byte for byte, with the officer's
    decisions, unknown keys (kept after the requirements) and a box in the evidence."""
    import json

    data = confirm(
        _checklist(ktp="ok", ijazah="review"),
        "ijazah",
        "invalid",
        officer=OFFICER,
        note="Tanpa legalisir.",
        at=AT,
    ).to_json()
    data["requirements"][0]["evidence"] = [{"file": "a.pdf", "page": 2, "text": "x", "box": [0, 1]}]
    data["requirements"][0]["later"] = "kept"
    confirmations = data.pop("confirmations")
    data = {"source": "s", "service": "x", "application_type": "new", **data, "worker": "w"}
    data["confirmations"] = confirmations
    model = Checklist.from_json(data)
    assert json.dumps(model.to_json()) == json.dumps(data)
    assert model.requirements[0].extra == {"later": "kept"} and model.extra == {"worker": "w"}
    assert model.verdict == Verdict.INCOMPLETE
    with pytest.raises(ValueError):
        Checklist.from_json({**data, "verdict": "lengkap"})  # a verdict is a closed set
