"""STEP_UP, otp: the customer's wallet app shows a one-time code; the customer reads it out or
types it, and the register sends it to the wallet."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.domain.flow import Sale
from terminal.ui.panels.secret_pad import SecretPad
from terminal.ui.panels.stepup_base import StepUpPanel


class StepUpOtpPanel(StepUpPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("stepUpOtpPanel", parent)
        self.pad = SecretPad(self, masked=False, min_len=4, max_len=10)
        self.pad.submitted.connect(self.secret.emit)
        self.layout_.addWidget(self.pad, 1)
        self.add_cancel_button()
        self.finish_layout()

    def activate(self) -> None:
        self.pad.clear()

    def show_sale(self, sale: Sale) -> None:
        super().show_sale(sale)
        self.pad.setEnabled(not sale.step_up_submitting)
        if sale.step_up_submitting:
            self.body.setText(self.tr("Checking the code…"))
        elif self.wrong_answer(sale):
            self.body.setText(self.tr("Wrong code. Check the code in the customer's app and type it again."))
        else:
            self.body.setText(self.tr("Type the one-time code shown in the customer's wallet app."))

    def type_text(self, text: str) -> None:
        if self.pad.isEnabled():
            self.pad.type_text(text)

    def backspace(self) -> None:
        self.pad.backspace()

    def enter(self) -> None:
        self.pad.submit()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Enter the one-time code"))
