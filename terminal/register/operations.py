"""Money back on a journalled sale: void (cancel a same-day approved charge) and refund (full
or partial), each with its own idempotency key.

The order is the journal's: the intent is committed before the request is sent, the answer
after. A request whose answer is lost stays IN_DOUBT and is sent again, with the same key and
the same body, by ``resume_operations`` at start-up: the wallet then replays its first answer
(refunds) or finds the charge already cancelled (voids), so nothing is given back twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from terminal.domain.money import Money
from terminal.journal.errors import JournalError
from terminal.journal.records import HistoryQuery, OperationAnswer, OperationRecord, SaleRecord
from terminal.journal.states import OperationKind, OperationState, SaleState
from terminal.journal.store import Journal
from terminal.wallet import messages as m
from terminal.wallet.client import WalletClient
from terminal.wallet.errors import NotFound, UnverifiedResponse, WalletError, WalletRejected

log = logging.getLogger(__name__)


class OperationError(Exception):
    """A void or refund that cannot be asked for; the message says why in a manager's words.

        OperationError
        ├── SaleNotFound       no journalled sale matches the reference, key or charge id
        ├── AmbiguousSale      several approved sales share the reference: use --key
        └── NotAllowed         not approved, already refunded, too late to void, over-refund
    """


class SaleNotFound(OperationError):
    pass


class AmbiguousSale(OperationError):
    pass


class NotAllowed(OperationError):
    pass


@dataclass(frozen=True)
class OperationResult:
    """Where a void or refund ended up. ``repeated``: an identical void had already succeeded,
    so nothing was sent this time."""

    operation: OperationRecord
    sale: SaleRecord
    repeated: bool = False

    @property
    def state(self) -> OperationState:
        return self.operation.state


@dataclass(frozen=True)
class SaleSelector:
    """Which sale: exactly one of its merchant reference, its idempotency key, its charge id."""

    reference: str | None = None
    key: str | None = None
    charge_id: str | None = None


def find_sale(journal: Journal, client: WalletClient, selector: SaleSelector) -> SaleRecord:
    """The one journalled sale the selector names (an approved one when a reference repeats)."""
    if selector.key is not None:
        sale = journal.sale(selector.key)
        if sale is None:
            raise SaleNotFound(f"no sale with idempotency key {selector.key} in the journal")
        return sale
    if selector.charge_id is not None:
        return _by_charge_id(journal, client, selector.charge_id)
    if selector.reference is None:
        raise SaleNotFound("name the sale: a reference, an idempotency key or a charge id")
    sales = journal.history(HistoryQuery(reference=selector.reference))
    if not sales:
        raise SaleNotFound(f"no sale with reference {selector.reference!r} in the journal")
    approved = [s for s in sales if s.state is SaleState.APPROVED]
    if len(approved) > 1:
        keys = ", ".join(s.idempotency_key for s in approved)
        raise AmbiguousSale(f"{len(approved)} approved sales have reference {selector.reference!r}; "
                            f"name one with --key ({keys})")
    return approved[0] if approved else sales[0]


def _by_charge_id(journal: Journal, client: WalletClient, charge_id: str) -> SaleRecord:
    """The wallet knows the charge's reference; the journal row is then found by it."""
    try:
        charge = client.get_charge(charge_id)
    except NotFound:
        raise SaleNotFound(f"the wallet has no charge {charge_id} of this register") from None
    except ValueError as exc:
        raise SaleNotFound(str(exc)) from None
    for sale in journal.history(HistoryQuery(reference=charge.merchant_reference)):
        if sale.charge_id == charge_id:
            return sale
    raise SaleNotFound(f"charge {charge_id} ({charge.merchant_reference}) is not in this register's journal")


class Operations:
    def __init__(
        self,
        journal: Journal,
        client: WalletClient,
        *,
        timezone: str,
        actor: str = "manager",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.journal = journal
        self.client = client
        self._zone = ZoneInfo(timezone)
        self._actor = actor
        self._clock = clock

    # -- asking ---------------------------------------------------------------------------------

    def left_to_refund(self, sale: SaleRecord) -> Money:
        """What of the sale can still be given back: failed operations do not count."""
        given = sum(op.amount for op in self._operations(sale) if op.state is not OperationState.FAILED)
        return Money(sale.amount - given, sale.currency)

    def void(self, sale: SaleRecord) -> OperationResult:
        """Cancel an approved sale of today (store-local day) at the wallet. Asking again after
        it succeeded sends nothing; asking while one is in doubt finishes that one."""
        self._check_approved(sale, "voided")
        done = [op for op in self._operations(sale) if op.kind is OperationKind.VOID]
        for op in done:
            if op.state is OperationState.SUCCEEDED:
                return OperationResult(op, sale, repeated=True)
            if not op.state.is_final:
                return self._send(op, sale)
        if any(op.state is not OperationState.FAILED for op in self._operations(sale)):
            raise NotAllowed(f"sale {sale.merchant_reference} has refunds; a void is no longer possible: "
                             f"refund what is left ({self.left_to_refund(sale).format()}) instead")
        today = datetime.fromtimestamp(self._clock(), self._zone).date()
        sold = sale.created_at.astimezone(self._zone).date()
        if sold != today:
            raise NotAllowed(f"sale {sale.merchant_reference} was on {sold.isoformat()}; a void is only "
                             "possible on the day of the sale: refund it instead")
        op = self._intent(OperationKind.VOID, sale, None, "")
        return self._send(op, sale)

    def refund(self, sale: SaleRecord, amount: Money | None = None, reason: str = "") -> OperationResult:
        """Give back ``amount`` (default: all that is left) of an approved sale. Refunds of this
        sale still in doubt are finished first, so "what is left" is the wallet's truth."""
        self._check_approved(sale, "refunded")
        for op in self._operations(sale):
            if not op.state.is_final:
                self._send(op, sale)
        left = self.left_to_refund(sale)
        value = left if amount is None else amount
        if value.currency != sale.currency:
            raise NotAllowed(f"sale {sale.merchant_reference} was in {sale.currency}, not {value.currency}")
        if left.amount <= 0:
            raise NotAllowed(f"sale {sale.merchant_reference} ({sale.money.format()}) is already fully "
                             "refunded or voided: nothing is left to give back")
        if value.amount <= 0:
            raise NotAllowed("a refund needs an amount above zero")
        if value.amount > left.amount:
            raise NotAllowed(f"refund of {value.format()} refused: only {left.format()} of sale "
                             f"{sale.merchant_reference} ({sale.money.format()}) is left to refund")
        op = self._intent(OperationKind.REFUND, sale, value, reason)
        return self._send(op, sale)

    def resume(self) -> list[OperationResult]:
        """Send every unfinished void and refund again, oldest first (start-up recovery)."""
        results: list[OperationResult] = []
        for op in self.journal.unfinished_operations():
            sale = self.journal.sale(op.sale_key)
            if sale is None:
                raise JournalError(f"operation {op.idempotency_key} names a sale the journal does not have")
            log.info("resolving %s %s of sale %s (%s)", op.kind.value, op.idempotency_key,
                     sale.merchant_reference, op.state.value)
            results.append(self._send(op, sale))
        return results

    # -- the request and its answer -------------------------------------------------------------

    def _send(self, op: OperationRecord, sale: SaleRecord) -> OperationResult:
        """One request for an operation whose intent is committed; the answer is committed."""
        charge_id = sale.charge_id
        if charge_id is None:
            return self._answer(op, sale, OperationAnswer(
                OperationState.FAILED, error_code="no_charge", error_message="the sale has no wallet charge id"))
        try:
            if op.kind is OperationKind.VOID:
                answer = self._cancel(charge_id)
            else:
                answer = self._refund(op, charge_id)
        except WalletRejected as exc:
            answer = OperationAnswer(OperationState.FAILED, error_code=exc.code or str(exc.status),
                                     error_message=exc.title + (f" ({exc.detail})" if exc.detail else ""))
        except WalletError as exc:
            if exc.outcome_unknown:
                answer = OperationAnswer(OperationState.IN_DOUBT, error_code="outcome_unknown",
                                         error_message=str(exc))
            elif op.state is OperationState.REQUESTED:
                # Nothing can have reached the wallet, now or before: the manager may try again.
                answer = OperationAnswer(OperationState.FAILED, error_code="not_sent", error_message=str(exc))
            else:
                # An earlier attempt may have arrived: keep asking.
                answer = OperationAnswer(OperationState.IN_DOUBT, error_code="not_sent", error_message=str(exc))
        return self._answer(op, sale, answer)

    def _cancel(self, charge_id: str) -> OperationAnswer:
        charge = self.client.cancel_charge(charge_id)
        if charge.status is not m.ChargeStatus.CANCELLED:
            raise UnverifiedResponse(f"the wallet answered a cancel with status {charge.status.value}",
                                     code="unexpected_status")
        return OperationAnswer(OperationState.SUCCEEDED, wallet_ref=charge.id)

    def _refund(self, op: OperationRecord, charge_id: str) -> OperationAnswer:
        # The body comes from the journal row alone: a resend is byte-for-byte the same request.
        request = m.RefundRequest(amount=op.amount, currency=op.currency, reason=op.reason or None)
        refund = self.client.refund(charge_id, op.idempotency_key, request)
        if (refund.charge_id, refund.amount, refund.currency) != (charge_id, op.amount, op.currency):
            raise UnverifiedResponse("the wallet answered about another refund", code="mismatched_answer")
        return OperationAnswer(OperationState.SUCCEEDED, wallet_ref=refund.id)

    # -- helpers --------------------------------------------------------------------------------

    def _answer(self, op: OperationRecord, sale: SaleRecord, answer: OperationAnswer) -> OperationResult:
        record = self.journal.record_operation_answer(op.idempotency_key, answer, self._now())
        return OperationResult(record, sale)

    def _intent(self, kind: OperationKind, sale: SaleRecord, amount: Money | None, reason: str) -> OperationRecord:
        try:
            return self.journal.record_operation_intent(
                kind=kind, sale_key=sale.idempotency_key, at=self._now(), actor=self._actor,
                amount=amount, reason=reason,
            )
        except JournalError as exc:
            raise NotAllowed(str(exc)) from None

    def _operations(self, sale: SaleRecord) -> list[OperationRecord]:
        return self.journal.reader.operations_for_sale(sale.idempotency_key)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    @staticmethod
    def _check_approved(sale: SaleRecord, what: str) -> None:
        if sale.state is not SaleState.APPROVED:
            raise NotAllowed(f"sale {sale.merchant_reference} is {sale.state.value}: only an approved sale "
                             f"can be {what}")


def resume_operations(journal: Journal, client: WalletClient) -> list[OperationResult]:
    """Resolve unfinished voids and refunds with the wallet (called by ``Register.recover``).
    Those the wallet still does not answer stay IN_DOUBT for the next start."""
    # Resending needs no business day: the same-day rule was checked when the void was asked for.
    return Operations(journal, client, timezone="UTC").resume()
