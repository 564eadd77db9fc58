"""The manager PIN, asked before manager mode opens and again to confirm a void or a refund.
The wallet checks it (a round trip, plus a journal write), on a worker: for manager mode a check
of its own, for a void or refund the operation itself, which carries the PIN sealed for it
(``submit``). While manager actions are locked the field is disabled and a countdown shows when
it opens again. A touch keypad types into the field, so that a register without a keyboard can
open manager mode."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from terminal.register.manager_pin import MAX_PIN_LENGTH, PinCheck, PinOutcome
from terminal.ui.errors import error_text
from terminal.ui.i18n import format_seconds
from terminal.ui.manager.services import ManagerServices
from terminal.ui.manager.tasks import Tasks
from terminal.ui.widgets.keypad import Keypad


class ManagerPinDialog(QDialog):
    """Accepted once the right PIN is entered; ``checked`` reports every answer (tests wait on it)."""

    checked = Signal(object)  # PinCheck

    def __init__(self, services: ManagerServices, prompt: str = "", parent: QWidget | None = None, *,
                 submit: Callable[[str], tuple[PinCheck, object]] | None = None) -> None:
        super().__init__(parent)
        # What the PIN is for: by default a check (opening manager mode); a void or refund passes
        # its own, which sends the PIN with the operation and returns the wallet's word on it and
        # the operation's result (``payload`` once accepted).
        self._submit = submit or (lambda pin: (services.pin.check(pin), None))
        self.payload: object = None
        self.setObjectName("managerPinDialog")
        self.setWindowTitle(self.tr("Manager"))
        self._services = services
        self._tasks = Tasks(self)
        self._locked_until: float | None = None
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.prompt = QLabel(prompt or self.tr("Manager PIN"), self)
        self.prompt.setWordWrap(True)
        layout.addWidget(self.prompt)
        self.field = QLineEdit(self)
        self.field.setObjectName("pinField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setMaxLength(MAX_PIN_LENGTH)
        layout.addWidget(self.field)
        self.keypad = Keypad(self, double_zero=False)
        self.keypad.setObjectName("pinKeypad")
        self.keypad.digit.connect(self.field.insert)
        self.keypad.backspace.connect(self.field.backspace)
        self.keypad.clear.connect(self.field.clear)
        self.keypad.setMinimumHeight(4 * 60)
        layout.addWidget(self.keypad)
        self.message = QLabel(self)
        self.message.setObjectName("pinMessage")
        self.message.setMinimumHeight(52)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Back"))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._countdown = QTimer(self)
        self._countdown.setInterval(500)
        self._countdown.timeout.connect(self._tick)
        state = services.pin.state()
        if state.locked_until is not None:
            self._lock(state.locked_until)

    def submit(self) -> None:
        pin = self.field.text()
        self.field.clear()
        if not pin or self._locked_until is not None:
            return
        self.message.setText(self.tr("Checking…"))
        self._enable(False)
        self._tasks.run(lambda: self._submit(pin), self._answered, self._failed)

    def _enable(self, on: bool) -> None:
        for widget in (self.field, self.ok_button, self.keypad):
            widget.setEnabled(on)

    def _answered(self, answer: tuple[PinCheck, object]) -> None:
        result, self.payload = answer
        self._enable(True)
        if result.outcome is PinOutcome.OK:
            self.message.clear()
            self.checked.emit(result)
            self.accept()
            return
        if result.outcome is PinOutcome.WRONG:
            self.message.setText(self.tr("Wrong PIN. %n more tries before manager mode locks.", "",
                                         result.tries_left))
        elif result.outcome is PinOutcome.NOT_SET:
            self.message.setText(self.tr("No manager PIN is set for this register at the wallet. IT sets "
                                         "it with a reset code: `payterm manager-pin reset`."))
        elif result.outcome is PinOutcome.UNREACHABLE:
            self.message.setText(self.tr("The wallet could not be reached, so the PIN was not checked. "
                                         "Try again in a moment."))
        elif result.outcome is PinOutcome.REFUSED:
            self.message.setText(self.tr("The wallet did not accept this PIN entry. Enter the PIN again."))
        elif result.locked_until is not None:
            self._lock(result.locked_until)
        self.field.setFocus()
        self.checked.emit(result)

    def _failed(self, exc: Exception) -> None:
        self._enable(True)
        self.message.setText(self.tr("The PIN could not be checked: %1").replace("%1", error_text(exc)))

    def _lock(self, until: float) -> None:
        self._locked_until = until
        self._enable(False)
        self._countdown.start()
        self._tick()

    def _tick(self) -> None:
        if self._locked_until is None:
            return
        left = self._locked_until - self._services.clock()
        if left <= 0:
            self._locked_until = None
            self._countdown.stop()
            self._enable(True)
            self.message.setText(self.tr("Manager mode is open again: enter the PIN."))
            self.field.setFocus()
            return
        self.message.setText(self.tr("Too many wrong PINs: manager mode is locked for %1.")
                             .replace("%1", format_seconds(left)))

    @property
    def locked(self) -> bool:
        return self._locked_until is not None
