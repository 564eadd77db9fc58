"""Sandbox pieces without HTTP: schema versioning, seeding, codes, the ledger and the rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sandbox.codes import (
    PAYMENT_CODE_TTL_S,
    current_payment_code,
    enrollment_code_hash,
    issue_enrollment_code,
    issue_payment_code,
)
from sandbox.db import SCHEMA_VERSION, Database, SchemaTooNew
from sandbox.errors import NotFound
from sandbox.ledger import LedgerError, move_to_customer, move_to_merchant, total_money
from sandbox.seed import CUSTOMERS, MERCHANT_ID, PIN_HASHER, TEST_VALUES
from sandbox.settings import Faults, Knobs, RiskPolicy
from sandbox.state import open_sandbox


def test_schema_versioned_and_seeded_once(tmp_path: Path) -> None:
    sb = open_sandbox(tmp_path / "s.db")
    conn = sb.db.connection()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again = open_sandbox(tmp_path / "s.db")
    assert again.keys.sign_keyid == sb.keys.sign_keyid and again.keys.sign_public == sb.keys.sign_public
    assert again.db.connection().execute("SELECT COUNT(*) FROM customers").fetchone()[0] == len(CUSTOMERS)


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaTooNew):
        Database(path)


def test_pins_are_argon2id_hashes(tmp_path: Path) -> None:
    conn = open_sandbox(tmp_path / "s.db").db.connection()
    hashes = [r[0] for r in conn.execute("SELECT pin_hash FROM customers")]
    assert all(h.startswith("$argon2id$") and "m=19456,t=2" in h for h in hashes)
    assert PIN_HASHER.verify(hashes[0], "1234")


def test_payment_codes(tmp_path: Path) -> None:
    sb = open_sandbox(tmp_path / "s.db")
    with sb.db.tx() as conn:
        a = issue_payment_code(conn, "alice", 1000)
        b = issue_payment_code(conn, "alice", 1000)
        assert a.value != b.value and len(a.value) == 18 and a.value.startswith("99")
        assert a.expires_at == 1000 + PAYMENT_CODE_TTL_S
        shown = current_payment_code(conn, "alice", 1001, 30)
        assert current_payment_code(conn, "alice", 1010, 30) == shown
        assert current_payment_code(conn, "alice", 1031, 30) != shown
        with pytest.raises(NotFound):
            issue_payment_code(conn, "mallory", 1000)


def test_enrollment_code_stored_as_hash_only(tmp_path: Path) -> None:
    sb = open_sandbox(tmp_path / "s.db")
    with sb.db.tx() as conn:
        code = issue_enrollment_code(conn, 0).value
    stored = [r[0] for r in sb.db.connection().execute("SELECT code_hash FROM enrollment_codes")]
    assert stored == [enrollment_code_hash(code)] and code not in stored
    assert enrollment_code_hash(code.lower().replace("-", " ")) == stored[0]


def test_ledger_conserves_and_refuses_overdraft(tmp_path: Path) -> None:
    sb = open_sandbox(tmp_path / "s.db")
    total = total_money(sb.db.connection())
    with sb.db.tx() as conn:
        move_to_merchant(conn, "alice", MERCHANT_ID, 700)
        move_to_customer(conn, "alice", MERCHANT_ID, 200)
    assert total_money(sb.db.connection()) == total
    with pytest.raises(LedgerError), sb.db.tx() as conn:
        move_to_merchant(conn, "bob", MERCHANT_ID, 801)
    with pytest.raises(LedgerError), sb.db.tx() as conn:
        move_to_customer(conn, "bob", MERCHANT_ID, 10_000)
    assert total_money(sb.db.connection()) == total


def test_transaction_rolls_back_everything(tmp_path: Path) -> None:
    sb = open_sandbox(tmp_path / "s.db")
    before = sb.db.dump()
    with pytest.raises(RuntimeError), sb.db.tx() as conn:
        move_to_merchant(conn, "alice", MERCHANT_ID, 100)
        raise RuntimeError("boom")
    assert sb.db.dump() == before


def test_knobs_validate_and_drop_tokens() -> None:
    knobs = Knobs(faults=Faults(drop_next=2))
    assert [knobs.take_drop() for _ in range(3)] == [True, True, False]
    with pytest.raises(ValueError):
        Faults(fail_rate=1.5)
    with pytest.raises(ValueError):
        RiskPolicy(step_up_seconds=121)


def test_test_values_are_distinct_and_documented() -> None:
    """The README's test-values and demo-customer tables list every seeded value."""
    doc = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    amounts = [v.amount for v in TEST_VALUES]
    assert len(set(amounts)) == len(amounts)
    for v in TEST_VALUES:
        assert f"| {v.amount} |" in doc
    for c in CUSTOMERS:
        assert f"| `{c.name}` |" in doc
