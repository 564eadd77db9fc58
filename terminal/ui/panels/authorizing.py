"""AUTHORIZING: the charge is with the wallet. Cancel is taken, and kept: whatever the wallet
answers is then reversed."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.domain.flow import Sale
from terminal.ui.customer_page import CustomerPage
from terminal.ui.panels.base import Panel, wallet_line
from terminal.ui.widgets.verdict_icon import Shape


class AuthorizingPanel(Panel):
    customer_page = CustomerPage.WAIT

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("authorizingPanel", parent, shape=Shape.WAIT)
        self.cancel_button = self.add_cancel_button()
        self.finish_layout()

    def show_sale(self, sale: Sale) -> None:
        super().show_sale(sale)
        if sale.cancel_requested:
            self.body.setText(self.tr("Cancelling: the wallet's answer will be reversed. Nothing will be charged."))
        else:
            self.body.setText(self.tr("Asking the wallet… %1").replace("%1", wallet_line(sale)))
        self.cancel_button.setEnabled(not sale.cancel_requested)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Authorizing"))
