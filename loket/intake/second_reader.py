"""A second OCR engine for the few small regions where tesseract stays unsure: RapidOCR
(PaddleOCR's PP-OCR models on onnxruntime), whose wheel ships its models.

Tesseract reads a page's body text well but stumbles on a number set in a card's or a table's
row (a ':' read as '1', "OS" for "QS") and on the words of a stamp pressed askew on a grey
scan. A neural line recogniser makes other mistakes than tesseract's; where the two agree, or
where the second one's reading is structurally valid (a NIK whose birth date is the card's),
a value can be decided that tesseract alone leaves in doubt. The callers decide; this module
only reads.

Nothing is downloaded at run time: the models are taken from the installed package by path
(RapidOCR would otherwise fetch missing ones), and without them (or without the package)
:func:`available` is False and the callers keep tesseract's reading alone. The engine is made
once per process, lazily (its first use costs about half a second), and shared by threads
behind a lock: its calls set per-call options on the shared object, and one onnxruntime
thread each keeps it from competing with the tesseract workers for the cores.

Memory (issue #17): the recognition model alone is what a row costs; the text detector
(:func:`read_lines`, stamps only) works on the region scaled so that its *longer* side is at
most :data:`DETECT_SIDE` pixels. RapidOCR's default scales the *shorter* side up to 736, so a
1,100-pixel stamp crop became a ~1,000x1,100 input and each call held +190 MiB of
activations for a moment; bounded, +85 MiB (the lines found are still read at full size).
:func:`release` drops the engine once a batch is checked (made again, half a second, by the
next batch that needs it).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

#: The model files of the rapidocr wheel (``rapidocr/models``): detection, recognition
#: (its character list is inside the model) and the 0/180° direction classifier.
MODEL_FILES = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}
#: The text detector's input: the region scaled down so that its longer side is at most this
#: many pixels (never up). Its activations grow with the area (see the module's docstring).
DETECT_SIDE = 736


class SecondEngineMissing(RuntimeError):
    """RapidOCR or its shipped models are not installed."""


@dataclass(frozen=True)
class Line:
    """One line of text the second engine read, with its score (0-1)."""

    text: str
    score: float


_lock = threading.Lock()
_engine: Any = None
_missing: str | None = None
#: Calls and seconds spent in the engine by this process (for measuring its share).
STATS: dict[str, float] = {"calls": 0, "seconds": 0.0}


def _run(engine: Any, image: np.ndarray, det: bool) -> Any:
    began = time.monotonic()
    try:
        return engine(_colour(image), use_det=det, use_cls=False, use_rec=True)
    finally:
        STATS["calls"] += 1
        STATS["seconds"] += time.monotonic() - began


def model_paths() -> dict[str, Path]:
    """The shipped model files by stage; raises :class:`SecondEngineMissing` when the
    package or a model is absent (the engine would then try to download it)."""
    try:
        import rapidocr
    except ImportError as e:  # not installed
        raise SecondEngineMissing(f"rapidocr is not installed ({e})") from e
    root = Path(rapidocr.__file__).parent / "models"
    paths = {stage: root / name for stage, name in MODEL_FILES.items()}
    absent = [str(p) for p in paths.values() if not p.is_file()]
    if absent:
        raise SecondEngineMissing(f"RapidOCR models missing: {', '.join(absent)}")
    return paths


def _make() -> Any:
    from rapidocr import RapidOCR

    params: dict[str, Any] = {
        "Global.log_level": "error",
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "Det.limit_type": "max",
        "Det.limit_side_len": DETECT_SIDE,
    }
    for stage, path in model_paths().items():
        params[f"{stage}.model_path"] = str(path)
    engine = RapidOCR(params=params)
    rec = engine._load_rec_model()  # loads now: a model without its characters would fetch
    if not rec.session.have_key():  # a character list from the network
        raise SecondEngineMissing("the recognition model carries no character list")
    return engine


def _get() -> Any:
    """The process's engine, made on first use; None when it cannot be (logged once)."""
    global _engine, _missing
    if _engine is None and _missing is None:
        try:
            _engine = _make()
        except Exception as e:  # missing package/models or a broken install: tesseract only
            _missing = str(e)
            log.warning("second OCR engine unavailable, tesseract alone reads: %s", e)
    return _engine


def release() -> bool:
    """Drop the process's engine and its models (~35 MiB once it has read; the libraries stay
    loaded); the next call makes it again. True when there was one to drop. For the end of a
    batch: nothing reads with it until the next one."""
    global _engine
    with _lock:
        had, _engine = _engine is not None, None
    return had


def available() -> bool:
    """Whether the second engine can read (made now if it was not yet)."""
    with _lock:
        return _get() is not None


def _colour(gray: np.ndarray) -> np.ndarray:
    if gray.ndim == 3:
        return np.ascontiguousarray(gray)
    return np.ascontiguousarray(np.stack([gray] * 3, axis=-1))


def recognize(gray: np.ndarray) -> Line | None:
    """The text of a crop holding one line (no detection, no turning), or None when the
    engine is unavailable or the crop too small to read."""
    if gray.size == 0 or min(gray.shape[:2]) < 4:
        return None
    with _lock:
        engine = _get()
        if engine is None:
            return None
        out = _run(engine, gray, det=False)
    texts, scores = out.txts or (), out.scores or ()
    if not texts:
        return None
    return Line(str(texts[0]), float(scores[0]))


def read_lines(gray: np.ndarray) -> list[Line]:
    """The lines of a small upright region (a stamp turned level): detection, then
    recognition of each line; empty when the engine is unavailable."""
    if gray.size == 0 or min(gray.shape[:2]) < 8:
        return []
    with _lock:
        engine = _get()
        if engine is None:
            return []
        out = _run(engine, gray, det=True)
    return [Line(str(t), float(s)) for t, s in zip(out.txts or (), out.scores or (), strict=False)]
