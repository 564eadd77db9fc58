"""One sale as the register knows it, and its affordances: the states and the table of moves
between them, the wallet's words about a charge, the flow's timings, and ``Sale`` (the snapshot
that is journalled, shown and asked "what may happen now?"). Pure: no I/O, no clock. The
machine that moves a sale through these states is ``terminal.domain.flow.PaymentFlow``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from terminal.domain.affordance import YES, Allowed, Why
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
    """The flow's clocks, filled from the typed settings (``wallet.*``) at start-up; the defaults
    here are only for tests that build a flow by hand and equal the settings' defaults."""

    poll_interval: float = 2.0
    poll_max: float = 60.0
    step_up_max: float = 120.0
    reversal_initial: float = 2.0  # first wait before a reversal is asked again
    reversal_max: float = 60.0  # the back-off doubles up to this

    def reversal_delay(self, attempts: int) -> float:
        """The wait before reversal attempt ``attempts + 1``: doubling, capped."""
        return min(self.reversal_max, self.reversal_initial * (2 ** min(attempts, 16)))


# --- the sale ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sale:
    """What is known of one sale. Holds no payment code, PIN or OTP: safe to store and log.

    The affordances below are the one answer to "what may happen now"; the flow's handlers and
    every surface ask them."""

    state: SaleState = SaleState.IDLE
    amount: Money | None = None
    wallet: str | None = None
    last4: str | None = None
    code_hash: str | None = None
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
    recovered: bool = False  # resumed from the journal after a restart
    reversal_attempts: int = 0  # cancels asked so far (for the back-off); not journalled
    polling: bool = False  # a status poll is on its way: its answer comes before a deadline's verdict

    @property
    def is_final(self) -> bool:
        return self.state.is_final

    def accepts_amount(self) -> Allowed:
        """May an amount be entered (a new sale, or a corrected amount before the code)?"""
        if self.state in {SaleState.IDLE, SaleState.AWAITING_CODE} or self.state.is_final:
            return YES
        return Allowed.no(Why.BUSY, "a payment is in progress: finish or cancel it first")

    def accepts_code(self) -> Allowed:
        """May a payment code be taken now?"""
        if self.state is SaleState.AWAITING_CODE and self.amount is not None:
            return YES
        if self.state is SaleState.IDLE or self.state.is_final:
            return Allowed.no(Why.NO_SALE, "enter the amount first, then scan the code")
        return Allowed.no(Why.BUSY, "a payment is in progress: finish or cancel it first")

    def can_cancel(self) -> Allowed:
        """May the cashier cancel? (Before the code: nothing was sent. After: at the wallet.)"""
        if self.state is SaleState.AWAITING_CODE:
            return YES
        if self.state in {SaleState.AUTHORIZING, SaleState.STEP_UP, SaleState.IN_DOUBT}:
            if self.cancel_requested:
                return Allowed.no(Why.CANCELLING, "the cancel is already under way")
            return YES
        if self.state is SaleState.REVERSING:
            return Allowed.no(Why.CANCELLING, "the payment is being cancelled at the wallet")
        if self.state.is_final:
            return Allowed.no(Why.FINISHED, "the payment has its verdict already")
        return Allowed.no(Why.NO_SALE, "no payment to cancel")

    def can_start_over(self) -> Allowed:
        """May the register drop this sale and start an empty one (next sale)?"""
        if self.state in {SaleState.IDLE, SaleState.AWAITING_CODE} or self.state.is_final:
            return YES
        return Allowed.no(Why.BUSY, "a payment is in progress: finish or cancel it first")

    def needs_secret(self) -> StepUpMethod | None:
        """The customer input the wallet waits for (PIN or one-time code), if any."""
        step = self.step_up
        if self.state is SaleState.STEP_UP and step is not None and step.method is not StepUpMethod.APP_CONFIRM:
            return step.method
        return None

    def accepts_secret(self) -> Allowed:
        """May a PIN or one-time code be submitted now?"""
        if self.needs_secret() is None or self.charge_id is None:
            return Allowed.no(Why.NOT_STEP_UP, "the wallet asks for no PIN or code now")
        if self.step_up_submitting:
            return Allowed.no(Why.SUBMITTING, "the previous entry is still being checked")
        return YES

    @property
    def retries_matter(self) -> bool:
        """Whether "tries left" means anything: only where there is something to retry."""
        return self.needs_secret() is not None


def check_amount(amount: Money) -> Allowed:
    """The one rule for a sale's amount beyond what ``Money`` itself guarantees."""
    if amount.amount <= 0:
        return Allowed.no(Why.ZERO_AMOUNT, "a sale needs an amount above zero")
    return YES
