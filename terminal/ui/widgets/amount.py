"""Amount entry as a cashier types it: digits fill from the right in minor units ("1", "12",
"1205" -> $12.05), whole yen for JPY. Pure integer arithmetic, never a float."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from terminal.domain.amount_guard import TYPED_DIGITS
from terminal.domain.money import MAX_AMOUNT, Money, currency, is_ascii_digits
from terminal.ui.i18n import format_money


class AmountEntry:
    """The digits typed so far, as Money of the register's currency."""

    def __init__(self, currency_code: str) -> None:
        self.currency = currency(currency_code).code
        self.max_digits = TYPED_DIGITS  # amount_guard.max_digits() of the register's limits
        self._digits = ""

    @property
    def money(self) -> Money:
        return Money(int(self._digits or "0"), self.currency)

    @property
    def empty(self) -> bool:
        return int(self._digits or "0") == 0

    def type(self, digits: str) -> bool:
        """Append digits; False (and nothing changes) if that would be too long."""
        if not is_ascii_digits(digits):  # "１２" or "١٢" from an input method: not an amount
            return False
        candidate = (self._digits + digits).lstrip("0")
        if len(candidate) > self.max_digits or int(candidate or "0") > MAX_AMOUNT:
            return False
        self._digits = candidate
        return True

    def backspace(self) -> None:
        self._digits = self._digits[:-1]

    def clear(self) -> None:
        self._digits = ""


class AmountDisplay(QLabel):
    """The big amount, right-aligned like a calculator."""

    def __init__(self, parent: QWidget | None = None, *, scale: str = "big") -> None:
        super().__init__(parent)
        self.setObjectName("amountDisplay")
        self.setProperty("scale", scale)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def show_money(self, money: Money | None) -> None:
        self.setText(format_money(money) if money is not None else "")
