"""The PaymentCore contract (terminal/pos/core.py), as one suite that every implementation runs:
the in-memory fake now, the register's adapter over its payment core when it is written.

To run it against an implementation, subclass ``PaymentCoreContract`` and give it a ``harness``
fixture returning a ``CoreHarness``: the core, and how to make an order that this core approves
or declines with a given wallet decline code (a sandbox payment code for the real core; an
amount for the fake).
"""

from __future__ import annotations

import itertools
from typing import Protocol

import pytest

from terminal.domain.money import Money
from terminal.pos import core as c

POS = c.PosIdentity("pos-contract", "contract POS")
WAIT = 60.0
_ids = itertools.count(1)


class CoreHarness(Protocol):
    core: c.PaymentCore

    def order(self, amount: Money, *, decline: str | None = None) -> c.PaymentOrder:
        """A new order (fresh SaleTransactionID) that this core approves, or declines with ``decline``."""
        ...


def new_ref() -> c.SaleRef:
    n = next(_ids)
    return c.SaleRef(POS, "POS-CONTRACT", f"contract-{n}")


class PaymentCoreContract:
    @pytest.fixture
    def harness(self) -> CoreHarness:
        raise NotImplementedError("subclasses provide the harness")

    def test_approve_and_status(self, harness: CoreHarness) -> None:
        order = harness.order(Money(1200, "JPY"))
        outcome = harness.core.start_payment(order, WAIT)
        assert outcome.status is c.PaymentStatus.APPROVED and outcome.final
        assert outcome.charge_id and outcome.amount == Money(1200, "JPY")
        assert harness.core.status(order.ref) == outcome

    def test_start_is_idempotent_on_the_ref(self, harness: CoreHarness) -> None:
        order = harness.order(Money(1300, "JPY"))
        first = harness.core.start_payment(order, WAIT)
        again = harness.core.start_payment(order, WAIT)
        assert again == first  # the recorded outcome, not a second charge
        totals = harness.core.totals(None)
        assert sum(line.count for line in totals.lines if line.kind == "Debit") >= 1

    def test_decline_carries_its_code(self, harness: CoreHarness) -> None:
        outcome = harness.core.start_payment(
            harness.order(Money(1400, "JPY"), decline="insufficient_funds"), WAIT
        )
        assert outcome.status is c.PaymentStatus.DECLINED and outcome.decline_code == "insufficient_funds"
        assert outcome.charge_id is None or outcome.approval_code is None

    def test_unknown_refs_are_not_found(self, harness: CoreHarness) -> None:
        with pytest.raises(c.NotFound):
            harness.core.status(new_ref())
        with pytest.raises(c.NotFound):
            harness.core.abort(new_ref())
        with pytest.raises(c.NotFound):
            harness.core.reverse(
                c.ReversalOrder(POS, "POS-CONTRACT", "r-unknown", "no-such-charge", None, "MerchantCancel"),
                WAIT,
            )

    def test_abort_after_the_end_is_not_allowed(self, harness: CoreHarness) -> None:
        order = harness.order(Money(1500, "JPY"))
        harness.core.start_payment(order, WAIT)
        with pytest.raises(c.NotAllowed):
            harness.core.abort(order.ref)

    def test_partial_refunds_up_to_the_amount_and_idempotent(self, harness: CoreHarness) -> None:
        order = harness.order(Money(1600, "JPY"))
        paid = harness.core.start_payment(order, WAIT)
        assert paid.charge_id is not None
        sid = f"r-{next(_ids)}"
        part = c.ReversalOrder(POS, "POS-CONTRACT", sid, paid.charge_id, Money(600, "JPY"), "MerchantCancel")
        first = harness.core.reverse(part, WAIT)
        assert first.reversed_amount == Money(600, "JPY")
        assert harness.core.reverse(part, WAIT) == first  # same ServiceID: the first outcome
        assert harness.core.reversal_status(POS, "POS-CONTRACT", sid) == first
        too_much = c.ReversalOrder(
            POS, "POS-CONTRACT", f"r-{next(_ids)}", paid.charge_id, Money(1001, "JPY"), "MerchantCancel"
        )
        with pytest.raises(c.NotAllowed):
            harness.core.reverse(too_much, WAIT)

    def test_diagnosis_answers(self, harness: CoreHarness) -> None:
        d = harness.core.diagnosis()
        assert isinstance(d.wallet_reachable, bool) and isinstance(d.busy, bool)
