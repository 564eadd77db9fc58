"""What the journal checks before it records an answer or a refund: the values a state needs,
the charge an answer is about, and how much of a sale is left to give back."""

from __future__ import annotations

from terminal.domain.money import Money
from terminal.journal.errors import ChargeMismatchError, InvalidRecordError, InvalidTransitionError
from terminal.journal.records import OperationRecord, SaleAnswer, SaleRecord
from terminal.journal.states import OperationKind, OperationState, SaleState, check_sale_transition


def check_answer(sale: SaleRecord, answer: SaleAnswer) -> tuple[str | None, str | None]:
    """Validate ``answer`` against ``sale``; return the charge id and approval code to store."""
    check_sale_transition(sale.state, answer.state)
    if answer.charge_id is not None and sale.charge_id is not None and answer.charge_id != sale.charge_id:
        raise ChargeMismatchError(
            f"sale {sale.idempotency_key} is charge {sale.charge_id}; an answer names {answer.charge_id}"
        )
    charge_id = answer.charge_id or sale.charge_id
    approval_code = answer.approval_code or sale.approval_code
    if answer.state is SaleState.APPROVED and (charge_id is None or approval_code is None):
        raise InvalidRecordError("an approval needs the wallet's charge id and approval code")
    if answer.state is SaleState.DECLINED and not (answer.decline_code or sale.decline_code):
        raise InvalidRecordError("a decline needs the wallet's decline code")
    if answer.state is SaleState.STEP_UP and (
        answer.step_up_method is None or answer.step_up_expires_at is None
    ):
        raise InvalidRecordError("a step-up needs its method and deadline")
    return charge_id, approval_code


def operation_amount(
    kind: OperationKind, sale: SaleRecord, amount: Money | None, existing: list[OperationRecord]
) -> Money:
    """The amount a new refund or void gives back: only from an approved sale, never more than
    is left (failed operations do not count); a void is the whole sale, and only alone."""
    if sale.state is not SaleState.APPROVED:
        raise InvalidTransitionError(
            f"only an approved sale can be refunded or voided; this one is {sale.state.value}"
        )
    live = [op for op in existing if op.state is not OperationState.FAILED]
    if kind is OperationKind.VOID:
        if live:
            raise InvalidRecordError("a sale with a refund or void under way or done cannot be voided")
        if amount is not None and amount != sale.money:
            raise InvalidRecordError("a void gives back the whole sale; leave the amount out")
        return sale.money
    if amount is None or amount.amount <= 0:
        raise InvalidRecordError("a refund needs a positive amount")
    if amount.currency != sale.currency:
        raise InvalidRecordError(f"the sale was in {sale.currency}, not {amount.currency}")
    left = sale.amount - sum(op.amount for op in live)
    if amount.amount > left:
        raise InvalidRecordError(f"only {left} {amount.currency} of this sale is left to refund")
    return amount
