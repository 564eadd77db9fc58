"""The second look at a large amount: the amount alone, very large, and "press Enter again to
charge it". Shown when the amount guard (``terminal.domain.amount_guard``) says an amount is above
the register's confirm threshold; Esc goes back to the amount, unchanged, to correct it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from terminal.domain.amount_guard import AmountLimits, check_amount
from terminal.domain.money import Money
from terminal.ui.i18n import format_money
from terminal.ui.panels.base import Panel
from terminal.ui.widgets.verdict_icon import Shape


class AmountConfirmPanel(Panel):
    back = Signal()  # Esc: back to the amount, to correct it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("amountConfirmPanel", parent, shape=Shape.ALERT)
        self.amount.setProperty("scale", "verdict")
        self._money: Money | None = None
        self.limits = AmountLimits()
        self.back_button = self.add_button("backButton", self.escape)
        self.confirm_button = self.add_button("chargeButton", self.enter)
        self.finish_layout()

    def ask(self, money: Money) -> None:
        self._money = money
        self.amount.show_money(money)
        self.body.setText(self.tr("Is %1 right? Check it with the customer.")
                          .replace("%1", format_money(money)))

    def enter(self) -> None:
        if self._money is not None and check_amount(self._money, self.limits, confirmed=True).may_charge:
            self.charge.emit(self._money)

    def escape(self) -> None:
        self.back.emit()

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Large amount: press Enter again to charge it"))
        self.back_button.setText(self.tr("Correct the amount (Esc)"))
        self.confirm_button.setText(self.tr("Charge this amount (Enter)"))
        if self._money is not None:
            self.ask(self._money)
