"""The payment flow of one sale: events in, effects out, moving a ``Sale`` through the states
and the transition table of ``terminal.domain.sale`` (where its affordances are too). Pure: no I/O, no clock (every event carries the time it
happened as ``at``, in seconds since the epoch, read by whoever produced the event).

    IDLE ─amount─► AWAITING_CODE ─code─► AUTHORIZING ─► APPROVED
                        │                   │   │  └───► DECLINED (reason)
                     cancel ─► IDLE         │   ├─► STEP_UP (method, deadline) ─► APPROVED / DECLINED
                                            │   └─► IN_DOUBT ─ poll ─► APPROVED / DECLINED
                                            │             └─ deadline ─► REVERSING ─► REVERSED
                                          cancel ─► (after the answer) REVERSING

Rules (DESIGN.md "The payment flow"):
- Only a ``WalletAnswered`` can lead to APPROVED, and only the wallet client makes the answer it
  carries: it checks the signature, the binding to our request, and that the charge is ours
  (amount, currency, reference, charge id) before the effects layer turns it into an event.
- An unknown outcome is never a decline: it is IN_DOUBT, polled with the same idempotency key,
  and reversed at the deadline. Every sale ends APPROVED, DECLINED or REVERSED.
- Cancel during STEP_UP or IN_DOUBT cancels at the wallet (REVERSING), not just on screen.
  Cancel while AUTHORIZING cannot stop a request already on the wire: it is remembered, and the
  answer, whatever it is, is then reversed.
- The idempotency key comes in with the first event that reaches the wallet (``CodeRead``), made
  by the register's injected id source; it is committed with the intent (the first ``Persist``)
  and reused on every retry, poll and cancel.

The runner (``terminal.register.runner``) executes effects in order. ``Persist`` comes first in
every list that changes what the journal keeps, and is committed before the new state is shown.
What may happen next is answered by the sale's affordances (``accepts_code``, ``can_cancel``,
``needs_secret``…), never by a surface testing states itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from enum import StrEnum

from terminal.domain.affordance import Why
from terminal.domain.money import Money
from terminal.domain.sale import (
    FINAL_STATES, TRANSITIONS, Answer, ChargeStatus, Decline, FlowError, IllegalTransition, Sale, SaleState,
    StepUp, StepUpMethod, Timings, check_amount,
)

# The sale's own values live in terminal.domain.sale; they are named here too, so that a caller
# of the flow finds the whole flow in one import.
__all__ = [
    "AmountEntered", "Answer", "CancelCharge", "CancelTooLate", "CashierCancel", "ChargeAbsent",
    "ChargeNotSent", "ChargeRefused", "ChargeStatus", "CodeRead", "Decline", "Effect", "Event",
    "FINAL_STATES", "FlowError", "IllegalTransition", "OutcomeUnknown", "PaymentFlow", "Persist",
    "PlaySound", "PollCharge", "PrintReceipt", "ReversalConfirmed", "ReverseByRefund", "Sale", "SaleState",
    "SendCharge", "Sound", "StartScanner", "StepUp", "StepUpEntered", "StepUpMethod", "StopScanner",
    "SubmitStepUp", "TRANSITIONS", "Tick", "Timings", "WalletAnswered", "check_amount",
]


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
    idempotency_key: str  # from the register's id source; reused on every retry
    reference: str
    at: float
    code_hash: str = ""  # the journal's keyed hash of the code: what is stored instead of the code


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


@dataclass(frozen=True)
class CancelTooLate:
    """The wallet approved the charge we are cancelling, on an earlier business day, so it can no
    longer be voided: ``left`` must be given back with a reversal refund instead."""

    charge_id: str
    left: Money
    at: float


Event = (
    AmountEntered | CodeRead | WalletAnswered | OutcomeUnknown | ChargeRefused | ChargeNotSent | ChargeAbsent | StepUpEntered
    | CashierCancel | Tick | ReversalConfirmed | CancelTooLate
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
class ReverseByRefund:
    """Give ``amount`` of the sale back as a reversal refund: its own operation, with its own
    idempotency key, intent and audit entry (see ``terminal.domain.operation``)."""

    sale_key: str
    charge_id: str
    amount: Money


@dataclass(frozen=True)
class PlaySound:
    sound: Sound


@dataclass(frozen=True)
class PrintReceipt:
    sale: Sale


Effect = (
    Persist | StartScanner | StopScanner | SendCharge | PollCharge | SubmitStepUp | CancelCharge
    | ReverseByRefund | PlaySound | PrintReceipt
)


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
                                next_action_at=at + flow.timings.reversal_delay(0), reversal_attempts=1,
                                recovered=True)
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
            recovered=True, polling=True,
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
        changes.setdefault("polling", False)
        self.sale = replace(self.sale, state=to, **changes)  # type: ignore[arg-type]
        return Persist(self.sale)

    # -- handlers -------------------------------------------------------------------------------

    def _amount(self, ev: AmountEntered) -> list[Effect]:
        if not check_amount(ev.amount):
            raise IllegalTransition(self.sale.state, "an amount that is not above zero")
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
            SaleState.AUTHORIZING, wallet=ev.wallet, last4=ev.last4, code_hash=ev.code_hash,
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
            # Nothing the journal keeps has changed, so nothing is persisted.
            self.sale = replace(self.sale, step_up_submitting=False, note=ev.reason, polling=False,
                                next_action_at=ev.at + self.timings.poll_interval)
            return []
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
        """The wallet has no charge under our key (yet). While in doubt, cancel by key at once:
        the wallet then refuses the lost request if it still arrives, so the sale is final in
        seconds (DESIGN.md). When reversing, nothing to cancel is final once our signed request
        can no longer be applied; until then, ask again."""
        if self.sale.state is SaleState.IN_DOUBT:
            return self._start_reversal(ev.at, note="the wallet has no charge under our key: cancelled by key")
        if ev.request_dead:
            return self._finish_reversed(ev.at, note="the charge never reached the wallet")
        if self.sale.state is SaleState.REVERSING:
            retry = self.timings.reversal_delay(self.sale.reversal_attempts - 1)
        else:
            retry = self.timings.poll_interval
        self.sale = replace(self.sale, next_action_at=ev.at + retry, polling=False)
        return []

    def _step_up_input(self, ev: StepUpEntered) -> list[Effect]:
        allowed = self.sale.accepts_secret()
        if allowed.why is Why.SUBMITTING:
            return []  # one submission at a time; the pad is disabled meanwhile
        method, charge_id = self.sale.needs_secret(), self.sale.charge_id
        if not allowed or method is None or charge_id is None:
            raise IllegalTransition(self.sale.state, "step-up input for an in-app confirmation")
        self.sale = replace(self.sale, step_up_submitting=True)
        return [SubmitStepUp(charge_id, method, ev.secret)]

    def _cancel_at_wallet(self, ev: CashierCancel) -> list[Effect]:
        if self.sale.state is SaleState.AUTHORIZING:
            self.sale = replace(self.sale, cancel_requested=True)
            return [Persist(self.sale)]
        return self._start_reversal(ev.at)

    def _start_reversal(self, at: float, **changes: object) -> list[Effect]:
        fields: dict[str, object] = {
            "cancel_requested": True, "step_up_submitting": False,
            "next_action_at": at + self.timings.reversal_delay(0), "reversal_attempts": 1, **changes,
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
            if s.polling:
                # The answer to the poll already asked may settle it (e.g. approved while the
                # register was down): wait for it, not for a second one.
                self.sale = replace(s, next_action_at=ev.at + self.timings.poll_interval)
                return []
            return self._start_reversal(ev.at, note="no answer before the deadline")
        if s.state is SaleState.REVERSING:
            self.sale = replace(s, next_action_at=ev.at + self.timings.reversal_delay(s.reversal_attempts),
                                reversal_attempts=s.reversal_attempts + 1)
            return [CancelCharge(key, s.charge_id)]
        nxt = ev.at + self.timings.poll_interval
        if s.state is SaleState.STEP_UP and s.step_up is not None:
            nxt = min(nxt, s.step_up.deadline)
        self.sale = replace(s, next_action_at=nxt, polling=True)
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

    def _too_late(self, ev: CancelTooLate) -> list[Effect]:
        give_back = ReverseByRefund(self.sale.idempotency_key or "", ev.charge_id, ev.left)
        if self.sale.charge_id is None:
            self.sale = replace(self.sale, charge_id=ev.charge_id)
            return [Persist(self.sale), give_back]
        return [give_back]

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
_on({_S.REVERSING}, CancelTooLate, PaymentFlow._too_late)
_on({_S.REVERSING}, WalletAnswered, PaymentFlow._reversing_answer)
_on({_S.REVERSING}, OutcomeUnknown, PaymentFlow._ignore)  # retried on the next tick
