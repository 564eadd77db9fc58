"""STEP_UP, otp: the customer's wallet app shows a one-time code; the customer reads it out or
types it, and the register sends it to the wallet."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.ui.customer_page import CustomerPage
from terminal.ui.panels.stepup_base import SecretStepUpPanel


class StepUpOtpPanel(SecretStepUpPanel):
    customer_page = CustomerPage.OTP

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("stepUpOtpPanel", parent, masked=False, min_len=4, max_len=10)

    def words(self) -> tuple[str, str, str]:
        return (self.tr("Type the one-time code shown in the customer's wallet app."),
                self.tr("Checking the code…"),
                self.tr("Wrong code. Check the code in the customer's app and type it again."))

    def elsewhere_words(self) -> str:
        return self.tr("The customer enters the one-time code on the customer display.")

    def waiting_words(self) -> str:
        return self.tr("The wallet cannot be reached. The code is kept and sent as soon as the wallet "
                       "answers again.")

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Enter the one-time code"))
