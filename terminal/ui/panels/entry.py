"""IDLE: the cashier types the amount (keyboard or touch keypad) and charges it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from terminal.domain.flow import Sale
from terminal.domain.money import is_ascii_digits
from terminal.ui.panels.base import Panel
from terminal.ui.widgets.amount import AmountDisplay, AmountEntry
from terminal.ui.widgets.keypad import Keypad


class EntryPanel(Panel):
    def __init__(self, currency_code: str, parent: QWidget | None = None) -> None:
        super().__init__("entryPanel", parent)
        self.entry = AmountEntry(currency_code)
        self.amount.hide()
        self.display = AmountDisplay(self, scale="big")
        self.layout_.addWidget(self.display)
        self.keypad = Keypad(self)
        self.keypad.digit.connect(self.type_text)
        self.keypad.backspace.connect(self.backspace)
        self.keypad.clear.connect(self._clear)
        self.layout_.addWidget(self.keypad, 1)
        self.charge_button = self.add_button("chargeButton", self.enter)
        self.finish_layout()
        self._redraw()

    def show_sale(self, sale: Sale) -> None:
        self._redraw()

    def activate(self) -> None:
        self._clear()

    def type_text(self, text: str) -> None:
        self.entry.type("".join(c for c in text if is_ascii_digits(c)))
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
