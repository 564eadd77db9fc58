"""Values going into and coming out of the journal (frozen; no dicts cross the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from terminal.domain.day_close import DayFigures
from terminal.domain.money import Money
from terminal.domain.operation import GivenBack, SaleBalance
from terminal.journal.errors import InvalidRecordError
from terminal.journal.states import OperationKind, OperationState, SaleState, StepUpMethod

_DB_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


def to_db_time(value: datetime) -> str:
    """UTC, fixed width: text order is time order, so range queries work on the column."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRecordError(f"time must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC).strftime(_DB_TIME)


def from_db_time(text: str) -> datetime:
    return datetime.strptime(text, _DB_TIME).replace(tzinfo=UTC)


@dataclass(frozen=True)
class CodeFingerprint:
    """What the journal keeps of a payment code: a keyed hash and the last four characters."""

    hash: str
    last4: str


@dataclass(frozen=True)
class SaleRecord:
    idempotency_key: str
    amount: int  # minor units of ``currency``
    currency: str
    code_hash: str
    code_last4: str
    merchant_reference: str
    wallet: str
    state: SaleState
    created_at: datetime
    updated_at: datetime
    charge_id: str | None
    approval_code: str | None
    decline_code: str | None
    decline_message: str | None
    step_up_method: StepUpMethod | None
    step_up_expires_at: datetime | None
    deadline: datetime | None
    cancel_requested: bool = False

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


@dataclass(frozen=True)
class OperationRecord:
    """A refund or void: its own idempotency key and life, linked to the sale it gives back."""

    idempotency_key: str
    kind: OperationKind
    sale_key: str
    charge_id: str | None
    amount: int
    currency: str
    state: OperationState
    actor: str
    reason: str
    created_at: datetime
    updated_at: datetime
    wallet_ref: str | None
    error_code: str | None
    error_message: str | None
    authorization: str | None = None  # the sealed manager authorization sent with it (opaque JSON)

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)


@dataclass(frozen=True)
class SaleEntry:
    """A sale with every refund, void and reversal of it: what history screens show."""

    sale: SaleRecord
    operations: tuple[OperationRecord, ...]

    @property
    def balance(self) -> SaleBalance:
        """What was given back and what is left (the day rule of a void needs the store's zone:
        ask ``terminal.register.operations`` for that)."""
        return SaleBalance.of(
            state=self.sale.state, amount=self.sale.money, sold_on=self.sale.created_at.date(),
            given=(GivenBack(op.kind, op.state, op.money) for op in self.operations),
        )


@dataclass(frozen=True)
class HistoryQuery:
    """Filters for the manager's history screen and ``payterm history``; all optional, ANDed."""

    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    amount: int | None = None
    currency: str | None = None
    last4: str | None = None
    reference: str | None = None
    state: SaleState | None = None
    limit: int = 1000


# One currency's figures over a span (`payterm history`, reconciliation): the same figures a Z
# close freezes (terminal.domain.day_close).
CurrencyTotals = DayFigures


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    details: str  # canonical JSON
    prev_hash: str
    hash: str
    signature: str | None = None  # base64, by the device key over the hash (schema v6 on)


class BreakKind(StrEnum):
    EDITED = "edited"  # the entry's contents no longer match its hash
    DELETED = "deleted"  # a gap in the sequence numbers
    REORDERED = "reordered"  # the entry links to an entry that is not the one before it
    BAD_PREV_HASH = "bad_prev_hash"  # links to a hash that no entry has (the previous was rewritten)
    TRUNCATED = "truncated"  # the tail is gone: the head row names a later entry
    HEAD_MISMATCH = "head_mismatch"  # the last entry is not the one the head row names
    UNSIGNED = "unsigned"  # an entry after the first signed one has no signature (or all were stripped)
    BAD_SIGNATURE = "bad_signature"  # the signature is not the device key's over the entry's hash
    ROW_MISMATCH = "row_mismatch"  # a sale, operation or manager-PIN row disagrees with its latest entry
    ANCHOR = "anchor"  # the wallet's anchor receipt is forged, or names an entry the log no longer has


@dataclass(frozen=True)
class AnchorReceipt:
    """The wallet's signed receipt for an anchored audit head (``POST /v1/devices/audit-anchor``)."""

    device_id: str
    seq: int
    head_hash: str
    anchored_at: str
    keyid: str
    signature: str  # base64, the wallet's key over ``terminal.journal.anchor.receipt_message``


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    kind: BreakKind
    message: str


@dataclass(frozen=True)
class ChainVerification:
    """``ok`` with the entry count, or the first broken link."""

    count: int
    head_hash: str | None
    broken: ChainBreak | None
    unsigned_before: int = 0  # entries from before the keyed chain (before v6 or before a device key)
    signatures_checked: bool = True  # False: signed entries, but no device public key to check them with
    anchor: AnchorReceipt | None = None  # the latest receipt, verified (None: never anchored)
    not_anchored: tuple[AuditEntry, ...] = ()  # entries after the anchored head

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass(frozen=True)
class DayCloseRecord:
    """A Z close as frozen in the journal: read back (and reprinted) exactly as it was closed.
    ``first_sale`` / ``last_sale`` are (merchant reference, time) of the oldest and newest sale it
    took: the range of sales covered."""

    z_number: int
    business_day: date
    closed_at: datetime
    timezone: str
    actor: str
    sale_count: int
    operation_count: int
    first_sale: tuple[str, datetime] | None
    last_sale: tuple[str, datetime] | None
    figures: tuple[DayFigures, ...]
