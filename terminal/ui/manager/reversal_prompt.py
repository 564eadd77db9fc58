"""A POS asks for a void or refund: the manager authorizes it on PayTerm's screen.

The POS API runs on its own thread and calls the prompt (``terminal.pos.manager.PinPrompt``);
the prompt opens the manager-PIN dialog (touch keypad) on the window's thread, saying what the
POS asks, and hands the typed PIN back. The PIN is not checked here: it is sealed for that one
refund or void and the wallet checks it, so a wrong one reaches the POS as the wallet's refusal
(and counts towards the wallet's lock-out). Nobody answering within the POS's wait, or "Back",
refuses the reversal.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from terminal.register.manager_pin import PinCheck, PinOutcome
from terminal.ui.manager.pin_dialog import ManagerPinDialog
from terminal.ui.manager.services import ManagerServices


class _Answer:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.pin: str | None = None
        self.dialog: ManagerPinDialog | None = None


class WindowPinPrompt(QObject):
    """Callable from any thread; create it on the window's thread."""

    _ask = Signal(str, float, object)
    _give_up = Signal(object)
    asked = Signal(object)  # the dialog, once open (tests type into it)

    def __init__(self, services: ManagerServices, parent: QWidget) -> None:
        super().__init__(parent)
        self._services = services
        self._window = parent
        self._ask.connect(self._open, Qt.ConnectionType.QueuedConnection)
        self._give_up.connect(self._close, Qt.ConnectionType.QueuedConnection)

    def __call__(self, what: str, wait: float) -> str | None:
        answer = _Answer()
        self._ask.emit(what, wait, answer)
        if not answer.done.wait(wait):
            self._give_up.emit(answer)
            return None
        return answer.pin

    def _open(self, what: str, wait: float, answer: _Answer) -> None:
        prompt = self.tr("The POS asks: %1. Enter the manager PIN to authorize it, or Back to refuse.") \
            .replace("%1", what)
        dialog = ManagerPinDialog(self._services, prompt, self._window,
                                  submit=lambda pin: (PinCheck(PinOutcome.OK), pin))
        dialog.setObjectName("reversalPinDialog")
        answer.dialog = dialog

        def accepted() -> None:
            answer.pin = dialog.payload if isinstance(dialog.payload, str) else None
            answer.done.set()

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(answer.done.set)
        QTimer.singleShot(int(wait * 1000), dialog.reject)
        dialog.open()
        self.asked.emit(dialog)

    def _close(self, answer: _Answer) -> None:
        if answer.dialog is not None and answer.dialog.isVisible():
            answer.dialog.reject()
