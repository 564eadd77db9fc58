"""Journal schema v6: which POS asked for which sale and which reversal."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from terminal.domain.money import Money
from terminal.journal.pos_requests import PosRequests
from terminal.journal.store import Journal

T = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


def test_a_request_is_recorded_once_and_audited(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        requests = PosRequests(journal)
        first, new = requests.record_request(
            pos_key_id="pos-a", pos_name="front", sale_id="S1", sale_transaction_id="T1",
            merchant_reference="reg-pos-1", amount=Money(1200, "JPY"), sale_reference_id=None, at=T)
        assert new and first.money == Money(1200, "JPY") and not first.abort_requested
        again, new_again = requests.record_request(
            pos_key_id="pos-a", pos_name="front", sale_id="S1", sale_transaction_id="T1",
            merchant_reference="reg-pos-2", amount=Money(9999, "JPY"), sale_reference_id=None, at=T)
        assert not new_again and again == first  # the first request stands; nothing written
        other, _ = requests.record_request(
            pos_key_id="pos-b", pos_name="back", sale_id="S1", sale_transaction_id="T1",
            merchant_reference="reg-pos-3", amount=Money(500, "JPY"), sale_reference_id="R", at=T)
        assert other.merchant_reference == "reg-pos-3"  # another POS, same ids: its own payment
        requests.mark_abort(first, T)
        requests.mark_refused(first, "aborted", "aborted by the POS", T)
        requests.mark_refused(first, "code_used", "later", T)  # the first end stands
        row = requests.request("pos-a", "S1", "T1")
        assert row is not None and row.abort_requested and row.refused_code == "aborted"
        assert requests.sale_of(first) is None
        chain = journal.verify_chain()
        assert chain.broken is None and chain.count == 5  # two requests, abort, two refusals


def test_a_reversal_keeps_its_operation_key(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite3") as journal:
        requests = PosRequests(journal)
        rev, new = requests.record_reversal(
            pos_key_id="pos-a", pos_name="front", sale_id="S1", service_id="R1", charge_id="ch_1",
            amount=Money(300, "JPY"), currency="JPY", operation_key="op-1", at=T)
        again, new_again = requests.record_reversal(
            pos_key_id="pos-a", pos_name="front", sale_id="S1", service_id="R1", charge_id="ch_1",
            amount=None, currency="JPY", operation_key="op-2", at=T)
        assert new and not new_again and again.operation_key == "op-1" and again.amount == 300
        requests.mark_reversal_refused(rev, "the manager did not authorize the reversal", T)
        row = requests.reversal("pos-a", "S1", "R1")
        assert row is not None and row.refused_message == "the manager did not authorize the reversal"
        assert requests.reversal("pos-a", "S1", "R2") is None
