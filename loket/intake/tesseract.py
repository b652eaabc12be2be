"""Calls into tesseract: the text of an image (TSV or plain) and its orientation (OSD).

Two engines give the same results:

- ``api`` (default when available): tesserocr, compiled against the system's libtesseract
  (the same tesseract 5.3 the CLI runs), with a few loaded engines per language shared by
  the threads (:data:`ENGINES`: as many as cores, lent to one call at a time). A
  command-line call loads the ``ind+eng`` models afresh each time (~0.13 s of CPU, a fifth
  of an average page); a loaded engine does not.
- ``cli``: one ``tesseract`` process per call through pytesseract, the image handed over as
  an uncompressed PGM file. Used when tesserocr is missing, or with ``LOKET_OCR_ENGINE=cli``.

Both leave the resolution unset so tesseract estimates it from the text, as the CLI does for
a PGM file: an image from PIL would otherwise carry 72 dpi, and tesseract would trust it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import tempfile
import threading
from collections.abc import Iterator
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


def use_engine(choice: str | None) -> None:
    """Read with ``choice`` (``api`` | ``cli``, the settings' ``ocr_engine``) from now on in
    this process; None leaves the default (or a test's choice)."""
    global ENGINE
    if choice:
        ENGINE = choice


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


class _Engines:
    """The process's loaded engines, a few per language, lent to one call at a time.

    A loaded ``ind+eng`` engine holds ~24 MiB of models; one per thread, language, page
    segmentation mode and variables (as before issue #17) made ten of them in an intake run
    (page readers and checks, each asking for other modes). Here an engine is made per
    language only when every one already made is busy, up to :attr:`limit` (the cores: more
    simultaneous readings than cores are no faster), and each call sets the mode and the
    variables it needs, restoring any other variable an earlier call set to its default, so
    that no setting is carried into another kind of call."""

    def __init__(self) -> None:
        self.limit = os.cpu_count() or 1
        self._cond = threading.Condition()
        self._idle: dict[str, list[Any]] = {}
        self._made: dict[str, int] = {}
        #: per engine: variable -> the engine's default, for each variable a call changed
        self._defaults: dict[int, dict[str, str]] = {}

    def made(self) -> dict[str, int]:
        """Engines loaded so far, by language."""
        with self._cond:
            return dict(self._made)

    def _take(self, lang: str, limit: int) -> Any:
        with self._cond:
            while True:
                idle = self._idle.setdefault(lang, [])
                if idle:
                    return idle.pop()
                if self._made.get(lang, 0) < limit:
                    self._made[lang] = self._made.get(lang, 0) + 1
                    break
                self._cond.wait()
        try:
            return _load(lang)
        except BaseException:
            with self._cond:
                self._made[lang] -= 1
                self._cond.notify()
            raise

    def _give(self, lang: str, api: Any) -> None:
        with self._cond:
            self._idle.setdefault(lang, []).append(api)
            self._cond.notify()

    @contextlib.contextmanager
    def lend(
        self, lang: str, psm: int, variables: dict[str, str] | None = None, *, limit: int = 0
    ) -> Iterator[Any]:
        """An engine for ``lang`` set to ``psm`` and ``variables`` for the ``with`` block;
        waits while ``limit`` (default :attr:`limit`) engines of the language are busy."""
        api = self._take(lang, max(1, limit or self.limit))
        try:
            self._configure(api, psm, variables or {})
            yield api
        finally:
            api.Clear()  # the page's image and results: tens of MiB held until the next page
            self._give(lang, api)

    def release_idle(self) -> int:
        """End every idle engine (~24 MiB each), busy ones are left; the next reading makes
        one again (a fraction of a second). For the end of a batch, before the approval
        chain's LibreOffice starts (issue #17). The number of engines ended."""
        with self._cond:
            idle, self._idle = self._idle, {}
            for lang, apis in idle.items():
                self._made[lang] -= len(apis)
                for api in apis:
                    self._defaults.pop(id(api), None)
            self._cond.notify_all()
        for apis in idle.values():
            for api in apis:
                api.End()
        return sum(len(apis) for apis in idle.values())

    def _configure(self, api: Any, psm: int, variables: dict[str, str]) -> None:
        defaults = self._defaults.setdefault(id(api), {})
        for name, default in list(defaults.items()):
            if name not in variables:
                api.SetVariable(name, default)
                del defaults[name]
        for name, value in variables.items():
            if name not in defaults:
                default = api.GetVariableAsString(name)
                if default is None:
                    raise OcrError(f"tesseract has no variable {name!r}")
                defaults[name] = default
            if not api.SetVariable(name, value):
                raise OcrError(f"tesseract has no variable {name!r}")
        api.SetPageSegMode(psm)


def _load(lang: str) -> Any:
    import tesserocr

    _quiet_leptonica()
    return tesserocr.PyTessBaseAPI(lang=lang)


#: The process's engines (see :class:`_Engines`).
ENGINES = _Engines()


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
        with ENGINES.lend(lang, psm, variables) as api:
            _set_image(api, array)
            if timeout and not api.Recognize(timeout=max(1, int(timeout * 1000))):
                raise OcrTimeout(f"tesseract stopped before finishing (limit {timeout:.3g} s)")
            return str(api.GetTSVText(0))
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
        with ENGINES.lend(lang, psm) as api:
            _set_image(api, array)
            return str(api.GetUTF8Text())
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
        with ENGINES.lend("osd", 0, limit=1) as api:
            _set_image(api, array)
            found = api.DetectOrientationScript()
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
