"""The hash-chained audit log: tampering with a real journal file through raw SQL is found at
the right entry, by `verify_chain` and by `payterm audit verify`."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.domain.money import Money
from terminal.journal import AuditAction, BreakKind, Journal, SaleState, verify_chain
from terminal.journal.audit import GENESIS, canonical_json, entry_hash
from tests.journal_helpers import answer, record_intent

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
ENTRIES = 8


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A closed journal with ENTRIES audit entries: 3 approved sales, 1 declined, a manager action."""
    file = tmp_path / "journal.sqlite3"
    with Journal(file) as j:
        for n in range(3):
            s = record_intent(j, amount=Money(100 * (n + 1), "JPY"), code=j.fingerprint(f"2800000000000{n:05d}"), merchant_reference=f"R{n}", wallet="sandbox", created_at=T0 + timedelta(minutes=n))
            answer(j, s.idempotency_key, T0, SaleState.APPROVED, charge_id=f"c{n}", approval_code="A")
        j.record_manager_action(
            AuditAction.MANAGER_SETTINGS_CHANGED,
            actor="manager",
            at=T0,
            details={"key": "register.language", "from": "ja", "to": "en"},
        )
        record_intent(j, amount=Money(50, "JPY"), code=j.fingerprint("28000000000000099999"), merchant_reference="R9", wallet="sandbox", created_at=T0)
    return file


def tamper(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("DROP TRIGGER audit_no_update")
        raw.execute("DROP TRIGGER audit_no_delete")
        for sql in statements:
            raw.execute(sql)


def test_intact_chain(path: Path) -> None:
    result = verify_chain(path)
    assert result.ok and result.count == ENTRIES and result.broken is None
    with sqlite3.connect(path) as raw:
        rows = raw.execute(
            "SELECT seq, at, actor, action, details, prev_hash, hash FROM audit ORDER BY seq"
        ).fetchall()
    assert [r[0] for r in rows] == list(range(1, ENTRIES + 1))
    assert rows[0][5] == GENESIS and all(rows[i][5] == rows[i - 1][6] for i in range(1, len(rows)))
    assert all(entry_hash(*[r[5], r[0], r[1], r[2], r[3], r[4]]) == r[6] for r in rows)
    assert result.head_hash == rows[-1][6]
    manager = json.loads(rows[6][4])
    assert (rows[6][2], rows[6][3], manager["to"]) == ("manager", "manager.settings_changed", "en")
    assert rows[6][4] == canonical_json(manager)


def test_the_program_itself_cannot_update_or_delete_entries(path: Path) -> None:
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE audit SET actor = 'x' WHERE seq = 1")
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit WHERE seq = 1")


def test_edited_entry(path: Path) -> None:
    tamper(
        path, "UPDATE audit SET details = replace(details, '\"amount\":200', '\"amount\":20') WHERE seq = 3"
    )
    broken = verify_chain(path).broken
    assert broken is not None and (broken.seq, broken.kind) == (3, BreakKind.EDITED)


def test_edited_entry_with_recomputed_hash_breaks_the_next_link(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        seq, at, actor, action, details, prev = raw.execute(
            "SELECT seq, at, actor, action, details, prev_hash FROM audit WHERE seq = 4"
        ).fetchone()
    forged = details.replace('"approval_code":"A"', '"approval_code":"Z"')
    assert forged != details
    tamper(
        path,
        f"UPDATE audit SET details = '{forged}', hash = '{entry_hash(prev, seq, at, actor, action, forged)}' "
        "WHERE seq = 4",
    )
    result = verify_chain(path)
    assert result.broken is not None and (result.broken.seq, result.broken.kind) == (
        5,
        BreakKind.BAD_PREV_HASH,
    )
    assert result.count == 4


def test_deleted_entry(path: Path) -> None:
    tamper(path, "DELETE FROM audit WHERE seq = 5")
    result = verify_chain(path)
    assert result.broken is not None and (result.broken.seq, result.broken.kind) == (5, BreakKind.DELETED)
    assert result.count == 4


def test_reordered_entries(path: Path) -> None:
    tamper(
        path,
        "UPDATE audit SET seq = -3 WHERE seq = 3",
        "UPDATE audit SET seq = 3 WHERE seq = 4",
        "UPDATE audit SET seq = 4 WHERE seq = -3",
    )
    broken = verify_chain(path).broken
    assert broken is not None and (broken.seq, broken.kind) == (3, BreakKind.REORDERED)


def test_truncated_tail(path: Path) -> None:
    tamper(path, f"DELETE FROM audit WHERE seq >= {ENTRIES - 1}")
    result = verify_chain(path)
    assert result.broken is not None and (result.broken.seq, result.broken.kind) == (
        ENTRIES - 1,
        BreakKind.TRUNCATED,
    )
    assert result.count == ENTRIES - 2


def test_appended_entry_without_the_head(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        last = raw.execute("SELECT hash FROM audit WHERE seq = ?", (ENTRIES,)).fetchone()[0]
    seq, at, details = ENTRIES + 1, "2025-03-01T11:00:00.000000Z", "{}"
    digest = entry_hash(last, seq, at, "manager", "manager.login", details)
    tamper(
        path,
        "INSERT INTO audit (seq, at, actor, action, details, prev_hash, hash) "
        f"VALUES ({seq}, '{at}', 'manager', 'manager.login', '{details}', "
        f"'{last}', '{digest}')",
    )
    broken = verify_chain(path).broken
    assert broken is not None and broken.kind is BreakKind.HEAD_MISMATCH and broken.seq == seq


def test_audit_verify_command(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--journal", str(path)]) == 0
    assert f"intact: {ENTRIES} entries" in capsys.readouterr().out
    tamper(path, "DELETE FROM audit WHERE seq = 2")
    assert main(["audit", "verify", "--journal", str(path), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and out["broken"]["seq"] == 2 and out["broken"]["kind"] == "deleted"
    assert main(["audit", "verify", "--journal", str(path)]) == 1
    assert "BROKEN at entry 2 (deleted)" in capsys.readouterr().out


def test_audit_verify_missing_or_foreign_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--journal", str(tmp_path / "none.sqlite3")]) == 2
    assert "no journal" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("not a database " * 100)
    assert main(["audit", "verify", "--journal", str(tmp_path / "notes.txt")]) == 2
    assert "cannot read the audit log" in capsys.readouterr().err
