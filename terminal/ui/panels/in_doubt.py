"""IN_DOUBT: the wallet's answer did not arrive (timeout, dropped connection). The register asks
again with the same request; at the deadline it reverses. The cashier must not charge again."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.domain.flow import Sale
from terminal.ui.customer_page import CustomerPage
from terminal.ui.panels.base import Panel
from terminal.ui.widgets.countdown import Countdown
from terminal.ui.widgets.verdict_icon import Shape


class InDoubtPanel(Panel):
    customer_page = CustomerPage.WAIT

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("inDoubtPanel", parent, shape=Shape.WAIT)
        self.countdown = Countdown(self)
        self.layout_.addWidget(self.countdown)
        self.cancel_button = self.add_cancel_button()
        self.finish_layout()

    def show_sale(self, sale: Sale) -> None:
        super().show_sale(sale)
        self.countdown.run_until(sale.doubt_deadline)
        self.cancel_button.setEnabled(not sale.cancel_requested)

    def deactivate(self) -> None:
        self.countdown.stop()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Checking the payment with the wallet"))
        self.body.setText(self.tr(
            "The wallet's answer did not arrive. Do not charge again: the register is asking the "
            "wallet and will cancel the payment if there is still no answer when the time runs out."))
