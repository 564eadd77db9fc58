"""What the three step-up panels share: the amount, the time left to answer, the attempts left,
and cancel (which cancels the charge at the wallet, not only on screen)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from terminal.domain.flow import Sale
from terminal.ui.panels.base import Panel
from terminal.ui.panels.secret_pad import SecretPad
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


class SecretStepUpPanel(StepUpPanel):
    """The PIN and one-time-code panels: a pad for the digits, and a line saying what to do (type,
    being checked, or wrong: try again). Subclasses give the pad's shape and the words."""

    def __init__(self, name: str, parent: QWidget | None = None, *, masked: bool, min_len: int,
                 max_len: int) -> None:
        super().__init__(name, parent)
        self.pad = SecretPad(self, masked=masked, min_len=min_len, max_len=max_len)
        self.pad.submitted.connect(self.secret.emit)
        self.layout_.addWidget(self.pad, 1)
        self.add_cancel_button()
        self.finish_layout()

    def words(self) -> tuple[str, str, str]:
        """(what to do, being checked, wrong: try again), translated."""
        raise NotImplementedError

    def activate(self) -> None:
        self.pad.clear()

    def show_sale(self, sale: Sale) -> None:
        super().show_sale(sale)
        self.pad.setEnabled(not sale.step_up_submitting)
        ask, checking, wrong = self.words()
        if sale.step_up_submitting:
            self.body.setText(checking)
        elif self.wrong_answer(sale):
            self.body.setText(wrong)
        else:
            self.body.setText(ask)

    def type_text(self, text: str) -> None:
        if self.pad.isEnabled():
            self.pad.type_text(text)

    def backspace(self) -> None:
        self.pad.backspace()

    def enter(self) -> None:
        self.pad.submit()
