"""Root running a register command on the payterm user's data directory is told what to run
instead, before anything is opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.commands import as_user
from terminal.commands.as_user import wrong_user


def test_root_on_another_users_data_dir_gets_the_command_to_run(tmp_path: Path) -> None:
    data = tmp_path / "state"
    data.mkdir()
    env = {"PAYTERM_DATA_DIR": str(data)}
    owner = data.stat().st_uid
    if owner == 0:
        os.chown(data, 1, 1)  # as root (CI): a directory owned by another user ("daemon")
        owner = 1
    message = wrong_user("receipt", ["receipt", "--reprint-last"], env, euid=0)
    assert message is not None and f"who owns {data}" in message
    assert message.endswith("-H payterm receipt --reprint-last")
    assert wrong_user("receipt", ["receipt"], env, euid=owner) is None  # the owner: fine
    assert wrong_user("sandbox", ["sandbox", "serve"], env, euid=0) is None  # never touches the data
    assert wrong_user(None, [], env, euid=0) is None  # --help, --version
    assert wrong_user("receipt", ["receipt"], {"PAYTERM_DATA_DIR": str(tmp_path / "none")}, euid=0) is None


def test_main_stops_root_before_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "state"
    data.mkdir()
    if os.geteuid() == 0:
        os.chown(data, 1, 1)  # root (CI), and the directory is another user's
    else:
        monkeypatch.setattr(as_user.os, "geteuid", lambda: 0)  # "root", and the directory is ours
    for name in [n for n in os.environ if n.startswith("PAYTERM_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PAYTERM_DATA_DIR", str(data))
    assert main(["receipt", "--reprint-last"]) == 3
    err = capsys.readouterr().err
    assert "run this as the" in err and "Traceback" not in err
    assert list(data.iterdir()) == []  # nothing made
