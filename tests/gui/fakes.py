"""A recording stand-in for ``Register`` in window tests (the window's own unit tests): it keeps
the sale the test puts it in and notifies the window through the hooks from another thread, as
the real runner does. End-to-end tests use the real register."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any

from terminal.domain.flow import Decline, Sale, SaleState, StepUp, StepUpMethod
from terminal.domain.money import Money
from terminal.domain.affordance import Allowed
from terminal.domain.paymentcode import Classification, Rejection, Symbology
from terminal.register.register import RegisterStatus
from terminal.register.runner import Hooks

STATUS = RegisterStatus(wallet_url="http://127.0.0.1:8787", terminal_name="Register 1", merchant_name="PayTerm Demo Mart",
                        store_name="Shibuya Store", latency=0.084, clock_offset=0.4, training=True)


@dataclass
class FakeRegister:
    hooks: Hooks = field(default_factory=Hooks)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    rejection: Rejection | None = None  # what code_read answers
    status_value: RegisterStatus = STATUS
    holds_receipts: bool = False
    _sale: Sale = field(default_factory=Sale)

    @property
    def sale(self) -> Sale:
        return self._sale

    def move_to(self, sale: Sale) -> None:
        """Become ``sale`` and tell the window from a worker thread, like the runner."""
        self._sale = sale
        thread = threading.Thread(target=self.hooks.on_sale, args=(sale,))
        thread.start()
        thread.join()

    # Each request is answered by the sale's own affordances, as the real register does; only
    # the requests it lets through are recorded.

    def start_sale(self, amount: Money) -> Allowed:
        allowed = self._sale.accepts_amount()
        if allowed:
            self.calls.append(("start_sale", amount))
            self.hooks.start_scanner()
            self.move_to(Sale(SaleState.AWAITING_CODE, amount=amount))
        return allowed

    def code_read(
        self, text: str, symbology: Symbology, *, verdict: Classification | None = None,
    ) -> Rejection | None:
        self.calls.append(("code_read", (text, symbology)))
        return self.rejection

    def step_up_input(self, secret: str) -> Allowed:
        self.calls.append(("step_up_input", secret))
        return Allowed(True)

    def cancel(self) -> Allowed:
        allowed = self._sale.can_cancel()
        if allowed:
            self.calls.append(("cancel", self._sale.state))
        return allowed

    def next_sale(self) -> Allowed:
        allowed = self._sale.can_start_over()
        if allowed:
            self.calls.append(("next_sale", None))
            self.move_to(Sale())
        return allowed

    def reprint_last_receipt(self) -> None:
        self.calls.append(("reprint_last_receipt", None))

    def hold_receipts(self) -> None:
        self.holds_receipts = True  # a flag, not a call: tests compare ``calls`` with the cashier's requests

    def decline_receipt(self) -> bool:
        self.calls.append(("decline_receipt", None))
        return True

    def status(self) -> RegisterStatus:
        return self.status_value


YEN = Money(1200, "JPY")


def sale_in(state: SaleState, *, method: StepUpMethod | None = None, deadline: float = 4e9, **changes: Any) -> Sale:
    """A plausible sale in ``state`` (a step-up one with ``method``)."""
    base = Sale(state=state, amount=YEN, wallet="PayTerm Sandbox", last4="4821", idempotency_key="k-1",
                reference="register-1-20260509-abc123", charge_id="ch_1")
    if state is SaleState.STEP_UP:
        base = replace(base, step_up=StepUp(method or StepUpMethod.APP_CONFIRM, deadline, 3))
    if state is SaleState.APPROVED:
        base = replace(base, approval_code="A7K2Q9")
    if state is SaleState.DECLINED:
        base = replace(base, decline=Decline("insufficient_funds", "Insufficient funds"))
    if state is SaleState.IN_DOUBT:
        base = replace(base, doubt_deadline=deadline, note="timeout")
    return replace(base, **changes)
