"""What the local Terminal API needs from the register's payment core, and nothing more.

The handlers (``terminal.pos.handlers``) are written against this Protocol only; the register
provides the one real implementation (an adapter over its payment aggregate, built where the
register is composed). Every money rule stays in the core: the API never decides whether a
payment may start, be cancelled or be refunded; it asks and reports the answer.

A payment is known to the core by the POS's own ids (``SaleRef``: which POS, its SaleID and its
SaleTransactionID); the core remembers which POS asked (the journal records ``SaleRef.pos``).

Errors the core may raise from any method, each mapped to one nexo ErrorCondition:

- ``Busy``: another payment is running on this register (from any POS or the cashier).
- ``NotFound``: no payment or charge with these ids.
- ``NotAllowed``: the request is valid but its rule forbids it now (refund over the amount,
  void after the day, manager refused or did not answer, abort of a finished payment).
- ``Unavailable``: the register cannot serve now (not enrolled, journal or key store failing).
Anything else is a bug and answered as ``UnavailableService`` without detail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from terminal.domain.money import Money


class PaymentCoreError(Exception):
    """Base of the refusals a PaymentCore may raise; the message is short and may be shown.
    ``code``: a stable word for why, where there is one (``Why`` values: ``zero_amount``,
    ``over_maximum``, ``wrong_currency``, ``busy``), for surfaces that print codes."""

    def __init__(self, message: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class Busy(PaymentCoreError):
    pass


class NotFound(PaymentCoreError):
    pass


class NotAllowed(PaymentCoreError):
    pass


class Unavailable(PaymentCoreError):
    pass


@dataclass(frozen=True, slots=True)
class PosIdentity:
    """The paired POS that asked: its key identifier (unique) and the name given at pairing."""

    key_identifier: str
    name: str


@dataclass(frozen=True, slots=True)
class SaleRef:
    pos: PosIdentity
    sale_id: str
    sale_transaction_id: str


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    """A POS's request to take a payment."""

    ref: SaleRef
    amount: Money
    sale_reference_id: str | None = None
    code: str | None = None  # a payment code the POS's own scanner read; None: PayTerm scans
    merchant_reference: str | None = None  # the sale's reference at the wallet; None: the core makes one

    def __repr__(self) -> str:  # never show a payment code
        return (
            f"PaymentOrder({self.ref!r}, {self.amount!r}, {self.sale_reference_id!r}, "
            f"code={'<given>' if self.code else None}, {self.merchant_reference!r})"
        )


class PaymentStatus(StrEnum):
    IN_PROGRESS = "in_progress"  # not final yet (awaiting code, authorizing, step-up, in doubt)
    APPROVED = "approved"
    DECLINED = "declined"  # the wallet or the register refused; ``decline_code`` says why
    CANCELLED = "cancelled"  # cancelled by the cashier or an abort; nothing charged
    REVERSED = "reversed"  # the outcome was unknown and it was reversed; nothing charged


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    """Where a payment stands. Final unless ``status`` is IN_PROGRESS."""

    status: PaymentStatus
    amount: Money
    created_at: datetime  # when the register took the request (aware, UTC)
    charge_id: str | None = None  # the wallet's charge id: the POITransactionID
    approval_code: str | None = None
    decline_code: str | None = None  # a wallet decline code (docs/wallet-api.md) or a local one
    message: str | None = None  # short text for people about a decline or cancel
    wallet: str | None = None  # the wallet scheme's name
    code_last4: str | None = None
    aborted: bool = False  # CANCELLED because the POS asked (AbortRequest)
    receipt_lines: tuple[str, ...] = ()  # the customer receipt, Japanese and English lines
    rejected: str | None = None  # DECLINED by the register before any request: the RejectReason value
    reference: str | None = None  # the sale's merchant reference
    idempotency_key: str | None = None  # the sale's key at the wallet, once its intent is committed

    @property
    def final(self) -> bool:
        return self.status is not PaymentStatus.IN_PROGRESS


@dataclass(frozen=True, slots=True)
class ReversalOrder:
    pos: PosIdentity
    sale_id: str
    service_id: str  # the ReversalRequest's own ServiceID: the idempotency of this reversal
    charge_id: str  # the POITransactionID of the payment
    amount: Money | None  # None: the whole payment (void or full refund); else a partial refund
    reason: str


@dataclass(frozen=True, slots=True)
class ReversalOutcome:
    reversed_amount: Money
    reversal_id: str  # the wallet's id of the refund or cancel
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TotalsLine:
    currency: str
    kind: str  # "Debit" (payments) or "Credit" (refunds), nexo TransactionType
    count: int
    amount: int  # minor units


@dataclass(frozen=True, slots=True)
class Totals:
    day: date
    lines: tuple[TotalsLine, ...]
    reconciliation_id: str  # stable per day, e.g. "20261203"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    wallet_reachable: bool
    clock_ok: bool
    key_ok: bool
    scanner_ok: bool
    busy: bool
    details: dict[str, str] = field(default_factory=dict)


class PaymentCore(Protocol):
    def start_payment(self, order: PaymentOrder, wait: float) -> PaymentOutcome:
        """Take a payment and block until its verdict, at most ``wait`` seconds.

        Idempotent on ``order.ref``: if a payment with this ref exists (running, finished, or
        recovered after a restart), nothing new is charged; its current outcome is returned at
        once, without waiting. A new ref starts a payment (committed before any wallet call);
        its code comes from ``order.code`` or the register's own scanner; step-up happens on
        PayTerm's screen. Returns an IN_PROGRESS outcome if no verdict came within ``wait``:
        the payment goes on and ``status`` tells its end. Raises ``Busy`` if another payment is
        running, ``NotAllowed`` for an amount or currency this register refuses, ``Unavailable``.
        """
        ...

    def abort(self, ref: SaleRef) -> PaymentOutcome:
        """Ask the running payment ``ref`` to stop; returns at once, not waiting for the end.

        Before a code was read it is cancelled here; after, it is cancelled at the wallet (the
        core's reversal rules). Raises ``NotFound`` for an unknown ref and ``NotAllowed`` when
        the payment is already final. Calling it again while the cancel runs is harmless.
        """
        ...

    def status(self, ref: SaleRef) -> PaymentOutcome:
        """The payment's outcome now (non-blocking, read-only); ``NotFound`` if unknown. After a
        restart, a payment that was running is resolved by the register's recovery and reported
        IN_PROGRESS until then."""
        ...

    def reverse(self, order: ReversalOrder, wait: float) -> ReversalOutcome:
        """Void (``amount`` None on a same-day payment) or refund, authorized by the manager on
        PayTerm's screen, blocking at most ``wait`` s for that. Idempotent on (``pos``,
        ``sale_id``, ``service_id``): a repeat returns the first outcome. Raises ``NotFound``
        (unknown charge), ``NotAllowed`` (over the refundable amount, manager refused or no
        answer within ``wait``), ``Unavailable``."""
        ...

    def reversal_status(self, pos: PosIdentity, sale_id: str, service_id: str) -> ReversalOutcome | None:
        """The outcome of the reversal asked under (``pos``, ``sale_id``, ``service_id``): None while
        it is still waiting or running, ``NotFound`` if the core never took it, ``NotAllowed`` if it
        was refused (the message says why). Non-blocking, read-only."""
        ...

    def totals(self, day: date | None) -> Totals:
        """The day's totals from the journal (``None``: today in the store's time zone)."""
        ...

    def diagnosis(self) -> Diagnosis:
        """The doctor's answer: wallet reachable, clock, key, scanner. Non-blocking beyond one
        short wallet probe."""
        ...
