"""Each affordance of each aggregate in each state: the one answer to "what may happen now",
with the reason when not. Surfaces only ask these (see tests/gui/fakes.py and the window)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from terminal.domain.affordance import Allowed, Why
from terminal.domain.flow import (
    AmountEntered, IllegalTransition, PaymentFlow, Sale, SaleState, StepUp, StepUpEntered, StepUpMethod, check_amount,
)
from terminal.domain.money import Money
from terminal.domain.operation import (
    GivenBack, IllegalOperationMove, Operation, OperationKind, OperationOutcome, OperationState, SaleBalance, Standing,
)

YEN = Money(1200, "JPY")
S = SaleState


def sale_in(state: SaleState, **changes: object) -> Sale:
    base = Sale(state=state, amount=None if state is S.IDLE else YEN, idempotency_key="k", charge_id="ch_1")
    return replace(base, **changes)  # type: ignore[arg-type]


# state -> (accepts_amount, accepts_code, can_cancel, can_start_over)
EXPECTED: dict[SaleState, tuple[Why | None, Why | None, Why | None, Why | None]] = {
    S.IDLE: (None, Why.NO_SALE, Why.NO_SALE, None),
    S.AWAITING_CODE: (None, None, None, None),
    S.AUTHORIZING: (Why.BUSY, Why.BUSY, None, Why.BUSY),
    S.STEP_UP: (Why.BUSY, Why.BUSY, None, Why.BUSY),
    S.IN_DOUBT: (Why.BUSY, Why.BUSY, None, Why.BUSY),
    S.REVERSING: (Why.BUSY, Why.BUSY, Why.CANCELLING, Why.BUSY),
    S.APPROVED: (None, Why.NO_SALE, Why.FINISHED, None),
    S.DECLINED: (None, Why.NO_SALE, Why.FINISHED, None),
    S.REVERSED: (None, Why.NO_SALE, Why.FINISHED, None),
}


def why(allowed: Allowed) -> Why | None:
    assert bool(allowed) is (allowed.why is None)
    assert allowed.ok or allowed.detail, "a refusal carries its reason"
    return allowed.why


@pytest.mark.parametrize("state", list(SaleState))
def test_sale_affordances_in_every_state(state: SaleState) -> None:
    sale = sale_in(state)
    got = (why(sale.accepts_amount()), why(sale.accepts_code()), why(sale.can_cancel()), why(sale.can_start_over()))
    assert got == EXPECTED[state]


@pytest.mark.parametrize("state", [S.AUTHORIZING, S.STEP_UP, S.IN_DOUBT])
def test_a_cancel_already_asked_is_not_asked_again(state: SaleState) -> None:
    assert why(sale_in(state, cancel_requested=True).can_cancel()) is Why.CANCELLING


@pytest.mark.parametrize("state", list(SaleState))
@pytest.mark.parametrize("method", list(StepUpMethod))
def test_needs_secret_only_for_a_pin_or_code_step_up(state: SaleState, method: StepUpMethod) -> None:
    sale = sale_in(state, step_up=StepUp(method, 4e9, 3))
    wanted = method if state is S.STEP_UP and method is not StepUpMethod.APP_CONFIRM else None
    assert sale.needs_secret() is wanted
    assert bool(sale.accepts_secret()) is (wanted is not None)
    assert sale.retries_matter is (wanted is not None)
    if wanted is not None:
        assert why(replace(sale, step_up_submitting=True).accepts_secret()) is Why.SUBMITTING
    else:
        assert why(sale.accepts_secret()) is Why.NOT_STEP_UP


def test_the_flow_asks_the_same_affordances() -> None:
    """The flow's handlers and the affordances agree: a refused affordance is a refused event."""
    flow = PaymentFlow(sale=sale_in(S.STEP_UP, step_up=StepUp(StepUpMethod.APP_CONFIRM, 4e9, 3)))
    with pytest.raises(IllegalTransition):
        flow.handle(StepUpEntered("1234", 1.0))
    pin = PaymentFlow(sale=sale_in(S.STEP_UP, step_up=StepUp(StepUpMethod.PIN, 4e9, 3)))
    assert len(pin.handle(StepUpEntered("1234", 1.0))) == 1
    assert pin.handle(StepUpEntered("1234", 1.0)) == []  # submitting: one at a time
    with pytest.raises(IllegalTransition):
        PaymentFlow().handle(AmountEntered(Money(0, "JPY"), 1.0))
    assert why(check_amount(Money(0, "JPY"))) is Why.ZERO_AMOUNT and check_amount(Money(1, "JPY"))


TODAY = date(2026, 12, 3)


def balance(state: SaleState = S.APPROVED, *given: tuple[OperationKind, OperationState, int],
            sold_on: date = TODAY) -> SaleBalance:
    return SaleBalance.of(state=state, amount=Money(1000, "JPY"), sold_on=sold_on,
                          given=(GivenBack(k, st, Money(a, "JPY")) for k, st, a in given))


R, V, RV = OperationKind.REFUND, OperationKind.VOID, OperationKind.REVERSAL
OK_, FAIL, DOUBT = OperationState.SUCCEEDED, OperationState.FAILED, OperationState.IN_DOUBT


@pytest.mark.parametrize("state", [s for s in SaleState if s is not S.APPROVED])
def test_only_an_approved_sale_gives_money_back(state: SaleState) -> None:
    b = balance(state)
    assert why(b.can_refund()) is Why.NOT_APPROVED and why(b.can_void(TODAY)) is Why.NOT_APPROVED
    assert b.standing is Standing.OTHER
    assert bool(b.can_reverse()) is (state is S.REVERSING)


def test_refund_affordance_and_what_is_left() -> None:
    assert balance().can_refund() and balance().can_refund(Money(1000, "JPY"))
    assert why(balance().can_refund(Money(1001, "JPY"))) is Why.OVER_REFUND
    assert why(balance().can_refund(Money(0, "JPY"))) is Why.ZERO_AMOUNT
    assert why(balance().can_refund(Money(5, "USD"))) is Why.WRONG_CURRENCY
    part = balance(S.APPROVED, (R, OK_, 300), (R, FAIL, 500), (R, DOUBT, 100))
    assert part.left == Money(600, "JPY")  # a failed refund gave nothing back; one in doubt counts
    assert why(part.can_refund(Money(601, "JPY"))) is Why.OVER_REFUND and part.can_refund(Money(600, "JPY"))
    assert part.standing is Standing.PARTLY_REFUNDED and part.open
    full = balance(S.APPROVED, (R, OK_, 1000))
    assert why(full.can_refund()) is Why.NOTHING_LEFT and full.standing is Standing.REFUNDED


def test_void_affordance() -> None:
    assert balance().can_void(TODAY)
    assert why(balance(sold_on=date(2026, 12, 2)).can_void(TODAY)) is Why.NOT_SAME_DAY
    assert why(balance(S.APPROVED, (R, OK_, 1)).can_void(TODAY)) is Why.HAS_REFUNDS
    assert balance(S.APPROVED, (R, FAIL, 1)).can_void(TODAY)  # a refused refund does not count
    voided = balance(S.APPROVED, (V, OK_, 1000))
    assert why(voided.can_void(TODAY)) is Why.NOTHING_LEFT and why(voided.can_refund()) is Why.NOTHING_LEFT
    assert voided.standing is Standing.VOIDED
    assert why(balance().allows(V, Money(999, "JPY"))) is Why.OVER_REFUND  # a void is the whole sale


def test_reversal_affordance() -> None:
    reversing = balance(S.REVERSING)
    assert reversing.allows(RV, Money(1000, "JPY"))
    assert why(reversing.allows(RV, Money(1001, "JPY"))) is Why.OVER_REFUND
    done = balance(S.REVERSING, (RV, OK_, 1000))
    assert why(done.can_reverse()) is Why.NOTHING_LEFT


def test_an_operation_moves_only_by_its_table() -> None:
    op = Operation("k", R, "sale", Money(100, "JPY"), "manager")
    doubt = op.settle(OperationOutcome(DOUBT, error_code="outcome_unknown"))
    again = doubt.settle(OperationOutcome(DOUBT))
    done = again.settle(OperationOutcome(OK_, wallet_ref="rf_1"))
    assert (done.state, done.wallet_ref, done.key) == (OK_, "rf_1", "k")
    for final in (done, op.settle(OperationOutcome(FAIL))):
        for target in OperationState:
            with pytest.raises(IllegalOperationMove):
                final.settle(OperationOutcome(target))
    with pytest.raises(IllegalOperationMove):
        op.settle(OperationOutcome(OperationState.REQUESTED))
