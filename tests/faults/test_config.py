"""loket.toml + LOKET_* configuration: precedence, paths, validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from loket.common.settings import ConfigError, load_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LOKET_HOME", str(tmp_path))
    for key in (
        "LOKET_RULES",
        "LOKET_DATABASE_URL",
        "LOKET_INBOX",
        "LOKET_OUTBOX",
        "LOKET_VAR",
        "LOKET_STABLE_SECONDS",
        "LOKET_CONFIG",
        "LOKET_POLL_SECONDS",
        "LOKET_WATCH",
    ):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


def test_defaults_work_without_a_file(home: Path) -> None:
    s = load_settings()
    assert s.inbox_dir == home / "inbox" and s.db_url == f"sqlite:///{home / 'var' / 'loket.db'}"
    assert (s.server_host, s.server_port, s.watch) == ("127.0.0.1", 4200, "auto")


def test_file_then_env_then_overrides(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (home / "loket.toml").write_text(
        'inbox = "//server/scan"\nstable_seconds = 30\n'
        '[intake]\npoll_seconds = 60\nwatch = "poll"\noutbox = "hasil"\n'
        '[database]\ndatabase_url = "postgresql+psycopg://loket@db/loket"\n',
        encoding="utf-8",
    )
    s = load_settings()
    assert s.inbox_dir == Path("//server/scan") and s.outbox_dir == home / "hasil"
    assert (s.stable_seconds, s.poll_seconds, s.watch) == (30.0, 60.0, "poll")
    assert s.db_url.startswith("postgresql+psycopg://")
    monkeypatch.setenv("LOKET_STABLE_SECONDS", "2")
    monkeypatch.setenv("LOKET_WATCH", "events")
    s = load_settings()
    assert (s.stable_seconds, s.watch) == (2.0, "events")  # env wins
    assert load_settings(stable_seconds=0.0).stable_seconds == 0.0  # explicit wins


def test_mistakes_are_named(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = home / "loket.toml"
    cfg.write_text("stable_secnds = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="stable_secnds"):
        load_settings()
    cfg.write_text('watch = "inotify"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="watch"):
        load_settings()
    cfg.write_text('poll_seconds = "sering"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="poll_seconds"):
        load_settings()
    cfg.unlink()
    other = home / "lain.toml"
    other.write_text("server_port = 4300\n", encoding="utf-8")
    monkeypatch.setenv("LOKET_CONFIG", str(other))
    assert load_settings().server_port == 4300


@pytest.mark.parametrize("command", [["intake"], ["tasks"], ["config"], ["parked"]])
def test_every_command_names_a_mistake_in_the_file(home: Path, command: list[str]) -> None:
    """A typo in loket.toml: one line naming it and exit 2, from every command (it was a
    traceback from whichever module loaded the settings first)."""
    from typer.testing import CliRunner

    from loket.cli.main import app

    (home / "loket.toml").write_text("stable_secnds = 3\n", encoding="utf-8")
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2, result.output
    assert "bad configuration" in result.output and "stable_secnds" in result.output
    assert "Traceback" not in result.output
