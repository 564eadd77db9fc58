"""Closing the business day (the Z close): the one answer to "can this day be closed now?" and
the figures a close freezes.

A close takes every sale and every refund or void the journal holds that no earlier close took
(so a sale made after a close belongs to the next one, and a refund of a closed day's sale
counts in the day it happens), freezes their figures per currency, and gets the next Z number.
Pure: the journal runs ``can_close`` and ``figures_of`` inside the transaction that records the
close; the register passes in today's store date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime

from terminal.domain.affordance import YES, Allowed, Why
from terminal.domain.flow import SaleState
from terminal.domain.money import Money
from terminal.domain.operation import OperationKind, OperationState


@dataclass(frozen=True)
class DayFigures:
    """One currency's figures of one close, in minor units. net = approved - refunded - voided."""

    currency: str
    approved_count: int = 0
    approved_amount: int = 0
    declined_count: int = 0
    reversed_count: int = 0
    refunded_count: int = 0
    refunded_amount: int = 0
    voided_count: int = 0
    voided_amount: int = 0

    @property
    def net_amount(self) -> int:
        return self.approved_amount - self.refunded_amount - self.voided_amount

    def as_json(self) -> dict[str, int | str]:
        return {**asdict(self), "net_amount": self.net_amount}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> DayFigures:
        def number(name: str) -> int:
            value = data.get(name, 0)
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{name} is not a whole number")
            return value
        currency = data.get("currency")
        if not isinstance(currency, str):
            raise ValueError("currency is missing")
        return cls(currency, *(number(n) for n in _COUNTED))


_COUNTED = ("approved_count", "approved_amount", "declined_count", "reversed_count", "refunded_count",
            "refunded_amount", "voided_count", "voided_amount")


@dataclass(frozen=True)
class ClosingSale:
    """A sale as a close counts it."""

    reference: str
    at: datetime
    state: SaleState
    amount: Money


@dataclass(frozen=True)
class ClosingOperation:
    """A refund, void or reversal as a close counts it."""

    kind: OperationKind
    state: OperationState
    amount: Money


def figures_of(sales: Iterable[ClosingSale], operations: Iterable[ClosingOperation]) -> tuple[DayFigures, ...]:
    """Per-currency figures, sorted by currency. Reversals (the register's own give-backs of a sale
    it could not void) and failed refunds or voids move no figure."""
    counts: dict[str, dict[str, int]] = {}
    for sale in sales:
        c = counts.setdefault(sale.amount.currency, {})
        if sale.state is SaleState.APPROVED:
            c["approved_count"] = c.get("approved_count", 0) + 1
            c["approved_amount"] = c.get("approved_amount", 0) + sale.amount.amount
        elif sale.state is SaleState.DECLINED:
            c["declined_count"] = c.get("declined_count", 0) + 1
        elif sale.state is SaleState.REVERSED:
            c["reversed_count"] = c.get("reversed_count", 0) + 1
    for op in operations:
        if op.state is not OperationState.SUCCEEDED or op.kind is OperationKind.REVERSAL:
            continue
        c = counts.setdefault(op.amount.currency, {})
        name = "refunded" if op.kind is OperationKind.REFUND else "voided"
        c[f"{name}_count"] = c.get(f"{name}_count", 0) + 1
        c[f"{name}_amount"] = c.get(f"{name}_amount", 0) + op.amount.amount
    return tuple(DayFigures(currency, **values) for currency, values in sorted(counts.items()))


def can_close(day: date, today: date, last_closed: date | None, open_sales: int, open_operations: int) -> Allowed:
    """May the business day ``day`` be closed now? Not twice, not a day before one already closed,
    not a day still to come, and not while a sale, refund or void is still waiting for the wallet
    (its outcome would be missing from the frozen figures)."""
    if last_closed is not None and day == last_closed:
        return Allowed.no(Why.ALREADY_CLOSED, f"the business day {day.isoformat()} is already closed")
    if last_closed is not None and day < last_closed:
        return Allowed.no(Why.LATER_DAY_CLOSED, f"a later business day ({last_closed.isoformat()}) is already "
                          f"closed; {day.isoformat()} cannot be closed after it")
    if day > today:
        return Allowed.no(Why.FUTURE_DAY, f"the business day {day.isoformat()} has not begun (today is "
                          f"{today.isoformat()})")
    if open_sales or open_operations:
        return Allowed.no(Why.PAYMENT_OPEN, f"{open_sales} sale(s) and {open_operations} refund(s)/void(s) are "
                          "still waiting for the wallet: let them finish (or run `payterm recover`), then close")
    return YES
