"""Officials' identity: passphrases, lockout, sessions, decision tokens, the identity log and
the CLI acts that need them (no Prefect). The officials are generated
(:mod:`samples.office`); argon2 runs with cheap parameters from the settings."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from loket.office import Office
from tests.approval.approval_helpers import Home, make_application, make_home
from tests.identity.helpers import cheap_argon2, enrol, passphrase, sign_in

ADMIN = "197912312005011099"
SECRET = "kata-sandi-admin-01"


@pytest.fixture
def ahome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    cheap_argon2(monkeypatch)
    home = make_home(tmp_path, monkeypatch)
    path = home.rules / "officials.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["officials"].append({"name": "Admin Sistem", "nip": ADMIN, "role": "administrator"})
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return home


@pytest.fixture
def desk(ahome: Home):  # type: ignore[no-untyped-def]

    return Office.from_environment().desk(pdf=False)


class Clock:
    """A settable clock for the gate (lockout and session expiry)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _cli():  # type: ignore[no-untyped-def]
    import typer

    from loket.cli.approval import mount
    from loket.cli.checklist import checklist_app
    from loket.cli.identity import mount as mount_identity

    app = typer.Typer()
    mount(app)
    mount_identity(app)
    app.add_typer(checklist_app, name="checklist")
    return app


def _events(desk, nip: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    from loket.identity import recent_events

    with desk.db() as session:
        return [e.kind for e in reversed(recent_events(session, nip, 500))]


def test_bootstrap_set_by_admin_forced_change_and_hash_never_plain(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.identity import (
        AuthError,
        Credential,
        MustChange,
        authenticate,
        change_password,
        set_password,
    )

    gate = desk.gate()
    clerk = ahome.people["back_office"]
    with pytest.raises(AuthError, match="hanya administrator"):
        set_password(gate, None, clerk, "sandi-tanpa-admin")  # not an admin: no bootstrap
    assert set_password(gate, None, ADMIN, SECRET) is False  # the first administrator
    with pytest.raises(AuthError, match="hanya administrator"):
        set_password(gate, None, ADMIN, "sandi-kedua-tanpa-login")  # bootstrap is over
    admin = authenticate(gate, ADMIN, SECRET)
    with pytest.raises(AuthError, match="terlalu pendek"):
        set_password(gate, admin, clerk, "pendek")
    with pytest.raises(AuthError, match="bukan administrator"):
        set_password(gate, sign_in(desk, ahome.people["kepala_dinas"]), clerk, "x" * 12)
    assert set_password(gate, admin, clerk, "sandi-awal-dari-admin") is True
    with desk.db() as session:
        rows = {c.nip: c.hash for c in session.scalars(select(Credential))}
    assert rows[clerk].startswith("$argon2id$") and "sandi-awal" not in rows[clerk]
    assert rows[ADMIN].startswith("$argon2id$") and SECRET not in rows[ADMIN]
    with pytest.raises(MustChange):
        authenticate(gate, clerk, "sandi-awal-dari-admin")
    with pytest.raises(AuthError, match="berbeda"):
        change_password(gate, clerk, "sandi-awal-dari-admin", "sandi-awal-dari-admin")
    actor = change_password(gate, clerk, "sandi-awal-dari-admin", "sandi-pilihan-sendiri")
    assert actor.nip == clerk and authenticate(gate, clerk, "sandi-pilihan-sendiri").via
    assert "sandi-ditetapkan" in _events(desk, clerk) and "sandi-diganti" in _events(desk, clerk)


def test_wrong_passphrase_refused_then_locked_then_open_again(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.identity import AuthError, authenticate

    clock = Clock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    desk.clock = clock
    gate = desk.gate()
    nip = ahome.people["kepala_dinas"]
    right = enrol(gate, nip)
    for left in (4, 3, 2, 1):
        with pytest.raises(AuthError, match=f"sisa {left} percobaan"):
            authenticate(gate, nip, "salah-salah-salah")
    with pytest.raises(AuthError, match=r"5 kali salah.*dikunci sampai 07-12-2026 09\.15"):
        authenticate(gate, nip, "salah-salah-salah")
    with pytest.raises(AuthError, match="dikunci"):
        authenticate(gate, nip, right)  # even the right one, while locked
    clock.at += timedelta(minutes=16)
    assert authenticate(gate, nip, right).nip == nip
    with pytest.raises(AuthError, match="tidak terdaftar"):
        authenticate(gate, "199901012020121999", right)
    kinds = _events(desk, nip)
    assert kinds == ["ditolak"] * 4 + ["terkunci", "ditolak", "masuk"]
    assert _events(desk, "199901012020121999") == ["ditolak"]


def test_an_actor_is_made_only_by_identity() -> None:
    from loket.identity import Actor

    with pytest.raises(TypeError, match=r"only by loket\.identity"):
        Actor(nip="197501012000031001", name="Siapa Saja", via="ketik")


def test_session_holds_a_working_day_and_nothing_else(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.identity import close_session, open_session, session_actor, session_path

    clock = Clock(datetime(2026, 12, 7, 1, 0, tzinfo=UTC))  # 08.00 WIB
    desk.clock = clock
    gate = desk.gate()
    nip, other = ahome.people["sekretaris"], ahome.people["kepala_dinas"]
    path = open_session(gate, sign_in(desk, nip))
    assert path == session_path(gate, nip) and (os.stat(path).st_mode & 0o777) == 0o600
    assert session_actor(gate, nip).via == "sesi"
    assert session_actor(gate, other) is None  # no session of the Kadis
    body = json.loads(path.read_text())
    assert passphrase(nip) not in path.read_text() and body["expires"].startswith(
        "2026-12-07T09:00"
    )
    # edited: another NIP, a later expiry; copied under the Kadis' name
    for field, value in (("nip", other), ("expires", "2026-12-31T09:00:00+00:00")):
        path.write_text(json.dumps({**body, field: value}))
        os.chmod(path, 0o600)
        assert session_actor(gate, nip) is None
    forged = session_path(gate, other)
    forged.write_text(json.dumps(body))
    os.chmod(forged, 0o600)
    assert session_actor(gate, other) is None
    path.write_text(json.dumps(body))
    os.chmod(path, 0o644)  # readable by others: refused
    assert session_actor(gate, nip) is None
    os.chmod(path, 0o600)
    assert session_actor(gate, nip) is not None
    clock.at += timedelta(hours=8, minutes=1)  # past 17.00 WIB
    assert session_actor(gate, nip) is None
    clock.at = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    older = path.read_text()
    open_session(gate, sign_in(desk, nip))  # a new login ends the session before it
    path.write_text(older)
    assert session_actor(gate, nip) is None
    open_session(gate, sign_in(desk, nip))
    copy = path.read_text()
    assert close_session(gate, nip) and not path.exists()
    path.write_text(copy)  # a copy kept from before the logout
    os.chmod(path, 0o600)
    assert session_actor(gate, nip) is None  # revoked in the database
    assert _events(desk, nip).count("sesi-ditolak") == 6
    assert _events(desk, other) == ["sesi-ditolak"]


def test_session_ends_at_midnight_wib(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.identity.sessions import expiry

    late = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # 21.00 WIB
    assert expiry(desk.gate(), late) == datetime(2026, 12, 7, 17, 0, tzinfo=UTC)


def test_every_cli_act_refused_without_the_right_passphrase(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    """approve, return, collected, approval draft and checklist confirm: a wrong or missing
    passphrase exits 3 and changes nothing; the right one (stdin) acts."""
    from loket.approval import control_card
    from loket.approval.start import start

    p = ahome.people
    reg_no = make_application(desk.settings, seed=3)
    start(desk, reg_no)
    for nip in p.by_role.values():
        enrol(desk.gate(), nip)
    bo = p["back_office"]
    acts = [
        ["approve", reg_no, "--as", bo, "--no-resume"],
        ["return", reg_no, "--as", bo, "--note", "x", "--no-resume"],
        ["collected", reg_no, "--as", p["front_office"], "--no-pdf"],
        ["approval", "draft", reg_no, "--as", bo, "--bap", "BAP/1"],
        ["checklist", "confirm", reg_no, "str", "ok", "--as", p["front_office"], "--no-flow"],
    ]
    run = CliRunner()
    with desk.db() as session:
        before = len(control_card.entries(session, reg_no))
    for args in acts:
        for given in ("salah-sekali-sandinya\n", ""):
            r = run.invoke(_cli(), args, input=given)
            assert r.exit_code == 3, (args, given, r.output)
            assert "Ditolak" in r.output or "tidak ada masukan" in r.output
    with desk.db() as session:
        assert len(control_card.entries(session, reg_no)) == before
    r = run.invoke(_cli(), acts[0], input=passphrase(bo) + "\n")
    assert r.exit_code == 0, r.output
    assert "Draf" in r.output or "diteruskan" in r.output
    assert passphrase(bo) not in r.output  # never echoed


def test_cli_login_logout_set_and_change_password(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.approval.start import start

    p = ahome.people
    bo = p["back_office"]
    run = CliRunner(env={"COLUMNS": "250"})
    # bootstrap: the first administrator's own passphrase, then the admin sets the clerk's
    r = run.invoke(_cli(), ["officials", "set-password", ADMIN], input=f"{SECRET}\n{SECRET}\n")
    assert r.exit_code == 0, r.output
    r = run.invoke(
        _cli(),
        ["officials", "set-password", bo, "--admin", ADMIN],
        input=f"{SECRET}\nsandi-sementara-1\nsandi-sementara-1\n",
    )
    assert r.exit_code == 0 and "wajib menggantinya" in r.output, r.output
    r = run.invoke(_cli(), ["officials", "set-password", bo], input="a-b-c-d-e-f-g\n" * 2)
    assert r.exit_code == 3  # no bootstrap any more, and no flag to pass a passphrase
    # login: the temporary passphrase must be changed on the spot
    r = run.invoke(
        _cli(),
        ["login", "--as", bo],
        input="sandi-sementara-1\nsandi-pilihan-bo-1\nsandi-pilihan-bo-1\n",
    )
    assert r.exit_code == 0 and "Masuk sebagai" in r.output, r.output
    reg_no = make_application(desk.settings, seed=4)
    start(desk, reg_no)
    r = run.invoke(_cli(), ["approve", reg_no, "--as", bo, "--no-resume"], input="")
    assert r.exit_code == 0, r.output  # the session: no passphrase asked
    assert run.invoke(_cli(), ["logout", "--as", bo]).exit_code == 0
    r = run.invoke(_cli(), ["approval", "draft", reg_no, "--as", bo], input="")
    assert r.exit_code == 3  # logged out: asks again, stdin is empty
    status = run.invoke(_cli(), ["officials", "status"])
    assert status.exit_code == 0 and "Administrator Sistem" in status.output
    log = run.invoke(_cli(), ["officials", "log", "--nip", bo])
    for kind in ("sandi-ditetapkan", "wajib-ganti", "sandi-diganti", "sesi-dibuka", "sesi-ditutup"):
        assert kind in log.output, log.output
    r = run.invoke(
        _cli(),
        ["officials", "change-password", "--as", bo],
        input="sandi-pilihan-bo-1\nsandi-pilihan-bo-2\nsandi-pilihan-bo-2\n",
    )
    assert r.exit_code == 0, r.output


def test_decision_token_is_bound_single_use_and_expires(ahome: Home, desk) -> None:  # type: ignore[no-untyped-def]
    from loket.identity import AuthError, mint_token, redeem_token

    clock = Clock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    desk.clock = clock
    gate = desk.gate()
    nip = ahome.people["kepala_dinas"]
    token = mint_token(gate, sign_in(desk, nip), 7, "setuju")
    for task, who, decision in ((8, nip, "setuju"), (7, nip, "kembalikan")):
        with pytest.raises(AuthError, match="palsu"):
            redeem_token(gate, token, task, who, decision)
    with pytest.raises(AuthError, match="palsu"):
        redeem_token(gate, token, 7, ahome.people["sekretaris"], "setuju")
    assert redeem_token(gate, token, 7, nip, "setuju").via == "token"
    with pytest.raises(AuthError, match="sudah dipakai"):
        redeem_token(gate, token, 7, nip, "setuju")
    late = mint_token(gate, sign_in(desk, nip), 9, "setuju")
    clock.at += timedelta(minutes=11)
    with pytest.raises(AuthError, match="kedaluwarsa"):
        redeem_token(gate, late, 9, nip, "setuju")
    key = desk.settings.var_dir / "keys" / "decision.key"
    assert (os.stat(key).st_mode & 0o777) == 0o400
    assert (os.stat(key.parent).st_mode & 0o777) == 0o700


def test_migration_0005_up_and_down(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from loket.common.db import MIGRATIONS, make_engine, migrate

    tables = {"official_credentials", "identity_events", "official_sessions", "decision_tokens"}
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= tables
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    names = set(inspect(engine).get_table_names())
    assert not tables & names and "approval_tasks" in names
    migrate(engine)
    assert set(inspect(engine).get_table_names()) >= tables


def test_complaint_acts_refused_without_the_right_passphrase(
    ahome: Home, desk, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """complaint add/confirm/coordinate/answer/import-sms/import-eml and complaints
    report/approve/return: a wrong or missing passphrase exits 3 and records nothing; the
    right one acts."""
    import shutil

    import typer

    from loket.cli.complaints import complaint_app
    from loket.cli.complaints_report import complaints_app
    from loket.complaints.models import Complaint
    from tests.approval.approval_helpers import REPO

    shutil.copy(REPO / "rules" / "complaints.yaml", ahome.rules / "complaints.yaml")
    monkeypatch.setenv("LOKET_LOGIN_MAX_FAILURES", "20")  # so many wrong tries would lock
    p = ahome.people
    officer, sekretaris = p["petugas_pengaduan"], p["sekretaris"]
    enrol(desk.gate(), officer), enrol(desk.gate(), sekretaris)
    cli = typer.Typer()
    cli.add_typer(complaint_app, name="complaint")
    cli.add_typer(complaints_app, name="complaints")
    add = ["complaint", "add", "--channel", "telepon", "--name", "Ani", "--subject", "Jam"]
    add += ["--text", "Jam layanan?", "--weight", "ringan", "--no-input", "--nip", officer]
    month = f"{datetime.now(UTC):%Y-%m}"
    by = ["--nip", officer]
    sms = ahome.root / "sms.csv"
    sms.write_text("date,from,body\n2026-11-05 08:00,0811,Ada calo di loket\n", "utf-8")
    eml = ahome.root / "pengaduan-email"
    eml.mkdir()
    (eml / "1.eml").write_text("From: a@b.c\nSubject: Calo\n\nAda calo di loket\n", "utf-8")
    acts = [
        add,
        ["complaint", "confirm", "PGD-X", "--weight", "ringan", "--nip", officer],
        ["complaint", "coordinate", "PGD-X", "--role", "kepala_bidang", "--note", "x", *by],
        ["complaint", "answer", "PGD-X", "--text", "x", "--nip", officer, "--no-pdf"],
        ["complaints", "report", "--month", month, "--nip", officer, "--no-pdf"],
        ["complaints", "approve", "--month", month, "--nip", sekretaris, "--no-pdf"],
        ["complaints", "return", "--month", month, "--note", "x", "--nip", sekretaris],
        ["complaint", "import-sms", str(sms), *by],
        ["complaint", "import-eml", str(eml), *by],
    ]
    run = CliRunner()
    for args in acts:
        for given in ("salah-sekali-sandinya\n", ""):
            r = run.invoke(cli, args, input=given)
            assert r.exit_code == 3, (args, given, r.output)
    with desk.db() as session:
        assert session.scalars(select(Complaint)).first() is None
    r = run.invoke(cli, add, input=passphrase(officer) + "\n")
    assert r.exit_code == 0, r.output
    with desk.db() as session:
        [made] = session.scalars(select(Complaint)).all()
    assert made.handler_nip == officer


@pytest.mark.e2e
def test_identity_on_postgresql(ahome: Home, desk, postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    """Migration 0005, lockout, sessions and single-use tokens on PostgreSQL (timestamptz,
    the token's conditional update)."""
    from sqlalchemy.orm import sessionmaker

    from loket.approval.desk import gate_for
    from loket.common.db import make_engine, migrate
    from loket.identity import (
        AuthError,
        authenticate,
        mint_token,
        open_session,
        redeem_token,
        session_actor,
        set_password,
    )

    engine = make_engine(postgres_url)
    migrate(engine)
    clock = Clock(datetime(2026, 12, 7, 2, 0, tzinfo=UTC))
    gate = gate_for(desk.settings, sessionmaker(engine), desk.officials, clock)
    set_password(gate, None, ADMIN, SECRET)
    admin = authenticate(gate, ADMIN, SECRET)
    for _ in range(4):
        with pytest.raises(AuthError, match="salah"):
            authenticate(gate, ADMIN, "salah-salah-salah")
    with pytest.raises(AuthError, match=r"dikunci sampai 07-12-2026 09\.15"):
        authenticate(gate, ADMIN, "salah-salah-salah")
    clock.at += timedelta(minutes=16)
    admin = authenticate(gate, ADMIN, SECRET)
    open_session(gate, admin)
    assert session_actor(gate, ADMIN).via == "sesi"
    token = mint_token(gate, admin, 5, "setuju")
    assert redeem_token(gate, token, 5, ADMIN, "setuju").nip == ADMIN
    with pytest.raises(AuthError, match="sudah dipakai"):
        redeem_token(gate, token, 5, ADMIN, "setuju")
    engine.dispose()
