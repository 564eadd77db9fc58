"""Money back on a journalled sale: void (cancel a same-day approved charge), refund (full or
partial), and the register's own reversal refund (a sale it must cancel but can no longer void).

Each is a ``terminal.domain.operation.Operation``: its idempotency key comes from the id source,
its intent is committed (with its audit entry) before the request is sent, and its outcome after,
through the journal's one ``save_operation``. What may be given back is asked of the sale's
``SaleBalance`` (the one refund rule). A request whose answer is lost stays IN_DOUBT and is sent
again, with the same key and the same body, by ``resume`` at start-up: the wallet then replays
its first answer (refunds) or finds the charge already cancelled (voids), so nothing is given
back twice.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from terminal.domain.affordance import Allowed
from terminal.domain.money import Money
from terminal.domain.operation import (
    Operation, OperationKind, OperationOutcome, OperationState, SaleBalance,
)
from terminal.journal.errors import JournalError, OperationRefused
from terminal.journal.mapper import balance_of, to_operation
from terminal.journal.records import HistoryQuery, OperationRecord, SaleRecord
from terminal.journal.states import SaleState
from terminal.journal.store import Journal
from terminal.register.manager_pin import ManagerPin, PinCheck, PinOutcome, PinPolicyError, check_from, check_policy
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
    manager: PinCheck | None = None  # the wallet's answer about the manager PIN sent with it

    @property
    def refused_by_manager_check(self) -> bool:
        return self.manager is not None and not self.manager.ok and self.manager.outcome is not PinOutcome.UNREACHABLE

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


def _pin_format(pin: str | None) -> None:
    """A PIN that cannot be one is refused before anything is recorded or sent."""
    if pin is not None:
        try:
            check_policy(pin)
        except PinPolicyError as exc:
            raise NotAllowed(f"not a manager PIN: {exc}") from None


class Operations:
    def __init__(
        self,
        journal: Journal,
        client: WalletClient,
        *,
        timezone: str,
        actor: str = "manager",
        clock: Callable[[], float] = time.time,
        ids: Callable[[], str] = lambda: secrets.token_urlsafe(16),
        manager: ManagerPin | None = None,
    ) -> None:
        self.journal = journal
        self.client = client
        # Seals the manager PIN for each refund and void; the wallet checks it. Without one, only
        # the register's own reversals (and resends the wallet already answered) can go through.
        self.manager = manager
        self._zone = ZoneInfo(timezone)
        self._actor = actor
        self._clock = clock
        self._ids = ids

    # -- asking ---------------------------------------------------------------------------------

    def balance(self, sale: SaleRecord) -> SaleBalance:
        """What of the sale has been and may be given back (the one refund and void rule)."""
        return balance_of(sale, self._operations(sale), self._zone)

    def left_to_refund(self, sale: SaleRecord) -> Money:
        """What of the sale can still be given back: failed operations do not count."""
        return self.balance(sale).left

    def today(self) -> date:
        return datetime.fromtimestamp(self._clock(), self._zone).date()

    def can_void(self, sale: SaleRecord) -> Allowed:
        return self.balance(sale).can_void(self.today())

    def can_refund(self, sale: SaleRecord, amount: Money | None = None) -> Allowed:
        return self.balance(sale).can_refund(amount)

    def void(self, sale: SaleRecord, *, manager_pin: str | None = None) -> OperationResult:
        """Cancel an approved sale of today (store-local day) at the wallet, authorized by the
        manager's PIN (checked by the wallet). Asking again after it succeeded sends nothing;
        asking while one is in doubt finishes that one."""
        _pin_format(manager_pin)
        for op in self._operations(sale):
            if op.kind is OperationKind.VOID and op.state is OperationState.SUCCEEDED:
                return OperationResult(op, sale, repeated=True)
            if op.kind is OperationKind.VOID and not op.state.is_final:
                return self._send(to_operation(op), sale)  # with the PIN it was authorized with
        allowed = self.can_void(sale)
        if not allowed:
            raise NotAllowed(f"sale {sale.merchant_reference}: {allowed.detail}")
        return self._send(self._intent(OperationKind.VOID, sale, sale.money, "", manager_pin=manager_pin), sale)

    def refund(self, sale: SaleRecord, amount: Money | None = None, reason: str = "", *,
               manager_pin: str | None = None) -> OperationResult:
        """Give back ``amount`` (default: all that is left) of an approved sale, authorized by the
        manager's PIN (checked by the wallet). Refunds of this sale still in doubt are finished
        first, so "what is left" is the wallet's truth."""
        _pin_format(manager_pin)
        for op in self._operations(sale):
            if not op.state.is_final:
                self._send(to_operation(op), sale)
        balance = self.balance(sale)
        allowed = balance.can_refund(amount)
        if not allowed:
            raise NotAllowed(f"sale {sale.merchant_reference} ({sale.money.format()}): {allowed.detail}")
        value = balance.left if amount is None else amount
        return self._send(self._intent(OperationKind.REFUND, sale, value, reason, manager_pin=manager_pin), sale)

    def reverse(self, sale_key: str, charge_id: str, amount_left: Money) -> bool:
        """The register's own reversal refund of a sale it is cancelling but can no longer void
        (approved on an earlier business day). One operation per sale: a retry resends it with
        the same key. True once the wallet confirmed it."""
        sale = self.journal.sale(sale_key)
        if sale is None:
            raise JournalError(f"a reversal names a sale the journal does not have: {sale_key}")
        for record in self._operations(sale):
            if record.kind is OperationKind.REVERSAL and record.state is not OperationState.FAILED:
                if not record.state.is_final:
                    record = self._send(to_operation(record), sale, charge_id).operation
                return record.state is OperationState.SUCCEEDED
        op = self._intent(OperationKind.REVERSAL, sale, amount_left, "reversal", actor="register")
        return self._send(op, sale, charge_id).operation.state is OperationState.SUCCEEDED

    def resume(self) -> list[OperationResult]:
        """Send every unfinished void, refund and reversal again, oldest first (start-up)."""
        results: list[OperationResult] = []
        for op in self.journal.unfinished_operations():
            sale = self.journal.sale(op.sale_key)
            if sale is None:
                raise JournalError(f"operation {op.idempotency_key} names a sale the journal does not have")
            log.info("resolving %s %s of sale %s (%s)", op.kind.value, op.idempotency_key,
                     sale.merchant_reference, op.state.value)
            results.append(self._send(to_operation(op), sale))
        return results

    # -- the request and its answer -------------------------------------------------------------

    def _send(self, op: Operation, sale: SaleRecord, charge_id: str | None = None) -> OperationResult:
        """One request for an operation whose intent is committed; the outcome is committed. A
        resend (``resume``) carries the same sealed authorization as the first: it is the same
        request, which the wallet answers from its record if the first arrived."""
        charge_id = charge_id or sale.charge_id
        if charge_id is None:
            return self._settle(op, sale, OperationOutcome(
                OperationState.FAILED, error_code="no_charge", error_message="the sale has no wallet charge id"))
        auth = None if op.authorization is None else m.ManagerAuthorization.model_validate_json(op.authorization)
        checked: PinCheck | None = None
        try:
            if op.kind is OperationKind.VOID:
                outcome = self._cancel(charge_id, auth)
            else:
                outcome = self._refund(op, charge_id, auth)
            if auth is not None:
                checked = PinCheck(PinOutcome.OK)
        except WalletRejected as exc:
            if (exc.code or "").startswith("manager_"):
                checked = check_from(exc)
            outcome = OperationOutcome(OperationState.FAILED, error_code=exc.code or str(exc.status),
                                       error_message=exc.title + (f" ({exc.detail})" if exc.detail else ""))
        except WalletError as exc:
            if exc.outcome_unknown:
                outcome = OperationOutcome(OperationState.IN_DOUBT, error_code="outcome_unknown",
                                           error_message=str(exc))
            elif op.state is OperationState.REQUESTED:
                # Nothing can have reached the wallet, now or before: the manager may try again.
                outcome = OperationOutcome(OperationState.FAILED, error_code="not_sent", error_message=str(exc))
            else:
                # An earlier attempt may have arrived: keep asking.
                outcome = OperationOutcome(OperationState.IN_DOUBT, error_code="not_sent", error_message=str(exc))
        if checked is not None and self.manager is not None:
            self.manager.note(checked, actor=op.actor, purpose=op.kind.value)
        return replace(self._settle(op, sale, outcome), manager=checked)

    def _cancel(self, charge_id: str, auth: m.ManagerAuthorization | None) -> OperationOutcome:
        charge = self.client.cancel_charge(charge_id, authorization=auth)
        if charge.status is not m.ChargeStatus.CANCELLED:
            raise UnverifiedResponse(f"the wallet answered a cancel with status {charge.status.value}",
                                     code="unexpected_status")
        return OperationOutcome(OperationState.SUCCEEDED, wallet_ref=charge.id)

    def _refund(self, op: Operation, charge_id: str, auth: m.ManagerAuthorization | None) -> OperationOutcome:
        # The body comes from the journal row (and the PIN the manager typed for this attempt):
        # a resend is the same request, which the wallet recognises without the PIN.
        request = m.RefundRequest(amount=op.amount.amount, currency=op.amount.currency, reason=op.reason or None,
                                  reversal=op.kind is OperationKind.REVERSAL, manager_authorization=auth)
        refund = self.client.refund(charge_id, op.key, request)
        return OperationOutcome(OperationState.SUCCEEDED, wallet_ref=refund.id)

    # -- helpers --------------------------------------------------------------------------------

    def _settle(self, op: Operation, sale: SaleRecord, outcome: OperationOutcome) -> OperationResult:
        record = self.journal.save_operation(op.settle(outcome), self._now())
        return OperationResult(record, sale)

    def _intent(
        self, kind: OperationKind, sale: SaleRecord, amount: Money, reason: str, *, actor: str | None = None,
        manager_pin: str | None = None,
    ) -> Operation:
        """The operation, committed before it is sent. With the manager's PIN, the authorization
        is sealed now, for this operation's own key and fields, and kept with it (the PIN is not)."""
        key = self._ids()
        authorization = None
        if manager_pin is not None and self.manager is not None and sale.charge_id is not None:
            fields: tuple[str | int, ...] = (sale.charge_id,) if kind is OperationKind.VOID else (
                sale.charge_id, key, amount.amount, amount.currency)
            authorization = self.manager.authorization(manager_pin, kind.value, *fields).model_dump_json()
        op = Operation(key=key, kind=kind, sale_key=sale.idempotency_key, amount=amount,
                       actor=actor or self._actor, reason=reason, authorization=authorization)
        try:
            self.journal.save_operation(op, self._now())
        except OperationRefused as exc:
            raise NotAllowed(f"sale {sale.merchant_reference}: {exc}") from None
        return op

    def _operations(self, sale: SaleRecord) -> list[OperationRecord]:
        return self.journal.reader.operations_for_sale(sale.idempotency_key)

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)
