"""safefs.publish_tree: what another program wrote into a private folder is copied under the
outbox without following a link planted there (the Data Docs of the data-quality gate)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loket.common import safefs

pytestmark = pytest.mark.unit


def _site(tmp_path: Path) -> Path:
    src = tmp_path / "private"
    (src / "validations" / "x").mkdir(parents=True)
    (src / "index.html").write_text("<html>docs</html>", encoding="utf-8")
    (src / "validations" / "x" / "r.html").write_text("<html>r</html>", encoding="utf-8")
    os.symlink("/etc/passwd", src / "link.html")  # a link in the source is not copied
    return src


def test_the_tree_is_copied_below_the_base(tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    dest = safefs.publish_tree(_site(tmp_path), out, ["_data-docs", "20261207T0900"])
    assert dest == out / "_data-docs" / "20261207T0900"
    assert (dest / "index.html").read_text(encoding="utf-8") == "<html>docs</html>"
    assert (dest / "validations" / "x" / "r.html").is_file()
    assert not (dest / "link.html").exists()


def test_a_link_planted_in_the_outbox_is_not_followed(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "outbox", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "_data-docs")
    with pytest.raises(safefs.UnsafePath):
        safefs.publish_tree(_site(tmp_path), out, ["_data-docs", "b"])
    assert list(elsewhere.iterdir()) == []


def test_a_batch_name_cannot_climb_out(tmp_path: Path) -> None:
    out = tmp_path / "outbox"
    dest = safefs.publish_tree(_site(tmp_path), out, ["_data-docs", "..", "..", "b"])
    assert dest == out / "_data-docs" / "b"
    assert not (tmp_path / "b").exists()
