"""STEP_UP, pin: the customer types their wallet PIN on the register (turn the screen, or the
customer display). Digits are masked; the PIN is sealed to the wallet's key by the register and
never kept."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.ui.customer_page import CustomerPage
from terminal.ui.panels.stepup_base import SecretStepUpPanel


class StepUpPinPanel(SecretStepUpPanel):
    customer_page = CustomerPage.PIN

    def __init__(self, parent: QWidget | None = None) -> None:
        # wallet PINs are 4 to 8 digits (terminal.crypto.pin)
        super().__init__("stepUpPinPanel", parent, masked=True, min_len=4, max_len=8)

    def words(self) -> tuple[str, str, str]:
        return (self.tr("Turn the screen to the customer. Only dots are shown."),
                self.tr("Checking the PIN…"),
                self.tr("Wrong PIN. Ask the customer to try again."))

    def elsewhere_words(self) -> str:
        return self.tr("The customer enters the PIN on the customer display.")

    def waiting_words(self) -> str:
        return self.tr("The wallet cannot be reached. The PIN is kept and sent as soon as the wallet "
                       "answers again.")

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Customer: enter your wallet PIN"))
