"""Manager-mode words for journal values (sale states, operation states, audit actions), in
the screen's language."""

from __future__ import annotations

import json

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from terminal.domain.affordance import Allowed, Why
from terminal.domain.operation import Standing
from terminal.domain.flow import Decline
from terminal.domain.money import Money, MoneyError
from terminal.journal.states import AuditAction, OperationKind, OperationState, SaleState
from terminal.ui.i18n import format_money
from terminal.ui.texts import decline_text

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
    Why.ALREADY_CLOSED: QT_TRANSLATE_NOOP("ManagerLabels", "This business day is already closed. Sales from now on "
                                                           "belong to the next business day."),
    Why.LATER_DAY_CLOSED: QT_TRANSLATE_NOOP("ManagerLabels", "A later business day is already closed, so this day "
                                                             "cannot be closed after it."),
    Why.FUTURE_DAY: QT_TRANSLATE_NOOP("ManagerLabels", "This business day has not begun. Choose today or an "
                                                       "earlier day."),
    Why.PAYMENT_OPEN: QT_TRANSLATE_NOOP("ManagerLabels", "A sale, refund or void is still waiting for the wallet. "
                                                         "Wait until it has finished, then close the day."),
}
_ACTIONS = {
    AuditAction.SALE_INTENT: QT_TRANSLATE_NOOP("ManagerLabels", "sale started"),
    AuditAction.SALE_ANSWER: QT_TRANSLATE_NOOP("ManagerLabels", "wallet answered"),
    AuditAction.REFUND_INTENT: QT_TRANSLATE_NOOP("ManagerLabels", "refund asked"),
    AuditAction.VOID_INTENT: QT_TRANSLATE_NOOP("ManagerLabels", "void asked"),
    AuditAction.REVERSAL_INTENT: QT_TRANSLATE_NOOP("ManagerLabels", "reversal refund asked"),
    AuditAction.POS_PAYMENT_REQUEST: QT_TRANSLATE_NOOP("ManagerLabels", "payment asked by the POS"),
    AuditAction.POS_ABORT: QT_TRANSLATE_NOOP("ManagerLabels", "payment stopped by the POS"),
    AuditAction.POS_PAYMENT_REFUSED: QT_TRANSLATE_NOOP("ManagerLabels", "POS payment ended without a charge"),
    AuditAction.POS_REVERSAL_REQUEST: QT_TRANSLATE_NOOP("ManagerLabels", "refund or void asked by the POS"),
    AuditAction.POS_REVERSAL_REFUSED: QT_TRANSLATE_NOOP("ManagerLabels", "POS refund or void refused"),
    AuditAction.OPERATION_ANSWER: QT_TRANSLATE_NOOP("ManagerLabels", "wallet answered the refund/void"),
    AuditAction.MANAGER_LOGIN: QT_TRANSLATE_NOOP("ManagerLabels", "manager signed in"),
    AuditAction.MANAGER_LOGIN_FAILED: QT_TRANSLATE_NOOP("ManagerLabels", "manager PIN refused"),
    AuditAction.MANAGER_LOCKED_OUT: QT_TRANSLATE_NOOP("ManagerLabels", "manager mode locked"),
    AuditAction.MANAGER_PIN_CHANGED: QT_TRANSLATE_NOOP("ManagerLabels", "manager PIN set"),
    AuditAction.MANAGER_PIN_RESET: QT_TRANSLATE_NOOP("ManagerLabels", "manager PIN reset by IT"),
    AuditAction.MANAGER_SETTINGS_CHANGED: QT_TRANSLATE_NOOP("ManagerLabels", "settings changed"),
    AuditAction.MANAGER_END_OF_DAY: QT_TRANSLATE_NOOP("ManagerLabels", "end of day"),
    AuditAction.DAY_CLOSED: QT_TRANSLATE_NOOP("ManagerLabels", "business day closed (Z)"),
    AuditAction.RECEIPT_DECLINED: QT_TRANSLATE_NOOP("ManagerLabels", "customer declined a receipt"),
    AuditAction.RECOVERY_STARTED: QT_TRANSLATE_NOOP("ManagerLabels", "recovery started"),
    AuditAction.RECOVERY_FINISHED: QT_TRANSLATE_NOOP("ManagerLabels", "recovery finished"),
    AuditAction.AUDIT_KEYED: QT_TRANSLATE_NOOP("ManagerLabels", "audit log signed from here on"),
    AuditAction.AUDIT_KEY_ROTATED: QT_TRANSLATE_NOOP("ManagerLabels", "device key replaced"),
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

_ACTORS = {
    "manager": QT_TRANSLATE_NOOP("ManagerLabels", "manager"),
    "register": QT_TRANSLATE_NOOP("ManagerLabels", "register"),
    "cashier": QT_TRANSLATE_NOOP("ManagerLabels", "cashier"),
    "enrollment": QT_TRANSLATE_NOOP("ManagerLabels", "enrollment"),
    "it": QT_TRANSLATE_NOOP("ManagerLabels", "IT"),
    "demo": QT_TRANSLATE_NOOP("ManagerLabels", "demo"),
    "pos": QT_TRANSLATE_NOOP("ManagerLabels", "POS software"),
    "cli": QT_TRANSLATE_NOOP("ManagerLabels", "command line"),
}

# An audit entry's details, key by key: the label, or None for a key not worth a manager's eye
# (idempotency keys, the currency that the amount already shows).
_DETAIL_LABELS: dict[str, str | None] = {
    "amount": QT_TRANSLATE_NOOP("ManagerLabels", "amount"),
    "refund": QT_TRANSLATE_NOOP("ManagerLabels", "refund"),
    "reference": QT_TRANSLATE_NOOP("ManagerLabels", "reference"),
    "last4": QT_TRANSLATE_NOOP("ManagerLabels", "code"),
    "wallet": QT_TRANSLATE_NOOP("ManagerLabels", "wallet"),
    "approval_code": QT_TRANSLATE_NOOP("ManagerLabels", "approval code"),
    "charge_id": QT_TRANSLATE_NOOP("ManagerLabels", "charge ID"),
    "state": QT_TRANSLATE_NOOP("ManagerLabels", "now"),
    "previous": QT_TRANSLATE_NOOP("ManagerLabels", "before"),
    "day": QT_TRANSLATE_NOOP("ManagerLabels", "day"),
    "differences": QT_TRANSLATE_NOOP("ManagerLabels", "differences"),
    "reason": QT_TRANSLATE_NOOP("ManagerLabels", "reason"),
    "tries_left": QT_TRANSLATE_NOOP("ManagerLabels", "tries left"),
    "until": QT_TRANSLATE_NOOP("ManagerLabels", "until"),
    "by": QT_TRANSLATE_NOOP("ManagerLabels", "by"),
    "changed": QT_TRANSLATE_NOOP("ManagerLabels", "changed"),
    "kind": QT_TRANSLATE_NOOP("ManagerLabels", "what"),
    "decline_code": QT_TRANSLATE_NOOP("ManagerLabels", "decline reason"),
    "error_code": QT_TRANSLATE_NOOP("ManagerLabels", "error"),
    "step_up_method": QT_TRANSLATE_NOOP("ManagerLabels", "confirmation"),
    "wallet_ref": QT_TRANSLATE_NOOP("ManagerLabels", "wallet reference"),
    "failures": QT_TRANSLATE_NOOP("ManagerLabels", "wrong PINs in a row"),
    "export": QT_TRANSLATE_NOOP("ManagerLabels", "file type"),
    "purpose": QT_TRANSLATE_NOOP("ManagerLabels", "for"),
    "checked_by": QT_TRANSLATE_NOOP("ManagerLabels", "checked by"),
    "held_by": QT_TRANSLATE_NOOP("ManagerLabels", "PIN kept by"),
    "file": QT_TRANSLATE_NOOP("ManagerLabels", "file"),
    "z": QT_TRANSLATE_NOOP("ManagerLabels", "Z number"),
    "sales": QT_TRANSLATE_NOOP("ManagerLabels", "sales"),
    "operations": QT_TRANSLATE_NOOP("ManagerLabels", "refunds and voids"),
    "key": None,
    "currency": None,
    "sale": None,
    "after_seq": None,
    "locked_until": None,  # the action says "locked"; the dialog showed the countdown
    # integrity data for `payterm audit verify`, not for people: the PIN state after the change,
    # the keys of a rotation, the count of unsigned entries before the keyed chain
    "pin_hash_sha256": None,
    "pin_failures": None,
    "pin_locked_until": None,
    "old_alg": None,
    "old_public_key": None,
    "new_alg": None,
    "new_public_key": None,
    "new_key_proof": None,
    "unsigned_before": None,
    # a Z close's frozen values: the end-of-day screen shows them as a table
    "closed_at": None,
    "timezone": None,
    "first_sale": None,
    "last_sale": None,
    "figures": None,
    "members_sha256": None,
}
# Values that are codes, in words (free text, such as IT's reason for a PIN reset, stays as typed).
_VALUE_WORDS = {
    "wrong_pin": QT_TRANSLATE_NOOP("ManagerLabels", "wrong PIN"),
    "not_set": QT_TRANSLATE_NOOP("ManagerLabels", "no manager PIN set"),
    "locked": QT_TRANSLATE_NOOP("ManagerLabels", "locked"),
    "refund": QT_TRANSLATE_NOOP("ManagerLabels", "a refund"),
    "void": QT_TRANSLATE_NOOP("ManagerLabels", "a void"),
    "requested": QT_TRANSLATE_NOOP("ManagerLabels", "asked"),
    "succeeded": QT_TRANSLATE_NOOP("ManagerLabels", "done"),
    "failed": QT_TRANSLATE_NOOP("ManagerLabels", "refused"),
    "in_doubt": QT_TRANSLATE_NOOP("ManagerLabels", "in doubt"),
    "app_confirm": QT_TRANSLATE_NOOP("ManagerLabels", "in the wallet app"),
    "pin": QT_TRANSLATE_NOOP("ManagerLabels", "PIN"),
    "otp": QT_TRANSLATE_NOOP("ManagerLabels", "one-time code"),
    "csv": QT_TRANSLATE_NOOP("ManagerLabels", "CSV"),
    "pdf": QT_TRANSLATE_NOOP("ManagerLabels", "comparison (PDF)"),
    # the manager's authorization, checked by the wallet
    "wallet": QT_TRANSLATE_NOOP("ManagerLabels", "the wallet"),
    "verify": QT_TRANSLATE_NOOP("ManagerLabels", "opening manager mode"),
    "change": QT_TRANSLATE_NOOP("ManagerLabels", "a PIN change"),
    "refused": QT_TRANSLATE_NOOP("ManagerLabels", "refused by the wallet"),
    "manager_authorization_required": QT_TRANSLATE_NOOP("ManagerLabels", "no manager PIN was given"),
    "manager_authorization_invalid": QT_TRANSLATE_NOOP("ManagerLabels", "the PIN entry was not for this request"),
    "manager_pin_wrong": QT_TRANSLATE_NOOP("ManagerLabels", "wrong manager PIN"),
    "manager_locked": QT_TRANSLATE_NOOP("ManagerLabels", "manager actions locked"),
    "manager_pin_not_set": QT_TRANSLATE_NOOP("ManagerLabels", "no manager PIN set"),
    "manager_pin_format": QT_TRANSLATE_NOOP("ManagerLabels", "not a PIN"),
}
_YES_NO = {
    "agree": (QT_TRANSLATE_NOOP("ManagerLabels", "the wallet agrees"),
              QT_TRANSLATE_NOOP("ManagerLabels", "the wallet does not agree")),
    "first": (QT_TRANSLATE_NOOP("ManagerLabels", "first PIN"), None),
    "cancel_requested": (QT_TRANSLATE_NOOP("ManagerLabels", "the cashier cancelled"), None),
}


def actor(value: str) -> str:
    label = _ACTORS.get(value)
    kind, _, who = value.partition(":")
    if label is None and kind in ("it", "pos") and who:  # "it:sato", "pos:front": who, by name
        return f"{_t(_ACTORS[kind])} ({who})"
    return _t(label) if label is not None else value


def _value(key: str, value: object, currency: str | None) -> str:
    if key in ("amount", "refund") and isinstance(value, int) and currency:
        try:
            return format_money(Money(value, currency))
        except MoneyError:
            return str(value)
    if key in ("state", "previous") and isinstance(value, str) and value not in _VALUE_WORDS:
        try:
            return sale_state(SaleState(value))
        except ValueError:
            return value
    if key == "decline_code" and isinstance(value, str):
        return decline_text(Decline(value, "")).reason
    if isinstance(value, str) and value in _VALUE_WORDS:
        return _t(_VALUE_WORDS[value])
    if key == "last4" and isinstance(value, str):
        return f"…{value}"
    if key == "changed" and isinstance(value, dict):
        return ", ".join(str(k) for k in value)
    return str(value)


def error_words(code: str | None, message: str | None) -> str:
    """Why an operation failed, in the manager's words where the code is known, else as the
    wallet said it."""
    if code is not None and code in _VALUE_WORDS:
        return _t(_VALUE_WORDS[code])
    return message or code or ""


def details(text: str) -> str:
    """An audit entry's details (stored as JSON) in words: "amount: 1,200円 · code: …4821"."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return text
    return details_of(data) if isinstance(data, dict) else text


def details_of(data: dict[str, object], currency: str | None = None) -> str:
    """``currency``: the sale's, for amounts in details that do not name theirs."""
    if isinstance(data.get("currency"), str):
        currency = str(data["currency"])
    parts: list[str] = []
    for key, value in data.items():
        if key in _YES_NO:
            yes, no = _YES_NO[key]
            word = yes if value else no
            if word is not None:
                parts.append(_t(word))
            continue
        if key in _DETAIL_LABELS:
            label = _DETAIL_LABELS[key]
            if label is not None:
                parts.append(f"{_t(label)}: {_value(key, value, currency)}")
            continue
        parts.append(f"{key}: {value}")
    return " · ".join(parts)
