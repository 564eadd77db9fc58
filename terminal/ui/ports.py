"""What the window needs of the register: a small protocol, so that a panel test can drive the
window with a recording fake and the real ``Register`` fits as is."""

from __future__ import annotations

from typing import Protocol

from terminal.domain.flow import Sale
from terminal.domain.money import Money
from terminal.domain.affordance import Allowed
from terminal.domain.paymentcode import Classification, Rejection, Symbology
from terminal.register.register import RegisterStatus
from terminal.register.runner import Hooks


class RegisterPort(Protocol):
    """``terminal.register.register.Register`` as the window uses it. Never blocks."""

    @property
    def hooks(self) -> Hooks: ...

    @property
    def sale(self) -> Sale: ...

    def start_sale(self, amount: Money) -> Allowed: ...

    def code_read(
        self, text: str, symbology: Symbology, *, verdict: Classification | None = None,
    ) -> Rejection | None: ...

    def step_up_input(self, secret: str) -> Allowed: ...

    def cancel(self) -> Allowed: ...

    def next_sale(self) -> Allowed: ...

    def reprint_last_receipt(self) -> None: ...

    def hold_receipts(self) -> None: ...

    def decline_receipt(self) -> bool: ...

    def status(self) -> RegisterStatus: ...


class WalletLink(Protocol):
    """What the window's wallet status needs of the wallet client
    (``terminal.wallet.client.WalletClient`` fits as is): when calls last failed and succeeded
    (on the client's clock), and a signed probe. ``probe`` blocks: call it off the UI thread."""

    @property
    def last_failure(self) -> float | None: ...

    @property
    def last_success(self) -> float | None: ...

    def probe(self, timeout: float = 1.0) -> float: ...
