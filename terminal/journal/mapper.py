"""The one mapper between the payment aggregates and their rows: a ``Sale`` (the flow's) or an
``Operation`` is written as itself, and read back as itself for recovery. Nothing here decides a
rule; it only says which columns hold what."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from terminal.domain.flow import Decline, Sale, SaleState, StepUp
from terminal.domain.operation import GivenBack, Operation, SaleBalance
from terminal.journal.errors import InvalidRecordError
from terminal.journal.records import OperationRecord, SaleRecord, to_db_time


def _time(value: float | None) -> str | None:
    return None if value is None else to_db_time(datetime.fromtimestamp(value, UTC))


def sale_values(sale: Sale) -> dict[str, object]:
    """The columns a sale's save writes. The step-up fields describe the current state only, and
    the deadline is the terminal's own limit of IN_DOUBT."""
    if sale.idempotency_key is None or sale.state in {SaleState.IDLE, SaleState.AWAITING_CODE}:
        raise InvalidRecordError("a sale is stored from its intent (authorizing) on, with its idempotency key")
    step = sale.step_up if sale.state is SaleState.STEP_UP else None
    return {
        "state": sale.state.value,
        "charge_id": sale.charge_id,
        "approval_code": sale.approval_code,
        "decline_code": sale.decline.code if sale.decline else None,
        "decline_message": sale.decline.message if sale.decline else None,
        "step_up_method": step.method.value if step else None,
        "step_up_expires_at": _time(step.deadline) if step else None,
        "deadline": _time(sale.doubt_deadline) if sale.state is SaleState.IN_DOUBT else None,
        "cancel_requested": int(sale.cancel_requested),
    }


def intent_values(sale: Sale) -> dict[str, object]:
    """The columns fixed at the intent: what was asked, never changed afterwards."""
    if sale.amount is None or not sale.code_hash or sale.last4 is None or sale.reference is None \
            or sale.wallet is None:
        raise InvalidRecordError("a sale's intent needs its amount, code hash, last four, reference and wallet")
    if sale.amount.amount <= 0:
        raise InvalidRecordError(f"a sale needs a positive amount, got {sale.amount.amount}")
    return {
        "idempotency_key": sale.idempotency_key,
        "amount": sale.amount.amount,
        "currency": sale.amount.currency,
        "code_hash": sale.code_hash,
        "code_last4": sale.last4,
        "merchant_reference": sale.reference,
        "wallet": sale.wallet,
    }


def to_sale(record: SaleRecord) -> Sale:
    """A journalled sale as the flow sees it (for recovery after a restart)."""
    step = None
    if record.step_up_method is not None and record.step_up_expires_at is not None:
        step = StepUp(record.step_up_method, record.step_up_expires_at.timestamp(), attempts_left=0)
    decline = Decline(record.decline_code, record.decline_message or "") if record.decline_code else None
    return Sale(
        state=record.state,
        amount=record.money,
        wallet=record.wallet,
        last4=record.code_last4,
        code_hash=record.code_hash,
        idempotency_key=record.idempotency_key,
        reference=record.merchant_reference,
        charge_id=record.charge_id,
        approval_code=record.approval_code,
        decline=decline,
        step_up=step,
        doubt_deadline=record.deadline.timestamp() if record.deadline else None,
        cancel_requested=record.cancel_requested,
    )


def to_operation(record: OperationRecord) -> Operation:
    return Operation(
        key=record.idempotency_key, kind=record.kind, sale_key=record.sale_key, amount=record.money,
        actor=record.actor, reason=record.reason, state=record.state, wallet_ref=record.wallet_ref,
        error_code=record.error_code, error_message=record.error_message, authorization=record.authorization,
    )


def balance_of(sale: SaleRecord, operations: Iterable[OperationRecord], zone: ZoneInfo | None = None) -> SaleBalance:
    """What may still be given back of ``sale``; ``zone`` is the store's, for the day of the sale."""
    sold = sale.created_at.astimezone(zone or UTC).date()
    return SaleBalance.of(
        state=sale.state, amount=sale.money, sold_on=sold,
        given=(GivenBack(op.kind, op.state, op.money) for op in operations),
    )
