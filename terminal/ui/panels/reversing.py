"""REVERSING: the register is cancelling the charge at the wallet (after a cancel, or an answer
that never came). Nothing to do but wait; nothing will be charged."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.ui.customer_page import CustomerPage
from terminal.ui.panels.base import Panel
from terminal.ui.widgets.verdict_icon import Shape


class ReversingPanel(Panel):
    customer_page = CustomerPage.WAIT

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("reversingPanel", parent, shape=Shape.UNDO)
        self.finish_layout()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Cancelling the payment at the wallet…"))
        self.body.setText(self.tr("Nothing will be charged. Please wait until the wallet confirms."))
