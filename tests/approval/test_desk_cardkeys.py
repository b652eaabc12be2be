"""The control card is keyed with the Desk's keys folder, not the environment's (review of
issue #18): a Desk made with its own settings (a second office, a test, a flow given explicit
settings) appends, numbers and verifies with ``desk.settings.keys_dir``.

Before the fix ``start``, ``confirm_cell`` and ``act`` called ``control_card.append`` without
``keys=`` and the numbering anchored with the environment's settings, so the card keys and the
anchor key were made in the environment's folder.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from loket.office import Office
from tests.approval.approval_helpers import REPO, Home, make_home
from tests.approval.test_approval import CHAIN, _through
from tests.identity.helpers import cheap_argon2, sign_in


@pytest.fixture
def ahome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)
    home = make_home(tmp_path, monkeypatch)
    for name in ("izin-kerja-radiografer.yaml", "document-types.yaml"):
        shutil.copy(REPO / "rules" / name, home.rules / name)
    return home


def test_card_entries_and_anchor_use_the_desks_keys(ahome: Home, tmp_path: Path) -> None:
    from loket.approval import control_card
    from loket.approval.desk import Desk
    from loket.approval.review import confirm_cell
    from loket.approval.start import start
    from loket.common.settings import load_settings
    from tests.approval.test_review import _in_review

    env = load_settings()
    mine = tmp_path / "desk-keys"
    desk = Desk.load(dataclasses.replace(env, keys=mine), pdf=False)
    # the front office clears a doubt (review.py), the chain starts (start.py), every desk
    # acts and the permit is numbered (acts.py, numbering's anchor)
    reg_no = _in_review(desk, 41, {"str": "Nomor STR tidak terbaca."})
    confirm_cell(desk, reg_no, "str", "ok", sign_in(desk, ahome.people["front_office"]))
    start(desk, reg_no)
    _through(desk, reg_no, ahome.people, CHAIN)
    assert not env.keys_dir.exists(), sorted(env.keys_dir.iterdir())
    assert (mine / "card-k1.key").is_file()
    with desk.db() as session:
        kids = {e.key_id for e in control_card.entries(session, reg_no)}
        assert kids == {"k1"}
        assert control_card.verify(session, reg_no, settings=desk.settings) == {reg_no: []}
    # the printed card verifies with the desk's keys too
    from loket.approval.documents import card_context

    assert card_context(desk, reg_no)["verifikasi"] == "utuh"


def test_the_printed_card_says_how_to_check_its_code(ahome: Home) -> None:
    from loket.approval.documents import card_context
    from loket.approval.start import start
    from tests.approval.approval_helpers import make_application

    desk = Office.from_environment().desk(pdf=False)
    reg_no = make_application(desk.settings, seed=42)
    start(desk, reg_no)
    ctx = card_context(desk, reg_no)
    assert ctx["periksa"] == f"Periksa: loket card verify {reg_no} --code {ctx['kode']}"
