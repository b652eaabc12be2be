"""Retention of personal data (issue #18, part 5): which OCR cache entries, page texts and
thumbnails belong to files closed longer than ``retention_days``, and their purge (never
through a link; the archive, the checklist and the permit stay)."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from loket.intake import retention as ret
from loket.intake.ocr import OcrCache, OcrResult, page_key

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
NIK = "1471015505900001"


def _entry(key: str, age_days: float) -> ret.CacheEntry:
    return ret.CacheEntry(key, f"{key[:2]}/{key}.json", NOW - timedelta(days=age_days))


def test_closed_at() -> None:
    day = NOW - timedelta(days=3)
    assert ret.closed_at(verdict="complete", updated_at=day, in_chain=True, collected_at=NOW) == NOW
    assert (
        ret.closed_at(verdict="incomplete", updated_at=day, in_chain=False, collected_at=None)
        == day
    )
    # in the chain and not collected, in review, still being read: open
    assert (
        ret.closed_at(verdict="complete", updated_at=day, in_chain=True, collected_at=None) is None
    )
    assert (
        ret.closed_at(verdict="incomplete", updated_at=day, in_chain=True, collected_at=None)
        is None
    )
    assert (
        ret.closed_at(verdict="review", updated_at=day, in_chain=False, collected_at=None) is None
    )
    assert ret.closed_at(verdict=None, updated_at=day, in_chain=False, collected_at=None) is None
    naive = datetime(2026, 12, 1, 8, 0)  # as SQLite gives it back: UTC
    assert ret.closed_at(verdict="x", updated_at=None, in_chain=True, collected_at=naive) == (
        naive.replace(tzinfo=UTC)
    )


def test_cache_keys_are_the_readers_keys() -> None:
    keys = ret.cache_keys([("ab" * 32, 2)])
    assert page_key("ab" * 32, 0, 3) in keys and page_key("ab" * 32, 1, 6) in keys
    assert page_key("ab" * 32, 2, 3) not in keys  # no third page
    assert len(keys) == 2 * len(ret.PSMS)


def test_plan_chooses_closed_files_and_old_orphans_only() -> None:
    old_closed = ret.FileState("SIKR-1", NOW - timedelta(days=40), (("a" * 64, 1),))
    new_closed = ret.FileState("SIKR-2", NOW - timedelta(days=5), (("b" * 64, 1),))
    still_open = ret.FileState("SIKR-3", None, (("c" * 64, 1), ("s" * 64, 1)))
    # the same scan (a KTP copy) in a closed file and an open one
    shared_closed = ret.FileState("SIKR-4", NOW - timedelta(days=90), (("s" * 64, 1),))
    cache = [
        _entry(page_key("a" * 64, 0, 3), 45),
        _entry(page_key("b" * 64, 0, 3), 45),  # old, but its file closed only 5 days ago
        _entry(page_key("c" * 64, 0, 3), 400),  # an open file's, however old
        _entry(page_key("s" * 64, 0, 3), 95),
        _entry("f" * 64, 31),  # no file's (an older OCR version): old enough
        _entry("e" * 64, 29),  # no file's, recent: stays
    ]
    held = {"SIKR-1": {"pages.json", "thumbnails"}, "SIKR-2": {"pages.json"}, "SIKR-4": set()}
    states = [still_open, new_closed, old_closed, shared_closed]
    plan = ret.plan(states, cache, held, now=NOW, days=30)
    assert plan.cutoff == NOW - timedelta(days=30)
    assert plan.closed == ["SIKR-1", "SIKR-4"]
    assert [e.key for e in plan.cache] == [page_key("a" * 64, 0, 3)]
    assert [e.key for e in plan.orphans] == ["f" * 64]
    assert plan.page_texts == ["SIKR-1"] and plan.thumbnails == ["SIKR-1"]
    # 0 days: everything closed goes at once, what is open still stays
    plan = ret.plan(states, cache, held, now=NOW, days=0)
    assert plan.closed == ["SIKR-1", "SIKR-2", "SIKR-4"]
    assert {e.key for e in plan.cache} == {page_key("a" * 64, 0, 3), page_key("b" * 64, 0, 3)}
    assert {e.key for e in plan.orphans} == {"e" * 64, "f" * 64}
    assert not ret.plan([still_open], cache[2:3], {}, now=NOW, days=0).cache


def test_empty_texts_keeps_the_structure() -> None:
    doc = {"source": "x", "pages": [{"file": "a.jpg", "page": 1, "doc_type": "ktp", "text": NIK}]}
    out = ret.empty_texts(doc, NOW)
    assert out["pages"] == [{"file": "a.jpg", "page": 1, "doc_type": "ktp", "text": ""}]
    assert out["source"] == "x" and out[ret.PURGED_KEY].startswith("2026-12-06T12:00")
    assert doc["pages"][0]["text"] == NIK  # the input is not changed


def _office(tmp_path: Path) -> tuple[Path, Path, str]:
    """An OCR cache with one entry and an outbox folder with pages.json, thumbnails and a
    checklist, as intake and the desks leave them."""
    cache_dir, outbox = tmp_path / "var" / "ocr-cache", tmp_path / "outbox"
    key = page_key("a" * 64, 0, 3)
    OcrCache(cache_dir).put(
        key, OcrResult(text=f"NIK {NIK}", rotation=0, skew=0.0, source="ocr", ink=0.1)
    )
    folder = outbox / "SIKR-1"
    (folder / "thumbnails").mkdir(parents=True)
    (folder / "thumbnails" / "p1.png").write_bytes(b"png")
    pages = {"pages": [{"file": "ktp.jpg", "page": 1, "text": f"NIK {NIK}"}]}
    (folder / "pages.json").write_text(json.dumps(pages))
    (folder / "checklist.json").write_text(json.dumps({"nik": NIK}))
    return cache_dir, outbox, key


def test_purge_removes_and_keeps(tmp_path: Path) -> None:
    cache_dir, outbox, key = _office(tmp_path)
    listed = ret.list_cache(cache_dir)
    assert [e.key for e in listed] == [key]
    assert ret.outbox_holds(outbox, ["SIKR-1", "SIKR-9"]) == {
        "SIKR-1": {"pages.json", "thumbnails"},
        "SIKR-9": set(),
    }
    state = ret.FileState("SIKR-1", NOW - timedelta(days=31), (("a" * 64, 1),))
    plan = ret.plan([state], listed, ret.outbox_holds(outbox, ["SIKR-1"]), now=NOW, days=30)
    checklist = (outbox / "SIKR-1" / "checklist.json").read_bytes()
    old = os.umask(0o022)
    try:
        ret.execute(plan, cache_dir=cache_dir, outbox=outbox, now=NOW)
    finally:
        os.umask(old)
    assert ret.list_cache(cache_dir) == []
    # the entry's shard folder stays, empty: an intake may be writing into it (see below)
    assert [p.name for p in cache_dir.iterdir()] == [key[:2]]
    assert list((cache_dir / key[:2]).iterdir()) == []
    pages = outbox / "SIKR-1" / "pages.json"
    assert NIK not in pages.read_text() and json.loads(pages.read_text())[ret.PURGED_KEY]
    assert stat.S_IMODE(pages.stat().st_mode) == 0o640
    assert not (outbox / "SIKR-1" / "thumbnails").exists()
    assert (outbox / "SIKR-1" / "checklist.json").read_bytes() == checklist
    # a second purge finds nothing left to do
    again = ret.plan([state], ret.list_cache(cache_dir), ret.outbox_holds(outbox, ["SIKR-1"]),
                     now=NOW, days=30)  # fmt: skip
    assert again.empty


def test_purge_never_follows_a_link(tmp_path: Path) -> None:
    cache_dir, outbox, key = _office(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "keep").mkdir(parents=True)
    (elsewhere / "keep" / "precious.txt").write_text("precious")
    (elsewhere / "cache.json").write_text("{}")
    folder = outbox / "SIKR-1"
    (folder / "thumbnails" / "p1.png").unlink()
    (folder / "thumbnails").rmdir()
    (folder / "thumbnails").symlink_to(elsewhere / "keep")  # planted links
    (cache_dir / key[:2] / ("0" * 64 + ".json")).symlink_to(elsewhere / "cache.json")
    (cache_dir / "zz").symlink_to(elsewhere, target_is_directory=True)
    listed = ret.list_cache(cache_dir)
    assert [e.key for e in listed] == [key]  # links are not entries
    assert "thumbnails" not in ret.outbox_holds(outbox, ["SIKR-1"])["SIKR-1"]
    state = ret.FileState("SIKR-1", NOW - timedelta(days=31), (("a" * 64, 1),))
    plan = ret.plan([state], listed, ret.outbox_holds(outbox, ["SIKR-1"]), now=NOW, days=30)
    plan.thumbnails.append("SIKR-1")  # even if asked to: a link is not removed through
    ret.execute(plan, cache_dir=cache_dir, outbox=outbox, now=NOW)
    assert (elsewhere / "keep" / "precious.txt").read_text() == "precious"
    assert (elsewhere / "cache.json").read_text() == "{}"


@pytest.mark.parametrize("days", [0, 30])
def test_days_setting_reaches_the_plan(days: int) -> None:
    state = ret.FileState("SIKR-1", NOW - timedelta(days=10), ())
    assert ret.plan([state], [], {}, now=NOW, days=days).closed == (["SIKR-1"] if days < 10 else [])


def test_daily_deployment_is_served() -> None:
    from flows.office import office_deployments
    from flows.retention import DAILY_CRON, FLOW_NAME

    (dep,) = [d for d in office_deployments() if d.flow_name == FLOW_NAME]
    assert dep.name == "harian"
    assert [s.schedule.cron for s in dep.schedules] == [DAILY_CRON]


def test_purge_leaves_the_shard_an_intake_is_writing_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An intake caches a page (:meth:`OcrCache.put`: make the shard folder, then write)
    while the purge removes the shard's last old entry: the page must still be cached, not
    fail with FileNotFoundError because the purge took the folder away in between."""
    cache_dir = tmp_path / "var" / "ocr-cache"
    cache = OcrCache(cache_dir)
    result = OcrResult(text=f"NIK {NIK}", rotation=0, skew=0.0, source="ocr", ink=0.1)
    old = page_key("a" * 64, 0, 3)
    cache.put(old, result)
    new = next(
        k for k in (page_key("b" * 64, i, 3) for i in range(5000)) if k[:2] == old[:2]
    )  # a new page of the same shard
    plan = ret.Plan(cutoff=NOW, orphans=ret.list_cache(cache_dir))
    assert [e.key for e in plan.orphans] == [old]
    from loket.common import safefs

    real_write = safefs.write_bytes

    def purge_then_write(dir_fd: int, name: str, data: bytes, **kwargs: object) -> None:
        # the purge runs after the intake opened (made) the shard, before its write
        ret.execute(plan, cache_dir=cache_dir, outbox=tmp_path / "outbox", now=NOW)
        real_write(dir_fd, name, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(safefs, "write_bytes", purge_then_write)
    cache.put(new, result)
    monkeypatch.undo()
    assert cache.get(new) == result and cache.get(old) is None
