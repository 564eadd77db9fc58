"""The one answer to "may this happen now?", with the reason when not.

Every payment aggregate (a sale, a refund, a void, a reversal) answers its own questions
(``accepts_code``, ``can_cancel``, ``can_refund(amount)``…) with an ``Allowed``. Surfaces (the
window, the CLI, the POS API) ask and show the reason; they never work a rule out themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Why(StrEnum):
    """Why something may not happen now: a stable code that each surface words in its language."""

    NO_SALE = "no_sale"  # nothing is being sold: enter an amount first
    BUSY = "busy"  # a payment is in progress: finish or cancel it first
    FINISHED = "finished"  # the sale has its verdict already
    CANCELLING = "cancelling"  # a cancel is already under way at the wallet
    NOT_STEP_UP = "not_step_up"  # the wallet asks for no PIN or code now
    SUBMITTING = "submitting"  # the previous PIN or code is still being checked
    NOT_APPROVED = "not_approved"  # only an approved sale can be refunded or voided
    NOTHING_LEFT = "nothing_left"  # the sale is fully refunded or voided
    OVER_REFUND = "over_refund"  # more than is left to refund
    WRONG_CURRENCY = "wrong_currency"
    ZERO_AMOUNT = "zero_amount"  # an amount must be above zero
    OVER_MAXIMUM = "over_maximum"  # above this register's maximum per sale
    HAS_REFUNDS = "has_refunds"  # a sale with refunds cannot be voided: refund the rest
    NOT_SAME_DAY = "not_same_day"  # a void is only possible on the day of the sale
    OPERATION_OPEN = "operation_open"  # a refund or void of this sale is still being settled
    ALREADY_CLOSED = "already_closed"  # this business day has its Z close already
    LATER_DAY_CLOSED = "later_day_closed"  # a later business day is closed: an earlier one cannot be
    FUTURE_DAY = "future_day"  # the business day has not begun
    PAYMENT_OPEN = "payment_open"  # a sale, refund or void still waits for the wallet


@dataclass(frozen=True)
class Allowed:
    """Truthy when the thing may happen; otherwise ``why`` (code) and ``detail`` (plain English
    for logs and the CLI's ``--json``; each surface words ``why`` for people)."""

    ok: bool
    why: Why | None = None
    detail: str = ""

    def __bool__(self) -> bool:
        return self.ok

    @classmethod
    def no(cls, why: Why, detail: str) -> Allowed:
        return cls(False, why, detail)


YES = Allowed(True)
