"""The two ways of calling tesseract (loaded engines through tesserocr, or one CLI process
per call through pytesseract) are the same tesseract and must read every page alike."""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from loket.intake import tesseract
from loket.intake.ocr import read_page
from samples import generate_application
from tests.scans import letter_page, truth_pages

pytestmark = pytest.mark.ocr


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def use(name: str) -> None:
        monkeypatch.setattr(tesseract, "ENGINE", name)

    return use


def test_loaded_engine_is_the_system_tesseract() -> None:
    """``make install`` compiles tesserocr against the system's libtesseract."""
    import tesserocr

    assert tesseract.engine() == "api"
    cli = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
    version = re.search(r"tesseract (\S+)", cli)
    assert version is not None
    assert tesserocr.tesseract_version().split()[1] == version.group(1)


def _pages(tmp_path: Path) -> list[Image.Image]:
    truth = generate_application(
        tmp_path, "app", 5150, packaging="jpg_folder", n_other=1, n_blank=1
    )
    return [image for image, _page in truth_pages(tmp_path, truth)]


@pytest.mark.e2e
def test_engines_read_generated_scans_alike(tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    pages = _pages(tmp_path)
    assert len(pages) >= 10
    engine("cli")
    by_cli = [read_page(p) for p in pages]
    engine("api")
    by_api = [read_page(p) for p in pages]
    assert by_api == by_cli
    assert sum(len(r.text) > 200 for r in by_api) >= 8  # real text was read, not two blanks
    # and from two threads at once (one loaded engine per thread)
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(read_page, pages)) == by_cli


@pytest.mark.parametrize("rotation", [90, 180])
def test_engines_agree_on_orientation(rotation: int, engine) -> None:  # type: ignore[no-untyped-def]
    gray = np.asarray(letter_page().rotate(-rotation, expand=True))
    engine("cli")
    cli = tesseract.orientation(gray)
    engine("api")
    api = tesseract.orientation(gray)
    assert cli is not None and api is not None
    assert api.degrees == cli.degrees == rotation
    # the API's DetectOrientationScript and the CLI's --psm 0 gather the characters in a
    # slightly different way: the same answer, confidences within 10 %
    assert api.confidence == pytest.approx(cli.confidence, rel=0.1)


def test_no_orientation_without_text(engine) -> None:  # type: ignore[no-untyped-def]
    blank = np.full((1169, 827), 245, np.uint8)
    for name in ("cli", "api"):
        engine(name)
        assert tesseract.orientation(blank) is None


def test_plain_text_engines_agree(engine) -> None:  # type: ignore[no-untyped-def]
    gray = np.asarray(letter_page())
    engine("cli")
    cli = tesseract.text(gray, 6, "ind+eng")
    engine("api")
    assert tesseract.text(gray, 6, "ind+eng") == cli
    assert "Radiografer" in cli


def test_engines_are_lent_not_multiplied(monkeypatch: pytest.MonkeyPatch, engine) -> None:  # type: ignore[no-untyped-def]
    """Issue #17: one engine per language serves every page mode and variable, from any
    thread, each call reading as a fresh engine would; no more engines than the limit."""
    engines = tesseract._Engines()
    engines.limit = 2
    monkeypatch.setattr(tesseract, "ENGINES", engines)
    engine("api")
    gray = np.asarray(letter_page())
    invert = {"tessedit_do_invert": "0"}
    first = tesseract.tsv(gray, 3, "ind+eng", invert)
    plain = tesseract.text(gray, 6, "ind+eng")  # another mode, the variable at its default
    assert engines.made() == {"ind+eng": 1}
    assert tesseract.tsv(gray, 3, "ind+eng", invert) == first
    assert tesseract.text(gray, 6, "ind+eng") == plain
    with engines.lend("ind+eng", 6) as api:
        assert api.GetVariableAsString("tessedit_do_invert") == "1"  # restored
        assert api.GetPageSegMode() == 6
    engine("cli")
    assert tesseract.text(gray, 6, "ind+eng") == plain
    assert tesseract.tsv(gray, 3, "ind+eng", invert).splitlines()[1:] == first.splitlines()
    engine("api")
    with ThreadPoolExecutor(4) as pool:  # four threads, two engines
        calls = [pool.submit(tesseract.text, gray, 6, "ind+eng") for _ in range(6)]
        assert [c.result() for c in calls] == [plain] * 6
    assert engines.made() == {"ind+eng": 2}


def test_a_busy_language_waits_for_an_engine() -> None:
    """At the limit a call waits for an engine given back (it does not load another), and a
    variable tesseract does not have is refused without keeping the engine."""
    import threading

    engines = tesseract._Engines()
    engines.limit = 1
    order: list[str] = []
    with engines.lend("eng", 3) as api:
        waiter = threading.Thread(target=lambda: order.append(_lend_once(engines)))
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive()  # waiting: the one engine is lent
        order.append("given back")
        held = api
    waiter.join(10)
    assert order == ["given back", "lent"]
    with pytest.raises(tesseract.OcrError), engines.lend("eng", 3, {"no_such_variable": "1"}):
        pass
    with engines.lend("eng", 3) as again:
        assert again is held
    assert engines.made() == {"eng": 1}


def _lend_once(engines: tesseract._Engines) -> str:
    with engines.lend("eng", 3):
        return "lent"


def test_the_settings_choose_the_engine(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """``ocr_engine`` in loket.toml is the engine the intake reads with (it was validated
    and documented, but only the environment variable was read)."""
    from flows.intake import _settings

    monkeypatch.setattr(tesseract, "ENGINE", None)
    monkeypatch.delenv("LOKET_OCR_ENGINE", raising=False)
    monkeypatch.delenv("LOKET_CONFIG", raising=False)
    monkeypatch.setenv("LOKET_HOME", str(tmp_path))
    (tmp_path / "loket.toml").write_text('ocr_engine = "cli"\n', encoding="utf-8")
    assert _settings(None, None, None).ocr_engine == "cli"
    assert tesseract.engine() == "cli"
