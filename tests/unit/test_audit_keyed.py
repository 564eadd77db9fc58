"""The keyed chain's rules on real SQLite files: a journal from before v7 keeps its unsigned
entries verifiable and is keyed from the first open with a signer; the rows agree with their
entries; a log with a key but no signature is refused."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from terminal.crypto.keys import PrivateKeySigner, VerifyKey
from terminal.domain.money import Money
from terminal.journal import AuditAction, BreakKind, Journal, SaleState, verify_chain
from terminal.journal.schema import migrate
from tests.journal_helpers import answer, record_intent

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def write_sales(journal: Journal, count: int) -> None:
    for n in range(count):
        sale = record_intent(journal, amount=Money(100 + n, "JPY"), code=journal.fingerprint(f"28000000000{n:05d}"),
                             merchant_reference=f"R{n}", wallet="sandbox", created_at=T0)
        answer(journal, sale.idempotency_key, T0, SaleState.APPROVED, charge_id=f"c{n}", approval_code="A")


def test_a_journal_from_before_v6_is_keyed_from_its_first_signed_open(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as conn:
        migrate(conn, target=5)
    with Journal(path) as old:  # migrates to v7; written without a key, as before
        write_sales(old, 2)
    signer = PrivateKeySigner.generate()
    key = VerifyKey.from_signer(signer)
    with Journal(path, signer) as keyed:
        write_sales(keyed, 1)
        result = keyed.verify_chain()
    assert result.ok and result.signatures_checked, result
    assert result.unsigned_before == 4 and result.count == 4 + 1 + 2  # 4 old, audit.keyed, 2 new
    with sqlite3.connect(path) as raw:
        actions = [a for (a,) in raw.execute("SELECT action FROM audit WHERE signature IS NOT NULL ORDER BY seq")]
    assert actions[0] == AuditAction.AUDIT_KEYED.value
    assert verify_chain(path, key).ok
    assert not verify_chain(path, VerifyKey.from_signer(PrivateKeySigner.generate())).ok


def test_with_a_key_a_log_without_any_signature_is_a_break(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal(path) as journal:
        write_sales(journal, 1)
    assert verify_chain(path).ok and verify_chain(path).signatures_checked  # nothing signed, no key
    broken = verify_chain(path, VerifyKey.from_signer(PrivateKeySigner.generate())).broken
    assert broken is not None and broken.kind is BreakKind.UNSIGNED


def test_an_unsigned_entry_after_a_signed_one_is_a_break(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    signer = PrivateKeySigner.generate()
    with Journal(path, signer) as journal:
        write_sales(journal, 1)
    with Journal(path) as unkeyed:  # a tool that forgot the key
        write_sales(unkeyed, 1)
    broken = verify_chain(path, VerifyKey.from_signer(signer)).broken
    assert broken is not None and (broken.kind, broken.seq) == (BreakKind.UNSIGNED, 3)
    # without the key the chain still notices it (an unsigned entry after a signed one)
    assert verify_chain(path).broken is not None


def test_an_ecdsa_p256_device_key_signs_too(tmp_path: Path) -> None:
    from terminal.crypto.keys import Alg

    path = tmp_path / "journal.sqlite3"
    signer = PrivateKeySigner.generate(Alg.ECDSA_P256_SHA256)
    with Journal(path, signer) as journal:
        write_sales(journal, 2)
        assert journal.verify_chain().ok and journal.verify_chain().signatures_checked
