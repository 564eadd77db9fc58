"""Money given back on an approved sale: refunds and voids (a manager's), and reversal refunds
(the register's own, when a sale it must cancel was approved on an earlier business day).

Each operation is its own aggregate: an idempotency key (from the caller's id source, committed
with the intent before anything is sent and reused on every resend), a state with one transition
function, and its outcome. ``SaleBalance`` is the one answer to "what may be given back of this
sale now": ``can_refund(amount)``, ``can_void(today)`` and what is left, each refusal with its
reason. The journal asks the same rule inside the transaction that records an intent, so two
managers at two screens can never give back more than was charged. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from terminal.domain.affordance import YES, Allowed, Why
from terminal.domain.flow import SaleState
from terminal.domain.money import Money


class OperationKind(StrEnum):
    REFUND = "refund"  # a manager gives back part or all of an approved sale
    VOID = "void"  # a manager cancels a same-day approved sale at the wallet
    REVERSAL = "reversal"  # the register gives back a sale it had to cancel but could not void


class OperationState(StrEnum):
    REQUESTED = "requested"  # intent committed, request about to be sent
    IN_DOUBT = "in_doubt"  # sent, outcome unknown: ask the wallet again with the same key
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (OperationState.SUCCEEDED, OperationState.FAILED)


TRANSITIONS: dict[OperationState, frozenset[OperationState]] = {
    OperationState.REQUESTED: frozenset({OperationState.IN_DOUBT, OperationState.SUCCEEDED, OperationState.FAILED}),
    OperationState.IN_DOUBT: frozenset({OperationState.IN_DOUBT, OperationState.SUCCEEDED, OperationState.FAILED}),
    OperationState.SUCCEEDED: frozenset(),
    OperationState.FAILED: frozenset(),
}
FINAL_OPERATION_STATES: frozenset[OperationState] = frozenset(s for s in OperationState if s.is_final)


class IllegalOperationMove(Exception):
    """A programming error: an operation was moved where its table does not lead."""


@dataclass(frozen=True)
class OperationOutcome:
    """What a request for an operation came to (the effects layer maps wallet answers to this)."""

    state: OperationState
    wallet_ref: str | None = None  # the wallet's refund id, or the charge id for a void
    error_code: str | None = None
    error_message: str | None = None


def check_move(current: OperationState, new: OperationState) -> None:
    """The one transition check of refunds, voids and reversals."""
    if new not in TRANSITIONS[current]:
        raise IllegalOperationMove(f"an operation cannot go from {current.value} to {new.value}")


@dataclass(frozen=True)
class GivenBack:
    """One operation as the balance counts it."""

    kind: OperationKind
    state: OperationState
    amount: Money


class Standing(StrEnum):
    """What a person should read for a sale once money has moved back."""

    APPROVED = "approved"
    PARTLY_REFUNDED = "partly_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    REVERSAL_REFUNDED = "reversal_refunded"
    OTHER = "other"  # not approved: the sale's own state says it all


@dataclass(frozen=True)
class SaleBalance:
    """A sale and what has been given back of it."""

    sale_state: SaleState
    amount: Money
    sold_on: date
    given: tuple[GivenBack, ...] = ()

    @classmethod
    def of(cls, *, state: SaleState, amount: Money, sold_on: date, given: Iterable[GivenBack]) -> SaleBalance:
        return cls(state, amount, sold_on, tuple(given))

    @property
    def approved(self) -> bool:
        return self.sale_state is SaleState.APPROVED

    @property
    def live(self) -> tuple[GivenBack, ...]:
        """Operations that count: failed ones gave nothing back."""
        return tuple(g for g in self.given if g.state is not OperationState.FAILED)

    @property
    def left(self) -> Money:
        return Money(self.amount.amount - sum(g.amount.amount for g in self.live), self.amount.currency)

    @property
    def open(self) -> bool:
        return any(not g.state.is_final for g in self.given)

    @property
    def standing(self) -> Standing:
        if not self.approved:
            return Standing.OTHER
        done = [g for g in self.given if g.state is OperationState.SUCCEEDED]
        if any(g.kind is OperationKind.VOID for g in done):
            return Standing.VOIDED
        if any(g.kind is OperationKind.REVERSAL for g in done):
            return Standing.REVERSAL_REFUNDED
        back = sum(g.amount.amount for g in done)
        if back <= 0:
            return Standing.APPROVED
        return Standing.REFUNDED if back >= self.amount.amount else Standing.PARTLY_REFUNDED

    def can_refund(self, amount: Money | None = None) -> Allowed:
        """May ``amount`` (default: all that is left) be refunded now?"""
        if not self.approved:
            return Allowed.no(Why.NOT_APPROVED,
                              f"the sale is {self.sale_state.value}: only an approved sale can be refunded")
        left = self.left
        if left.amount <= 0:
            return Allowed.no(Why.NOTHING_LEFT,
                              "the sale is already fully refunded or voided: nothing is left to give back")
        value = left if amount is None else amount
        if value.currency != self.amount.currency:
            return Allowed.no(Why.WRONG_CURRENCY,
                              f"the sale was in {self.amount.currency}, not {value.currency}")
        if value.amount <= 0:
            return Allowed.no(Why.ZERO_AMOUNT, "a refund needs an amount above zero")
        if value.amount > left.amount:
            return Allowed.no(Why.OVER_REFUND,
                              f"refund of {value.format()} refused: only {left.format()} is left to refund")
        return YES

    def can_void(self, today: date | None = None) -> Allowed:
        """May the whole sale be voided now? ``today`` is the store's date; without it the day
        rule is left out (the journal's guard inside its transaction)."""
        if not self.approved:
            return Allowed.no(Why.NOT_APPROVED,
                              f"the sale is {self.sale_state.value}: only an approved sale can be voided")
        if any(g.kind is OperationKind.VOID and g.state is OperationState.SUCCEEDED for g in self.given):
            return Allowed.no(Why.NOTHING_LEFT, "the sale is voided already")
        if self.live:
            return Allowed.no(Why.HAS_REFUNDS, "the sale has refunds; a void is no longer possible: refund what "
                                               f"is left ({self.left.format()}) instead")
        if today is not None and today != self.sold_on:
            return Allowed.no(Why.NOT_SAME_DAY, f"the sale was on {self.sold_on.isoformat()}; a void is only "
                                                "possible on the day of the sale: refund it instead")
        return YES

    def can_reverse(self) -> Allowed:
        """May the register give the sale back on its own? Only a sale it is cancelling (the
        wallet approved the charge but it is too late to void) gets a reversal refund."""
        if self.sale_state is not SaleState.REVERSING:
            return Allowed.no(Why.NOT_APPROVED, "only a sale being cancelled is given back by the register")
        if self.left.amount <= 0:
            return Allowed.no(Why.NOTHING_LEFT, "nothing is left to give back")
        return YES

    def allows(self, kind: OperationKind, amount: Money) -> Allowed:
        """The rule for a new operation of ``kind`` giving back ``amount`` (day rule left out)."""
        if kind is OperationKind.VOID:
            allowed = self.can_void()
            if allowed and amount != self.amount:
                return Allowed.no(Why.OVER_REFUND, "a void gives back the whole sale")
            return allowed
        if kind is OperationKind.REVERSAL:
            allowed = self.can_reverse()
            if allowed and not 0 < amount.amount <= self.left.amount:
                return Allowed.no(Why.OVER_REFUND, "a reversal gives back at most what is left")
            return allowed
        return self.can_refund(amount)


@dataclass(frozen=True)
class Operation:
    """One refund, void or reversal: its key, what it gives back, and where it stands."""

    key: str
    kind: OperationKind
    sale_key: str
    amount: Money
    actor: str
    reason: str = ""
    state: OperationState = OperationState.REQUESTED
    wallet_ref: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    # The manager's authorization as sent (the PIN sealed to the wallet for exactly this
    # operation, opaque here): a resend after a crash carries it again.
    authorization: str | None = None

    def settle(self, outcome: OperationOutcome) -> Operation:
        """The operation after ``outcome``, checked against the table."""
        check_move(self.state, outcome.state)
        return replace(
            self, state=outcome.state, wallet_ref=outcome.wallet_ref or self.wallet_ref,
            error_code=outcome.error_code, error_message=outcome.error_message,
        )
