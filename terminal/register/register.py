"""The register as the window and the command line use it: start a sale, hand it a scanned
code, pass step-up input, cancel, recover. Thread-safe and non-blocking (except ``recover``,
which waits for the wallet and is meant to run before the first sale, off the UI thread).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from datetime import UTC, datetime

from terminal.domain.flow import (
    AmountEntered, CashierCancel, CodeRead, Sale, SaleState, StepUpEntered,
)
from terminal.domain.money import Money
from terminal.domain.paymentcode import (
    PaymentCode, PaymentCodeClassifier, RejectReason, Rejection, Symbology,
)
from terminal.journal.store import Journal
from terminal.register.enrollment import Enrollment
from terminal.register.journal_store import to_sale
from terminal.register.operations import resume_operations
from terminal.register.runner import Hooks, PaymentRunner
from terminal.register.wallet_effects import WalletEffects

if TYPE_CHECKING:
    from terminal.receipts.service import ReceiptService
from terminal.wallet.client import WalletClient

log = logging.getLogger(__name__)

NOT_READY = "Enter the amount first, then scan the code."
BUSY = "A payment is in progress: finish or cancel it first."


@dataclass(frozen=True)
class RegisterStatus:
    wallet_url: str
    terminal_name: str
    merchant_name: str
    store_name: str
    latency: float | None  # seconds, last wallet exchange
    clock_offset: float | None  # wallet clock minus ours, seconds
    training: bool  # talking to a sandbox wallet: nothing is real money


class Register:
    def __init__(
        self,
        *,
        journal: Journal,
        client: WalletClient,
        effects: WalletEffects,
        runner: PaymentRunner,
        classifier: PaymentCodeClassifier,
        enrollment: Enrollment,
        register_name: str,
        code_lifetime: float = 120.0,
        clock: Callable[[], float] = time.time,
        receipts: ReceiptService | None = None,
    ) -> None:
        self.journal = journal
        self.client = client
        self.effects = effects
        self.runner = runner
        self.classifier = classifier
        self.enrollment = enrollment
        self.register_name = register_name
        self.receipts = receipts
        self._code_lifetime = code_lifetime
        self._clock = clock

    @property
    def hooks(self) -> Hooks:
        return self.runner.hooks

    @property
    def sale(self) -> Sale:
        return self.runner.sale

    # -- a sale ---------------------------------------------------------------------------------

    def start_sale(self, amount: Money) -> None:
        if amount.amount <= 0:
            raise ValueError("a sale needs an amount above zero")
        if self.sale.state.is_final:
            self.runner.new_sale()
        self.runner.submit(AmountEntered(amount, self._clock()))

    def code_read(self, text: str, symbology: Symbology, *, reference: str | None = None) -> Rejection | None:
        """Check a scanned or typed code and, if it is a payment code this register takes and
        has not seen, commit the sale's intent and send it. Returns why not, otherwise None."""
        sale = self.sale
        if sale.state is not SaleState.AWAITING_CODE or sale.amount is None:
            message = NOT_READY if sale.state in {SaleState.IDLE} or sale.state.is_final else BUSY
            return Rejection(RejectReason.NOT_A_PAYMENT_CODE, message)
        verdict = self.classifier.classify(text.strip(), symbology)
        if isinstance(verdict, Rejection):
            return verdict
        return self._send(verdict, sale.amount, reference)

    def _send(self, code: PaymentCode, amount: Money, reference: str | None) -> Rejection | None:
        now = self._clock()
        at = datetime.fromtimestamp(now, UTC)
        fp = self.journal.fingerprint(code.value)
        if self.journal.code_seen_recently(fp.hash, at, self._code_lifetime):
            return Rejection.of(RejectReason.ALREADY_USED, code.scheme)
        record = self.journal.record_intent(
            amount=amount, code=fp, merchant_reference=reference or self._new_reference(at),
            wallet=code.wallet_name, created_at=at,
        )
        self.runner.submit(CodeRead(
            code.value, code.wallet_name, fp.last4, record.idempotency_key, record.merchant_reference, now,
        ))
        return None

    def _new_reference(self, at: datetime) -> str:
        name = "".join(c for c in self.register_name if c.isalnum() or c in "-_")[:24] or "register"
        return f"{name}-{at:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"

    def now(self) -> float:
        return self._clock()

    def step_up_input(self, secret: str) -> None:
        self.runner.submit(StepUpEntered(secret, self._clock()))

    def cancel(self) -> None:
        if self.sale.state.cancellable:
            self.runner.submit(CashierCancel(self._clock()))

    def next_sale(self) -> None:
        self.runner.new_sale()

    def wait_final(self, timeout: float | None = None) -> Sale:
        return self.runner.wait_final(timeout)

    # -- start-up -------------------------------------------------------------------------------

    def unfinished(self) -> list[Sale]:
        return [to_sale(r) for r in self.journal.unfinished_sales()]

    def recover(self, timeout_each: float | None = None) -> list[Sale]:
        """Resolve every unfinished sale with the wallet (status, then cancel), one by one, before
        a new sale is taken. Returns the final states reached."""
        done: list[Sale] = []
        for record in self.journal.unfinished_sales():
            # The crashed run may have signed its charge until the charge timeout had passed.
            self.effects.note_sent(
                record.idempotency_key, record.created_at.timestamp() + self.client.timeouts.charge,
            )
            log.info("recovering sale %s (%s)", record.merchant_reference, record.state.value)
            self.runner.resume(to_sale(record))
            done.append(self.runner.wait_final(timeout_each))
        resume_operations(self.journal, self.client)
        if done:
            self.runner.new_sale()
        return done

    def status(self) -> RegisterStatus:
        return RegisterStatus(
            wallet_url=self.enrollment.wallet_url, terminal_name=self.enrollment.terminal_name,
            merchant_name=self.enrollment.merchant_name, store_name=self.enrollment.store_name,
            latency=self.client.last_latency, clock_offset=self.client.clock_offset,
            training=self.enrollment.training,
        )

    def reprint_last_receipt(self) -> None:
        """Print the last finished sale's receipts again (marked as a reprint). Never blocks."""
        if self.receipts is not None:
            self.receipts.reprint_last()

    def close(self) -> None:
        self.runner.close()
        if self.receipts is not None:
            self.receipts.close()
        self.client.close()
        self.journal.close()
