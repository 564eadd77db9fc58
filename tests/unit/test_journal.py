"""The journal's sale and refund life: real SQLite files in tmp_path."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from terminal.domain.flow import Sale
from terminal.domain.money import Money
from terminal.journal import (
    FinalStateError,
    InvalidRecordError,
    OperationRefused,
    Journal,
    OperationKind,
    OperationState,
    SaleRecord,
    SaleState,
    StepUpMethod,
    UnknownRecordError,
)
from terminal.domain.operation import IllegalOperationMove, OperationOutcome
from tests.journal_helpers import answer, operation_answer, operation_intent, record_intent

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
CODE = "281234567890123456"


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


def new_sale(
    journal: Journal, amount: int = 1200, *, code: str = CODE, at: datetime = T0, reference: str = "R-1"
) -> SaleRecord:
    return record_intent(journal, amount=Money(amount, "JPY"), code=journal.fingerprint(code), merchant_reference=reference, wallet="sandbox", created_at=at)


def approve(journal: Journal, sale: SaleRecord, at: datetime = T0) -> SaleRecord:
    return answer(journal, sale.idempotency_key, at, SaleState.APPROVED, charge_id="ch_1", approval_code="A123")


def test_intent_is_stored_with_key_hash_and_last_four_only(journal: Journal) -> None:
    sale = new_sale(journal)
    assert sale.state is SaleState.AUTHORIZING
    assert len(sale.idempotency_key) == 22  # 128 bits, url-safe base64
    assert set(sale.idempotency_key) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert sale.code_last4 == "3456" and CODE not in sale.code_hash and len(sale.code_hash) == 64
    assert (sale.amount, sale.currency, sale.money) == (1200, "JPY", Money(1200, "JPY"))
    assert sale.created_at == T0
    assert journal.sale(sale.idempotency_key) == sale
    assert new_sale(journal).idempotency_key != sale.idempotency_key


def test_code_hash_is_keyed_per_register(tmp_path: Path) -> None:
    with Journal(tmp_path / "a.sqlite3") as a, Journal(tmp_path / "b.sqlite3") as b:
        assert a.fingerprint(CODE) == a.fingerprint(CODE)
        assert a.fingerprint(CODE).hash != b.fingerprint(CODE).hash


def test_salt_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    with Journal(path) as j:
        first = j.fingerprint(CODE)
    with Journal(path) as j:
        assert j.fingerprint(CODE) == first


def test_short_codes_are_refused(journal: Journal) -> None:
    with pytest.raises(InvalidRecordError):
        journal.fingerprint("1234567")


def test_step_up_then_approved(journal: Journal) -> None:
    sale = new_sale(journal)
    deadline = T0 + timedelta(seconds=90)
    step = answer(journal, sale.idempotency_key, T0, SaleState.STEP_UP, charge_id="ch_1", step_up_method=StepUpMethod.PIN, step_up_expires_at=deadline)
    assert (step.state, step.charge_id, step.step_up_method, step.step_up_expires_at) == (
        SaleState.STEP_UP,
        "ch_1",
        StepUpMethod.PIN,
        deadline,
    )
    done = answer(journal, sale.idempotency_key, T0 + timedelta(seconds=5), SaleState.APPROVED, approval_code="A9")
    assert (done.state, done.charge_id, done.approval_code, done.step_up_method) == (
        SaleState.APPROVED,
        "ch_1",
        "A9",
        None,
    )
    assert done.updated_at == T0 + timedelta(seconds=5)


def test_in_doubt_keeps_deadline_then_reversed(journal: Journal) -> None:
    sale = new_sale(journal)
    deadline = T0 + timedelta(seconds=60)
    doubt = answer(journal, sale.idempotency_key, T0, SaleState.IN_DOUBT, deadline=deadline)
    assert doubt.deadline == deadline and doubt.charge_id is None
    again = answer(journal, sale.idempotency_key, T0 + timedelta(seconds=2), SaleState.IN_DOUBT, charge_id="ch_7", deadline=deadline)
    assert again.charge_id == "ch_7"
    answer(journal, sale.idempotency_key, deadline, SaleState.REVERSING)
    final = answer(journal, sale.idempotency_key, deadline, SaleState.REVERSED)
    assert final.state is SaleState.REVERSED and final.charge_id == "ch_7"


@pytest.mark.parametrize("final", [SaleState.APPROVED, SaleState.DECLINED, SaleState.REVERSED])
def test_a_final_sale_never_changes_again(journal: Journal, final: SaleState) -> None:
    sale = new_sale(journal)
    answer(journal, sale.idempotency_key, T0, final, charge_id="ch_1", approval_code="A1",
           decline_code="insufficient_funds")
    for target in (SaleState.APPROVED, SaleState.REVERSING, SaleState.IN_DOUBT):
        with pytest.raises(FinalStateError):
            answer(journal, sale.idempotency_key, T0, target, charge_id="ch_1", approval_code="A1")
    assert journal.sale(sale.idempotency_key).state is final  # type: ignore[union-attr]


def test_screen_states_are_never_stored(journal: Journal) -> None:
    # The journal checks no transition (the flow's table does, see test_flow); it stores a sale
    # from its intent on, and never a screen state.
    sale = new_sale(journal)
    with pytest.raises(InvalidRecordError):
        answer(journal, sale.idempotency_key, T0, SaleState.AWAITING_CODE)
    assert journal.sale(sale.idempotency_key).state is SaleState.AUTHORIZING  # type: ignore[union-attr]


def test_a_first_save_must_be_an_intent(journal: Journal) -> None:
    sale = Sale(SaleState.APPROVED, amount=Money(100, "JPY"), wallet="sandbox", last4="3456", code_hash="h" * 64,
                idempotency_key="k-never-intended", reference="R-x", charge_id="ch_1", approval_code="A")
    with pytest.raises(UnknownRecordError):
        journal.save_sale(sale, T0)
    assert journal.sale("k-never-intended") is None


def test_unknown_key_and_naive_time(journal: Journal) -> None:
    with pytest.raises(UnknownRecordError):
        answer(journal, "nope", T0, SaleState.REVERSING)
    with pytest.raises(InvalidRecordError):
        new_sale(journal, at=datetime(2025, 3, 1, 10, 0))


def test_unfinished_sales_lists_every_open_sale_oldest_first(journal: Journal) -> None:
    open_a = new_sale(journal, at=T0)
    done = approve(journal, new_sale(journal, at=T0 + timedelta(seconds=1)))
    open_b = new_sale(journal, at=T0 + timedelta(seconds=2))
    answer(journal, open_b.idempotency_key, T0, SaleState.STEP_UP, charge_id="ch_b", step_up_method=StepUpMethod.APP_CONFIRM, step_up_expires_at=T0 + timedelta(minutes=2))
    unfinished = journal.unfinished_sales()
    assert [s.idempotency_key for s in unfinished] == [open_a.idempotency_key, open_b.idempotency_key]
    assert unfinished[1].charge_id == "ch_b" and unfinished[1].step_up_expires_at == T0 + timedelta(minutes=2)
    assert done.idempotency_key not in {s.idempotency_key for s in unfinished}


def test_used_codes_memory(journal: Journal) -> None:
    h = journal.fingerprint(CODE).hash
    assert journal.code_seen_recently(h, T0, 120) is False
    assert journal.code_seen_recently(h, T0 + timedelta(seconds=119), 120) is True
    assert journal.code_seen_recently(h, T0 + timedelta(seconds=121), 120) is False  # purged, remembered anew
    assert journal.code_seen_recently(h, T0 + timedelta(seconds=200), 120) is True
    assert (
        journal.code_seen_recently(journal.fingerprint("9" * 18).hash, T0 + timedelta(seconds=200), 120) is False
    )
    with sqlite3.connect(journal.path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM used_codes").fetchone()[0] == 2
    journal.code_seen_recently("other", T0 + timedelta(seconds=400), 120)
    with sqlite3.connect(journal.path) as raw:
        assert raw.execute("SELECT code_hash FROM used_codes").fetchall() == [("other",)]


def test_refunds_have_their_own_keys_and_limits(journal: Journal) -> None:
    sale = approve(journal, new_sale(journal, 1000))
    first = operation_intent(journal, kind=OperationKind.REFUND, sale_key=sale.idempotency_key, at=T0, actor="manager", amount=Money(600, "JPY"), reason="damaged")
    assert first.state is OperationState.REQUESTED and first.idempotency_key != sale.idempotency_key
    assert first.charge_id == "ch_1" and first.money == Money(600, "JPY")
    assert journal.unfinished_operations() == [first]
    with pytest.raises(InvalidRecordError):  # only 400 left
        operation_intent(journal, kind=OperationKind.REFUND, sale_key=sale.idempotency_key, at=T0, actor="manager", amount=Money(500, "JPY"))
    with pytest.raises(InvalidRecordError):  # a void needs no refund under way
        operation_intent(journal, kind=OperationKind.VOID, sale_key=sale.idempotency_key, at=T0, actor="m")
    failed = operation_answer(journal, first.idempotency_key, OperationOutcome(OperationState.FAILED, error_code="refund_window_closed"), T0)
    assert failed.state is OperationState.FAILED and journal.unfinished_operations() == []
    with pytest.raises(IllegalOperationMove):  # the operation's own table: a final one never moves
        operation_answer(journal, first.idempotency_key, OperationOutcome(OperationState.SUCCEEDED), T0)
    void = operation_intent(journal, kind=OperationKind.VOID, sale_key=sale.idempotency_key, at=T0, actor="m")
    assert (void.amount, void.currency) == (sale.amount, sale.currency)  # a failed refund no longer counts


def test_only_approved_sales_can_be_refunded(journal: Journal) -> None:
    sale = new_sale(journal)
    with pytest.raises(OperationRefused):
        operation_intent(journal, kind=OperationKind.VOID, sale_key=sale.idempotency_key, at=T0, actor="m")
    approved = approve(journal, sale)
    with pytest.raises(InvalidRecordError):
        operation_intent(journal, kind=OperationKind.REFUND, sale_key=approved.idempotency_key, at=T0, actor="m", amount=Money(100, "USD"))


def test_no_payment_code_anywhere_in_the_data_directory(tmp_path: Path) -> None:
    codes = [f"28{n:016d}" for n in range(1, 6)]
    with Journal(tmp_path / "journal.sqlite3") as j:
        for n, code in enumerate(codes):
            fp = j.fingerprint(code)
            j.code_seen_recently(fp.hash, T0, 120)
            sale = record_intent(j, amount=Money(100 + n, "JPY"), code=fp, merchant_reference=f"R{n}", wallet="sandbox", created_at=T0)
            approve(j, sale) if n % 2 else answer(j, sale.idempotency_key, T0, SaleState.DECLINED, decline_code="insufficient_funds")
        blobs = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # db, -wal, -shm while open
    blobs += b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for code in codes:
        assert code.encode() not in blobs and code.encode("utf-16-le") not in blobs
        assert code[-4:].encode() in blobs  # the last four are kept, as designed
