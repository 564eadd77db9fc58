"""What the demo's phone window and launcher need of a sandbox wallet, as a protocol: the
window never imports the sandbox (``terminal/demo_cli.py`` starts it and implements this)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from terminal.domain.flow import StepUpMethod


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    display_name: str
    note: str  # what this customer demonstrates ("always asks for the PIN")


@dataclass(frozen=True)
class PendingStepUp:
    charge_id: str
    method: StepUpMethod
    amount: str  # as the wallet formats it
    expires_at: datetime
    otp: str | None  # shown to the customer for ``otp``
    payee: str = ""  # merchant and store, as the customer is asked to approve them


@dataclass(frozen=True)
class PhoneState:
    customer: str
    display_name: str
    balance: str
    payment_code: str
    code_expires_at: datetime
    step_ups: tuple[PendingStepUp, ...]
    server_time: datetime


class DemoBackend(Protocol):
    """A running sandbox wallet. The methods that talk to it block: call them off the UI thread."""

    @property
    def wallet_url(self) -> str: ...

    @property
    def customers(self) -> Sequence[DemoCustomer]: ...

    @property
    def demo_pin(self) -> str: ...

    def enrollment_code(self) -> str: ...

    def wallet_page_url(self, customer: str) -> str: ...

    def phone_state(self, customer: str) -> PhoneState: ...

    def answer_step_up(self, customer: str, charge_id: str, approve: bool) -> None: ...

    def close(self) -> None: ...
