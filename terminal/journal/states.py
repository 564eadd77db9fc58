"""States the journal stores, and the audit actions it records.

Sale states come from the domain flow (``terminal.domain.flow``) and operation states from
``terminal.domain.operation``: the domain owns every state and every transition. IDLE and
AWAITING_CODE are screen states and never reach the journal; a sale is stored from the moment
its intent is committed (AUTHORIZING). The journal checks no transition itself: it stores each
aggregate as the aggregate says, and only refuses to change a row that is already final.
"""

from __future__ import annotations

from enum import StrEnum

from terminal.domain.flow import FINAL_STATES, SaleState, StepUpMethod
from terminal.domain.operation import FINAL_OPERATION_STATES, OperationKind, OperationState

__all__ = [
    "AuditAction",
    "OperationKind",
    "OperationState",
    "SaleState",
    "StepUpMethod",
    "FINAL_OPERATION_STATES",
    "FINAL_STATES",
    "STORED_SALE_STATES",
]

# The domain flow owns the states; the journal stores the ones from AUTHORIZING on.
STORED_SALE_STATES: frozenset[SaleState] = frozenset(SaleState) - {SaleState.IDLE, SaleState.AWAITING_CODE}


class AuditAction(StrEnum):
    """What an audit entry records. Manager actions are appended by other modules through
    ``Journal.record_manager_action``; add members here rather than using bare strings."""

    SALE_INTENT = "sale.intent"
    SALE_ANSWER = "sale.answer"
    REFUND_INTENT = "refund.intent"
    VOID_INTENT = "void.intent"
    REVERSAL_INTENT = "reversal.intent"
    OPERATION_ANSWER = "operation.answer"
    MANAGER_LOGIN = "manager.login"
    MANAGER_LOGIN_FAILED = "manager.login_failed"
    MANAGER_LOCKED_OUT = "manager.locked_out"
    MANAGER_PIN_CHANGED = "manager.pin_changed"
    MANAGER_PIN_RESET = "manager.pin_reset"  # by IT, without the old PIN (`payterm manager-pin reset`)
    MANAGER_SETTINGS_CHANGED = "manager.settings_changed"
    MANAGER_END_OF_DAY = "manager.end_of_day"
    DAY_CLOSED = "day.closed"  # a Z close: its number, business day and frozen figures
    RECEIPT_DECLINED = "receipt.declined"  # the customer wanted no receipt: none was printed
    RECOVERY_STARTED = "recovery.started"
    RECOVERY_FINISHED = "recovery.finished"
    POS_PAYMENT_REQUEST = "pos.payment_request"  # a paired POS asked for a payment
    POS_ABORT = "pos.abort"
    POS_PAYMENT_REFUSED = "pos.payment_refused"  # ended before any charge (code refused, aborted)
    POS_REVERSAL_REQUEST = "pos.reversal_request"
    POS_REVERSAL_REFUSED = "pos.reversal_refused"
    AUDIT_KEY_ROTATED = "audit.key_rotated"  # the device key was replaced: old and new key vouch for it
    AUDIT_KEYED = "audit.keyed"  # the first signed entry of a log that had unsigned ones (v6 upgrade)


INTENT_ACTIONS: dict[OperationKind, AuditAction] = {
    OperationKind.REFUND: AuditAction.REFUND_INTENT,
    OperationKind.VOID: AuditAction.VOID_INTENT,
    OperationKind.REVERSAL: AuditAction.REVERSAL_INTENT,
}
