"""Manager-mode words for journal values (sale states, operation states, audit actions), in
the screen's language."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from terminal.domain.affordance import Allowed, Why
from terminal.domain.operation import Standing
from terminal.journal.states import AuditAction, OperationKind, OperationState, SaleState

_SALE_STATES = {
    SaleState.AUTHORIZING: QT_TRANSLATE_NOOP("ManagerLabels", "authorizing"),
    SaleState.STEP_UP: QT_TRANSLATE_NOOP("ManagerLabels", "step-up"),
    SaleState.IN_DOUBT: QT_TRANSLATE_NOOP("ManagerLabels", "in doubt"),
    SaleState.REVERSING: QT_TRANSLATE_NOOP("ManagerLabels", "reversing"),
    SaleState.APPROVED: QT_TRANSLATE_NOOP("ManagerLabels", "approved"),
    SaleState.DECLINED: QT_TRANSLATE_NOOP("ManagerLabels", "declined"),
    SaleState.REVERSED: QT_TRANSLATE_NOOP("ManagerLabels", "reversed"),
}
_OPERATIONS = {
    (OperationKind.VOID, OperationState.REQUESTED): QT_TRANSLATE_NOOP("ManagerLabels", "void asked"),
    (OperationKind.VOID, OperationState.IN_DOUBT): QT_TRANSLATE_NOOP("ManagerLabels", "void in doubt"),
    (OperationKind.VOID, OperationState.SUCCEEDED): QT_TRANSLATE_NOOP("ManagerLabels", "voided"),
    (OperationKind.VOID, OperationState.FAILED): QT_TRANSLATE_NOOP("ManagerLabels", "void refused"),
    (OperationKind.REFUND, OperationState.REQUESTED): QT_TRANSLATE_NOOP("ManagerLabels", "refund asked"),
    (OperationKind.REFUND, OperationState.IN_DOUBT): QT_TRANSLATE_NOOP("ManagerLabels", "refund in doubt"),
    (OperationKind.REFUND, OperationState.SUCCEEDED): QT_TRANSLATE_NOOP("ManagerLabels", "refunded"),
    (OperationKind.REFUND, OperationState.FAILED): QT_TRANSLATE_NOOP("ManagerLabels", "refund refused"),
    (OperationKind.REVERSAL, OperationState.REQUESTED): QT_TRANSLATE_NOOP("ManagerLabels", "reversal refund asked"),
    (OperationKind.REVERSAL, OperationState.IN_DOUBT): QT_TRANSLATE_NOOP("ManagerLabels", "reversal refund in doubt"),
    (OperationKind.REVERSAL, OperationState.SUCCEEDED): QT_TRANSLATE_NOOP("ManagerLabels", "reversal refunded"),
    (OperationKind.REVERSAL, OperationState.FAILED): QT_TRANSLATE_NOOP("ManagerLabels", "reversal refund refused"),
}
_STANDINGS = {
    Standing.PARTLY_REFUNDED: QT_TRANSLATE_NOOP("ManagerLabels", "partly refunded"),
    Standing.REFUNDED: QT_TRANSLATE_NOOP("ManagerLabels", "refunded"),
    Standing.VOIDED: QT_TRANSLATE_NOOP("ManagerLabels", "voided"),
    Standing.REVERSAL_REFUNDED: QT_TRANSLATE_NOOP("ManagerLabels", "given back by the register"),
}
_WHY_NOT = {
    Why.NOT_APPROVED: QT_TRANSLATE_NOOP("ManagerLabels", "Only an approved sale can be given back."),
    Why.NOTHING_LEFT: QT_TRANSLATE_NOOP("ManagerLabels", "Nothing is left to give back on this sale."),
    Why.OVER_REFUND: QT_TRANSLATE_NOOP("ManagerLabels", "That is more than is left to refund on this sale."),
    Why.WRONG_CURRENCY: QT_TRANSLATE_NOOP("ManagerLabels", "The amount is not in the sale's currency."),
    Why.ZERO_AMOUNT: QT_TRANSLATE_NOOP("ManagerLabels", "Enter an amount above zero."),
    Why.HAS_REFUNDS: QT_TRANSLATE_NOOP("ManagerLabels", "This sale has refunds, so it cannot be voided: refund "
                                                        "what is left instead."),
    Why.NOT_SAME_DAY: QT_TRANSLATE_NOOP("ManagerLabels", "A void is only possible on the day of the sale: "
                                                         "refund it instead."),
    Why.OPERATION_OPEN: QT_TRANSLATE_NOOP("ManagerLabels", "A refund or void of this sale is still being settled."),
}
_ACTIONS = {
    AuditAction.SALE_INTENT: QT_TRANSLATE_NOOP("ManagerLabels", "sale started"),
    AuditAction.SALE_ANSWER: QT_TRANSLATE_NOOP("ManagerLabels", "wallet answered"),
    AuditAction.REFUND_INTENT: QT_TRANSLATE_NOOP("ManagerLabels", "refund asked"),
    AuditAction.VOID_INTENT: QT_TRANSLATE_NOOP("ManagerLabels", "void asked"),
    AuditAction.REVERSAL_INTENT: QT_TRANSLATE_NOOP("ManagerLabels", "reversal refund asked"),
    AuditAction.OPERATION_ANSWER: QT_TRANSLATE_NOOP("ManagerLabels", "wallet answered the refund/void"),
    AuditAction.MANAGER_LOGIN: QT_TRANSLATE_NOOP("ManagerLabels", "manager signed in"),
    AuditAction.MANAGER_LOGIN_FAILED: QT_TRANSLATE_NOOP("ManagerLabels", "manager PIN refused"),
    AuditAction.MANAGER_LOCKED_OUT: QT_TRANSLATE_NOOP("ManagerLabels", "manager mode locked"),
    AuditAction.MANAGER_PIN_CHANGED: QT_TRANSLATE_NOOP("ManagerLabels", "manager PIN set"),
    AuditAction.MANAGER_PIN_RESET: QT_TRANSLATE_NOOP("ManagerLabels", "manager PIN reset by IT"),
    AuditAction.MANAGER_SETTINGS_CHANGED: QT_TRANSLATE_NOOP("ManagerLabels", "settings changed"),
    AuditAction.MANAGER_END_OF_DAY: QT_TRANSLATE_NOOP("ManagerLabels", "end of day"),
    AuditAction.RECOVERY_STARTED: QT_TRANSLATE_NOOP("ManagerLabels", "recovery started"),
    AuditAction.RECOVERY_FINISHED: QT_TRANSLATE_NOOP("ManagerLabels", "recovery finished"),
}


def _t(text: str) -> str:
    return QCoreApplication.translate("ManagerLabels", text)


def sale_state(state: SaleState) -> str:
    return _t(_SALE_STATES.get(state, state.value))


def standing(state: SaleState, value: Standing) -> str:
    """What a sale came to: its state, or once money went back, refunded / voided…"""
    label = _STANDINGS.get(value)
    return _t(label) if label is not None else sale_state(state)


def why_not(allowed: Allowed) -> str:
    """The reason a money-back action is not possible now, in the manager's language."""
    label = _WHY_NOT.get(allowed.why) if allowed.why is not None else None
    return _t(label) if label is not None else allowed.detail


def operation(kind: OperationKind, state: OperationState) -> str:
    return _t(_OPERATIONS[(kind, state)])


def action(value: str) -> str:
    """A readable name for an audit action; the raw name for one this window does not know."""
    try:
        label = _ACTIONS.get(AuditAction(value))
    except ValueError:
        return value
    return _t(label) if label is not None else value


STORED_STATES = tuple(_SALE_STATES)
