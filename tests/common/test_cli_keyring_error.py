"""A control-card keys folder that cannot be used is one line for the officer, not a
traceback, whichever ``loket`` command recorded an entry (``loket approve``...)."""

from __future__ import annotations

import pytest


def test_a_keyring_error_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    from loket.approval.cardkeys import KeyringError
    from loket.cli.main import _Loket

    app = _Loket()

    @app.command()
    def record() -> None:
        raise KeyringError(
            "Folder kunci /x/keys terbuka bagi orang lain: jalankan chmod 700 /x/keys"
        )

    @app.command()
    def other() -> None:
        """A second command, so that 'record' is a subcommand as in loket."""

    with pytest.raises(SystemExit) as done:
        app(args=["record"], prog_name="loket")
    assert done.value.code == 2
    said = capsys.readouterr().err
    assert "chmod 700 /x/keys" in said
    assert "Traceback" not in said


def test_other_errors_still_raise() -> None:
    from loket.cli.main import _Loket

    app = _Loket()

    @app.command()
    def fail() -> None:
        raise ValueError("a bug stays a bug")

    @app.command()
    def other() -> None:
        """A second command."""

    with pytest.raises(ValueError, match="a bug stays a bug"):
        app(args=["fail"], prog_name="loket", standalone_mode=False)
