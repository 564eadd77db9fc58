"""The payment flow state machine: every path of DESIGN.md, and that impossible moves raise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terminal.domain.flow import (
    FINAL_STATES, TRANSITIONS, AmountEntered, Answer, CancelCharge, CashierCancel, ChargeAbsent, ChargeNotSent, ChargeRefused,
    ChargeStatus, CodeRead, Decline, IllegalTransition, OutcomeUnknown, PaymentFlow, Persist,
    PlaySound, PollCharge, PrintReceipt, ReversalConfirmed, Sale, SaleState, SendCharge, Sound,
    StartScanner, StepUp, StepUpEntered, StepUpMethod, StopScanner, SubmitStepUp, Tick, Timings,
    WalletAnswered,
)
from terminal.domain.money import Money

T0 = 1_800_000_000.0
CODE = "991234567890123456"


def started(t: float = T0) -> PaymentFlow:
    flow = PaymentFlow(Timings(poll_interval=2, poll_max=60, step_up_max=120, reversal_initial=5, reversal_max=5))
    assert flow.handle(AmountEntered(Money(1200, "JPY"), t)) == [StartScanner()]
    effects = flow.handle(CodeRead(CODE, "PayTerm Sandbox", "3456", "key-1", "ref-1", t))
    assert [type(e) for e in effects] == [StopScanner, Persist, SendCharge]
    assert flow.state is SaleState.AUTHORIZING
    return flow


def answer(status: ChargeStatus, **kw: object) -> Answer:
    return Answer(status=status, charge_id=str(kw.pop("charge_id", "ch_1")), **kw)  # type: ignore[arg-type]


def test_persist_comes_before_the_request_and_holds_no_code() -> None:
    flow = PaymentFlow()
    flow.handle(AmountEntered(Money(500, "JPY"), T0))
    effects = flow.handle(CodeRead(CODE, "PayTerm Sandbox", "3456", "k", "r", T0))
    persist, send = effects[1], effects[2]
    assert isinstance(persist, Persist) and isinstance(send, SendCharge)
    assert persist.sale.idempotency_key == send.idempotency_key == "k"
    assert CODE not in repr(persist.sale) and CODE not in repr(send) and CODE not in repr(flow.sale)
    assert send.code == CODE


def test_approved() -> None:
    flow = started()
    effects = flow.handle(WalletAnswered(answer(ChargeStatus.APPROVED, approval_code="A1"), T0 + 1))
    assert flow.state is SaleState.APPROVED and flow.sale.approval_code == "A1"
    assert isinstance(effects[0], Persist) and PlaySound(Sound.APPROVED) in effects
    assert any(isinstance(e, PrintReceipt) for e in effects)


def test_declined_keeps_reason() -> None:
    flow = started()
    flow.handle(WalletAnswered(answer(ChargeStatus.DECLINED, decline=Decline("insufficient_funds", "x")), T0))
    assert flow.state is SaleState.DECLINED and flow.sale.decline == Decline("insufficient_funds", "x")


def test_signed_refusal_is_a_decline_not_a_doubt() -> None:
    flow = started()
    flow.handle(ChargeRefused(Decline("validation_error", "amount too large"), T0 + 1))
    assert flow.state is SaleState.DECLINED and flow.sale.decline == Decline("validation_error", "amount too large")


def test_charge_that_never_left_is_not_charged() -> None:
    flow = started()
    flow.handle(ChargeNotSent("connection refused", T0 + 1))
    assert flow.state is SaleState.REVERSED and flow.sale.note == "connection refused"


def test_unknown_outcome_is_in_doubt_then_polled_then_reversed_at_deadline() -> None:
    flow = started()
    flow.handle(OutcomeUnknown("timeout", T0 + 15))
    assert flow.state is SaleState.IN_DOUBT and flow.sale.doubt_deadline == T0 + 75
    assert flow.handle(Tick(T0 + 16)) == []  # not yet
    assert flow.handle(Tick(T0 + 17)) == [PollCharge("key-1", None)]
    flow.handle(OutcomeUnknown("no answer to the poll either", T0 + 17.1))
    assert flow.state is SaleState.IN_DOUBT
    effects = flow.handle(Tick(T0 + 76))
    assert flow.state is SaleState.REVERSING and CancelCharge("key-1", None) in effects
    flow.handle(ChargeAbsent(request_dead=False, at=T0 + 76.5))
    assert flow.state is SaleState.REVERSING  # the request might still land: not final yet
    flow.handle(ChargeAbsent(request_dead=True, at=T0 + 90))
    assert flow.state is SaleState.REVERSED


def test_a_poll_that_finds_nothing_cancels_by_key_at_once() -> None:
    """Unknown outcome, and the wallet has no charge under our key: cancel by key now (the wallet
    refuses the lost request if it still arrives) instead of waiting for the deadline."""
    flow = started()
    flow.handle(OutcomeUnknown("timeout", T0 + 15))
    assert flow.handle(Tick(T0 + 17)) == [PollCharge("key-1", None)]
    effects = flow.handle(ChargeAbsent(request_dead=False, at=T0 + 17.1))
    assert flow.state is SaleState.REVERSING and CancelCharge("key-1", None) in effects
    flow.handle(ReversalConfirmed(T0 + 17.3))  # the wallet's tombstone: nothing was, nothing will be
    assert flow.state is SaleState.REVERSED


def test_in_doubt_resolves_by_poll() -> None:
    flow = started()
    flow.handle(OutcomeUnknown("connection dropped", T0 + 1))
    flow.handle(Tick(T0 + 3))
    flow.handle(WalletAnswered(answer(ChargeStatus.APPROVED, approval_code="Z"), T0 + 3.1))
    assert flow.state is SaleState.APPROVED


def test_pending_is_polled_like_doubt() -> None:
    flow = started()
    flow.handle(WalletAnswered(answer(ChargeStatus.PENDING), T0 + 1))
    assert flow.state is SaleState.IN_DOUBT and flow.sale.charge_id == "ch_1"
    assert flow.handle(Tick(T0 + 3)) == [PollCharge("key-1", "ch_1")]


def test_pin_step_up_wrong_then_right() -> None:
    flow = started()
    step = StepUp(StepUpMethod.PIN, deadline=T0 + 90, attempts_left=5)
    effects = flow.handle(WalletAnswered(answer(ChargeStatus.STEP_UP_REQUIRED, step_up=step), T0 + 1))
    assert flow.state is SaleState.STEP_UP and PlaySound(Sound.ATTENTION) in effects
    effects = flow.handle(StepUpEntered("4971", T0 + 5))
    assert effects[-1] == SubmitStepUp("ch_1", StepUpMethod.PIN, "4971")
    assert "4971" not in repr(effects) and "4971" not in repr(flow.sale)
    assert flow.handle(StepUpEntered("1111", T0 + 5.1)) == []  # one submission at a time
    wrong = StepUp(StepUpMethod.PIN, deadline=T0 + 90, attempts_left=4)
    flow.handle(WalletAnswered(answer(ChargeStatus.STEP_UP_REQUIRED, step_up=wrong), T0 + 6))
    assert flow.state is SaleState.STEP_UP and flow.sale.step_up == wrong and not flow.sale.step_up_submitting
    flow.handle(StepUpEntered("1234", T0 + 8))
    flow.handle(WalletAnswered(answer(ChargeStatus.APPROVED, approval_code="P"), T0 + 9))
    assert flow.state is SaleState.APPROVED


def test_step_up_deadline_capped_and_reversed_when_passed() -> None:
    flow = started()
    step = StepUp(StepUpMethod.APP_CONFIRM, deadline=T0 + 10_000, attempts_left=1)
    flow.handle(WalletAnswered(answer(ChargeStatus.STEP_UP_REQUIRED, step_up=step), T0))
    assert flow.sale.step_up is not None and flow.sale.step_up.deadline == T0 + 120
    assert flow.handle(Tick(T0 + 2)) == [PollCharge("key-1", "ch_1")]
    effects = flow.handle(Tick(T0 + 121))
    assert flow.state is SaleState.REVERSING and CancelCharge("key-1", "ch_1") in effects
    flow.handle(WalletAnswered(answer(ChargeStatus.CANCELLED), T0 + 122))
    assert flow.state is SaleState.REVERSED


def test_app_confirm_refuses_typed_input() -> None:
    flow = started()
    step = StepUp(StepUpMethod.APP_CONFIRM, deadline=T0 + 60, attempts_left=1)
    flow.handle(WalletAnswered(answer(ChargeStatus.STEP_UP_REQUIRED, step_up=step), T0))
    with pytest.raises(IllegalTransition):
        flow.handle(StepUpEntered("1234", T0))


@pytest.mark.parametrize("where", ["step_up", "in_doubt"])
def test_cancel_cancels_at_the_wallet(where: str) -> None:
    flow = started()
    if where == "step_up":
        step = StepUp(StepUpMethod.OTP, deadline=T0 + 60, attempts_left=3)
        flow.handle(WalletAnswered(answer(ChargeStatus.STEP_UP_REQUIRED, step_up=step), T0))
    else:
        flow.handle(OutcomeUnknown("timeout", T0))
    effects = flow.handle(CashierCancel(T0 + 1))
    assert flow.state is SaleState.REVERSING
    assert any(isinstance(e, CancelCharge) for e in effects)
    flow.handle(OutcomeUnknown("cancel timed out", T0 + 2))
    assert flow.state is SaleState.REVERSING  # retried until confirmed
    assert flow.handle(Tick(T0 + 7)) == [CancelCharge("key-1", flow.sale.charge_id)]
    flow.handle(ReversalConfirmed(T0 + 8))
    assert flow.state is SaleState.REVERSED


def test_cancel_while_authorizing_reverses_whatever_comes_back() -> None:
    flow = started()
    flow.handle(CashierCancel(T0 + 0.5))
    assert flow.state is SaleState.AUTHORIZING and flow.sale.cancel_requested
    effects = flow.handle(WalletAnswered(answer(ChargeStatus.APPROVED, approval_code="A"), T0 + 1))
    assert flow.state is SaleState.REVERSING and CancelCharge("key-1", "ch_1") in effects
    flow.handle(WalletAnswered(answer(ChargeStatus.APPROVED), T0 + 2))  # a late poll: still reversing
    assert flow.state is SaleState.REVERSING


def test_cancel_before_code_returns_to_idle() -> None:
    flow = PaymentFlow()
    flow.handle(AmountEntered(Money(1, "JPY"), T0))
    assert flow.handle(CashierCancel(T0)) == [StopScanner()]
    assert flow.state is SaleState.IDLE


def test_answer_for_another_charge_is_not_an_answer() -> None:
    flow = started()
    flow.handle(WalletAnswered(answer(ChargeStatus.PENDING, charge_id="ch_1"), T0))
    flow.handle(WalletAnswered(answer(ChargeStatus.APPROVED, charge_id="ch_OTHER"), T0 + 1))
    assert flow.state is SaleState.IN_DOUBT


@pytest.mark.parametrize("final", sorted(FINAL_STATES))
def test_final_states_are_final(final: SaleState) -> None:
    flow = PaymentFlow(sale=Sale(state=final, idempotency_key="k"))
    for ev in (CashierCancel(T0), WalletAnswered(answer(ChargeStatus.APPROVED), T0), OutcomeUnknown("x", T0),
               StepUpEntered("1", T0), AmountEntered(Money(1, "JPY"), T0)):
        with pytest.raises(IllegalTransition):
            flow.handle(ev)
    assert flow.handle(Tick(T0)) == []
    assert TRANSITIONS[final] == frozenset()


def test_code_without_amount_is_impossible() -> None:
    with pytest.raises(IllegalTransition):
        PaymentFlow().handle(CodeRead(CODE, "w", "3456", "k", "r", T0))


@pytest.mark.parametrize("state", [SaleState.AUTHORIZING, SaleState.STEP_UP, SaleState.IN_DOUBT])
def test_resume_after_restart_asks_the_wallet(state: SaleState) -> None:
    sale = Sale(state=state, amount=Money(5, "JPY"), idempotency_key="k9", charge_id=None)
    flow, effects = PaymentFlow.resume(sale, at=T0)
    assert flow.state is SaleState.IN_DOUBT and PollCharge("k9", None) in effects


def test_restarts_do_not_extend_an_in_doubt_deadline() -> None:
    sale = Sale(state=SaleState.IN_DOUBT, amount=Money(5, "JPY"), idempotency_key="k", doubt_deadline=T0 + 10)
    flow, _ = PaymentFlow.resume(sale, at=T0 + 8)
    assert flow.sale.doubt_deadline == T0 + 10
    flow.handle(ChargeAbsent(request_dead=False, at=T0 + 8.5))
    assert CancelCharge("k", None) in flow.handle(Tick(T0 + 11)) and flow.state is SaleState.REVERSING


def test_resumed_step_up_keeps_its_window() -> None:
    step = StepUp(StepUpMethod.APP_CONFIRM, deadline=T0 + 30, attempts_left=1)
    flow, _ = PaymentFlow.resume(Sale(state=SaleState.STEP_UP, idempotency_key="k", charge_id="c", step_up=step), at=T0)
    assert flow.state is SaleState.IN_DOUBT and flow.sale.doubt_deadline == T0 + 30


def test_step_up_cap_counts_from_the_first_ask() -> None:
    flow = started()
    timings_cap = flow.timings.step_up_max
    long = StepUp(StepUpMethod.APP_CONFIRM, deadline=T0 + 10_000, attempts_left=1)
    flow.handle(WalletAnswered(answer(ChargeStatus.STEP_UP_REQUIRED, step_up=long), T0))
    for t in (T0 + 50, T0 + 100):  # later polls that still say "step-up required"
        flow.handle(WalletAnswered(answer(ChargeStatus.STEP_UP_REQUIRED, step_up=long), t))
    assert flow.sale.step_up is not None and flow.sale.step_up.deadline == T0 + timings_cap


@pytest.mark.parametrize("state", [SaleState.AUTHORIZING, SaleState.IN_DOUBT])
def test_a_cancel_made_before_the_restart_is_honoured(state: SaleState) -> None:
    sale = Sale(state=state, amount=Money(5, "JPY"), idempotency_key="k", cancel_requested=True)
    flow, effects = PaymentFlow.resume(sale, at=T0)
    assert flow.state is SaleState.REVERSING and CancelCharge("k", None) in effects
    assert isinstance(effects[0], Persist) and effects[0].sale.state is SaleState.REVERSING


def test_resume_reversing_goes_on_reversing() -> None:
    flow, effects = PaymentFlow.resume(Sale(state=SaleState.REVERSING, idempotency_key="k", charge_id="c"), at=T0)
    assert flow.state is SaleState.REVERSING and effects == [CancelCharge("k", "c")]


EVENTS = st.one_of(
    st.builds(lambda s: WalletAnswered(answer(s, approval_code="A", decline=Decline("x"),
                                              step_up=StepUp(StepUpMethod.PIN, T0 + 50, 3)), T0),
              st.sampled_from(list(ChargeStatus))),
    st.just(OutcomeUnknown("x", T0)),
    st.builds(lambda d: ChargeAbsent(d, T0), st.booleans()),
    st.just(CashierCancel(T0)),
    st.builds(Tick, st.floats(T0, T0 + 500)),
    st.just(ReversalConfirmed(T0)),
    st.just(StepUpEntered("1234", T0)),
    st.just(ChargeRefused(Decline("validation_error"), T0)),
    st.just(ChargeNotSent("refused", T0)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENTS, max_size=30))
def test_random_event_sequences_only_make_allowed_moves(events: list[object]) -> None:
    """Whatever the wallet and the cashier do, the flow moves only along TRANSITIONS, and once
    final never moves again; illegal events raise and change nothing."""
    flow = started()
    for ev in events:
        before = flow.sale
        try:
            flow.handle(ev)  # type: ignore[arg-type]
        except IllegalTransition:
            assert flow.sale == before
            continue
        if flow.state is not before.state:
            assert flow.state in TRANSITIONS[before.state]
        if before.state.is_final:
            assert flow.state is before.state
