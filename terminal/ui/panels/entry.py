"""IDLE: the cashier types the amount (keyboard or touch keypad) and charges it. The amount guard
(``terminal.domain.amount_guard``) is asked on Enter: over the register's maximum is refused here,
in words; above the confirm threshold the flow view asks once more (``confirm``). Typing past the
number of digits the maximum allows is said, not silently dropped."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from terminal.domain.amount_guard import AmountCheck, AmountLimits, check_amount, max_digits
from terminal.domain.flow import Sale
from terminal.domain.money import Money, is_ascii_digits
from terminal.ui.i18n import format_money
from terminal.ui.panels.base import Panel
from terminal.ui.widgets.amount import AmountDisplay, AmountEntry
from terminal.ui.widgets.keypad import Keypad


class EntryPanel(Panel):
    confirm = Signal(object)  # Money above the confirm threshold: ask once more

    def __init__(self, currency_code: str, parent: QWidget | None = None) -> None:
        super().__init__("entryPanel", parent)
        self.entry = AmountEntry(currency_code)
        self.limits = AmountLimits()
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
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
        left.addWidget(self.problem)
        left.addStretch(1)
        row.addLayout(left, 1)
        row.addWidget(self.keypad, 1)
        self.layout_.addLayout(row, 1)
        self.charge_button = self.add_button("chargeButton", self.enter)
        self.finish_layout(stretch=False)
        self._redraw()

    def set_limits(self, limits: AmountLimits) -> None:
        self.limits = limits
        self.entry.max_digits = max_digits(limits)

    def show_sale(self, sale: Sale) -> None:
        self._redraw()

    def activate(self) -> None:
        self._clear()

    def keep_amount(self) -> None:
        """Back from the confirm screen: the amount stays, to be corrected."""
        self._say(None)

    def type_text(self, text: str) -> None:
        if self.entry.type("".join(c for c in text if is_ascii_digits(c))):
            self._say(None)
        else:
            self._say(self.tr("At most %1 digits: the largest sale at this register is %2.")
                      .replace("%1", str(self.entry.max_digits))
                      .replace("%2", format_money(self._largest())))
        self._redraw()

    def backspace(self) -> None:
        self.entry.backspace()
        self._say(None)
        self._redraw()

    def enter(self) -> None:
        money = self.entry.money
        verdict = check_amount(money, self.limits)
        if verdict.check is AmountCheck.OK:
            self.charge.emit(money)
        elif verdict.check is AmountCheck.CONFIRM:
            self.confirm.emit(money)
        elif verdict.check is AmountCheck.TOO_LARGE and verdict.limit is not None:
            self._say(self.tr("%1 is more than this register may charge in one sale (at most %2). "
                              "Check the amount; a manager can change the limit.")
                      .replace("%1", format_money(money)).replace("%2", format_money(verdict.limit)))

    def escape(self) -> None:
        self._clear()

    def _largest(self) -> Money:
        top = self.limits.maximum if self.limits.maximum is not None else 10 ** self.entry.max_digits - 1
        return Money(top, self.entry.currency)

    def _say(self, text: str | None) -> None:
        self.problem.setVisible(bool(text))
        self.problem.setText(f"⚠ {text}" if text else "")

    def _clear(self) -> None:
        self.entry.clear()
        self._say(None)
        self._redraw()

    def _redraw(self) -> None:
        self.display.show_money(self.entry.money)
        self.charge_button.setEnabled(not self.entry.empty)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Enter the amount"))
        self.body.setText(self.tr("Type the amount, then press Charge (Enter)."))
        self.charge_button.setText(self.tr("Charge (Enter)"))
