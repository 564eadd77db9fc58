"""What the three step-up panels share: the amount, the time left to answer, the attempts left,
and cancel (which cancels the charge at the wallet, not only on screen)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from terminal.domain.flow import Sale
from terminal.ui.panels.base import Panel
from terminal.ui.widgets.countdown import Countdown
from terminal.ui.widgets.verdict_icon import Shape


class StepUpPanel(Panel):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent, shape=Shape.ALERT)
        self.countdown = Countdown(self)
        self.attempts = QLabel(self)
        self.attempts.setObjectName("attempts")
        self.layout_.addWidget(self.countdown)
        self.layout_.addWidget(self.attempts)
        self._charge: str | None = None
        self._first_attempts = 0

    def wrong_answer(self, sale: Sale) -> bool:
        """True once the wallet has refused a PIN or code for this charge (fewer attempts left
        than when the step-up began) and no new answer is being checked."""
        left = sale.step_up.attempts_left if sale.step_up else 0
        if sale.charge_id != self._charge:
            self._charge, self._first_attempts = sale.charge_id, left
        return left < self._first_attempts and not sale.step_up_submitting

    def show_sale(self, sale: Sale) -> None:
        super().show_sale(sale)
        step = sale.step_up
        self.countdown.run_until(step.deadline if step else None)
        left = step.attempts_left if step else 0
        self.attempts.setVisible(left > 0)
        self.attempts.setText(
            QCoreApplication.translate("StepUpPanel", "Attempts left: %1").replace("%1", str(left)))

    def deactivate(self) -> None:
        self.countdown.stop()
