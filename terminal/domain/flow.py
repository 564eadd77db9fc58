"""The payment flow of one sale: an Enum of states, an explicit transition table, events in,
effects out. Pure: no I/O, no clock (every event carries the time it happened as ``at``, in
seconds since the epoch, read by whoever produced the event).

    IDLE ─amount─► AWAITING_CODE ─code─► AUTHORIZING ─► APPROVED
                        │                   │   │  └───► DECLINED (reason)
                     cancel ─► IDLE         │   ├─► STEP_UP (method, deadline) ─► APPROVED / DECLINED
                                            │   └─► IN_DOUBT ─ poll ─► APPROVED / DECLINED
                                            │             └─ deadline ─► REVERSING ─► REVERSED
                                          cancel ─► (after the answer) REVERSING

Rules (DESIGN.md "The payment flow"):
- Only a verified wallet answer (the runner checks signature and binding before it makes a
  ``WalletAnswered``) can lead to APPROVED.
- An unknown outcome is never a decline: it is IN_DOUBT, polled with the same idempotency key,
  and reversed at the deadline. Every sale ends APPROVED, DECLINED or REVERSED.
- Cancel during STEP_UP or IN_DOUBT cancels at the wallet (REVERSING), not just on screen.
  Cancel while AUTHORIZING cannot stop a request already on the wire: it is remembered, and the
  answer, whatever it is, is then reversed.

The runner (``terminal.wallet.runner``) executes effects in order. ``Persist`` comes first in
every list that changes state and must be committed before the new state is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from enum import StrEnum

from terminal.domain.money import Money


class SaleState(StrEnum):
    IDLE = "idle"
    AWAITING_CODE = "awaiting_code"
    AUTHORIZING = "authorizing"
    STEP_UP = "step_up"
    IN_DOUBT = "in_doubt"
    REVERSING = "reversing"
    APPROVED = "approved"
    DECLINED = "declined"
    REVERSED = "reversed"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES

    @property
    def cancellable(self) -> bool:
        return self in {SaleState.AWAITING_CODE, SaleState.AUTHORIZING, SaleState.STEP_UP, SaleState.IN_DOUBT}


FINAL_STATES = frozenset({SaleState.APPROVED, SaleState.DECLINED, SaleState.REVERSED})

# Every state change the flow may make. Anything else is a bug and raises IllegalTransition.
TRANSITIONS: dict[SaleState, frozenset[SaleState]] = {
    SaleState.IDLE: frozenset({SaleState.AWAITING_CODE}),
    SaleState.AWAITING_CODE: frozenset({SaleState.IDLE, SaleState.AUTHORIZING}),
    SaleState.AUTHORIZING: frozenset(
        {SaleState.APPROVED, SaleState.DECLINED, SaleState.STEP_UP, SaleState.IN_DOUBT, SaleState.REVERSING,
         SaleState.REVERSED}
    ),
    SaleState.STEP_UP: frozenset(
        {SaleState.APPROVED, SaleState.DECLINED, SaleState.IN_DOUBT, SaleState.REVERSING, SaleState.REVERSED}
    ),
    SaleState.IN_DOUBT: frozenset(
        {SaleState.APPROVED, SaleState.DECLINED, SaleState.STEP_UP, SaleState.REVERSING, SaleState.REVERSED}
    ),
    SaleState.REVERSING: frozenset({SaleState.REVERSED, SaleState.DECLINED}),
    SaleState.APPROVED: frozenset(),
    SaleState.DECLINED: frozenset(),
    SaleState.REVERSED: frozenset(),
}


class FlowError(Exception):
    """Base of the flow's errors: each one is a programming error in the caller, not a
    condition to show a cashier."""


class IllegalTransition(FlowError):
    def __init__(self, state: SaleState, what: str) -> None:
        super().__init__(f"{what} is not possible in state {state.value}")
        self.state = state


class ChargeStatus(StrEnum):
    """The wallet's word on a charge (Wallet API v1 `status`)."""

    APPROVED = "approved"
    DECLINED = "declined"
    STEP_UP_REQUIRED = "step_up_required"
    PENDING = "pending"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (ChargeStatus.APPROVED, ChargeStatus.DECLINED, ChargeStatus.CANCELLED)


class StepUpMethod(StrEnum):
    APP_CONFIRM = "app_confirm"
    PIN = "pin"
    OTP = "otp"


@dataclass(frozen=True)
class StepUp:
    method: StepUpMethod
    deadline: float  # epoch seconds, already capped at the flow's step-up maximum
    attempts_left: int


@dataclass(frozen=True)
class Decline:
    code: str
    message: str = ""


@dataclass(frozen=True)
class Answer:
    """A verified wallet answer about this sale's charge."""

    status: ChargeStatus
    charge_id: str
    approval_code: str | None = None
    decline: Decline | None = None
    step_up: StepUp | None = None


@dataclass(frozen=True)
class Timings:
    poll_interval: float = 2.0
    poll_max: float = 60.0
    step_up_max: float = 120.0
    reversal_retry: float = 5.0


# --- events ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmountEntered:
    amount: Money
    at: float


@dataclass(frozen=True)
class CodeRead:
    """A payment code already classified as acceptable and not seen before on this register."""

    code: str = field(repr=False)
    wallet: str
    last4: str
    idempotency_key: str
    reference: str
    at: float


@dataclass(frozen=True)
class WalletAnswered:
    answer: Answer
    at: float


@dataclass(frozen=True)
class OutcomeUnknown:
    """Timeout, dropped connection, 5xx, or an answer that failed verification."""

    reason: str
    at: float


@dataclass(frozen=True)
class ChargeRefused:
    """The wallet verifiably refused the charge request itself (a signed 4xx): no charge exists."""

    decline: Decline
    at: float


@dataclass(frozen=True)
class ChargeNotSent:
    """Every attempt to send the charge failed before it could reach the wallet (connection
    refused, DNS, TLS): known outcome, nothing was charged."""

    reason: str
    at: float


@dataclass(frozen=True)
class ChargeAbsent:
    """The wallet has no charge for our idempotency key. ``request_dead`` is true once our
    signed request has expired by the wallet's clock, so it can never be applied any more."""

    request_dead: bool
    at: float


@dataclass(frozen=True)
class StepUpEntered:
    secret: str = field(repr=False)  # the PIN or OTP: in memory only, passed on once
    at: float = 0.0


@dataclass(frozen=True)
class CashierCancel:
    at: float


@dataclass(frozen=True)
class Tick:
    at: float


@dataclass(frozen=True)
class ReversalConfirmed:
    at: float


Event = (
    AmountEntered | CodeRead | WalletAnswered | OutcomeUnknown | ChargeRefused | ChargeNotSent | ChargeAbsent | StepUpEntered
    | CashierCancel | Tick | ReversalConfirmed
)


# --- effects -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Persist:
    """Commit this snapshot to the journal before anything is shown."""

    sale: Sale


@dataclass(frozen=True)
class StartScanner:
    pass


@dataclass(frozen=True)
class StopScanner:
    pass


@dataclass(frozen=True)
class SendCharge:
    idempotency_key: str
    amount: Money
    code: str = field(repr=False)
    reference: str


@dataclass(frozen=True)
class PollCharge:
    idempotency_key: str
    charge_id: str | None


@dataclass(frozen=True)
class SubmitStepUp:
    charge_id: str
    method: StepUpMethod
    secret: str = field(repr=False)


@dataclass(frozen=True)
class CancelCharge:
    idempotency_key: str
    charge_id: str | None


class Sound(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    ATTENTION = "attention"


@dataclass(frozen=True)
class PlaySound:
    sound: Sound


@dataclass(frozen=True)
class PrintReceipt:
    sale: Sale


Effect = (
    Persist | StartScanner | StopScanner | SendCharge | PollCharge | SubmitStepUp | CancelCharge
    | PlaySound | PrintReceipt
)


# --- the sale ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sale:
    """What is known of one sale. Holds no payment code, PIN or OTP: safe to store and log."""

    state: SaleState = SaleState.IDLE
    amount: Money | None = None
    wallet: str | None = None
    last4: str | None = None
    idempotency_key: str | None = None
    reference: str | None = None
    charge_id: str | None = None
    approval_code: str | None = None
    decline: Decline | None = None
    step_up: StepUp | None = None
    doubt_deadline: float | None = None  # IN_DOUBT: reverse when passed
    next_action_at: float | None = None  # when the runner should send the next Tick
    cancel_requested: bool = False
    step_up_submitting: bool = False
    note: str | None = None  # why we are where we are (e.g. the unknown-outcome reason)


class PaymentFlow:
    """One sale's state machine. ``handle(event)`` returns the effects to run, in order."""

    def __init__(self, timings: Timings | None = None, sale: Sale | None = None) -> None:
        self.timings = timings or Timings()
        self.sale = sale or Sale()

    @classmethod
    def resume(cls, sale: Sale, timings: Timings | None = None, *, at: float) -> tuple[PaymentFlow, list[Effect]]:
        """Pick a journalled, unfinished sale up again after a restart: whatever it was doing,
        its outcome must be asked of the wallet (AUTHORIZING and STEP_UP become IN_DOUBT;
        REVERSING goes on reversing)."""
        flow = cls(timings, sale)
        if sale.state.is_final:
            return flow, []
        if sale.state in {SaleState.IDLE, SaleState.AWAITING_CODE}:
            raise IllegalTransition(sale.state, "resuming a sale that never reached the wallet")
        if sale.state is SaleState.REVERSING or sale.cancel_requested:
            # The cashier cancelled (perhaps while the charge was still being authorized): the
            # restart honours it, whatever the wallet did with the charge.
            flow.sale = replace(sale, state=SaleState.REVERSING, cancel_requested=True, step_up_submitting=False,
                                next_action_at=at + flow.timings.reversal_retry)
            effects: list[Effect] = [] if sale.state is SaleState.REVERSING else [Persist(flow.sale)]
            return flow, [*effects, CancelCharge(sale.idempotency_key or "", sale.charge_id)]
        # A restart does not buy a sale more time: an in-doubt sale keeps its deadline and a
        # step-up its window; only a sale caught authorizing gets a fresh polling window.
        if sale.state is SaleState.IN_DOUBT and sale.doubt_deadline is not None:
            deadline = sale.doubt_deadline
        elif sale.state is SaleState.STEP_UP and sale.step_up is not None:
            deadline = sale.step_up.deadline
        else:
            deadline = at + flow.timings.poll_max
        flow.sale = replace(
            sale, state=SaleState.IN_DOUBT, doubt_deadline=deadline,
            next_action_at=at + flow.timings.poll_interval, step_up_submitting=False, note="recovered after restart",
        )
        return flow, [Persist(flow.sale), PollCharge(sale.idempotency_key or "", sale.charge_id)]

    @property
    def state(self) -> SaleState:
        return self.sale.state

    # -- dispatch -------------------------------------------------------------------------------

    def handle(self, event: Event) -> list[Effect]:
        handler = _HANDLERS.get((self.sale.state, type(event)))
        if handler is None:
            raise IllegalTransition(self.sale.state, type(event).__name__)
        return handler(self, event)

    def _move(self, to: SaleState, **changes: object) -> Persist:
        if to is not self.sale.state and to not in TRANSITIONS[self.sale.state]:
            raise IllegalTransition(self.sale.state, f"going to {to.value}")
        self.sale = replace(self.sale, state=to, **changes)  # type: ignore[arg-type]
        return Persist(self.sale)

    # -- handlers -------------------------------------------------------------------------------

    def _amount(self, ev: AmountEntered) -> list[Effect]:
        first = self.sale.state is SaleState.IDLE
        self.sale = replace(self.sale, state=SaleState.AWAITING_CODE, amount=ev.amount)
        return [StartScanner()] if first else []

    def _cancel_before_send(self, ev: CashierCancel) -> list[Effect]:
        self.sale = replace(self.sale, state=SaleState.IDLE, amount=None)
        return [StopScanner()]

    def _code(self, ev: CodeRead) -> list[Effect]:
        amount = self.sale.amount
        if amount is None:
            raise IllegalTransition(self.sale.state, "a code read without an amount")
        persist = self._move(
            SaleState.AUTHORIZING, wallet=ev.wallet, last4=ev.last4,
            idempotency_key=ev.idempotency_key, reference=ev.reference,
        )
        return [StopScanner(), persist, SendCharge(ev.idempotency_key, amount, ev.code, ev.reference)]

    def _answer(self, ev: WalletAnswered) -> list[Effect]:
        a = ev.answer
        if self.sale.charge_id is not None and a.charge_id != self.sale.charge_id:
            # An answer about some other charge is no answer about ours.
            return self._unknown(OutcomeUnknown("answer for another charge", ev.at))
        base: dict[str, object] = {"charge_id": a.charge_id, "step_up_submitting": False}
        if a.status is ChargeStatus.APPROVED:
            if self.sale.cancel_requested:
                return self._start_reversal(ev.at, **base)
            persist = self._move(SaleState.APPROVED, approval_code=a.approval_code, next_action_at=None, **base)
            return [persist, PlaySound(Sound.APPROVED), PrintReceipt(self.sale)]
        if a.status is ChargeStatus.DECLINED:
            persist = self._move(SaleState.DECLINED, decline=a.decline, next_action_at=None, **base)
            return [persist, PlaySound(Sound.DECLINED)]
        if a.status is ChargeStatus.CANCELLED:
            # Only we cancel charges; seen outside REVERSING it means a reversal done before a
            # restart, or by a manager: nothing was taken.
            return self._finish_reversed(ev.at, **base)
        if self.sale.cancel_requested:
            return self._start_reversal(ev.at, **base)
        if a.status is ChargeStatus.STEP_UP_REQUIRED and a.step_up is not None:
            fresh = self.sale.state is not SaleState.STEP_UP
            deadline = min(a.step_up.deadline, ev.at + self.timings.step_up_max)
            if not fresh and self.sale.step_up is not None:
                deadline = min(deadline, self.sale.step_up.deadline)  # the cap counts from the first ask
            step = replace(a.step_up, deadline=deadline)
            poll = ev.at + self.timings.poll_interval
            persist = self._move(SaleState.STEP_UP, step_up=step, next_action_at=min(poll, step.deadline), **base)
            return [persist, PlaySound(Sound.ATTENTION)] if fresh else [persist]
        # pending (or a step-up answer without its details): keep asking until the deadline
        return self._doubt(ev.at, "the wallet is still processing", **base)

    def _unknown(self, ev: OutcomeUnknown) -> list[Effect]:
        if self.sale.state is SaleState.STEP_UP:
            # A poll or a PIN submission got no answer: keep polling until the step-up deadline.
            self.sale = replace(self.sale, step_up_submitting=False, note=ev.reason,
                                next_action_at=ev.at + self.timings.poll_interval)
            return [Persist(self.sale)]
        if self.sale.cancel_requested and self.sale.state is SaleState.AUTHORIZING:
            return self._start_reversal(ev.at, note=ev.reason)
        return self._doubt(ev.at, ev.reason)

    def _doubt(self, at: float, reason: str, **changes: object) -> list[Effect]:
        deadline = self.sale.doubt_deadline if self.sale.state is SaleState.IN_DOUBT else None
        if deadline is None:
            deadline = at + self.timings.poll_max
        persist = self._move(
            SaleState.IN_DOUBT, doubt_deadline=deadline, note=reason,
            next_action_at=at + self.timings.poll_interval, **changes,
        )
        return [persist]

    def _refused(self, ev: ChargeRefused) -> list[Effect]:
        if self.sale.cancel_requested:
            persist = self._move(SaleState.DECLINED, decline=Decline("cancelled", "Cancelled"), next_action_at=None)
        else:
            persist = self._move(SaleState.DECLINED, decline=ev.decline, next_action_at=None)
        return [persist, PlaySound(Sound.DECLINED)]

    def _not_sent(self, ev: ChargeNotSent) -> list[Effect]:
        return self._finish_reversed(ev.at, note=ev.reason)

    def _absent(self, ev: ChargeAbsent) -> list[Effect]:
        """The wallet has no charge under our key (yet). While in doubt, keep asking: a delayed
        request may still land. When reversing, nothing to cancel is only final once our signed
        request can no longer be applied; until then, ask again."""
        if self.sale.state is SaleState.REVERSING and ev.request_dead:
            return self._finish_reversed(ev.at, note="the charge never reached the wallet")
        retry = self.timings.reversal_retry if self.sale.state is SaleState.REVERSING else self.timings.poll_interval
        self.sale = replace(self.sale, next_action_at=ev.at + retry)
        return [Persist(self.sale)]

    def _step_up_input(self, ev: StepUpEntered) -> list[Effect]:
        step, charge_id = self.sale.step_up, self.sale.charge_id
        if step is None or step.method is StepUpMethod.APP_CONFIRM or charge_id is None:
            raise IllegalTransition(self.sale.state, "step-up input for an in-app confirmation")
        if self.sale.step_up_submitting:
            return []  # one submission at a time; the pad is disabled meanwhile
        self.sale = replace(self.sale, step_up_submitting=True)
        return [Persist(self.sale), SubmitStepUp(charge_id, step.method, ev.secret)]

    def _cancel_at_wallet(self, ev: CashierCancel) -> list[Effect]:
        if self.sale.state is SaleState.AUTHORIZING:
            self.sale = replace(self.sale, cancel_requested=True)
            return [Persist(self.sale)]
        return self._start_reversal(ev.at)

    def _start_reversal(self, at: float, **changes: object) -> list[Effect]:
        fields: dict[str, object] = {
            "cancel_requested": True, "step_up_submitting": False,
            "next_action_at": at + self.timings.reversal_retry, **changes,
        }
        persist = self._move(SaleState.REVERSING, **fields)
        return [persist, CancelCharge(self.sale.idempotency_key or "", self.sale.charge_id)]

    def _finish_reversed(self, at: float, **changes: object) -> list[Effect]:
        fields: dict[str, object] = {"next_action_at": None, "step_up_submitting": False, **changes}
        persist = self._move(SaleState.REVERSED, **fields)
        return [persist, PlaySound(Sound.DECLINED)]

    def _tick(self, ev: Tick) -> list[Effect]:
        s = self.sale
        if s.next_action_at is None or ev.at < s.next_action_at:
            return []
        key = s.idempotency_key or ""
        if s.state is SaleState.STEP_UP and s.step_up is not None and ev.at >= s.step_up.deadline:
            return self._start_reversal(ev.at, note="step-up window closed")
        if s.state is SaleState.IN_DOUBT and s.doubt_deadline is not None and ev.at >= s.doubt_deadline:
            return self._start_reversal(ev.at, note="no answer before the deadline")
        if s.state is SaleState.REVERSING:
            self.sale = replace(s, next_action_at=ev.at + self.timings.reversal_retry)
            return [CancelCharge(key, s.charge_id)]
        nxt = ev.at + self.timings.poll_interval
        if s.state is SaleState.STEP_UP and s.step_up is not None:
            nxt = min(nxt, s.step_up.deadline)
        self.sale = replace(s, next_action_at=nxt)
        return [PollCharge(key, s.charge_id)]

    def _reversed(self, ev: ReversalConfirmed) -> list[Effect]:
        return self._finish_reversed(ev.at)

    def _reversing_answer(self, ev: WalletAnswered) -> list[Effect]:
        a = ev.answer
        if a.status is ChargeStatus.CANCELLED:
            return self._finish_reversed(ev.at, charge_id=a.charge_id)
        if a.status is ChargeStatus.DECLINED:
            persist = self._move(SaleState.DECLINED, decline=a.decline, charge_id=a.charge_id, next_action_at=None)
            return [persist, PlaySound(Sound.DECLINED)]
        # Approved / pending / step-up: a late poll answer; the cancel is what we wait for. Learn
        # the charge id if we did not know it, so the next cancel can name it.
        if self.sale.charge_id is None:
            self.sale = replace(self.sale, charge_id=a.charge_id)
            return [Persist(self.sale), CancelCharge(self.sale.idempotency_key or "", a.charge_id)]
        return []

    def _ignore(self, ev: Event) -> list[Effect]:
        return []


_Handler = Callable[[PaymentFlow, Any], list[Effect]]
_HANDLERS: dict[tuple[SaleState, type], _Handler] = {}


def _on(states: set[SaleState], event: type, handler: _Handler) -> None:
    for st in states:
        _HANDLERS[(st, event)] = handler


_S = SaleState
_on({_S.IDLE, _S.AWAITING_CODE}, AmountEntered, PaymentFlow._amount)
_on({_S.AWAITING_CODE}, CashierCancel, PaymentFlow._cancel_before_send)
_on({_S.AWAITING_CODE}, CodeRead, PaymentFlow._code)
_on({_S.AUTHORIZING, _S.STEP_UP, _S.IN_DOUBT}, WalletAnswered, PaymentFlow._answer)
_on({_S.AUTHORIZING, _S.STEP_UP, _S.IN_DOUBT}, OutcomeUnknown, PaymentFlow._unknown)
_on({_S.AUTHORIZING}, ChargeRefused, PaymentFlow._refused)
_on({_S.AUTHORIZING}, ChargeNotSent, PaymentFlow._not_sent)
_on({_S.IN_DOUBT, _S.REVERSING}, ChargeAbsent, PaymentFlow._absent)
_on({_S.STEP_UP}, StepUpEntered, PaymentFlow._step_up_input)
_on({_S.AUTHORIZING, _S.STEP_UP, _S.IN_DOUBT}, CashierCancel, PaymentFlow._cancel_at_wallet)
_on({_S.REVERSING}, CashierCancel, PaymentFlow._ignore)  # already cancelling
_on({_S.STEP_UP, _S.IN_DOUBT, _S.REVERSING, _S.AUTHORIZING}, Tick, PaymentFlow._tick)
_on({_S.IDLE, _S.AWAITING_CODE, _S.APPROVED, _S.DECLINED, _S.REVERSED}, Tick, PaymentFlow._ignore)
_on({_S.REVERSING}, ReversalConfirmed, PaymentFlow._reversed)
_on({_S.REVERSING}, WalletAnswered, PaymentFlow._reversing_answer)
_on({_S.REVERSING}, OutcomeUnknown, PaymentFlow._ignore)  # retried on the next tick
