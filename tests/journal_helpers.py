"""Writing journal rows the way the register does (through ``save_sale`` / ``save_operation``,
from the domain aggregates), in the few words the journal's own tests need."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime

from terminal.domain.flow import Decline, Sale, SaleState, StepUp, StepUpMethod
from terminal.domain.money import Money
from terminal.domain.operation import Operation, OperationKind, OperationOutcome, OperationState
from terminal.journal import CodeFingerprint, Journal, OperationRecord, SaleRecord, UnknownRecordError
from terminal.journal.mapper import to_operation, to_sale


def record_intent(
    journal: Journal, *, amount: Money, code: CodeFingerprint | str | None = None, merchant_reference: str,
    wallet: str,
    created_at: datetime, key: str | None = None, code_hash: str | None = None, last4: str | None = None,
    actor: str = "register",
) -> SaleRecord:
    """A sale's intent (AUTHORIZING) under a fresh idempotency key, as the flow's first save."""
    fp = journal.fingerprint(code) if isinstance(code, str) else code
    sale = Sale(
        state=SaleState.AUTHORIZING, amount=amount, wallet=wallet,
        last4=last4 or (fp.last4 if fp else None), code_hash=code_hash or (fp.hash if fp else None),
        idempotency_key=key or secrets.token_urlsafe(16), reference=merchant_reference,
    )
    journal.save_sale(sale, created_at, actor)
    found = journal.sale(sale.idempotency_key or "")
    assert found is not None
    return found


def answer(
    journal: Journal, key: str, at: datetime, state: SaleState, *, charge_id: str | None = None,
    approval_code: str | None = None, decline_code: str | None = None, decline_message: str | None = None,
    step_up_method: StepUpMethod | None = None, step_up_expires_at: datetime | None = None,
    deadline: datetime | None = None, cancel_requested: bool = False,
) -> SaleRecord:
    """Move a journalled sale to ``state`` with what the wallet said (unset values keep theirs)."""
    current = journal.sale(key)
    if current is None:  # what a save of a sale without an intent meets
        raise UnknownRecordError(f"no sale with idempotency key {key}")
    sale = to_sale(current)
    step = None
    if step_up_method is not None and step_up_expires_at is not None:
        step = StepUp(step_up_method, step_up_expires_at.timestamp(), 0)
    decline = sale.decline
    if decline_code is not None:
        decline = Decline(decline_code, decline_message or "")
    sale = replace(
        sale, state=state, charge_id=charge_id or sale.charge_id, approval_code=approval_code or sale.approval_code,
        decline=decline, step_up=step, doubt_deadline=deadline.timestamp() if deadline else None,
        cancel_requested=sale.cancel_requested or cancel_requested,
    )
    journal.save_sale(sale, at)
    found = journal.sale(key)
    assert found is not None
    return found


def operation_intent(
    journal: Journal, *, kind: OperationKind, sale_key: str, at: datetime, actor: str,
    amount: Money | None = None, reason: str = "",
) -> OperationRecord:
    """A refund (``amount``) or void (the whole sale) committed before it is sent."""
    if amount is None:
        sale = journal.sale(sale_key)
        assert sale is not None
        amount = sale.money
    op = Operation(key=secrets.token_urlsafe(16), kind=kind, sale_key=sale_key, amount=amount, actor=actor,
                   reason=reason)
    return journal.save_operation(op, at)


def operation_answer(
    journal: Journal, key: str, outcome: OperationOutcome | OperationState, at: datetime,
) -> OperationRecord:
    current = journal.operation(key)
    assert current is not None, f"no operation {key}"
    if isinstance(outcome, OperationState):
        outcome = OperationOutcome(outcome)
    return journal.save_operation(to_operation(current).settle(outcome), at)
