"""Calls into tesseract: the text of an image (TSV or plain) and its orientation (OSD).

Two engines give the same results:

- ``api`` (default when available): tesserocr, compiled against the system's libtesseract
  (the same tesseract 5.3 the CLI runs), with one loaded engine per thread and language. A
  command-line call loads the ``ind+eng`` models afresh each time (~0.13 s of CPU, a fifth
  of an average page); a loaded engine does not.
- ``cli``: one ``tesseract`` process per call through pytesseract, the image handed over as
  an uncompressed PGM file. Used when tesserocr is missing, or with ``LOKET_OCR_ENGINE=cli``.

Both leave the resolution unset so tesseract estimates it from the text, as the CLI does for
a PGM file: an image from PIL would otherwise carry 72 dpi, and tesseract would trust it.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np


@functools.cache
def _available() -> bool:
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return True


#: "api" or "cli" to force an engine (tests); None: ``LOKET_OCR_ENGINE``, else the default.
ENGINE: str | None = None


def engine() -> str:
    """The engine in use, decided at the first reading, not at import: ``api`` when tesserocr
    loads, else ``cli``; ``LOKET_OCR_ENGINE`` overrides."""
    # OpenMP reads its thread limit when libtesseract loads (api) or a tesseract starts (cli):
    # pages are parallelised by the caller
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    return ENGINE or os.environ.get("LOKET_OCR_ENGINE") or ("api" if _available() else "cli")


class OcrError(RuntimeError):
    """tesseract could not process an image."""


class OcrTimeout(OcrError):
    """tesseract did not finish reading an image within its time limit."""


@dataclass(frozen=True)
class Orientation:
    degrees: int  # clockwise rotation of the text as scanned (OSD "Orientation in degrees")
    confidence: float


_local = threading.local()
_quiet = threading.Lock()
_quieted = False


def _quiet_leptonica() -> None:
    """Keep leptonica's messages ("Error in boxClipToRectangle: ...", harmless notes about
    odd boxes on noisy scans) off the terminal, as the CLI's stderr was; once per process."""
    global _quieted
    with _quiet:
        if _quieted:
            return
        _quieted = True
        import contextlib
        import ctypes
        import ctypes.util

        name = ctypes.util.find_library("lept") or ctypes.util.find_library("leptonica")
        with contextlib.suppress(OSError, AttributeError):  # else they stay visible
            ctypes.CDLL(name or "liblept.so.5").setMsgSeverity(6)  # L_SEVERITY_NONE


_osd_lock = threading.Lock()
_shared: dict[tuple[object, ...], Any] = {}


def _api(
    lang: str, psm: int, variables: dict[str, str] | None = None, *, shared: bool = False
) -> Any:
    """This thread's loaded engine for ``lang``, page segmentation mode ``psm`` and
    ``variables`` (set once: an engine never carries a setting into another kind of call);
    with ``shared``, the process's one engine, which the caller must hold a lock for."""
    import tesserocr

    key = (lang, psm, tuple(sorted((variables or {}).items())))
    apis: dict[tuple[object, ...], Any] = (
        _shared if shared else _local.__dict__.setdefault("apis", {})
    )
    api = apis.get(key)
    if api is None:
        _quiet_leptonica()
        api = tesserocr.PyTessBaseAPI(lang=lang, psm=psm)
        for name, value in key[2]:
            if not api.SetVariable(name, value):
                raise OcrError(f"tesseract has no variable {name!r}")
        apis[key] = api
    return api


def _set_image(api: Any, array: np.ndarray) -> None:
    """Hand over the pixels as they are (8-bit grey; no encoding to an image file)."""
    gray = np.ascontiguousarray(array, dtype=np.uint8)
    if gray.ndim != 2:
        raise OcrError(f"expected a greyscale image, got shape {gray.shape}")
    height, width = gray.shape
    api.SetImageBytes(gray.tobytes(), width, height, 1, width)
    api.SetSourceResolution(0)  # unknown: tesseract estimates it, as for a PGM file


def _cli_file(array: np.ndarray) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pgm", delete=False) as tmp:
        path = tmp.name
    cv2.imwrite(path, array)
    return path


def tsv(
    array: np.ndarray,
    psm: int,
    lang: str,
    variables: dict[str, str] | None = None,
    *,
    timeout: float | None = None,
) -> str:
    """tesseract's TSV of a greyscale/binary image (rows of level 5 are words).

    With ``timeout`` (seconds) a reading that takes longer is cancelled and raises
    :class:`OcrTimeout`: the loaded engine through its progress monitor's deadline, the CLI
    by ending its process."""
    variables = variables or {}
    if engine() == "api":
        api = _api(lang, psm, variables)
        _set_image(api, array)
        try:
            if timeout and not api.Recognize(timeout=max(1, int(timeout * 1000))):
                raise OcrTimeout(f"tesseract stopped before finishing (limit {timeout:.3g} s)")
            return str(api.GetTSVText(0))
        finally:
            api.Clear()  # the page's image and results: tens of MiB held until the next page
    import pytesseract

    config = " ".join([f"--psm {psm}", *(f"-c {k}={v}" for k, v in variables.items())])
    path = _cli_file(array)
    try:
        return str(pytesseract.image_to_data(path, lang=lang, config=config, timeout=timeout or 0))
    except RuntimeError as exc:  # pytesseract's way of saying the process was ended
        if "timeout" in str(exc).lower():
            raise OcrTimeout(f"tesseract did not finish within {timeout:g} s") from exc
        raise
    finally:
        os.unlink(path)


def text(array: np.ndarray, psm: int, lang: str) -> str:
    """Plain text of a greyscale/binary image."""
    if engine() == "api":
        api = _api(lang, psm)
        _set_image(api, array)
        try:
            return str(api.GetUTF8Text())
        finally:
            api.Clear()
    import pytesseract

    path = _cli_file(array)
    try:
        return str(pytesseract.image_to_string(path, lang=lang, config=f"--psm {psm}"))
    finally:
        os.unlink(path)


_DEG = re.compile(r"Orientation in degrees:\s*(\d+)")
_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")


def orientation(array: np.ndarray) -> Orientation | None:
    """OSD of an image: which way its text is turned; None when there is too little text."""
    if engine() == "api":
        # one OSD engine for all threads (~25 MiB each): OSD is asked only about the few
        # pages that read poorly or sideways
        with _osd_lock:
            api = _api("osd", 0, shared=True)
            _set_image(api, array)
            try:
                found = api.DetectOrientationScript()
            finally:
                api.Clear()
        if not found:
            return None
        return Orientation(int(found["orient_deg"]) % 360, float(found["orient_conf"]))
    import pytesseract

    path = _cli_file(array)
    try:
        osd = pytesseract.image_to_osd(path, config="--psm 0")
    except pytesseract.TesseractError:
        return None
    finally:
        os.unlink(path)
    deg, conf = _DEG.search(osd), _CONF.search(osd)
    if not (deg and conf):
        return None
    return Orientation(int(deg.group(1)) % 360, float(conf.group(1)))
