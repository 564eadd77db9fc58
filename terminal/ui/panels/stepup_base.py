"""What the three step-up panels share: whom the customer pays and how much (EU SCA dynamic
linking: the customer approves a payee and an amount, never a bare prompt), the time left to
answer, and cancel (which cancels the charge at the wallet, not only on screen). Attempts left
are shown only where a wrong answer can be retried: the PIN and one-time-code panels."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from terminal.domain.flow import Sale
from terminal.ui.panels.base import Panel
from terminal.ui.panels.secret_pad import SecretPad
from terminal.ui.widgets.countdown import Countdown
from terminal.ui.widgets.verdict_icon import Shape


class StepUpPanel(Panel):
    retryable = False  # a wrong answer can be typed again (PIN, one-time code)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent, shape=Shape.ALERT)
        self.payee = QLabel(self)
        self.payee.setObjectName("payee")
        self.payee.setWordWrap(True)
        self.payee.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_.insertWidget(self.layout_.indexOf(self.amount), self.payee)
        self.countdown = Countdown(self)
        self.attempts = QLabel(self)
        self.attempts.setObjectName("attempts")
        self.attempts.hide()
        self._payee_name = ""
        self._charge: str | None = None
        self._first_attempts = 0

    def set_payee(self, name: str) -> None:
        """The store the customer pays (merchant and store, as enrolled)."""
        self._payee_name = name
        self._draw_payee()

    def _draw_payee(self) -> None:
        words = QCoreApplication.translate("StepUpPanel", "Pay to: %1")
        self.payee.setText(words.replace("%1", self._payee_name) if self._payee_name else "")
        self.payee.setVisible(bool(self._payee_name))

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
        self.attempts.setVisible(self.retryable and left > 0)
        self.attempts.setText(
            QCoreApplication.translate("StepUpPanel", "Attempts left: %1").replace("%1", str(left)))

    def deactivate(self) -> None:
        self.countdown.stop()

    def retranslate(self) -> None:
        super().retranslate()
        self._draw_payee()


class InAppStepUpPanel(StepUpPanel):
    """The customer approves in their wallet app: nothing to type here."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        self.layout_.addWidget(self.countdown)


class SecretStepUpPanel(StepUpPanel):
    """The PIN and one-time-code panels: what to do and the time left on the left, the pad for
    the digits on the right (so that the pad keeps its full height at 1024×768). Subclasses give
    the pad's shape and the words."""

    retryable = True

    def __init__(self, name: str, parent: QWidget | None = None, *, masked: bool, min_len: int,
                 max_len: int) -> None:
        super().__init__(name, parent)
        self.pad = SecretPad(self, masked=masked, min_len=min_len, max_len=max_len)
        self.pad.submitted.connect(self._submit)
        self._reachable = True
        self._held: str | None = None  # typed while the wallet was away: sent when it is back
        self._elsewhere = False
        row = QHBoxLayout()
        row.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(10)
        for widget in (self.payee, self.amount, self.body):
            self.layout_.removeWidget(widget)
            left.addWidget(widget)
        left.addWidget(self.countdown)
        left.addWidget(self.attempts)
        left.addStretch(1)
        row.addLayout(left, 1)
        row.addWidget(self.pad, 1)
        self.layout_.addLayout(row, 1)
        self.add_cancel_button()
        self.finish_layout(stretch=False)

    def words(self) -> tuple[str, str, str]:
        """(what to do, being checked, wrong: try again), translated."""
        raise NotImplementedError

    def elsewhere_words(self) -> str:
        """Said on the cashier's screen when the customer types on the customer display."""
        raise NotImplementedError

    def set_pad_elsewhere(self, elsewhere: bool) -> None:
        """True with a customer display: the customer types there, the cashier's pad is hidden."""
        self._elsewhere = elsewhere
        self.pad.setVisible(not elsewhere)

    def take_secret(self, secret: str) -> None:
        """Digits typed on the customer display, handled as if typed on this pad."""
        if self.pad.isEnabled():
            self._submit(secret)

    def waiting_words(self) -> str:
        """Said while an answer is kept because the wallet cannot be reached."""
        raise NotImplementedError

    def activate(self) -> None:
        self.pad.clear()
        self._held = None

    def deactivate(self) -> None:
        super().deactivate()
        self._held = None  # the step-up is over: a kept answer is dropped, never sent later

    def set_reachable(self, reachable: bool) -> None:
        """The wallet watch's word. A kept answer goes out as soon as the wallet is back."""
        self._reachable = reachable
        if reachable and self._held is not None:
            secret, self._held = self._held, None
            self.secret.emit(secret)
        elif self._held is not None:
            self.body.setText(self.waiting_words())

    def _submit(self, secret: str) -> None:
        if self._reachable:
            self.secret.emit(secret)
        else:
            self._held = secret
            self.pad.setEnabled(False)
            self.body.setText(self.waiting_words())

    @property
    def holding(self) -> bool:
        return self._held is not None

    def show_sale(self, sale: Sale) -> None:
        super().show_sale(sale)
        self.pad.setEnabled(not sale.step_up_submitting and self._held is None)
        ask, checking, wrong = self.words()
        if self._held is not None:
            self.body.setText(self.waiting_words())
        elif sale.step_up_submitting:
            self.body.setText(checking)
        elif self._elsewhere and not self.wrong_answer(sale):
            self.body.setText(self.elsewhere_words())
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
