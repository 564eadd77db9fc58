"""STEP_UP, app_confirm: the customer approves the payment in their wallet app; the register
polls the wallet and moves on by itself."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.ui.customer_page import CustomerPage
from terminal.ui.panels.stepup_base import InAppStepUpPanel


class StepUpAppPanel(InAppStepUpPanel):
    customer_page = CustomerPage.CONFIRM_IN_APP

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("stepUpAppPanel", parent)
        self.add_cancel_button()
        self.finish_layout()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Ask the customer to confirm in their wallet app"))
        self.body.setText(self.tr(
            "The wallet asks the customer to approve this payment on their phone. "
            "This screen moves on by itself when they do."))
