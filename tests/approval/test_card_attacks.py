"""Attacks on the control card's evidence found in the review of issue #18 part 4, each done
the way someone who can write the database and the outbox, but not the keys folder, would do
it; each passed ``loket card verify`` (or ``check-anchor``) before its fix.
"""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from loket.approval import keyring_for
from loket.office import Office
from tests.approval.approval_helpers import Home, make_application, make_home
from tests.approval.test_approval import CHAIN, _cli, _through
from tests.approval.test_card_evidence import _legacy_card, _numbered, _plain, _verify
from tests.identity.helpers import cheap_argon2


@pytest.fixture
def ahome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)  # the officials still sign in for real, at a test cost
    return make_home(tmp_path, monkeypatch)


@pytest.fixture
def desk(ahome: Home):  # type: ignore[no-untyped-def]

    return Office.from_environment().desk(pdf=False)


def _rewrite_as_legacy(session, reg_no: str, edit=None) -> None:  # type: ignore[no-untyped-def]
    """The forger's repair: every entry made 'legacy' (no key id) with ``recorded_at``
    backdated to long before the first card key, rechained with plain SHA-256, head fixed."""
    from loket.approval.models import CardEntry, CardHead

    rows = session.scalars(
        select(CardEntry).where(CardEntry.reg_no == reg_no).order_by(CardEntry.seq)
    ).all()
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=400)
    prev = "0" * 64
    for e in rows:
        if edit:
            edit(e)
        e.key_id = None
        e.recorded_at = base + timedelta(minutes=e.seq)
        e.prev_hash = prev
        e.hash = _plain(e, prev)
        prev = e.hash
    session.execute(
        update(CardHead)
        .where(CardHead.reg_no == reg_no)
        .values(last_seq=rows[-1].seq, last_hash=prev)
    )


def _edit(e) -> None:  # type: ignore[no-untyped-def]
    if e.seq == 3:
        e.actor_name = "Orang Lain"
        e.note = "diubah belakangan"


def test_backdated_legacy_rewrite_of_an_open_card_is_detected(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.anchors import write_anchor
    from loket.approval.start import start

    reg = make_application(desk.settings, seed=22)
    start(desk, reg)
    _through(desk, reg, ahome.people, CHAIN[:3])
    assert _verify(desk) == {reg: []}
    with desk.db.begin() as session:
        _rewrite_as_legacy(session, reg, edit=_edit)
    report = _verify(desk)[reg]
    with desk.db() as session:
        n = len(control_card.entries(session, reg))
    assert len(report) == n and all("penutupan entri lama (dipalsukan)" in p for p in report)
    with desk.db() as session:  # the next anchor signs the forged state, yet it stays found
        write_anchor(session, reason="harian", settings=desk.settings)
    assert _verify(desk)[reg] == report
    closure = json.loads((desk.settings.keys_dir / "legacy-closure.json").read_text())
    assert closure["body"]["cards"] == {}  # the first key was made before any card existed


def test_legacy_entries_are_held_to_the_signed_closure(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.cardkeys import Keyring

    old, other = "SIKR-2025-000001", "SIKR-2025-000002"
    at = datetime.now(UTC) - timedelta(days=30)
    _legacy_card(desk, old, 3, at)
    _legacy_card(desk, other, 2, at)
    with desk.db.begin() as session:  # the first keyed entry makes the first key and closure
        control_card.append(
            session,
            other,
            control_card.NewEntry(
                activity="koreksi",
                action="catatan",
                role="back_office",
                actor_name="Petugas",
                received_at=datetime.now(UTC),
                handed_over_at=datetime.now(UTC),
                outcome="dicatat",
            ),
            keys=keyring_for(desk.settings),
        )
    assert _verify(desk) == {old: [], other: []}
    # a legacy entry edited and the legacy chain recomputed: the closure's hash differs
    with desk.db.begin() as session:
        _rewrite_as_legacy(session, old, edit=_edit)
    problems = _verify(desk)[old]
    assert problems == [
        "entri #3: berbeda dari penutupan entri lama yang ditandatangani (entri lama ditulis ulang)"
    ]
    # a keyless entry appended after the closure's head is a forgery
    from loket.approval.models import CardEntry, CardHead

    with desk.db.begin() as session:
        second = session.scalars(
            select(CardEntry).where(CardEntry.reg_no == other, CardEntry.seq == 2)
        ).one()
        session.execute(delete(CardEntry).where(CardEntry.reg_no == other, CardEntry.seq == 3))
        session.execute(
            update(CardHead)
            .where(CardHead.reg_no == other)
            .values(last_seq=2, last_hash=second.hash)
        )
        session.add(_keyless(other, 3, session))
    assert any("#3: tanpa kunci padahal tidak tercatat" in p for p in _verify(desk)[other])
    # a closure edited by hand no longer verifies
    closure = desk.settings.keys_dir / "legacy-closure.json"
    doc = json.loads(closure.read_text())
    doc["body"]["cards"]["SIKR-2026-999999"] = {"seq": 9, "hash": "0" * 64}
    closure.chmod(0o600)
    closure.write_text(json.dumps(doc))
    report = _verify(desk)
    assert "penutupan entri lama" in report["anchor"][0] and "tidak sah" in report["anchor"][0]
    # keys without a closure (made by hand): no keyless entry is accepted
    fresh = desk.settings.home / "keys2"
    Keyring(fresh).rotate()
    with desk.db() as session:
        check = control_card.examine(
            session, old, settings=desk.settings, keys=Keyring(fresh)
        ).cards[old]
    assert check.legacy == 0 and len(check.problems) == 3


def _keyless(reg_no: str, seq: int, session):  # type: ignore[no-untyped-def]
    from loket.approval.models import CardEntry, CardHead

    h = session.get(CardHead, reg_no)
    e = CardEntry(
        reg_no=reg_no,
        seq=seq,
        recorded_at=datetime.now(UTC).replace(microsecond=0) - timedelta(days=1),
        activity="sisipan",
        action="paraf",
        role="back_office",
        actor_name="Orang Lain",
        received_at=datetime.now(UTC),
        handed_over_at=datetime.now(UTC),
        outcome="diteruskan",
        prev_hash=h.last_hash,
        hash="",
    )
    e.hash = _plain(e, h.last_hash)
    h.last_seq, h.last_hash = seq, e.hash
    return e


def test_recorded_at_going_backwards_is_reported(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.models import CardEntry

    reg = "SIKR-2025-000003"
    _legacy_card(desk, reg, 3, datetime.now(UTC) - timedelta(days=30))
    with desk.db.begin() as session:  # entry 2 said to be recorded before entry 1, rechained
        session.execute(
            update(CardEntry)
            .where(CardEntry.reg_no == reg, CardEntry.seq == 2)
            .values(recorded_at=datetime.now(UTC) - timedelta(days=31))
        )
        _rewrite_chain_only(session, reg)
    assert _verify(desk, reg)[reg] == ["entri #2: dicatat lebih awal dari entri #1 (waktu mundur)"]


def _rewrite_chain_only(session, reg_no: str) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.models import CardEntry, CardHead

    rows = session.scalars(
        select(CardEntry).where(CardEntry.reg_no == reg_no).order_by(CardEntry.seq)
    ).all()
    prev = "0" * 64
    for e in rows:
        e.prev_hash, e.hash = prev, _plain(e, prev)
        prev = e.hash
    session.execute(update(CardHead).where(CardHead.reg_no == reg_no).values(last_hash=prev))


def test_replayed_or_deleted_newest_anchor_is_reported(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.models import Approval, ApprovalTask, CardEntry, CardHead, Permit

    kept = _numbered(desk, ahome, seed=26)
    gone = _numbered(desk, ahome, seed=27)
    folder = desk.settings.outbox_dir / "anchors"
    files = sorted(folder.glob("anchor-*.json"))
    assert len(files) == 2 and _verify(desk) == {kept: [], gone: []}
    with desk.db.begin() as session:
        for model in (CardEntry, CardHead, Approval, ApprovalTask, Permit):
            session.execute(delete(model).where(model.reg_no == gone))
    assert any("kartu dihapus" in p for p in _verify(desk)[gone])
    # replay: the first (signed, genuine) anchor copied under a later name
    replay = folder / "anchor-20991231T235959000000Z-abcdef.json"
    shutil.copy(files[0], replay)
    report = _verify(desk)
    assert any("kartu dihapus" in p for p in report[gone])
    assert any("nama berkas tidak sesuai" in p for p in report["anchor"])
    replay.unlink()
    # the newest anchor deleted: the keys folder remembers it
    files[1].unlink()
    report = _verify(desk)
    assert any(files[1].name in p and "hilang" in p for p in report["anchor"]), report
    assert report[kept] != []  # every card is told its anchor is not to be trusted
    # a middle anchor deleted: the chain from the newest back is broken
    from loket.approval.anchors import write_anchor

    with desk.db() as session:
        write_anchor(session, reason="harian", settings=desk.settings)
    files[0].unlink()
    report = _verify(desk)
    assert any(f"anchor {files[0].name} (disebut oleh" in p for p in report["anchor"]), report


def test_verify_holds_cards_to_an_anchor_the_auditor_kept(ahome, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.models import CardEntry, CardHead

    reg = _numbered(desk, ahome, seed=40)
    (anchor,) = sorted((desk.settings.outbox_dir / "anchors").glob("anchor-*.json"))
    kept = tmp_path / "auditor" / anchor.name
    kept.parent.mkdir()
    shutil.copy(anchor, kept)
    ok = CliRunner().invoke(_cli(), ["card", "verify", "--anchor", str(kept)])
    assert ok.exit_code == 0, ok.output
    # the office drops the numbered card's last entry and fixes its head ...
    with desk.db.begin() as session:
        last = session.scalars(
            select(CardEntry).where(CardEntry.reg_no == reg).order_by(CardEntry.seq.desc())
        ).first()
        session.delete(last)
        session.execute(
            update(CardHead)
            .where(CardHead.reg_no == reg)
            .values(last_seq=last.seq - 1, last_hash=last.prev_hash)
        )
    bad = CliRunner().invoke(_cli(), ["card", "verify", "--anchor", str(kept)])
    assert bad.exit_code == 1 and f"lebih pendek dari anchor {anchor.name}" in bad.output
    # a kept anchor that was altered is refused
    doc = json.loads(kept.read_text())
    doc["body"]["cards"] = {}
    kept.write_text(json.dumps(doc))
    forged = CliRunner().invoke(_cli(), ["card", "verify", "--anchor", str(kept)])
    assert forged.exit_code == 1 and "tidak sah" in forged.output


def test_check_anchor_does_not_trust_the_key_beside_the_file(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from loket.approval.anchors import FOLDER, PUBLIC_COPY, canonical, fingerprint
    from loket.approval.cardkeys import keyring_for, public_pem

    _numbered(desk, ahome, seed=50)
    folder = desk.settings.outbox_dir / FOLDER
    (anchor,) = sorted(folder.glob("anchor-*.json"))
    office = keyring_for(desk.settings).public_key()
    assert office is not None
    good = CliRunner().invoke(_cli(), ["card", "check-anchor", str(anchor)])
    assert good.exit_code == 0 and fingerprint(office) in good.output, good.output
    doc = json.loads(anchor.read_text())
    mine = Ed25519PrivateKey.generate()
    doc["body"]["cards"] = {}  # the numbered card "never existed"
    doc["body"]["public_key"] = fingerprint(mine.public_key())
    doc["signature"] = base64.b64encode(mine.sign(canonical(doc["body"]))).decode()
    anchor.write_text(json.dumps(doc))
    (folder / PUBLIC_COPY).write_bytes(public_pem(mine.public_key()))
    out = CliRunner().invoke(_cli(), ["card", "check-anchor", str(anchor)])
    assert out.exit_code == 1 and "kunci lain" in out.output, out.output
    assert fingerprint(office) in out.output
    # the auditor's own copy of the office key says the same
    pem = ahome.root / "office.pub.pem"
    pem.write_bytes(public_pem(office))
    out = CliRunner().invoke(
        _cli(), ["card", "check-anchor", str(anchor), "--public-key", str(pem)]
    )
    assert out.exit_code == 1


def test_keys_open_to_others_or_behind_a_link_are_refused(ahome, desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.cardkeys import Keyring, KeyringError
    from loket.approval.start import start

    reg = make_application(desk.settings, seed=28)
    start(desk, reg)
    keys = desk.settings.keys_dir
    (keys / "card-k1.key").chmod(0o644)
    with pytest.raises(KeyringError, match=r"card-k1.key harus .*chmod 400"):
        Keyring(keys).card_keys()
    (keys / "card-k1.key").chmod(0o400)
    keys.chmod(0o750)  # readable by the group
    with pytest.raises(KeyringError, match=r"tertutup bagi orang lain.*chmod 700"):
        Keyring(keys).card_keys()
    said = CliRunner().invoke(_cli(), ["card", "verify"])  # to the officer: one line, the fix
    assert said.exit_code == 2 and "chmod 700" in said.output and "Traceback" not in said.output
    keys.chmod(0o700)
    moved = tmp_path / "elsewhere"
    shutil.move(keys, moved)
    keys.symlink_to(moved)
    with pytest.raises(KeyringError, match="tautan"):
        Keyring(keys).card_keys()
    with pytest.raises(KeyringError) as refused:
        _through(desk, reg, ahome.people, CHAIN[:1])
    assert "\n" not in str(refused.value) and "folder kunci" in str(refused.value)


def test_a_rival_making_the_first_key_meanwhile_shares_it(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The rival process looks while the first key file is being written: it must not see
    a half-written key (it did: KeyringError damaged key file), and both end with one key."""
    from loket.approval import cardkeys

    folder = tmp_path / "keys"
    rival: list[cardkeys.CardKey] = []
    looked: list[bool] = []
    real = os.fdopen

    def fdopen(fd, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not looked:  # the first key file is open for writing: the rival comes now
            looked.append(True)
            rival.append(cardkeys.Keyring(folder).current())
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(cardkeys.os, "fdopen", fdopen)
    mine = cardkeys.Keyring(folder).current()
    assert mine == rival[0] and mine.kid == "k1"
    assert sorted(os.listdir(folder)) == ["card-k1.key"]


def _first_key(folder: str, queue) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.cardkeys import Keyring

    try:
        queue.put(Keyring(Path(folder)).current().secret.hex())
    except Exception as exc:  # reported to the test
        queue.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_making_the_first_key(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for i in range(8):
        queue = ctx.Queue()
        folder = str(tmp_path / f"k{i}")
        procs = [ctx.Process(target=_first_key, args=(folder, queue)) for _ in range(2)]
        for p in procs:
            p.start()
        results = [queue.get(timeout=30) for _ in procs]
        for p in procs:
            p.join()
        assert results[0] == results[1] and len(results[0]) == 64, results


def test_anchor_problems_show_without_cards(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.anchors import write_heads

    path = write_heads({}, reason="harian", settings=desk.settings)
    assert _verify(desk) == {}
    doc = json.loads(path.read_text())
    doc["body"]["reason"] = "palsu"
    path.write_text(json.dumps(doc))
    report = _verify(desk)
    assert list(report) == ["anchor"] and any("tidak sah" in p for p in report["anchor"])


def test_two_anchorings_at_once_are_not_a_tampering(
    ahome, desk, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Two anchors chained to the same previous one (a numbering and the daily anchor at the
    same moment), the keys folder's record left on the older: nothing is reported; an
    auditor's copy of either is the office's. Deleting one of them is reported."""
    from loket.approval import anchors

    reg = _numbered(desk, ahome, seed=41)
    (first,) = sorted((desk.settings.outbox_dir / anchors.FOLDER).glob("anchor-*.json"))
    held, _ = anchors.latest(desk.settings.outbox_dir, _keys(desk))
    a = anchors.write_heads({}, reason="harian", settings=desk.settings)
    with monkeypatch.context() as m:  # the second anchoring read the newest before the first wrote
        m.setattr(anchors, "latest", lambda *args, **kw: (held, []))
        b = anchors.write_heads({}, reason="harian", settings=desk.settings)
    assert json.loads(a.read_text())["body"]["previous"]["file"] == first.name
    assert json.loads(b.read_text())["body"]["previous"]["file"] == first.name
    _keys(desk).record_latest_anchor(a.name, anchors.hashlib.sha256(a.read_bytes()).hexdigest())
    kept = tmp_path / a.name
    shutil.copy(a, kept)
    ok = CliRunner().invoke(_cli(), ["card", "verify", "--anchor", str(kept)])
    assert ok.exit_code == 0, ok.output
    a.unlink()
    report = _verify(desk)
    assert any(a.name in p and "hilang" in p for p in report["anchor"]) and report[reg] != []
    gone = CliRunner().invoke(_cli(), ["card", "verify", "--anchor", str(kept)])
    assert gone.exit_code == 1 and "tidak ada dalam rantai anchor kantor" in gone.output


def _keys(desk):  # type: ignore[no-untyped-def]
    from loket.approval.cardkeys import keyring_for

    return keyring_for(desk.settings)


@pytest.mark.e2e
def test_daily_anchor_flow_reports_forgeries_and_anchor_problems(
    ahome, desk, prefect_server
) -> None:  # type: ignore[no-untyped-def]
    from flows import evidence
    from loket.approval.start import start

    first = evidence.daily_card_anchor()  # a real flow run, no cards yet
    assert (first["cards"], first["broken"]) == (0, [])
    Path(str(first["file"])).unlink()  # the newest anchor deleted: was lost with no cards
    assert evidence.daily_card_anchor()["broken"] == ["anchor"]
    reg = make_application(desk.settings, seed=42)
    start(desk, reg)
    _through(desk, reg, ahome.people, CHAIN[:2])
    with desk.db.begin() as session:
        _rewrite_as_legacy(session, reg, edit=_edit)
    result = evidence.daily_card_anchor()  # signs the forged head, but as disputed
    assert result["broken"] == [reg] and result["disputed"] == [reg]
