"""The end-of-day comparison on its own: journal records and a settlement in, differences out."""

from __future__ import annotations

from datetime import UTC, date, datetime

from terminal.journal.records import CurrencyTotals, OperationRecord, SaleRecord
from terminal.journal.states import OperationKind, OperationState, SaleState
from terminal.register.reconcile import DifferenceKind, JournalSale, reconcile
from terminal.wallet import messages as m

DAY = date(2025, 5, 1)
AT = datetime(2025, 5, 1, 3, 0, tzinfo=UTC)


def sale(ref: str, amount: int, state: SaleState = SaleState.APPROVED, charge_id: str | None = "auto") -> SaleRecord:
    return SaleRecord(
        idempotency_key=f"key-{ref}", amount=amount, currency="JPY", code_hash="h", code_last4="1234",
        merchant_reference=ref, wallet="PayTerm Sandbox", state=state, created_at=AT, updated_at=AT,
        charge_id=f"ch_{ref}" if charge_id == "auto" else charge_id,
        approval_code="A1" if state is SaleState.APPROVED else None, decline_code=None, decline_message=None,
        step_up_method=None, step_up_expires_at=None, deadline=None,
    )


def op(s: SaleRecord, kind: OperationKind, amount: int, state: OperationState = OperationState.SUCCEEDED) -> OperationRecord:
    return OperationRecord(
        idempotency_key=f"op-{s.merchant_reference}-{kind.value}-{amount}", kind=kind, sale_key=s.idempotency_key,
        charge_id=s.charge_id, amount=amount, currency="JPY", state=state, actor="t", reason="",
        created_at=AT, updated_at=AT, wallet_ref=None, error_code=None, error_message=None,
    )


def charge(ref: str, amount: int, status: m.ChargeStatus = m.ChargeStatus.APPROVED, refunded: int = 0) -> m.SettlementCharge:
    return m.SettlementCharge(id=f"ch_{ref}", merchant_reference=ref, status=status, amount=amount, currency="JPY",
                              refunded_amount=refunded)


def totals(approved: tuple[int, int], refunded: tuple[int, int] = (0, 0), voided: tuple[int, int] = (0, 0)) -> CurrencyTotals:
    return CurrencyTotals(currency="JPY", approved_count=approved[0], approved_amount=approved[1], declined_count=0,
                          reversed_count=0, refunded_count=refunded[0], refunded_amount=refunded[1],
                          voided_count=voided[0], voided_amount=voided[1])


def settlement(charges: list[m.SettlementCharge], approved: tuple[int, int], refunded: tuple[int, int] = (0, 0)) -> m.SettlementResponse:
    total = m.SettlementTotal(currency="JPY", approved_count=approved[0], approved_amount=approved[1],
                              cancelled_count=0, cancelled_amount=0, refunded_count=refunded[0],
                              refunded_amount=refunded[1], net_amount=approved[1] - refunded[1])
    return m.SettlementResponse(date=DAY, device_id="dev", store_id="st", timezone="Asia/Tokyo",
                                totals=[total], charges=charges)


def kinds(result) -> list[DifferenceKind]:  # type: ignore[no-untyped-def]
    return [d.kind for d in result.differences]


def test_a_day_that_matches_agrees_including_refunds_voids_and_reversals() -> None:
    a, b, c = sale("A", 1000), sale("B", 500), sale("C", 700)
    r = sale("R", 900, SaleState.REVERSED, charge_id=None)  # never charged
    d = sale("D", 300, SaleState.DECLINED, charge_id="ch_D")
    journal = [JournalSale(a, (op(a, OperationKind.REFUND, 200),)), JournalSale(b, (op(b, OperationKind.VOID, 500),)),
               JournalSale(c), JournalSale(r), JournalSale(d)]
    wallet = settlement([charge("A", 1000, refunded=200), charge("B", 500, m.ChargeStatus.CANCELLED),
                         charge("C", 700), charge("D", 300, m.ChargeStatus.DECLINED)],
                        approved=(2, 1700), refunded=(1, 200))
    result = reconcile(DAY, "Asia/Tokyo", journal, [totals((3, 2200), (1, 200), (1, 500))], wallet)
    assert result.agree, result.differences
    assert result.totals[0].journal_net == result.totals[0].wallet_net == 1500


def test_a_charge_the_journal_does_not_know_is_listed() -> None:
    a = sale("A", 1000)
    wallet = settlement([charge("A", 1000), charge("X", 400)], approved=(2, 1400))
    result = reconcile(DAY, "Asia/Tokyo", [JournalSale(a)], [totals((1, 1000))], wallet)
    missing = [d for d in result.differences if d.kind is DifferenceKind.MISSING_IN_JOURNAL]
    assert [(d.reference, d.charge_id) for d in missing] == [("X", "ch_X")]
    assert DifferenceKind.TOTALS in kinds(result) and not result.agree


def test_an_approved_sale_the_wallet_does_not_list_is_listed() -> None:
    a = sale("A", 1000)
    result = reconcile(DAY, "Asia/Tokyo", [JournalSale(a)], [totals((1, 1000))], settlement([], approved=(0, 0)))
    assert DifferenceKind.MISSING_AT_WALLET in kinds(result)


def test_amount_state_and_refund_differences_are_each_named() -> None:
    a, b, c = sale("A", 1000), sale("B", 500), sale("C", 700)
    journal = [JournalSale(a), JournalSale(b, (op(b, OperationKind.VOID, 500),)),
               JournalSale(c, (op(c, OperationKind.REFUND, 100),))]
    wallet = settlement([charge("A", 1200), charge("B", 500), charge("C", 700, refunded=300)],
                        approved=(3, 2400), refunded=(1, 300))
    result = reconcile(DAY, "Asia/Tokyo", journal, [totals((3, 2200), (1, 100), (1, 500))], wallet)
    by_ref = {(d.kind, d.reference) for d in result.differences}
    assert (DifferenceKind.AMOUNT, "A") in by_ref
    assert (DifferenceKind.STATE, "B") in by_ref  # voided in the journal, still approved at the wallet
    assert (DifferenceKind.REFUNDED, "C") in by_ref
    state = next(d for d in result.differences if d.kind is DifferenceKind.STATE)
    assert "voided" in state.message and "approved" in state.message


def test_open_sales_and_open_refunds_are_unfinished_not_compared() -> None:
    a = sale("A", 1000, SaleState.IN_DOUBT, charge_id=None)
    b = sale("B", 500)
    journal = [JournalSale(a), JournalSale(b, (op(b, OperationKind.REFUND, 100, OperationState.IN_DOUBT),))]
    wallet = settlement([charge("A", 1000), charge("B", 500, refunded=100)], approved=(2, 1500), refunded=(1, 100))
    result = reconcile(DAY, "Asia/Tokyo", journal, [totals((1, 500))], wallet)
    unfinished = [d for d in result.differences if d.kind is DifferenceKind.UNFINISHED]
    assert {d.reference for d in unfinished} == {"A", "B"}
    assert DifferenceKind.REFUNDED not in kinds(result) and DifferenceKind.MISSING_IN_JOURNAL not in kinds(result)


def test_a_reversed_sale_the_wallet_kept_approved_is_a_difference() -> None:
    r = sale("R", 900, SaleState.REVERSED, charge_id="ch_R")
    wallet = settlement([charge("R", 900)], approved=(1, 900))
    result = reconcile(DAY, "Asia/Tokyo", [JournalSale(r)], [totals((0, 0))], wallet)
    assert DifferenceKind.STATE in kinds(result)
