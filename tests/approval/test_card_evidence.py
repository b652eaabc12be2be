"""The control card as evidence (issue #18, item 4): keyed entries with key ids, signed
anchors, cross-checks against approvals and permits, the printed verification code.

Each tampering case of the issue has its own test, done the way someone who can write the
database but does not hold the keys folder would do it; each passed ``loket card verify``
before the card had keys and anchors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import shutil
import stat
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

# a forger knows the code (only the key is secret): HASHED, the fields the hash covers
from loket.approval import keyring_for
from loket.approval.control_card import HASHED
from loket.office import Office
from tests.approval.approval_helpers import Home, make_application, make_home
from tests.approval.test_approval import CHAIN, _cli, _through
from tests.identity.helpers import cheap_argon2


@pytest.fixture
def ahome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)  # the officials still sign in for real, at a test cost
    return make_home(tmp_path, monkeypatch)


@pytest.fixture
def desk(ahome: Home):  # type: ignore[no-untyped-def]

    return Office.from_environment().desk(pdf=False)


def _plain(e, prev: str, key: bytes | None = None, kid: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """What a forger computes without the keys folder: SHA-256 (or an HMAC under a key of
    their own) over the entry's fields, as the card did before it had keys."""

    def canon(v: object) -> object:
        if not isinstance(v, datetime):
            return v
        v = v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)
        return v.replace(microsecond=0).isoformat()

    body = {"prev": prev, **{f: canon(getattr(e, f)) for f in HASHED}}
    if kid:
        body["kid"] = kid
    payload = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    if key:
        return hmac.new(key, payload, hashlib.sha256).hexdigest()
    return hashlib.sha256(payload).hexdigest()


def _rechain_plain(session, reg_no: str) -> None:  # type: ignore[no-untyped-def]
    """Recompute the whole card as plain SHA-256 and fix its head (the forger's repair)."""
    from loket.approval.models import CardEntry, CardHead

    rows = session.scalars(
        select(CardEntry).where(CardEntry.reg_no == reg_no).order_by(CardEntry.seq)
    ).all()
    prev = "0" * 64
    for e in rows:
        e.key_id = None
        e.prev_hash = prev
        e.hash = _plain(e, prev)
        prev = e.hash
    session.execute(
        update(CardHead)
        .where(CardHead.reg_no == reg_no)
        .values(last_seq=rows[-1].seq, last_hash=prev)
    )


def _verify(desk, reg_no: str | None = None) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    from loket.approval import control_card

    with desk.db() as session:
        return control_card.verify(session, reg_no, settings=desk.settings)


def _numbered(desk, ahome, seed: int) -> str:  # type: ignore[no-untyped-def]
    from loket.approval.start import start

    reg_no = make_application(desk.settings, seed=seed)
    start(desk, reg_no)
    _through(desk, reg_no, ahome.people, CHAIN)
    return reg_no


def test_entries_are_keyed_with_a_key_kept_outside_var(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.cardkeys import Keyring, KeyringError
    from loket.approval.start import start

    reg_no = make_application(desk.settings, seed=21)
    start(desk, reg_no)
    _through(desk, reg_no, ahome.people, CHAIN[:2])
    keys = desk.settings.keys_dir
    assert keys == ahome.root / "keys" and not keys.is_relative_to(desk.settings.var_dir)
    key_file = keys / "card-k1.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o400
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    with desk.db() as session:
        rows = control_card.entries(session, reg_no)
    assert len(rows) == 4 and {e.key_id for e in rows} == {"k1"}
    secret = bytes.fromhex(json.loads(key_file.read_text())["secret"])
    for e in rows:  # an HMAC under the key file's secret, not a plain hash
        assert e.hash == _plain(e, e.prev_hash, secret, "k1") != _plain(e, e.prev_hash)
    assert _verify(desk, reg_no) == {reg_no: []}
    with pytest.raises(KeyringError, match="di dalam var/"):
        Keyring(desk.settings.var_dir / "keys", var=desk.settings.var_dir)
    # a keys folder others may write is refused (a planted key would forge entries)
    keys.chmod(0o770)
    with pytest.raises(KeyringError, match="tertutup bagi orang lain"):
        Keyring(keys).card_keys()
    keys.chmod(0o700)
    # a key file planted as a link is refused, not followed
    (keys / "card-k2.key").symlink_to(key_file)
    with pytest.raises(KeyringError, match="bukan berkas biasa"):
        Keyring(keys).card_keys()


def test_edit_and_recompute_the_plain_chain_is_detected(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.models import CardEntry
    from loket.approval.start import start

    open_reg = make_application(desk.settings, seed=22)
    start(desk, open_reg)
    _through(desk, open_reg, ahome.people, CHAIN[:3])
    numbered = _numbered(desk, ahome, seed=23)
    assert _verify(desk) == {open_reg: [], numbered: []}
    with desk.db.begin() as session:
        for reg in (open_reg, numbered):
            session.execute(
                update(CardEntry)
                .where(CardEntry.reg_no == reg, CardEntry.seq == 3)
                .values(actor_name="Orang Lain", note="diubah belakangan")
            )
            _rechain_plain(session, reg)
    report = _verify(desk)
    for reg in (open_reg, numbered):
        assert any(
            "tanpa kunci padahal tidak tercatat di penutupan entri lama" in p for p in report[reg]
        )
    # the numbered card also differs from its head in the anchor written at the numbering
    assert any("berbeda dari kepala kartu di anchor" in p for p in report[numbered])
    bad = CliRunner().invoke(_cli(), ["card", "verify"])
    assert bad.exit_code == 1 and "dipalsukan" in bad.output


def test_deleting_the_last_entry_and_fixing_the_head_is_detected(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.models import CardEntry, CardHead
    from loket.approval.start import start

    open_reg = make_application(desk.settings, seed=24)
    start(desk, open_reg)
    _through(desk, open_reg, ahome.people, CHAIN[:3])
    numbered = _numbered(desk, ahome, seed=25)
    assert _verify(desk) == {open_reg: [], numbered: []}
    with desk.db.begin() as session:
        for reg in (open_reg, numbered):
            last = session.scalars(
                select(CardEntry).where(CardEntry.reg_no == reg).order_by(CardEntry.seq.desc())
            ).first()
            session.delete(last)
            session.execute(
                update(CardHead)
                .where(CardHead.reg_no == reg)
                .values(last_seq=last.seq - 1, last_hash=last.prev_hash)
            )
    report = _verify(desk)
    # the desk's decision is in approval_tasks but no longer on the card
    assert any("tidak ada di kartu kendali" in p for p in report[open_reg]), report[open_reg]
    assert any("lebih pendek dari anchor" in p for p in report[numbered]), report[numbered]
    assert any("tanpa entri penomoran" in p for p in report[numbered])
    assert not any("entri terakhir dihapus" in p for p in report[numbered])  # the head was fixed


def test_deleting_a_numbered_permits_whole_card_is_detected(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.models import Approval, ApprovalTask, CardEntry, CardHead, Permit

    gone = _numbered(desk, ahome, seed=26)
    kept = _numbered(desk, ahome, seed=27)
    assert _verify(desk) == {gone: [], kept: []}
    with desk.db.begin() as session:
        session.execute(delete(CardEntry).where(CardEntry.reg_no == gone))
        session.execute(delete(CardHead).where(CardHead.reg_no == gone))
    report = _verify(desk)
    assert report[kept] == []
    assert any("kartu dihapus" in p for p in report[gone])
    assert any("kartu kendalinya tidak ada" in p for p in report[gone])
    # even with the file's approval, tasks and permit deleted too, the anchor remembers it
    with desk.db.begin() as session:
        for model in (Approval, ApprovalTask, Permit):
            session.execute(delete(model).where(model.reg_no == gone))
    report = _verify(desk)
    assert any("kartu dihapus" in p for p in report[gone]) and report[kept] == []
    # a new anchor written afterwards keeps the deleted card's anchored head: not blessed
    made = CliRunner().invoke(_cli(), ["card", "anchor"])
    assert made.exit_code == 0, made.output
    newest = sorted((desk.settings.outbox_dir / "anchors").glob("anchor-*.json"))[-1]
    assert json.loads(newest.read_text())["body"]["disputed"] == [gone]
    assert any("kartu dihapus" in p for p in _verify(desk)[gone])
    shown = CliRunner().invoke(_cli(), ["card", gone])
    assert shown.exit_code == 1 and "kartu dihapus" in shown.output


def test_old_key_still_verifies_after_rotation(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.start import start

    reg_no = make_application(desk.settings, seed=28)
    start(desk, reg_no)
    _through(desk, reg_no, ahome.people, CHAIN[:2])
    rotated = CliRunner().invoke(_cli(), ["card", "rotate-key"])
    assert rotated.exit_code == 0 and "k2" in rotated.output, rotated.output
    _through(desk, reg_no, ahome.people, CHAIN[2:])
    with desk.db() as session:
        kids = [e.key_id for e in control_card.entries(session, reg_no)]
    assert kids == ["k1"] * 4 + ["k2"] * 4
    assert _verify(desk, reg_no) == {reg_no: []}
    ok = CliRunner().invoke(_cli(), ["card", "verify", reg_no])
    assert ok.exit_code == 0 and "8 entri berkunci" in ok.output, ok.output
    # losing the old key makes its entries unverifiable: that is reported, not passed
    shutil.move(desk.settings.keys_dir / "card-k1.key", ahome.root / "k1.bak")
    assert any("kunci k1 tidak ada" in p for p in _verify(desk, reg_no)[reg_no])


def test_an_entry_forged_without_the_key_is_detected(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.models import CardEntry, CardHead
    from loket.approval.start import start

    reg_no = make_application(desk.settings, seed=29)
    start(desk, reg_no)
    _through(desk, reg_no, ahome.people, CHAIN[:4])
    with desk.db() as session:
        last = control_card.entries(session, reg_no)[-1]
    kepala = ahome.people["kepala_dinas"]
    for attempt, (key, kid) in enumerate([(None, None), (None, "k1"), (b"tebakan", "k1")]):
        with desk.db.begin() as session:
            session.execute(delete(CardEntry).where(CardEntry.reg_no == reg_no, CardEntry.seq > 6))
            forged = CardEntry(
                reg_no=reg_no,
                seq=7,
                recorded_at=datetime.now(UTC).replace(microsecond=0),
                sop_step=7,
                activity="Penandatanganan izin",
                action="tanda_tangan",
                role="kepala_dinas",
                actor_nip=kepala,
                actor_name="Kepala Dinas",
                received_at=last.handed_over_at,
                handed_over_at=last.handed_over_at + timedelta(minutes=5 + attempt),
                outcome="ditandatangani",
                prev_hash=last.hash,
                hash="",
                **({"key_id": kid} if kid else {}),
            )
            forged.hash = _plain(forged, last.hash, key, kid)
            session.add(forged)
            session.execute(
                update(CardHead)
                .where(CardHead.reg_no == reg_no)
                .values(last_seq=7, last_hash=forged.hash)
            )
        problems = _verify(desk, reg_no)[reg_no]
        assert any("#7" in p and ("dipalsukan" in p or "isi diubah" in p) for p in problems), (
            kid,
            problems,
        )


def _legacy_card(desk, reg_no: str, n: int, at: datetime) -> None:  # type: ignore[no-untyped-def]
    """A card as the loket before issue #18 wrote it: plain SHA-256, no key id."""
    from loket.approval.models import CardEntry, CardHead

    prev = "0" * 64
    with desk.db.begin() as session:
        for seq in range(1, n + 1):
            e = CardEntry(
                reg_no=reg_no,
                seq=seq,
                recorded_at=at + timedelta(minutes=seq),
                activity=f"langkah {seq}",
                action="paraf",
                role="back_office",
                actor_name="Petugas Lama",
                received_at=at,
                handed_over_at=at + timedelta(minutes=seq),
                outcome="diteruskan",
                prev_hash=prev,
                hash="",
            )
            e.hash = _plain(e, prev)
            session.add(e)
            prev = e.hash
        session.add(CardHead(reg_no=reg_no, last_seq=n, last_hash=prev))


def test_cards_from_before_the_keys_verify_as_legacy(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card

    old = "SIKR-2025-000001"
    _legacy_card(desk, old, 3, datetime.now(UTC) - timedelta(days=30))
    assert not desk.settings.keys_dir.exists()
    with desk.db.begin() as session:  # the first keyed entry makes the first key
        control_card.append(
            session,
            old,
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
    with desk.db() as session:
        check = control_card.examine(session, old, settings=desk.settings).cards[old]
    assert (check.problems, check.legacy, check.keyed) == ([], 3, 1)
    shown = CliRunner().invoke(_cli(), ["card", "verify", old])
    assert shown.exit_code == 0 and "3 entri lama tanpa kunci" in shown.output, shown.output
    # a "legacy" card made after the keys existed is a forgery
    _legacy_card(desk, "SIKR-2026-999999", 2, datetime.now(UTC) + timedelta(minutes=1))
    late = _verify(desk, "SIKR-2026-999999")["SIKR-2026-999999"]
    assert len(late) == 2 and all("dipalsukan" in p for p in late)


def test_anchor_is_signed_chained_and_checkable_without_loket(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.anchors import FOLDER, PUBLIC_COPY

    first = _numbered(desk, ahome, seed=30)
    second = _numbered(desk, ahome, seed=31)
    folder = desk.settings.outbox_dir / FOLDER
    files = sorted(folder.glob("anchor-*.json"))
    assert len(files) == 2
    docs = [json.loads(f.read_text()) for f in files]
    assert docs[0]["body"]["previous"] is None
    assert docs[1]["body"]["previous"] == {
        "file": files[0].name,
        "sha256": hashlib.sha256(files[0].read_bytes()).hexdigest(),
    }
    assert set(docs[1]["body"]["cards"]) == {first, second}
    assert docs[1]["body"]["reason"] == f"penomoran {second}"
    pem = (folder / PUBLIC_COPY).read_bytes()
    assert pem == (desk.settings.keys_dir / "anchor-ed25519.pub.pem").read_bytes()
    ok = CliRunner().invoke(_cli(), ["card", "check-anchor", str(files[1])])
    assert ok.exit_code == 0, ok.output
    if shutil.which("jq") and shutil.which("openssl"):  # the auditor's own tools
        body = subprocess.run(["jq", "-jcS", ".body", str(files[1])], capture_output=True).stdout
        (ahome.root / "body.bin").write_bytes(body)
        (ahome.root / "sig.bin").write_bytes(base64.b64decode(docs[1]["signature"]))
        cmd = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(folder / PUBLIC_COPY)]
        cmd += ["-rawin", "-in", str(ahome.root / "body.bin"), "-sigfile"]
        assert subprocess.run([*cmd, str(ahome.root / "sig.bin")]).returncode == 0
    # an anchor edited to vouch for a shortened card no longer verifies
    docs[1]["body"]["cards"][first]["seq"] -= 1
    files[1].write_text(json.dumps(docs[1]))
    forged = CliRunner().invoke(_cli(), ["card", "check-anchor", str(files[1])])
    assert forged.exit_code == 1 and "tidak sah" in forged.output
    report = _verify(desk)
    assert all(any("tanda tangan anchor tidak sah" in p for p in v) for v in report.values())
    # the forged newest anchor is passed over: the cards are held to the one before it
    from loket.approval.anchors import latest
    from loket.approval.cardkeys import keyring_for

    held, problems = latest(desk.settings.outbox_dir, keyring_for(desk.settings))
    assert held is not None and held.name == files[0].name and len(problems) == 1
    # a link planted under a newer anchor's name is refused, not followed, and passed over
    (folder / "anchor-29991231T000000000000Z-abcdef.json").symlink_to(files[0])
    held, problems = latest(desk.settings.outbox_dir, keyring_for(desk.settings))
    assert held is not None and held.name == files[0].name
    assert "tidak terbaca" in problems[0] and len(problems) == 2


def test_printed_verification_code_is_checked(ahome, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval import control_card
    from loket.approval.start import start

    reg_no = make_application(desk.settings, seed=32)
    start(desk, reg_no)
    _through(desk, reg_no, ahome.people, CHAIN[:1])
    shown = CliRunner().invoke(_cli(), ["card", reg_no])
    code = re.search(r"kode verifikasi\s+([0-9a-f]{16})", shown.output).group(1)  # type: ignore[union-attr]
    _through(desk, reg_no, ahome.people, CHAIN[1:2])
    with desk.db() as session:
        rows = control_card.entries(session, reg_no)
    assert code == rows[2].hash[:16]
    earlier = CliRunner().invoke(_cli(), ["card", "verify", reg_no, "--code", code])
    assert earlier.exit_code == 0 and "cocok dengan entri #3" in earlier.output, earlier.output
    now = CliRunner().invoke(_cli(), ["card", "verify", reg_no, "--code", rows[-1].hash[:16]])
    assert now.exit_code == 0 and "(entri terakhir)" in now.output
    wrong = CliRunner().invoke(_cli(), ["card", "verify", reg_no, "--code", "0123456789abcdef"])
    assert wrong.exit_code == 1 and "tidak cocok" in wrong.output
    # the code printed on kartu-kendali.pdf is the same kind of code
    from loket.approval.documents import card_context

    printed = card_context(desk, reg_no)
    assert printed["verifikasi"] == "utuh" and printed["kode"] == rows[-1].hash[:16]
    # and the printed card says how to check it
    import docx

    from loket.approval.permit import render_card

    (card,) = render_card(printed, desk.settings.var_dir / "card-print", pdf=False)
    text = "\n".join(p.text for p in docx.Document(str(card)).paragraphs)
    assert f"loket card verify {reg_no} --code {rows[-1].hash[:16]}" in text


def test_daily_anchor_deployment() -> None:
    from flows import evidence

    (dep,) = evidence.deployments()
    schedule = dep.schedules[0].schedule
    assert (dep.name, schedule.cron, schedule.timezone) == (
        "anchor-kartu-kendali-harian",
        "0 17 * * *",
        "Asia/Jakarta",
    )


@pytest.mark.e2e
def test_daily_anchor_flow_signs_every_card(ahome, desk, prefect_server) -> None:  # type: ignore[no-untyped-def]
    from flows import evidence
    from loket.approval.anchors import latest
    from loket.approval.cardkeys import keyring_for
    from loket.approval.models import CardEntry
    from loket.approval.start import start

    regs = [make_application(desk.settings, seed=s) for s in (33, 34)]
    for r in regs:
        start(desk, r)
    _through(desk, regs[0], ahome.people, CHAIN[:2])
    result = evidence.daily_card_anchor()  # a real flow run on the test's Prefect server
    assert result["cards"] == 2 and result["broken"] == []
    anchor, problems = latest(desk.settings.outbox_dir, keyring_for(desk.settings))
    assert problems == [] and anchor is not None and anchor.name in str(result["file"])
    assert {r: seq for r, (seq, _) in anchor.cards.items()} == {regs[0]: 4, regs[1]: 2}
    # a card cut back after the day's anchor is found, though no permit was numbered
    with desk.db.begin() as session:
        session.execute(delete(CardEntry).where(CardEntry.reg_no == regs[1], CardEntry.seq == 2))
    again = evidence.daily_card_anchor()
    assert again["broken"] == [regs[1]] and again["disputed"] == [regs[1]]
    anchor, _ = latest(desk.settings.outbox_dir, keyring_for(desk.settings))
    assert anchor is not None and anchor.cards[regs[1]][0] == 2  # the anchored head is kept
    _through(desk, regs[0], ahome.people, CHAIN[2:3])  # a card that grew is not disputed
    assert evidence.daily_card_anchor()["disputed"] == [regs[1]]


def test_migration_keeps_old_entries_as_legacy(tmp_path: Path) -> None:
    """A database from before revision 0006 keeps its entries; they verify as legacy."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text
    from sqlalchemy.orm import sessionmaker

    from loket.approval import control_card
    from loket.approval.models import CardEntry
    from loket.common.db import MIGRATIONS, make_engine, migrate
    from loket.common.settings import Settings

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0005")
    old = CardEntry(
        reg_no="SIKR-2025-000009",
        seq=1,
        recorded_at=datetime(2025, 6, 2, 3, 0, tzinfo=UTC),
        activity="Penerimaan berkas",
        action="terima",
        role="front_office",
        actor_name="Petugas",
        received_at=datetime(2025, 6, 2, 3, 0, tzinfo=UTC),
        handed_over_at=datetime(2025, 6, 2, 3, 0, tzinfo=UTC),
        outcome="diterima",
        prev_hash="0" * 64,
        hash="",
    )
    digest = _plain(old, "0" * 64)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO card_entries (reg_no, seq, recorded_at, activity, action, role, "
                "actor_name, received_at, handed_over_at, outcome, prev_hash, hash) VALUES "
                "(:r, 1, :t, :a, 'terima', 'front_office', 'Petugas', :t, :t, 'diterima', :p, :h)"
            ),
            {"r": old.reg_no, "t": "2025-06-02 03:00:00.000000", "a": old.activity}
            | {"p": "0" * 64, "h": digest},
        )
        conn.execute(
            text("INSERT INTO card_heads VALUES (:r, 1, :h)"), {"r": old.reg_no, "h": digest}
        )
    migrate(engine)
    settings = Settings(home=tmp_path)
    with sessionmaker(engine)() as session:
        check = control_card.examine(session, settings=settings).cards[old.reg_no]
        assert (check.problems, check.legacy, check.keyed) == ([], 1, 0)
        assert control_card.entries(session, old.reg_no)[0].key_id is None
