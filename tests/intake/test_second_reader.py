"""The second OCR engine is dropped at the end of a batch and made again when next needed
(issue #17)."""

from __future__ import annotations

import pytest

from loket.intake import second_reader


def test_release_drops_the_engine_and_the_next_use_makes_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[object] = []

    def make() -> object:
        made.append(object())
        return made[-1]

    monkeypatch.setattr(second_reader, "_engine", None)
    monkeypatch.setattr(second_reader, "_missing", None)
    monkeypatch.setattr(second_reader, "_make", make)
    assert not second_reader.release()  # nothing made yet
    assert second_reader.available() and len(made) == 1
    assert second_reader.available() and len(made) == 1  # kept while the batch runs
    assert second_reader.release()
    assert second_reader._engine is None
    assert second_reader.available() and len(made) == 2
