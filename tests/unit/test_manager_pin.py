"""The manager PIN: argon2id at OWASP's minimum or above, lock-out after failures that survives a
restart, every attempt and change in the audit chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from argon2 import extract_parameters

from terminal.config.model import ManagerSettings
from terminal.journal.db import open_read_connection
from terminal.journal.store import Journal
from terminal.register.manager_pin import (
    HASH_KEY,
    ManagerPin,
    PinAlreadySet,
    PinOutcome,
    PinPolicyError,
    WeakHashParams,
    make_hasher,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def journal(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


def audit_actions(journal: Journal) -> list[tuple[str, dict[str, object]]]:
    conn = open_read_connection(journal.path)
    try:
        rows = conn.execute("SELECT action, details FROM audit ORDER BY seq").fetchall()
    finally:
        conn.close()
    return [(a, json.loads(d)) for a, d in rows]


def test_the_hash_is_argon2id_with_at_least_owasp_parameters(journal: Journal) -> None:
    ManagerPin(journal).set_first("2468")
    conn = open_read_connection(journal.path)
    stored = conn.execute("SELECT value FROM meta WHERE key = ?", (HASH_KEY,)).fetchone()[0]
    conn.close()
    params = extract_parameters(stored)
    assert stored.startswith("$argon2id$")
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2
    assert "2468" not in stored
    with pytest.raises(WeakHashParams):
        make_hasher(memory_kib=1024, time_cost=1)


def test_right_and_wrong_pins_and_every_attempt_audited(journal: Journal) -> None:
    pin = ManagerPin(journal)
    assert pin.check("2468").outcome is PinOutcome.NOT_SET
    pin.set_first("2468")
    assert pin.check("2468").ok
    wrong = pin.check("1357")
    assert wrong.outcome is PinOutcome.WRONG and wrong.tries_left == 4
    actions = [a for a, _ in audit_actions(journal)]
    assert actions == ["manager.login_failed", "manager.pin_changed", "manager.login", "manager.login_failed"]
    assert all("2468" not in json.dumps(d) and "1357" not in json.dumps(d) for _, d in audit_actions(journal))
    assert journal.verify_chain().ok


def test_five_wrong_pins_lock_for_five_minutes_even_across_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        pin = ManagerPin(journal, clock=clock)
        pin.set_first("2468")
        outcomes = [pin.check("0000").outcome for _ in range(5)]
        assert outcomes == [PinOutcome.WRONG] * 4 + [PinOutcome.LOCKED]
    with Journal(path) as journal:  # a restart: a new process reads the same journal
        pin = ManagerPin(journal, clock=clock)
        locked = pin.check("2468")
        assert locked.outcome is PinOutcome.LOCKED and locked.locked_until == clock.now + 300
        clock.now += 299
        assert pin.check("2468").outcome is PinOutcome.LOCKED
        clock.now += 2
        assert pin.check("2468").ok
        actions = [a for a, _ in audit_actions(journal)]
        assert actions.count("manager.locked_out") == 1
        assert actions.count("manager.login_failed") == 7  # five wrong, two refused while locked
        assert journal.verify_chain().ok


def test_the_failure_count_survives_a_restart_and_a_success_resets_it(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        pin = ManagerPin(journal, ManagerSettings(max_pin_failures=3))
        pin.set_first("2468")
        pin.check("1111")
        pin.check("1111")
    with Journal(path) as journal:
        pin = ManagerPin(journal, ManagerSettings(max_pin_failures=3))
        assert pin.state().failures == 2
        assert pin.check("2468").ok
        assert pin.state().failures == 0


def test_changing_the_pin_needs_the_old_one(journal: Journal) -> None:
    pin = ManagerPin(journal)
    pin.set_first("2468")
    refused = pin.change("1111", "97531")
    assert refused.outcome is PinOutcome.WRONG
    assert pin.check("2468").ok
    assert pin.change("2468", "97531").ok
    assert pin.check("2468").outcome is PinOutcome.WRONG
    assert pin.check("97531").ok
    details = [d for a, d in audit_actions(journal) if a == "manager.pin_changed"]
    assert [d["first"] for d in details] == [True, False]
    # the entry records a digest of the stored argon2 hash, never the hash itself
    assert all(len(str(d["pin_hash_sha256"])) == 64 and "argon2" not in str(d) for d in details)


def test_the_first_pin_is_set_once_and_follows_the_policy(journal: Journal) -> None:
    pin = ManagerPin(journal)
    for bad in ("12", "abcd", "1111", "1234567890123"):
        with pytest.raises(PinPolicyError):
            pin.set_first(bad)
    assert not pin.is_set()
    pin.set_first("2468")
    with pytest.raises(PinAlreadySet):
        pin.set_first("1357")
    assert pin.check("2468").ok
