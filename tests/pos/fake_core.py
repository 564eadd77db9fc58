"""A small in-memory PaymentCore for the handler and protocol tests of the local Terminal API.

Tests only (the register's adapter over its real payment core is the one implementation that
ships). A payment "runs" until the test calls ``release()`` (or at once when ``hold`` is off), so
tests can act while it runs: abort it, ask its status, start another. ``charges`` counts the
wallet charges the fake would have made, which is what "never charges twice" is about.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field, replace

from terminal.domain.money import Money
from terminal.pos import core as c

T0 = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)


@dataclass
class _Payment:
    order: c.PaymentOrder
    outcome: c.PaymentOutcome
    done: threading.Event = field(default_factory=threading.Event)
    refunded: int = 0


class FakeCore:
    def __init__(self, *, hold: bool = False) -> None:
        self.hold = hold
        self.declines: dict[int, str] = {}  # amount in minor units -> decline code
        self.charges = 0
        self.orders: list[c.PaymentOrder] = []
        self.reversal_calls = 0
        self.wallet_reachable = True
        self._lock = threading.Lock()
        self._payments: dict[tuple[str, str, str], _Payment] = {}
        self._by_charge: dict[str, _Payment] = {}
        self._running: _Payment | None = None
        self._reversals: dict[tuple[str, str, str], c.ReversalOutcome] = {}

    @staticmethod
    def _key(ref: c.SaleRef) -> tuple[str, str, str]:
        return (ref.pos.key_identifier, ref.sale_id, ref.sale_transaction_id)

    # -- test controls ----------------------------------------------------------------------------

    def release(self) -> None:
        """Let the running payment reach its verdict."""
        with self._lock:
            if self._running is not None:
                self._finish(self._running, aborted=False)

    def wait_running(self, timeout: float = 10.0) -> None:
        deadline = threading.Event()
        for _ in range(int(timeout / 0.01)):
            with self._lock:
                if self._running is not None:
                    return
            deadline.wait(0.01)
        raise AssertionError("no payment started")

    def _finish(self, p: _Payment, *, aborted: bool) -> None:
        amount = p.order.amount
        if aborted:
            p.outcome = replace(
                p.outcome, status=c.PaymentStatus.CANCELLED, aborted=True, message="aborted by the POS"
            )
        elif amount.amount in self.declines:
            p.outcome = replace(
                p.outcome,
                status=c.PaymentStatus.DECLINED,
                decline_code=self.declines[amount.amount],
                message="declined by the wallet",
                wallet="PayTerm Sandbox",
                code_last4="4242",
            )
        else:
            charge_id = f"ch_{len(self._by_charge) + 1:04d}"
            p.outcome = replace(
                p.outcome,
                status=c.PaymentStatus.APPROVED,
                charge_id=charge_id,
                approval_code=f"A{len(self._by_charge) + 1:05d}",
                wallet="PayTerm Sandbox",
                code_last4=(p.order.code or "0000000000004242")[-4:],
                receipt_lines=("PayTerm", "お支払い / Payment", str(amount)),
            )
            self._by_charge[charge_id] = p
        self._running = None
        p.done.set()

    # -- PaymentCore ------------------------------------------------------------------------------

    def start_payment(self, order: c.PaymentOrder, wait: float) -> c.PaymentOutcome:
        with self._lock:
            existing = self._payments.get(self._key(order.ref))
            if existing is not None:
                return existing.outcome
            if self._running is not None:
                raise c.Busy("another payment is running at this register")
            p = _Payment(order, c.PaymentOutcome(c.PaymentStatus.IN_PROGRESS, order.amount, T0))
            self._payments[self._key(order.ref)] = p
            self.orders.append(order)
            self.charges += 1
            self._running = p
            if not self.hold:
                self._finish(p, aborted=False)
        p.done.wait(wait)
        with self._lock:
            return p.outcome

    def abort(self, ref: c.SaleRef) -> c.PaymentOutcome:
        with self._lock:
            p = self._payments.get(self._key(ref))
            if p is None:
                raise c.NotFound("no such payment")
            if p.outcome.final:
                raise c.NotAllowed("the payment has already finished")
            self._finish(p, aborted=True)
            return p.outcome

    def status(self, ref: c.SaleRef) -> c.PaymentOutcome:
        with self._lock:
            p = self._payments.get(self._key(ref))
            if p is None:
                raise c.NotFound("no such payment")
            return p.outcome

    def reverse(self, order: c.ReversalOrder, wait: float) -> c.ReversalOutcome:
        with self._lock:
            self.reversal_calls += 1
            key = (order.pos.key_identifier, order.sale_id, order.service_id)
            if key in self._reversals:
                return self._reversals[key]
            p = self._by_charge.get(order.charge_id)
            if p is None:
                raise c.NotFound("no such charge")
            left = p.order.amount.amount - p.refunded
            amount = order.amount or Money(left, p.order.amount.currency)
            if amount.currency != p.order.amount.currency or amount.amount > left or amount.amount <= 0:
                raise c.NotAllowed("more than the payment's refundable amount")
            p.refunded += amount.amount
            outcome = c.ReversalOutcome(amount, f"rf_{len(self._reversals) + 1:04d}", T0)
            self._reversals[key] = outcome
            return outcome

    def reversal_status(self, pos: c.PosIdentity, sale_id: str, service_id: str) -> c.ReversalOutcome | None:
        with self._lock:
            key = (pos.key_identifier, sale_id, service_id)
            if key not in self._reversals:
                raise c.NotFound("no such reversal")
            return self._reversals[key]

    def totals(self, day: dt.date | None) -> c.Totals:
        with self._lock:
            lines: dict[tuple[str, str], list[int]] = {}
            for p in self._by_charge.values():
                debit = lines.setdefault((p.order.amount.currency, "Debit"), [0, 0])
                debit[0] += 1
                debit[1] += p.order.amount.amount
            for r in self._reversals.values():
                credit = lines.setdefault((r.reversed_amount.currency, "Credit"), [0, 0])
                credit[0] += 1
                credit[1] += r.reversed_amount.amount
        the_day = day or T0.date()
        return c.Totals(
            the_day,
            tuple(c.TotalsLine(cur, kind, n, amt) for (cur, kind), (n, amt) in sorted(lines.items())),
            the_day.strftime("%Y%m%d"),
        )

    def diagnosis(self) -> c.Diagnosis:
        with self._lock:
            busy = self._running is not None
        return c.Diagnosis(
            wallet_reachable=self.wallet_reachable, clock_ok=True, key_ok=True, scanner_ok=True, busy=busy
        )


def _check_protocol() -> c.PaymentCore:
    return FakeCore()  # mypy checks that FakeCore implements the Protocol
