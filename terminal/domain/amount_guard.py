"""The amount guard: is this amount allowed at this register, and does it need a second look?

A typo of one digit turns ¥1,200 into ¥12,000; a stuck key into ¥999,999,999. Each register has a
maximum per sale (refused, with the maximum named) and a confirm threshold (above it the cashier
presses Enter a second time on a screen showing the amount large). The window asks this module
and only draws the answer; the limits come from the register's settings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from terminal.domain.money import Money


class AmountCheck(Enum):
    OK = "ok"
    CONFIRM = "confirm"  # allowed after the cashier confirms the amount once more
    TOO_LARGE = "too_large"  # refused: over the register's maximum per sale
    EMPTY = "empty"  # nothing to charge


@dataclass(frozen=True, slots=True)
class AmountLimits:
    """In minor units of the register's currency; None: no such limit."""

    maximum: int | None = None
    confirm_above: int | None = None

    def __post_init__(self) -> None:
        for name in ("maximum", "confirm_above"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
                raise ValueError(f"{name} must be a positive whole number of minor units, got {value!r}")


@dataclass(frozen=True, slots=True)
class AmountVerdict:
    check: AmountCheck
    limit: Money | None = None  # TOO_LARGE: the maximum; CONFIRM: the threshold passed

    @property
    def may_charge(self) -> bool:
        """True only for an amount that may go to the customer as it is (no confirmation owed)."""
        return self.check is AmountCheck.OK


def check_amount(amount: Money, limits: AmountLimits, *, confirmed: bool = False) -> AmountVerdict:
    """What the register does with ``amount``: charge it, ask once more, or refuse it.
    ``confirmed``: the cashier has already confirmed this very amount on the confirm screen."""
    if amount.amount <= 0:
        return AmountVerdict(AmountCheck.EMPTY)
    if limits.maximum is not None and amount.amount > limits.maximum:
        return AmountVerdict(AmountCheck.TOO_LARGE, Money(limits.maximum, amount.currency))
    if limits.confirm_above is not None and amount.amount > limits.confirm_above and not confirmed:
        return AmountVerdict(AmountCheck.CONFIRM, Money(limits.confirm_above, amount.currency))
    return AmountVerdict(AmountCheck.OK)


TYPED_DIGITS = 9  # without a maximum: 999,999,999 minor units, well below MAX_AMOUNT


def max_digits(limits: AmountLimits) -> int:
    """How many digits the cashier may type: as many as the maximum per sale has (a longer number
    is always over it), at most ``TYPED_DIGITS``."""
    if limits.maximum is None:
        return TYPED_DIGITS
    return min(TYPED_DIGITS, len(str(limits.maximum)))
