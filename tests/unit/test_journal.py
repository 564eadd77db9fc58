"""The journal's sale and refund life: real SQLite files in tmp_path."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from terminal.domain.money import Money
from terminal.journal import (
    ChargeMismatchError,
    FinalStateError,
    InvalidRecordError,
    InvalidTransitionError,
    Journal,
    OperationAnswer,
    OperationKind,
    OperationState,
    SaleAnswer,
    SaleRecord,
    SaleState,
    StepUpMethod,
    UnknownRecordError,
)

T0 = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
CODE = "281234567890123456"


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / "journal.sqlite3") as j:
        yield j


def new_sale(
    journal: Journal, amount: int = 1200, *, code: str = CODE, at: datetime = T0, reference: str = "R-1"
) -> SaleRecord:
    return journal.record_intent(
        amount=Money(amount, "JPY"),
        code=journal.fingerprint(code),
        merchant_reference=reference,
        wallet="sandbox",
        created_at=at,
    )


def approve(journal: Journal, sale: SaleRecord, at: datetime = T0) -> SaleRecord:
    return journal.record_answer(
        sale.idempotency_key, SaleAnswer(SaleState.APPROVED, charge_id="ch_1", approval_code="A123"), at
    )


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
    step = journal.record_answer(
        sale.idempotency_key,
        SaleAnswer(
            SaleState.STEP_UP, charge_id="ch_1", step_up_method=StepUpMethod.PIN, step_up_expires_at=deadline
        ),
        T0,
    )
    assert (step.state, step.charge_id, step.step_up_method, step.step_up_expires_at) == (
        SaleState.STEP_UP,
        "ch_1",
        StepUpMethod.PIN,
        deadline,
    )
    done = journal.record_answer(
        sale.idempotency_key, SaleAnswer(SaleState.APPROVED, approval_code="A9"), T0 + timedelta(seconds=5)
    )
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
    doubt = journal.record_answer(sale.idempotency_key, SaleAnswer(SaleState.IN_DOUBT, deadline=deadline), T0)
    assert doubt.deadline == deadline and doubt.charge_id is None
    again = journal.record_answer(
        sale.idempotency_key,
        SaleAnswer(SaleState.IN_DOUBT, charge_id="ch_7", deadline=deadline),
        T0 + timedelta(seconds=2),
    )
    assert again.charge_id == "ch_7"
    journal.record_answer(sale.idempotency_key, SaleAnswer(SaleState.REVERSING), deadline)
    final = journal.record_answer(sale.idempotency_key, SaleAnswer(SaleState.REVERSED), deadline)
    assert final.state is SaleState.REVERSED and final.charge_id == "ch_7"


@pytest.mark.parametrize("final", [SaleState.APPROVED, SaleState.DECLINED, SaleState.REVERSED])
def test_a_final_sale_never_changes_again(journal: Journal, final: SaleState) -> None:
    sale = new_sale(journal)
    answer = SaleAnswer(final, charge_id="ch_1", approval_code="A1", decline_code="insufficient_funds")
    journal.record_answer(sale.idempotency_key, answer, T0)
    for target in (SaleState.APPROVED, SaleState.REVERSING, SaleState.IN_DOUBT):
        with pytest.raises(FinalStateError):
            journal.record_answer(
                sale.idempotency_key, SaleAnswer(target, charge_id="ch_1", approval_code="A1"), T0
            )
    assert journal.sale(sale.idempotency_key).state is final  # type: ignore[union-attr]


def test_transitions_outside_the_flow_are_refused(journal: Journal) -> None:
    sale = new_sale(journal)
    with pytest.raises(InvalidTransitionError):
        journal.record_answer(sale.idempotency_key, SaleAnswer(SaleState.AWAITING_CODE), T0)
    journal.record_answer(sale.idempotency_key, SaleAnswer(SaleState.REVERSING), T0)
    with pytest.raises(InvalidTransitionError) as raised:
        journal.record_answer(
            sale.idempotency_key, SaleAnswer(SaleState.APPROVED, charge_id="c", approval_code="A"), T0
        )
    assert not isinstance(raised.value, FinalStateError)
    assert journal.sale(sale.idempotency_key).state is SaleState.REVERSING  # type: ignore[union-attr]


def test_answers_must_carry_what_their_state_needs(journal: Journal) -> None:
    sale = new_sale(journal)
    with pytest.raises(InvalidRecordError):
        journal.record_answer(sale.idempotency_key, SaleAnswer(SaleState.APPROVED, charge_id="ch_1"), T0)
    with pytest.raises(InvalidRecordError):
        journal.record_answer(sale.idempotency_key, SaleAnswer(SaleState.DECLINED), T0)
    with pytest.raises(InvalidRecordError):
        journal.record_answer(
            sale.idempotency_key, SaleAnswer(SaleState.STEP_UP, step_up_method=StepUpMethod.OTP), T0
        )
    assert journal.sale(sale.idempotency_key).state is SaleState.AUTHORIZING  # type: ignore[union-attr]


def test_an_answer_for_another_charge_is_refused(journal: Journal) -> None:
    sale = new_sale(journal)
    journal.record_answer(sale.idempotency_key, SaleAnswer(SaleState.IN_DOUBT, charge_id="ch_1"), T0)
    with pytest.raises(ChargeMismatchError):
        journal.record_answer(
            sale.idempotency_key, SaleAnswer(SaleState.APPROVED, charge_id="ch_2", approval_code="A"), T0
        )


def test_unknown_key_and_naive_time(journal: Journal) -> None:
    with pytest.raises(UnknownRecordError):
        journal.record_answer("nope", SaleAnswer(SaleState.REVERSING), T0)
    with pytest.raises(InvalidRecordError):
        new_sale(journal, at=datetime(2025, 3, 1, 10, 0))


def test_unfinished_sales_lists_every_open_sale_oldest_first(journal: Journal) -> None:
    open_a = new_sale(journal, at=T0)
    done = approve(journal, new_sale(journal, at=T0 + timedelta(seconds=1)))
    open_b = new_sale(journal, at=T0 + timedelta(seconds=2))
    journal.record_answer(
        open_b.idempotency_key,
        SaleAnswer(
            SaleState.STEP_UP,
            charge_id="ch_b",
            step_up_method=StepUpMethod.APP_CONFIRM,
            step_up_expires_at=T0 + timedelta(minutes=2),
        ),
        T0,
    )
    unfinished = journal.unfinished_sales()
    assert [s.idempotency_key for s in unfinished] == [open_a.idempotency_key, open_b.idempotency_key]
    assert unfinished[1].charge_id == "ch_b" and unfinished[1].step_up_expires_at == T0 + timedelta(minutes=2)
    assert done.idempotency_key not in {s.idempotency_key for s in unfinished}


def test_used_codes_memory(journal: Journal) -> None:
    h = journal.fingerprint(CODE).hash
    assert journal.code_seen_recently(h, T0) is False
    assert journal.code_seen_recently(h, T0 + timedelta(seconds=119)) is True
    assert journal.code_seen_recently(h, T0 + timedelta(seconds=121)) is False  # purged, remembered anew
    assert journal.code_seen_recently(h, T0 + timedelta(seconds=200)) is True
    assert (
        journal.code_seen_recently(journal.fingerprint("9" * 18).hash, T0 + timedelta(seconds=200)) is False
    )
    with sqlite3.connect(journal.path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM used_codes").fetchone()[0] == 2
    journal.code_seen_recently("other", T0 + timedelta(seconds=400))
    with sqlite3.connect(journal.path) as raw:
        assert raw.execute("SELECT code_hash FROM used_codes").fetchall() == [("other",)]


def test_refunds_have_their_own_keys_and_limits(journal: Journal) -> None:
    sale = approve(journal, new_sale(journal, 1000))
    first = journal.record_operation_intent(
        kind=OperationKind.REFUND,
        sale_key=sale.idempotency_key,
        at=T0,
        actor="manager",
        amount=Money(600, "JPY"),
        reason="damaged",
    )
    assert first.state is OperationState.REQUESTED and first.idempotency_key != sale.idempotency_key
    assert first.charge_id == "ch_1" and first.money == Money(600, "JPY")
    assert journal.unfinished_operations() == [first]
    with pytest.raises(InvalidRecordError):  # only 400 left
        journal.record_operation_intent(
            kind=OperationKind.REFUND,
            sale_key=sale.idempotency_key,
            at=T0,
            actor="manager",
            amount=Money(500, "JPY"),
        )
    with pytest.raises(InvalidRecordError):  # a void needs no refund under way
        journal.record_operation_intent(
            kind=OperationKind.VOID, sale_key=sale.idempotency_key, at=T0, actor="m"
        )
    failed = journal.record_operation_answer(
        first.idempotency_key, OperationAnswer(OperationState.FAILED, error_code="refund_window_closed"), T0
    )
    assert failed.state is OperationState.FAILED and journal.unfinished_operations() == []
    with pytest.raises(FinalStateError):
        journal.record_operation_answer(first.idempotency_key, OperationAnswer(OperationState.SUCCEEDED), T0)
    void = journal.record_operation_intent(
        kind=OperationKind.VOID, sale_key=sale.idempotency_key, at=T0, actor="m"
    )
    assert (void.amount, void.currency) == (sale.amount, sale.currency)  # a failed refund no longer counts


def test_only_approved_sales_can_be_refunded(journal: Journal) -> None:
    sale = new_sale(journal)
    with pytest.raises(InvalidTransitionError):
        journal.record_operation_intent(
            kind=OperationKind.VOID, sale_key=sale.idempotency_key, at=T0, actor="m"
        )
    approved = approve(journal, sale)
    with pytest.raises(InvalidRecordError):
        journal.record_operation_intent(
            kind=OperationKind.REFUND,
            sale_key=approved.idempotency_key,
            at=T0,
            actor="m",
            amount=Money(100, "USD"),
        )


def test_no_payment_code_anywhere_in_the_data_directory(tmp_path: Path) -> None:
    codes = [f"28{n:016d}" for n in range(1, 6)]
    with Journal(tmp_path / "journal.sqlite3") as j:
        for n, code in enumerate(codes):
            fp = j.fingerprint(code)
            j.code_seen_recently(fp.hash, T0)
            sale = j.record_intent(
                amount=Money(100 + n, "JPY"),
                code=fp,
                merchant_reference=f"R{n}",
                wallet="sandbox",
                created_at=T0,
            )
            approve(j, sale) if n % 2 else j.record_answer(
                sale.idempotency_key, SaleAnswer(SaleState.DECLINED, decline_code="insufficient_funds"), T0
            )
        blobs = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # db, -wal, -shm while open
    blobs += b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for code in codes:
        assert code.encode() not in blobs and code.encode("utf-16-le") not in blobs
        assert code[-4:].encode() in blobs  # the last four are kept, as designed
