"""Which page the customer display shows beside each cashier panel. Each panel names its page
(``Panel.customer_page``), so the customer display follows the cashier's screen and never
decides anything about the sale itself."""

from __future__ import annotations

from enum import Enum


class CustomerPage(Enum):
    IDLE = "idle"  # welcome; the amount is being typed
    SHOW_CODE = "show_code"  # amount and payee: show your payment code
    WAIT = "wait"  # the wallet is being asked; or a payment is being cancelled
    CONFIRM_IN_APP = "confirm_in_app"  # approve in your wallet app
    PIN = "pin"  # enter your PIN here
    OTP = "otp"  # enter the one-time code from your app here
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
