"""IDLE: the cashier types the amount (keyboard or touch keypad) and charges it."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from terminal.domain.flow import Sale
from terminal.ui.panels.base import Panel
from terminal.ui.widgets.amount import AmountDisplay, AmountEntry
from terminal.ui.widgets.keypad import Keypad


class EntryPanel(Panel):
    def __init__(self, currency_code: str, parent: QWidget | None = None) -> None:
        super().__init__("entryPanel", parent)
        self.entry = AmountEntry(currency_code)
        self.amount.hide()
        self.display = AmountDisplay(self, scale="big")
        self.keypad = Keypad(self)
        self.keypad.digit.connect(self.type_text)
        self.keypad.backspace.connect(self.backspace)
        self.keypad.clear.connect(self._clear)
        # the amount and the words on the left, the keypad on the right: both keep their full
        # height at 1024×768
        row = QHBoxLayout()
        row.setSpacing(24)
        left = QVBoxLayout()
        self.layout_.removeWidget(self.body)
        left.addWidget(self.display)
        left.addWidget(self.body)
        left.addStretch(1)
        row.addLayout(left, 1)
        row.addWidget(self.keypad, 1)
        self.layout_.addLayout(row, 1)
        self.charge_button = self.add_button("chargeButton", self.enter)
        self.finish_layout(stretch=False)
        self._redraw()

    def show_sale(self, sale: Sale) -> None:
        self._redraw()

    def activate(self) -> None:
        self._clear()

    def type_text(self, text: str) -> None:
        self.entry.type("".join(c for c in text if c.isdigit()))
        self._redraw()

    def backspace(self) -> None:
        self.entry.backspace()
        self._redraw()

    def enter(self) -> None:
        if not self.entry.empty:
            self.charge.emit(self.entry.money)

    def escape(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self.entry.clear()
        self._redraw()

    def _redraw(self) -> None:
        self.display.show_money(self.entry.money)
        self.charge_button.setEnabled(not self.entry.empty)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Enter the amount"))
        self.body.setText(self.tr("Type the amount, then press Charge (Enter)."))
        self.charge_button.setText(self.tr("Charge (Enter)"))
