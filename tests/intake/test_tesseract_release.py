"""tesseract's idle engines are ended at the end of a batch and made again when next needed
(issue #17)."""

from __future__ import annotations

import numpy as np
import pytest

from loket.intake.tesseract import _Engines, _set_image

pytestmark = pytest.mark.ocr


def test_release_idle_ends_idle_engines_and_the_next_reading_makes_one() -> None:
    engines = _Engines()
    page = np.full((60, 200), 255, dtype=np.uint8)
    with engines.lend("eng", 7) as api:
        _set_image(api, page)
        api.GetUTF8Text()
        with engines.lend("eng", 7, limit=2):
            pass
    assert engines.made() == {"eng": 2}
    assert engines.release_idle() == 2
    assert engines.made() == {"eng": 0}
    with engines.lend("eng", 7) as api:
        _set_image(api, page)
        api.GetUTF8Text()
    assert engines.made() == {"eng": 1}
    with engines.lend("eng", 7) as busy:  # a busy engine is left alone
        assert engines.release_idle() == 0
        assert busy is not None
