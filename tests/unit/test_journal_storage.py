"""Storage guarantees: WAL + synchronous=FULL, one writer thread, durability, migrations."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from terminal.domain.money import Money
from terminal.journal import AuditAction, Journal, JournalError, SaleState, SchemaVersionError
from terminal.journal.db import open_write_connection
from terminal.journal.schema import LATEST_VERSION, MIGRATIONS, migrate
from tests.journal_helpers import answer, record_intent

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def test_pragmas(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:
        assert j.migrated_to == list(range(1, LATEST_VERSION + 1))
        levels = j._writer.call(
            lambda c: (
                c.execute("PRAGMA journal_mode").fetchone()[0],
                c.execute("PRAGMA synchronous").fetchone()[0],
                c.execute("PRAGMA user_version").fetchone()[0],
            )
        )
    assert levels == ("wal", 2, LATEST_VERSION)  # synchronous 2 = FULL


def test_writes_from_two_threads_go_through_the_one_writer_and_both_land(tmp_path: Path) -> None:
    writer_threads: set[str] = set()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(j: Journal, who: str) -> None:
        try:
            barrier.wait()
            for n in range(15):
                fp = j.fingerprint(f"{who}-code-{n:04d}")
                record_intent(j, amount=Money(100 + n, "JPY"), code=fp, merchant_reference=f"{who}-{n}", wallet="sandbox", created_at=T0)
                j.record_manager_action(
                    AuditAction.MANAGER_LOGIN,
                    actor=who,
                    at=T0,
                    details={"n": n},
                    apply=lambda _c: writer_threads.add(threading.current_thread().name),
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    with Journal(tmp_path / "j.sqlite3") as j:
        threads = [threading.Thread(target=work, args=(j, who), name=who) for who in ("left", "right")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        refs = {s.merchant_reference for s in j.unfinished_sales()}
        assert refs == {f"{who}-{n}" for who in ("left", "right") for n in range(15)}
        assert j.verify_chain().ok and j.verify_chain().count == 60
    assert len(writer_threads) == 1 and writer_threads.pop().startswith("journal-writer")


def test_intent_is_durable_when_record_intent_returns(tmp_path: Path) -> None:
    """The process dies right after record_intent returns (no close, no further commit):
    a new connection still finds the sale."""
    path = tmp_path / "j.sqlite3"
    script = (
        "import os, sys; from datetime import datetime, UTC\n"
        "from pathlib import Path\n"
        "from terminal.domain.money import Money\n"
        "from terminal.journal import Journal\nfrom tests.journal_helpers import record_intent\n"
        "j = Journal(Path(sys.argv[1]))\n"
        "s = record_intent(j, amount=Money(500, 'JPY'), code=j.fingerprint('2812345678901234'), \n"
        "                    merchant_reference='crash', wallet='sandbox', created_at=datetime.now(UTC))\n"
        "print(s.idempotency_key, flush=True)\n"
        "os._exit(0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    key = out.stdout.strip()
    with sqlite3.connect(path) as raw:
        row = raw.execute(
            "SELECT state, amount, merchant_reference FROM sales WHERE idempotency_key = ?", (key,)
        ).fetchone()
    assert row == (SaleState.AUTHORIZING.value, 500, "crash")
    with Journal(path) as j:
        assert [s.idempotency_key for s in j.unfinished_sales()] == [key]


def test_a_failed_write_rolls_back_change_and_audit_entry(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as j:

        def change(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO meta (key, value) VALUES ('manager_pin_hash', 'x')")
            conn.execute("INSERT INTO meta (key, value) VALUES ('manager_pin_hash', 'y')")  # duplicate key

        with pytest.raises(sqlite3.IntegrityError):
            j.record_manager_action(
                AuditAction.MANAGER_PIN_CHANGED, actor="manager", at=T0, details={}, apply=change
            )
        assert j.audit_head() is None
        with sqlite3.connect(j.path) as raw:
            assert raw.execute("SELECT COUNT(*) FROM meta WHERE key = 'manager_pin_hash'").fetchone()[0] == 0


def test_writes_after_close_are_refused(tmp_path: Path) -> None:
    j = Journal(tmp_path / "j.sqlite3")
    j.close()
    with pytest.raises(JournalError):
        j.code_seen_recently("h", T0, 120)


def test_migrating_a_v1_journal_to_the_latest(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = open_write_connection(path)
    assert migrate(conn, target=1) == [1]
    conn.execute(
        "INSERT INTO sales (idempotency_key, amount, currency, code_hash, code_last4, merchant_reference, "
        "wallet, state, created_at, updated_at) VALUES ('k1', 700, 'JPY', 'h', '1234', 'R', 'sandbox', "
        "'in_doubt', '2025-03-01T10:00:00.000000Z', '2025-03-01T10:00:00.000000Z')"
    )
    salt = conn.execute("SELECT value FROM meta WHERE key = 'code_salt'").fetchone()[0]
    conn.close()
    with Journal(path) as j:
        assert j.migrated_to == list(range(2, LATEST_VERSION + 1))
        [sale] = j.unfinished_sales()
        assert (sale.idempotency_key, sale.money, sale.state, sale.deadline) == (
            "k1",
            Money(700, "JPY"),
            SaleState.IN_DOUBT,
            None,
        )
        assert j.code_seen_recently("h", T0, 120) is False  # v3 table exists
        answer(j, "k1", T0, SaleState.REVERSING, deadline=T0 + timedelta(seconds=5))
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION == len(MIGRATIONS)
        assert raw.execute("SELECT value FROM meta WHERE key = 'code_salt'").fetchone()[0] == salt


def test_a_journal_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(SchemaVersionError):
        Journal(path)
