"""`payterm manager-pin reset`: IT's way back in when the manager PIN is forgotten or locked."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.config.loader import load_settings
from terminal.journal.store import Journal
from terminal.register.manager_pin import ManagerPin


@pytest.fixture
def journal_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path / "reg"))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")  # KEK beside the key
    path = load_settings().settings.journal.path
    with Journal(path) as journal:
        pin = ManagerPin(journal, load_settings().settings.manager)
        pin.set_first("2468")
        for _ in range(5):
            pin.check("1111")  # five wrong tries: manager mode is locked
        assert pin.state().locked_until is not None
    return path


def run(monkeypatch: pytest.MonkeyPatch, stdin: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["manager-pin", "reset", *args])


def test_reset_sets_a_new_pin_clears_the_lock_and_is_audited(journal_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(monkeypatch, "13579\n", "--by", "it-sato", "--reason", "manager forgot the PIN",
               "--new-pin-stdin") == 0
    with Journal(journal_path) as journal:
        pin = ManagerPin(journal, load_settings().settings.manager)
        assert pin.state().locked_until is None
        assert pin.check("13579").ok and not pin.check("2468").ok
        assert journal.verify_chain().ok
    with sqlite3.connect(f"file:{journal_path}?mode=ro", uri=True) as db:
        (actor, details), = db.execute("SELECT actor, details FROM audit WHERE action = 'manager.pin_reset'")
    recorded = json.loads(details)
    assert actor == "it:it-sato" and recorded["reason"] == "manager forgot the PIN"
    assert (recorded["pin_failures"], recorded["pin_locked_until"]) == ("0", "0")


@pytest.mark.parametrize("pin", ["7", "0000"])  # too short; one digit repeated
def test_a_weak_new_pin_is_refused(journal_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], pin: str) -> None:
    assert run(monkeypatch, pin + "\n", "--by", "it", "--reason", "x", "--new-pin-stdin") == 2
    assert "manager PIN" in capsys.readouterr().err
