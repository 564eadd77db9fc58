"""Words for the cashier: decline reasons with what to do next, and code rejections. The
wallet's and the register's English messages are matched to translated text here, so that what
the cashier reads is always in the screen's language and in plain words."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from terminal.domain.flow import Decline
from terminal.domain.paymentcode import RejectReason, Rejection
from terminal.scan.types import SourceState, SourceStatus


@dataclass(frozen=True)
class DeclineText:
    reason: str
    next_step: str


_DECLINES: dict[str, tuple[str, str]] = {
    "insufficient_funds": (
        QT_TRANSLATE_NOOP("Decline", "The customer's balance is too low for this amount."),
        QT_TRANSLATE_NOOP("Decline", "Ask for another way to pay, or a smaller amount."),
    ),
    "limit_exceeded": (
        QT_TRANSLATE_NOOP("Decline", "This amount is over the customer's payment limit."),
        QT_TRANSLATE_NOOP("Decline", "Ask for another way to pay, or split the amount."),
    ),
    "account_locked": (
        QT_TRANSLATE_NOOP("Decline", "The customer's wallet account is locked."),
        QT_TRANSLATE_NOOP("Decline", "The customer must contact their wallet. Ask for another way to pay."),
    ),
    "code_expired": (
        QT_TRANSLATE_NOOP("Decline", "The payment code had expired."),
        QT_TRANSLATE_NOOP("Decline", "Ask the customer to refresh the code, then charge again."),
    ),
    "code_used": (
        QT_TRANSLATE_NOOP("Decline", "The payment code was already used."),
        QT_TRANSLATE_NOOP("Decline", "Ask the customer to refresh the code, then charge again."),
    ),
    "unknown_code": (
        QT_TRANSLATE_NOOP("Decline", "The wallet does not know this payment code."),
        QT_TRANSLATE_NOOP("Decline", "Ask the customer to refresh the code, then charge again."),
    ),
    "step_up_failed": (
        QT_TRANSLATE_NOOP("Decline", "The customer's confirmation failed (wrong PIN or code)."),
        QT_TRANSLATE_NOOP("Decline", "Charge again, or ask for another way to pay."),
    ),
    "step_up_expired": (
        QT_TRANSLATE_NOOP("Decline", "The customer did not confirm in time."),
        QT_TRANSLATE_NOOP("Decline", "Charge again and ask the customer to confirm straight away."),
    ),
    "step_up_rejected": (
        QT_TRANSLATE_NOOP("Decline", "The customer rejected the payment in their app."),
        QT_TRANSLATE_NOOP("Decline", "Check the amount with the customer."),
    ),
    "currency_not_supported": (
        QT_TRANSLATE_NOOP("Decline", "The wallet does not take this currency."),
        QT_TRANSLATE_NOOP("Decline", "Ask for another way to pay."),
    ),
    "cancelled": (
        QT_TRANSLATE_NOOP("Decline", "The payment was cancelled."),
        QT_TRANSLATE_NOOP("Decline", "Nothing was charged. Charge again if needed."),
    ),
}
_OTHER_DECLINE = (
    QT_TRANSLATE_NOOP("Decline", "The wallet declined the payment."),
    QT_TRANSLATE_NOOP("Decline", "Ask for another way to pay."),
)

_REJECTIONS: dict[RejectReason, str] = {
    RejectReason.NOT_A_PAYMENT_CODE: QT_TRANSLATE_NOOP("Reject", "This is not a payment code."),
    RejectReason.NOT_ACCEPTED: QT_TRANSLATE_NOOP("Reject", "%1 is not accepted at this register."),
    RejectReason.ALREADY_USED: QT_TRANSLATE_NOOP(
        "Reject", "This code was already used. Ask the customer to refresh it."),
    RejectReason.MALFORMED: QT_TRANSLATE_NOOP("Reject", "The code could not be read cleanly. Scan it again."),
    RejectReason.NOT_READY: QT_TRANSLATE_NOOP("Reject", "Enter the amount first, then scan the code."),
    RejectReason.BUSY: QT_TRANSLATE_NOOP("Reject", "A payment is in progress: finish or cancel it first."),
}

_THIS_WALLET = QT_TRANSLATE_NOOP("Reject", "This wallet")



def _t(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def decline_text(decline: Decline | None) -> DeclineText:
    reason, next_step = _DECLINES.get(decline.code if decline else "", _OTHER_DECLINE)
    return DeclineText(_t("Decline", reason), _t("Decline", next_step))


def rejection_text(rejection: Rejection) -> str:
    text = _t("Reject", _REJECTIONS[rejection.reason])
    return text.replace("%1", rejection.wallet_name or _t("Reject", _THIS_WALLET)) if "%1" in text else text


_CAMERA: dict[SourceStatus, str] = {
    SourceStatus.STARTING: QT_TRANSLATE_NOOP("Camera", "Starting the camera…"),
    SourceStatus.RUNNING: QT_TRANSLATE_NOOP("Camera", "Camera ready."),
    SourceStatus.MISSING: QT_TRANSLATE_NOOP(
        "Camera", "No camera found. Use the handheld scanner, or type the code (F2)."),
    SourceStatus.BUSY: QT_TRANSLATE_NOOP(
        "Camera", "Another program is using the camera. Use the handheld scanner, or type the code (F2)."),
    SourceStatus.FAILED: QT_TRANSLATE_NOOP("Camera", "The camera stopped sending pictures. Retrying…"),
    SourceStatus.ENDED: QT_TRANSLATE_NOOP("Camera", "The video has ended."),
    SourceStatus.STOPPED: QT_TRANSLATE_NOOP("Camera", "The camera starts when a sale waits for a code."),
}


def camera_text(state: SourceState) -> str:
    """The camera's state in the screen's language (the source's own sentence is English, for
    logs and `payterm doctor`)."""
    return _t("Camera", _CAMERA[state.status])
