"""The inbox watcher of `loket serve`: filesystem events wake it at once, polling works on
shares, and an inbox that does not change is retried with back-off, not in a tight loop."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from loket.common.settings import load_settings


def _watch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watch: str, poll: float):  # type: ignore[no-untyped-def]
    from flows.office import InboxWatcher

    monkeypatch.setattr(InboxWatcher, "_alive", staticmethod(lambda run: False))
    calls: list[float] = []
    (tmp_path / "inbox").mkdir()
    settings = load_settings(
        inbox=tmp_path / "inbox", stable_seconds=0.0, watch=watch, poll_seconds=poll
    )
    watcher = InboxWatcher(settings, trigger=lambda: calls.append(time.monotonic()) or object())
    thread = watcher.start()
    return watcher, thread, calls


def _wait(calls: list[float], n: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while len(calls) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(calls) >= n


def test_events_wake_the_watcher(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("watchfiles", reason="filesystem events need the watchfiles package")
    watcher, thread, calls = _watch(tmp_path, monkeypatch, "events", poll=30)
    try:
        assert watcher.events
        time.sleep(0.5)
        assert calls == []  # an empty inbox starts nothing
        (tmp_path / "inbox" / "a.pdf").write_bytes(b"%PDF-1.4")
        assert _wait(calls, 1, 5), "no run within 5 s although polling is every 30 s"
    finally:
        watcher.stop.set()
        thread.join(5)


def test_polling_and_back_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    watcher, thread, calls = _watch(tmp_path, monkeypatch, "poll", poll=0.5)
    try:
        assert not watcher.events
        (tmp_path / "inbox" / "a.pdf").write_bytes(b"%PDF-1.4")
        assert _wait(calls, 1, 3)
        time.sleep(2.2)  # unchanged, nothing alive: retried after 1 s, then after 2 s
        assert 2 <= len(calls) <= 3, calls
        (tmp_path / "inbox" / "b.pdf").write_bytes(b"%PDF-1.4")  # a change: at once
        before = len(calls)
        assert _wait(calls, before + 1, 1.5)
    finally:
        watcher.stop.set()
        thread.join(5)
