"""STEP_UP, pin: the customer types their wallet PIN on the register (turn the screen, or the
customer display). Digits are masked; the PIN is sealed to the wallet's key by the register and
never kept."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.domain.flow import Sale
from terminal.ui.panels.secret_pad import SecretPad
from terminal.ui.panels.stepup_base import StepUpPanel


class StepUpPinPanel(StepUpPanel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("stepUpPinPanel", parent)
        self.pad = SecretPad(self, masked=True, min_len=4, max_len=8)  # wallet PINs: 4 to 8 digits
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
            self.body.setText(self.tr("Checking the PIN…"))
        elif self.wrong_answer(sale):
            self.body.setText(self.tr("Wrong PIN. Ask the customer to try again."))
        else:
            self.body.setText(self.tr("Turn the screen to the customer. Only dots are shown."))

    def type_text(self, text: str) -> None:
        if self.pad.isEnabled():
            self.pad.type_text(text)

    def backspace(self) -> None:
        self.pad.backspace()

    def enter(self) -> None:
        self.pad.submit()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Customer: enter your wallet PIN"))
