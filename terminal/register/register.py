"""The register as the window and the command line use it: start a sale, hand it a scanned
code, pass step-up input, cancel, recover. Thread-safe and non-blocking (except ``recover``,
which waits for the wallet and is meant to run before the first sale, off the UI thread).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from datetime import UTC, datetime

from terminal.domain import amount_guard
from terminal.domain.affordance import Allowed, Why
from terminal.domain.flow import AmountEntered, CashierCancel, CodeRead, Sale, StepUpEntered, check_amount
from terminal.domain.money import Money
from terminal.domain.paymentcode import (
    Classification, PaymentCode, PaymentCodeClassifier, RejectReason, Rejection, Symbology,
)
from terminal.journal.mapper import to_sale
from terminal.journal.states import AuditAction
from terminal.journal.store import Journal
from terminal.register.enrollment import Enrollment
from terminal.register.anchoring import anchor_audit
from terminal.register.manager_pin import ManagerPin
from terminal.register.operations import Operations
from terminal.register.runner import Hooks, PaymentRunner
from terminal.register.wallet_effects import WalletEffects

if TYPE_CHECKING:
    from terminal.receipts.service import ReceiptService
from terminal.wallet.client import WalletClient

log = logging.getLogger(__name__)
ANCHOR_WAIT_ON_CLOSE = 2.0  # seconds a closing register gives an anchor still on its way


def new_idempotency_key() -> str:
    """The register's id source: 128 random bits, URL-safe base64 (22 characters)."""
    return secrets.token_urlsafe(16)


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
    """The register's face to its surfaces: each call reads the current sale's affordances or
    submits an event; none decides a payment rule itself."""

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
        operations: Operations,
        code_lifetime: float,
        clock: Callable[[], float] = time.time,
        ids: Callable[[], str] = new_idempotency_key,
        receipts: ReceiptService | None = None,
        limits: amount_guard.AmountLimits | None = None,
    ) -> None:
        self.limits = limits or amount_guard.AmountLimits()
        self.journal = journal
        self.client = client
        self.effects = effects
        self.runner = runner
        self.classifier = classifier
        self.enrollment = enrollment
        self.register_name = register_name
        self.operations = operations
        self.receipts = receipts
        self._code_lifetime = code_lifetime
        self._anchor_thread: threading.Thread | None = None
        self._clock = clock
        self._ids = ids
        self._sale_reference: str | None = None  # the merchant reference chosen for the coming sale

    def manager_pin(self) -> ManagerPin:
        """This register's manager PIN, as the wallet holds and checks it."""
        return ManagerPin(self.journal, self.client, self.enrollment.pin_key, clock=self._clock)

    @property
    def hooks(self) -> Hooks:
        return self.runner.hooks

    @property
    def sale(self) -> Sale:
        return self.runner.sale

    # -- a sale ---------------------------------------------------------------------------------

    def start_sale(self, amount: Money, *, reference: str | None = None) -> Allowed:
        """Begin a sale of ``amount`` (or correct the amount of one still waiting for its code).
        ``reference``: the merchant reference the sale will carry whoever reads its code (the
        POS API links its request to the sale by it); None: one is made when the code is read.
        Returns why not when the sale or the amount does not allow it. The register's maximum per
        sale holds here for every surface (the window, the CLI, the POS API); the confirm
        threshold is the window's extra step before it asks."""
        allowed = check_amount(amount)
        guard = amount_guard.check_amount(amount, self.limits, confirmed=True)
        if allowed and guard.check is amount_guard.AmountCheck.TOO_LARGE and guard.limit is not None:
            allowed = Allowed.no(Why.OVER_MAXIMUM, f"{amount.format()} is above this register's maximum per "
                                                   f"sale ({guard.limit.format()})")
        if allowed:
            allowed = self.sale.accepts_amount()
        if not allowed:
            return allowed
        if self.sale.is_final:
            self.runner.new_sale()
        self._sale_reference = reference
        self.runner.submit(AmountEntered(amount, self._clock()))
        return allowed

    def code_read(
        self, text: str, symbology: Symbology, *, reference: str | None = None,
        verdict: Classification | None = None,
    ) -> Rejection | None:
        """Take a scanned or typed code: if the sale waits for one and it is a payment code this
        register takes and has not seen, the sale's intent is committed and the charge sent.
        ``verdict`` is the scanner's classification, which travels with the read: a code is
        classified once. Returns why not, otherwise None."""
        sale = self.sale
        allowed = sale.accepts_code()
        if not allowed or sale.amount is None:
            reason = RejectReason.BUSY if allowed.why is Why.BUSY else RejectReason.NOT_READY
            return Rejection.of(reason)
        classified = verdict if verdict is not None else self.classifier.classify(text.strip(), symbology)
        if isinstance(classified, Rejection):
            return classified
        return self._send(classified, reference)

    def _send(self, code: PaymentCode, reference: str | None) -> Rejection | None:
        now = self._clock()
        at = datetime.fromtimestamp(now, UTC)
        fp = self.journal.fingerprint(code.value)
        if self.journal.code_seen_recently(fp.hash, at, self._code_lifetime):
            return Rejection.of(RejectReason.ALREADY_USED, code.scheme)
        reference = reference or self._sale_reference or self._new_reference(at)
        self._sale_reference = None
        self.runner.submit(CodeRead(
            code.value, code.wallet_name, fp.last4, self._ids(), reference, now,
            code_hash=fp.hash,
        ))
        return None

    def _new_reference(self, at: datetime) -> str:
        name = "".join(c for c in self.register_name if c.isalnum() or c in "-_")[:24] or "register"
        return f"{name}-{at:%Y%m%d%H%M%S}-{secrets.token_hex(3)}"

    def now(self) -> float:
        return self._clock()

    def step_up_input(self, secret: str) -> Allowed:
        allowed = self.sale.accepts_secret()
        if allowed:
            self.runner.submit(StepUpEntered(secret, self._clock()))
        return allowed

    def cancel(self) -> Allowed:
        allowed = self.sale.can_cancel()
        if allowed:
            self.runner.submit(CashierCancel(self._clock()))
        return allowed

    def next_sale(self) -> Allowed:
        """The next sale; a receipt waiting for the cashier's choice is printed."""
        allowed = self.sale.can_start_over()
        if allowed:
            if self.receipts is not None:
                self.receipts.release_pending()
            self.runner.new_sale()
        return allowed

    def hold_receipts(self) -> None:
        """A cashier window offers "No receipt": an approved sale's receipt waits for its choice."""
        if self.receipts is not None:
            self.receipts.hold_for_choice()

    def decline_receipt(self) -> bool:
        """The customer wants no receipt for the sale just approved: nothing is printed and the
        audit log says so. False when no receipt was waiting (none configured, or printed)."""
        if self.receipts is None:
            return False
        sale = self.sale

        def record(key: str) -> None:
            reference = sale.reference if sale.idempotency_key == key else None
            self.journal.record_manager_action(
                AuditAction.RECEIPT_DECLINED, actor="cashier",
                at=datetime.fromtimestamp(self._clock(), UTC),
                details={"key": key, **({"reference": reference} if reference else {})})
        return self.receipts.decline_pending(record)

    def wait_final(self, timeout: float | None = None) -> Sale:
        return self.runner.wait_final(timeout)

    def wait_change(self, seen: Sale, timeout: float | None = None) -> Sale:
        """The committed sale once it is another than ``seen`` (or ``seen`` after the timeout)."""
        return self.runner.wait_change(seen, timeout)

    # -- start-up -------------------------------------------------------------------------------

    def unfinished(self) -> list[Sale]:
        return [to_sale(r) for r in self.journal.unfinished_sales()]

    def recover(self, timeout_each: float | None = None) -> list[Sale]:
        """Resolve every unfinished sale with the wallet (status, then cancel), one by one, and
        every unfinished refund, void or reversal, before a new sale is taken. Returns the final
        states the sales reached; the last one stays on screen as the current sale's verdict."""
        done: list[Sale] = []
        for record in self.journal.unfinished_sales():
            # The crashed run may have signed its charge until the charge timeout had passed.
            self.effects.note_sent(
                record.idempotency_key, record.created_at.timestamp() + self.client.timeouts.charge,
            )
            log.info("recovering sale %s (%s)", record.merchant_reference, record.state.value)
            self.runner.resume(to_sale(record))
            done.append(self.runner.wait_final(timeout_each))
        self.operations.resume()
        self._anchor_in_background()  # after recovery: the head it anchors is settled
        return done

    def _anchor_in_background(self) -> None:
        """Anchor the audit head at the wallet on its own thread, so that a slow or unreachable
        wallet never holds the first sale; a failure is logged and retried at the next start."""
        def run() -> None:
            try:
                anchor_audit(self.journal, self.client)
            except Exception:  # e.g. the register closed meanwhile: next start tries again
                log.warning("anchoring the audit log did not finish", exc_info=True)
        self._anchor_thread = threading.Thread(target=run, name="payterm-audit-anchor", daemon=True)
        self._anchor_thread.start()

    def wait_anchored(self, timeout: float | None = None) -> None:
        """Wait for the start-up anchor (tests, and ``close``)."""
        thread = self._anchor_thread
        if thread is not None:
            thread.join(timeout)

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
        self.wait_anchored(ANCHOR_WAIT_ON_CLOSE)
        self.runner.close()
        if self.receipts is not None:
            self.receipts.close()
        self.client.close()
        self.journal.close()
