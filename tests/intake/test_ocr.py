"""Page reading on real tesseract: orientation, deskew, binarisation, cache."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from loket.intake.ocr import (
    OcrCache,
    OcrResult,
    deskew,
    detect_orientation,
    estimate_skew,
    page_key,
    read_page,
    rotate_upright,
    text_direction,
)
from tests.scans import LINES, letter_page  # noqa: F401


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.ocr
def test_orientation_is_detected_and_undone(rotation: int) -> None:
    page = letter_page()
    scanned = page.rotate(-rotation, expand=True)  # turned clockwise by `rotation`
    gray = np.asarray(scanned)
    assert detect_orientation(gray) == rotation
    upright = rotate_upright(gray, rotation)
    assert upright.shape == np.asarray(page).shape


@pytest.mark.ocr
def test_blank_page_has_no_orientation() -> None:
    assert detect_orientation(np.full((1169, 827), 245, np.uint8)) == 0


@pytest.mark.parametrize("angle", [-2.5, 1.5, 3.0])
def test_small_skew_is_measured_and_removed(angle: float) -> None:
    gray = np.asarray(letter_page())
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    skewed = cv2.warpAffine(gray, m, (w, h), borderValue=250)
    found = estimate_skew(skewed)
    assert abs(found + angle) <= 0.5, found
    assert abs(estimate_skew(deskew(skewed, found))) <= 0.5


@pytest.mark.parametrize(
    ("rotation", "direction"), [(0, "across"), (90, "sideways"), (180, "across"), (270, "sideways")]
)
def test_text_direction_from_the_glyphs(rotation: int, direction: str) -> None:
    scanned = letter_page().rotate(-rotation, expand=True)
    assert text_direction(np.asarray(scanned)) == direction


def test_text_direction_is_unclear_without_text() -> None:
    rng = np.random.default_rng(5)
    paper = rng.normal(240, 6, (2339, 1654)).clip(0, 255).astype(np.uint8)
    assert text_direction(paper) is None


@pytest.mark.parametrize("rotation", [90, 270])
@pytest.mark.ocr
def test_a_sideways_page_is_read_once(rotation: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The glyphs show a page lying on its side before any reading: OSD picks the side and
    the page is read once, upright (a sideways reading first would double the cost)."""
    from loket.intake import tesseract

    readings: list[tuple[int, int]] = []
    real = tesseract.tsv

    def counted(array: np.ndarray, *args: object, **kwargs: object) -> str:
        readings.append(array.shape)
        return real(array, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tesseract, "tsv", counted)
    result = read_page(letter_page().rotate(-rotation, expand=True))
    assert result.rotation == rotation
    assert "Permohonan Surat Izin Kerja Radiografer" in result.text
    assert readings == [(2339, 1654)]  # one reading, of the upright (portrait) page


@pytest.mark.ocr
def test_read_page_reads_rotated_indonesian_text() -> None:
    scanned = letter_page().rotate(-90, expand=True)
    result = read_page(scanned)
    assert result.rotation == 90
    assert "Permohonan Surat Izin Kerja Radiografer" in result.text


def test_cache_round_trip(tmp_path: Path) -> None:
    cache = OcrCache(tmp_path)
    key = page_key("a" * 64, 0, 3)
    assert cache.get(key) is None
    value = OcrResult("teks", 90, 1.25, "ocr", 0.1, faces=2)
    cache.put(key, value)
    assert cache.get(key) == value
    assert page_key("a" * 64, 1, 3) != key


def test_cache_writers_of_one_key_do_not_collide(tmp_path: Path) -> None:
    """Two checks re-reading the same scan write the same key at once (threads of one
    process): every write lands, none fails on another's temporary file."""
    from concurrent.futures import ThreadPoolExecutor

    cache = OcrCache(tmp_path)
    key = page_key("b" * 64, 0, 6)

    def write(i: int) -> None:
        cache.put(key, OcrResult(f"teks {i}", 90, 1.0, "reread", 0.0))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(400)))
    got = cache.get(key)
    assert got is not None and got.text.startswith("teks ")
    assert [p.name for p in (tmp_path / key[:2]).iterdir()] == [f"{key}.json"]


def test_cache_never_writes_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    key = page_key("c" * 64, 0, 3)
    (cache_dir / key[:2]).symlink_to(outside)
    with pytest.raises(OSError):
        OcrCache(cache_dir).put(key, OcrResult("teks", 90, 1.0, "ocr", 0.0))
    assert list(outside.iterdir()) == []


def _bw_scan(
    page: Image.Image, *, dither: bool, speckles: int = 60, level: int = 150
) -> np.ndarray:
    """``page`` through the samples' scanner in black-and-white: dithered or thresholded."""
    import random

    from samples.scan import ScannerProfile, scan

    prof = ScannerProfile(
        noise=4.0,
        blur=0.6,
        paper=(244, 241, 230),
        light=0.05,
        speckles=speckles,
        mode="bw",
        bed=230,
        jpeg_quality=80,
        bw_level=level,
        dither=dither,
    )
    return np.asarray(scan(page, random.Random(5), prof, skew=0.6).convert("L"))


def test_a_dithered_scan_is_told_from_a_thresholded_one() -> None:
    from loket.intake.ocr import descreen, is_dithered

    page = letter_page()
    dithered, thresholded = _bw_scan(page, dither=True), _bw_scan(page, dither=False)
    assert is_dithered(dithered) and not is_dithered(thresholded)
    assert not is_dithered(np.asarray(page)) and not is_dithered(np.full((500, 400), 250, np.uint8))
    same, flagged = descreen(thresholded)
    assert same is thresholded and not flagged  # any other page goes on as it is
    # a card's few lines on a sheet thresholded heavily, with the scanner's dust: not dots
    card = Image.new("L", (1654, 2339), 250)
    ImageDraw.Draw(card).rectangle((150, 200, 1000, 740), outline=40, width=3)
    ImageDraw.Draw(card).text((200, 260), "NIK : 1471080411762634", fill=20)
    assert not is_dithered(_bw_scan(card, dither=False, speckles=2000, level=180))
    melted, flagged = descreen(dithered)
    assert flagged
    assert not is_dithered(melted)  # dots melted back into grey: fewer than 3 grey levels
    assert len(np.unique(melted)) > 50 and len(np.unique(dithered)) <= 2


@pytest.mark.ocr
def test_a_dithered_scan_is_read_as_its_text() -> None:
    """Error diffusion draws the paper's grey as scattered dots that tesseract reads as
    noise (before descreening: 0-20 characters of a page like this one)."""
    result = read_page(_bw_scan(letter_page(), dither=True))
    assert "Permohonan Surat Izin Kerja Radiografer" in result.text
    assert "Arifin Achmad Pekanbaru" in result.text


@pytest.mark.ocr
def test_a_dithered_blank_page_reads_as_blank() -> None:
    blank = Image.new("L", (1654, 2339), 250)
    result = read_page(_bw_scan(blank, dither=True))
    assert len("".join(result.text.split())) < 5
