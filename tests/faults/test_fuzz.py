"""Fuzzing as a test (issue #14): a mutation corpus through the real intake flow, and a
property-based test (hypothesis) of the page path for any image a scanner or phone could
make. Zero crashes, zero lost originals, every input traced.

Bounded for CI: 210 mutated files (~1-2 min on 2 cores) and 60 hypothesis examples.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.faults.helpers import make_home
from tests.mutations import corpus

CASES = 210
SEED = 14


def _traced(home: Path) -> tuple[dict[str, str], set[str]]:
    """(file -> where it went) for everything in pages.json and karantina.json files."""
    where: dict[str, str] = {}
    for pages in (home / "outbox").glob("SIKR-*/pages.json"):
        doc = json.loads(pages.read_text("utf-8"))
        for page in doc["pages"]:
            where[doc["source"]] = "read" if "error" not in page else "page-error"
    quarantined = set()
    for index in (home / "outbox" / "_quarantine").glob("*/karantina.json"):
        quarantined.add(index.parent.name)
    return where, quarantined


@pytest.mark.e2e
@pytest.mark.ocr
def test_mutation_corpus_through_the_real_intake(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    prefect_server: None,
) -> None:
    from flows.intake import intake_flow
    from loket.common.settings import load_settings
    from loket.intake import archive

    home = make_home(tmp_path / "kantor")
    monkeypatch.setenv("LOKET_HOME", str(home))
    monkeypatch.setenv("LOKET_STABLE_SECONDS", "0")
    for key in ("LOKET_RULES", "LOKET_DATABASE_URL", "LOKET_INBOX", "LOKET_OUTBOX", "LOKET_VAR"):
        monkeypatch.delenv(key, raising=False)
    digests = {}
    for name, data in corpus(CASES, SEED):
        (home / "inbox" / name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()

    summary = intake_flow(check=False)  # a crash would raise here

    settings = load_settings()
    outcomes = {s["source"]: s["outcome"] for s in summary["submissions"]}
    counts = {k: list(outcomes.values()).count(k) for k in sorted(set(outcomes.values()))}
    read, quarantined = _traced(home)
    page_errors = sum(1 for v in read.values() if v == "page-error")
    with capsys.disabled():  # the counts belong in CI's output, pass or fail
        print(f"\nfuzz: {CASES} mutated files -> {counts}; {len(read)} read "
              f"({page_errors} with a page error), {len(quarantined)} quarantined")  # fmt: skip
    assert set(outcomes) == set(digests), "every input has an outcome"
    assert not summary["failed"] and "failed" not in counts and "parked" not in counts
    assert not [p for p in (home / "inbox").iterdir()], "nothing left behind in the inbox"
    for name, digest in digests.items():
        kept = archive.verify(settings.archive_dir, digest)
        copy = home / "outbox" / "_quarantine" / name / name
        in_quarantine = copy.exists() and hashlib.sha256(copy.read_bytes()).hexdigest() == digest
        assert kept or in_quarantine, f"{name}: original lost"
        traced = name in read or name in quarantined or outcomes[name] == "duplicate"
        assert traced, f"{name}: {outcomes[name]} but neither read nor quarantined"


_MODES = ["1", "L", "P", "RGB", "RGBA", "LA", "PA", "CMYK", "I;16", "I", "F"]


@st.composite
def images(draw: st.DrawFn) -> bytes:
    """Any image a scanner or phone could hand over: any size from 1 px, any mode, any of
    the accepted formats, random pixels."""
    width, height = draw(st.integers(1, 80)), draw(st.integers(1, 80))
    mode = draw(st.sampled_from(_MODES))
    fmt = draw(st.sampled_from(["PNG", "JPEG", "TIFF", "PDF"]))
    noise = draw(st.binary(min_size=width * height, max_size=width * height))
    img = Image.frombytes("L", (width, height), noise).convert(mode)
    if fmt == "JPEG" and mode not in ("L", "RGB", "CMYK"):
        img = img.convert("RGB")
    if fmt == "PDF" and mode not in ("1", "L", "RGB", "CMYK", "P"):
        img = img.convert("RGB")
    if fmt == "PNG" and mode in ("I", "F"):
        img = img.convert("I;16")
    buf = io.BytesIO()
    try:
        img.save(buf, fmt)
    except (OSError, KeyError, ValueError):  # a mode the format cannot store: as RGBA
        buf = io.BytesIO()
        img.convert("RGBA" if fmt in ("PNG", "TIFF") else "RGB").save(buf, fmt)
    return buf.getvalue()


@pytest.mark.ocr
@settings(
    max_examples=int(os.environ.get("LOKET_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=images())
def test_any_image_is_read_or_refused_with_a_reason(data: bytes, tmp_path: Path) -> None:
    """Probe, render and OCR never raise on any image: a file is refused with a known
    reason, or each of its pages gives a text or a page error with an id."""
    from loket.intake.ocr import OcrCache
    from loket.intake.pages import PageRef, probe
    from loket.intake.quarantine import REASONS, Unusable
    from loket.intake.steps import read

    digest = hashlib.sha256(data).hexdigest()
    path = tmp_path / digest
    path.write_bytes(data)
    try:
        kind, count = probe(path, max_bytes=2**29, max_pixels=120_000_000, max_pages=2000)
    except Unusable as exc:
        assert exc.code in REASONS
        return
    cache = OcrCache(tmp_path / "cache")
    for index in range(count):
        result = read(PageRef("x", path, digest, kind, index), cache)
        # every image the probe lets through is read: no page error at all
        assert result.error is None and result.text is not None, result.error
