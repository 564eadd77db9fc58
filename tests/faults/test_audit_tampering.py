"""The audit log against the register's own user (issue 10, item 3).

The attacker has a shell as the register's user: they can open the journal with sqlite3, drop its
triggers and rewrite anything in it, and they know how the chain is computed (plain SHA-256 over
public fields). They cannot read the device key (issue 10, item 2: the KEK is not in the data
folder), so they cannot sign. Each test does one thing such an attacker would try, on a real
journal written by a real register that took real payments from the sandbox over HTTP on
127.0.0.1 and anchored its head there, and checks that `payterm audit verify` finds it (exit 1,
the right kind of break). On main before the keyed log, every one of these passed `verify`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox.server import SandboxServer
from sandbox.settings import Knobs
from sandbox.state import open_sandbox
from terminal.cli import main
from terminal.config.loader import load_settings
from terminal.domain.money import Money
from terminal.journal.audit import canonical_json, entry_hash
from terminal.journal.states import AuditAction
from terminal.register.setup import open_journal
from terminal.register.operations import Operations
from tests.register_fixtures import DEV_ENV, MANAGER_PIN, make_register, pay, set_manager_pin
from tests.sandbox_fixtures import RunningSandbox


@dataclass(frozen=True)
class Built:
    home: Path  # a register's PAYTERM_HOME (key store, enrollment, journal), closed
    anchored_seq: int


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """One register, made once for the module: two approved sales, a refund, a manager PIN with a
    wrong attempt, its head anchored at the sandbox, then one more sale (not yet anchored)."""
    root = tmp_path_factory.mktemp("audit_attacks")
    server = SandboxServer(open_sandbox(root / "sandbox.sqlite3", Knobs()), "127.0.0.1", 0).start()
    sandbox = RunningSandbox(server, root / "sandbox.sqlite3")
    home = root / "register"
    try:
        reg = make_register(home, sandbox)
        try:
            pay(reg, 1200, sandbox.payment_code("alice"))
            second = pay(reg, 800, sandbox.payment_code("alice"))
            assert second.idempotency_key is not None
            record = reg.journal.sale(second.idempotency_key)
            assert record is not None
            pin = set_manager_pin(reg, sandbox)  # held by the wallet
            ops = Operations(reg.journal, reg.client, timezone=reg.enrollment.timezone, manager=pin)
            refunded = ops.refund(record, Money(300, "JPY"), reason="damaged", manager_pin=MANAGER_PIN)
            assert refunded.state.value == "succeeded"
            assert not pin.check("1357").ok
            reg.recover()  # start-up: recovery, then the anchor (on its own thread)
            reg.wait_anchored(20)
            anchored = reg.journal.reader.audit_head()
            assert anchored is not None
            pay(reg, 500, sandbox.payment_code("alice"))
        finally:
            reg.close()
    finally:
        server.stop()
    yield Built(home, anchored[0])


@pytest.fixture
def home(built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built register for one attack; `payterm` commands run against it."""
    copy = tmp_path / "register"
    shutil.copytree(built.home, copy)
    monkeypatch.setenv("PAYTERM_HOME", str(copy))
    return copy


def journal_path(home: Path) -> Path:
    return load_settings({"PAYTERM_HOME": str(home)}).settings.journal.path


def sql(home: Path, *statements: str, params: tuple[object, ...] = ()) -> None:
    """What the attacker runs: sqlite3 on the journal, triggers dropped first."""
    with sqlite3.connect(journal_path(home)) as raw:
        for trigger in ("audit_no_update", "audit_no_delete", "sales_final", "operations_final"):
            raw.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            raw.execute(statement, params if "?" in statement else ())


def rehash_everything(home: Path, *, strip_signatures: bool) -> None:
    """The old chain's weakness: recompute every hash and the head row with plain SHA-256."""
    with sqlite3.connect(journal_path(home)) as raw:
        raw.execute("DROP TRIGGER IF EXISTS audit_no_update")
        rows = raw.execute("SELECT seq, at, actor, action, details FROM audit ORDER BY seq").fetchall()
        prev = "0" * 64
        for seq, at, actor, action, details in rows:
            digest = entry_hash(prev, seq, at, actor, action, details)
            raw.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
            if strip_signatures:
                raw.execute("UPDATE audit SET signature = NULL WHERE seq = ?", (seq,))
            prev = digest
        raw.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{rows[-1][0]}:{prev}",))
        if strip_signatures:
            raw.execute("DELETE FROM audit_anchors")


def verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["audit", "verify", "--json"])
    return code, json.loads(capsys.readouterr().out)


def broken_kind(capsys: pytest.CaptureFixture[str]) -> str:
    code, out = verify(capsys)
    assert code == 1, out
    broken = out["broken"]
    assert isinstance(broken, dict), out
    return str(broken["kind"])


def test_the_untouched_log_verifies_with_its_anchor(home: Path, built: Built,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify(capsys)
    assert code == 0 and out["ok"] is True and out["signatures_checked"] is True, out
    assert out["anchor"] is not None and out["anchor"]["seq"] == built.anchored_seq  # type: ignore[index]
    not_anchored = out["not_anchored"]
    assert isinstance(not_anchored, list) and not_anchored and min(not_anchored) == built.anchored_seq + 1
    assert main(["audit", "verify"]) == 0
    text = capsys.readouterr().out
    assert f"anchored at the wallet up to entry {built.anchored_seq}" in text
    assert f"not yet anchored: {len(not_anchored)} entries" in text


def test_every_entry_is_signed_with_the_device_key(home: Path) -> None:
    with sqlite3.connect(journal_path(home)) as raw:
        unsigned = raw.execute("SELECT count(*) FROM audit WHERE signature IS NULL").fetchone()[0]
        total = raw.execute("SELECT count(*) FROM audit").fetchone()[0]
    assert total >= 10 and unsigned == 0


def test_editing_an_entry_is_found(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql(home, "UPDATE audit SET details = replace(details, '\"amount\":1200', '\"amount\":120') "
              "WHERE action = 'sale.intent'")
    assert broken_kind(capsys) == "edited"


def test_deleting_an_entry_is_found(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql(home, "DELETE FROM audit WHERE action = 'refund.intent'")
    assert broken_kind(capsys) in {"deleted", "bad_prev_hash"}


def test_reordering_entries_is_found(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql(home, "UPDATE audit SET seq = -2 WHERE seq = 2", "UPDATE audit SET seq = 2 WHERE seq = 3",
        "UPDATE audit SET seq = 3 WHERE seq = -2")
    assert broken_kind(capsys) in {"reordered", "bad_prev_hash", "edited"}


def test_recomputing_every_hash_keeping_the_signatures_is_found(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql(home, "UPDATE audit SET details = replace(details, '\"amount\":1200', '\"amount\":120') "
              "WHERE action = 'sale.intent'")
    rehash_everything(home, strip_signatures=False)
    assert broken_kind(capsys) == "bad_signature"


def test_recomputing_every_hash_and_stripping_the_signatures_is_found(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql(home, "UPDATE audit SET details = replace(details, '\"amount\":1200', '\"amount\":120') "
              "WHERE action = 'sale.intent'", "UPDATE sales SET amount = 120 WHERE amount = 1200")
    rehash_everything(home, strip_signatures=True)
    assert broken_kind(capsys) == "unsigned"


def test_a_forged_entry_signed_with_another_key_is_found(
        home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The attacker makes their own Ed25519 key and signs a recomputed chain with it."""
    from terminal.crypto.keys import PrivateKeySigner
    from terminal.journal.audit import sign_entry

    rehash_everything(home, strip_signatures=False)
    own = PrivateKeySigner.generate()
    with sqlite3.connect(journal_path(home)) as raw:
        for seq, digest in raw.execute("SELECT seq, hash FROM audit").fetchall():
            raw.execute("UPDATE audit SET signature = ? WHERE seq = ?", (sign_entry(own, digest), seq))
    assert broken_kind(capsys) == "bad_signature"


def test_editing_a_sale_amount_is_found(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql(home, "UPDATE sales SET amount = 120 WHERE amount = 1200")  # sales_final dropped first
    code, out = verify(capsys)
    assert code == 1 and out["broken"]["kind"] == "row_mismatch"  # type: ignore[index]
    assert "amount" in out["broken"]["message"]  # type: ignore[index]


def test_editing_a_sale_state_or_a_refund_is_found(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql(home, "UPDATE sales SET state = 'declined' WHERE amount = 1200")
    assert broken_kind(capsys) == "row_mismatch"


def test_editing_a_refund_amount_is_found(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql(home, "UPDATE operations SET amount = 30 WHERE amount = 300")
    assert broken_kind(capsys) == "row_mismatch"


def test_deleting_a_sale_row_is_found(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql(home, "DELETE FROM sales WHERE amount = 500")
    assert broken_kind(capsys) == "row_mismatch"


def test_the_journal_holds_no_manager_pin_to_swap_or_count_to_zero(home: Path) -> None:
    """The old attacks (swap in the hash of a PIN they know, zero the wrong-PIN count) have nothing
    to work on: the wallet holds the PIN and the count. The register's log still records every
    attempt the wallet answered."""
    with sqlite3.connect(journal_path(home)) as raw:
        keys = {k for (k,) in raw.execute("SELECT key FROM meta")}
        failed = [json.loads(d) for (d,) in raw.execute(
            "SELECT details FROM audit WHERE action = 'manager.login_failed'")]
    assert not {"manager_pin_hash", "manager_pin_failures", "manager_pin_locked_until"} & keys
    assert "manager_pin_at_wallet" in keys
    assert failed and failed[-1]["checked_by"] == "wallet" and failed[-1]["tries_left"] == 4


def test_truncating_back_before_the_anchor_is_found(home: Path, built: Built,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Cut the log back to before the anchored entry and fix up the head row: the chain itself
    is consistent again, but the wallet's receipt names an entry that is gone."""
    keep = built.anchored_seq - 2
    with sqlite3.connect(journal_path(home)) as raw:
        head_hash = raw.execute("SELECT hash FROM audit WHERE seq = ?", (keep,)).fetchone()[0]
    sql(home, f"DELETE FROM audit WHERE seq > {keep}", f"UPDATE meta SET value = '{keep}:{head_hash}' "
              "WHERE key = 'audit_head'", "DELETE FROM sales", "DELETE FROM operations",
              "DELETE FROM meta WHERE key LIKE 'manager_pin_%'")
    code, out = verify(capsys)
    assert code == 1 and out["broken"]["kind"] == "anchor", out  # type: ignore[index]


def test_a_forged_anchor_receipt_is_found(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """After rewriting, the attacker edits the stored receipt to name their new head."""
    with sqlite3.connect(journal_path(home)) as raw:
        last = raw.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    sql(home, "UPDATE audit_anchors SET seq = ?, head_hash = ?", params=last)
    assert broken_kind(capsys) == "anchor"


def test_a_journal_opened_with_the_key_keeps_verifying(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The register's own tools (here a manager's settings change) sign what they add."""
    loaded = load_settings({"PAYTERM_HOME": str(home), **DEV_ENV})
    with open_journal(loaded.settings) as journal:
        journal.record_manager_action(AuditAction.MANAGER_SETTINGS_CHANGED, actor="manager",
                                      at=datetime.now(UTC), details={"changed": ["printer.kind"]})
    code, out = verify(capsys)
    assert code == 0 and out["signatures_checked"] is True, out
    with sqlite3.connect(journal_path(home)) as raw:
        (details,) = raw.execute("SELECT details FROM audit WHERE action = 'manager.settings_changed'").fetchone()
    assert json.loads(details)["changed"] == ["printer.kind"] and canonical_json(json.loads(details)) == details
