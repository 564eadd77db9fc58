"""The demo's "customer phone": a demo customer's wallet app, showing the rotating payment code
(QR and digits) and the step-up prompts (approve / reject in app, the one-time code, or "enter
your PIN at the register"). Every prompt names the payee and the amount, and while one is pending
the payment code is hidden (one question at a time, as a real wallet app does). It reads the
sandbox through ``DemoBackend`` on a worker thread, and speaks the register's language."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from terminal.domain.flow import StepUpMethod
from terminal.ui.demo_backend import DemoBackend, PendingStepUp, PhoneState
from terminal.ui.i18n import format_seconds
from terminal.ui.qr import qr_image

log = logging.getLogger(__name__)
QR_SIDE = 240

# The sandbox's notes on its demo customers (sandbox/seed.py), for the Japanese screen.
_NOTES = (
    QT_TRANSLATE_NOOP("PhoneNotes", "everyday customer: approves small payments at once"),
    QT_TRANSLATE_NOOP("PhoneNotes", "low balance"),
    QT_TRANSLATE_NOOP("PhoneNotes", "account locked: every charge declines account_locked"),
    QT_TRANSLATE_NOOP("PhoneNotes", "always asks to confirm in the wallet app"),
    QT_TRANSLATE_NOOP("PhoneNotes", "always asks for the PIN"),
    QT_TRANSLATE_NOOP("PhoneNotes", "always asks for the one-time code shown in the wallet app"),
    QT_TRANSLATE_NOOP("PhoneNotes", "never paid here: the first payment asks for a step-up"),
)


def note_text(note: str) -> str:
    return QCoreApplication.translate("PhoneNotes", note)


class PhonePoller(QObject):
    """Asks the sandbox for the customer's wallet state every second, one request at a time."""

    state = Signal(object)  # PhoneState

    def __init__(self, backend: DemoBackend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="payterm-phone")
        self._busy = False
        self.customer = backend.customers[0].name

    def poll(self) -> None:
        if not self._busy:
            self._busy = True
            self._worker.submit(self._fetch, self.customer)

    def answer(self, charge_id: str, approve: bool) -> None:
        self._worker.submit(self._backend.answer_step_up, self.customer, charge_id, approve)

    def _fetch(self, customer: str) -> None:
        try:
            self.state.emit(self._backend.phone_state(customer))
        except Exception as exc:  # noqa: BLE001 - the sandbox may be stopping; try again next second
            log.warning("phone: %s", exc)
        finally:
            self._busy = False

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)


class PhoneWindow(QWidget):
    def __init__(self, backend: DemoBackend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("phoneWindow")
        self.setFixedSize(380, 700)
        self._backend = backend
        self.poller = PhonePoller(backend, self)
        self.poller.state.connect(self.show_state)
        self._state: PhoneState | None = None
        layout = QVBoxLayout(self)
        self.customer = QComboBox(self)
        self.customer.setObjectName("customerBox")
        for c in backend.customers:
            self.customer.addItem("", c.name)
        self.customer.currentIndexChanged.connect(self._customer_changed)
        layout.addWidget(self.customer)
        self.balance = QLabel(self)
        self.balance.setObjectName("phoneBalance")
        layout.addWidget(self.balance)
        self.qr = QLabel(self)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr.setFixedHeight(QR_SIDE + 16)
        self.qr.setStyleSheet("background: white;")
        layout.addWidget(self.qr)
        self.digits = QLabel(self)
        self.digits.setObjectName("phoneDigits")
        self.digits.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.digits.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.digits)
        self.expiry = QLabel(self)
        self.expiry.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.expiry)
        self.payee = QLabel(self)
        self.payee.setObjectName("phonePayee")
        self.payee.setWordWrap(True)
        self.payee.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.payee)
        self.amount = QLabel(self)
        self.amount.setObjectName("phoneAmount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.amount)
        self.prompt = QLabel(self)
        self.prompt.setObjectName("phonePrompt")
        self.prompt.setWordWrap(True)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.prompt)
        buttons = QHBoxLayout()
        self.reject = QPushButton(self)
        self.approve = QPushButton(self)
        self.reject.clicked.connect(lambda: self._answer(False))
        self.approve.clicked.connect(lambda: self._answer(True))
        buttons.addWidget(self.reject)
        buttons.addWidget(self.approve)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.retranslate()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.poller.poll)
        self._timer.start()
        self.poller.poll()

    def _customer_changed(self) -> None:
        self.poller.customer = str(self.customer.currentData())
        self.poller.poll()

    def show_state(self, state: PhoneState) -> None:
        if state.customer != self.poller.customer:
            return  # an answer about the customer shown before
        if self._state is None or state.payment_code != self._state.payment_code:
            self.qr.setPixmap(QPixmap.fromImage(qr_image(state.payment_code, QR_SIDE)))
            self.digits.setText(" ".join(state.payment_code[i:i + 4] for i in range(0, len(state.payment_code), 4)))
        self._state = state
        self._draw()

    def pending(self) -> PendingStepUp | None:
        return self._state.step_ups[0] if self._state and self._state.step_ups else None

    def _draw(self) -> None:
        state, step = self._state, self.pending()
        # while the customer is asked to confirm, the code is put away: one question at a time
        for widget in (self.qr, self.digits, self.expiry):
            widget.setVisible(step is None)
        for widget in (self.payee, self.amount):
            widget.setVisible(step is not None)
        in_app = step is not None and step.method is StepUpMethod.APP_CONFIRM
        self.approve.setVisible(in_app)
        self.reject.setVisible(in_app)
        if state is not None:
            self.balance.setText(self.tr("%1 · balance %2").replace("%1", state.display_name)
                                 .replace("%2", state.balance))
            left = (state.code_expires_at - state.server_time).total_seconds()
            self.expiry.setText(self.tr("The code changes in %1").replace("%1", format_seconds(left)))
        if step is None:
            self.prompt.setText(self.tr("Show this code to the register."))
            return
        self.payee.setText(self.tr("Pay to: %1").replace("%1", step.payee or self.tr("this store")))
        self.amount.setText(step.amount)
        if step.method is StepUpMethod.APP_CONFIRM:
            self.prompt.setText(self.tr("Approve this payment?"))
        elif step.method is StepUpMethod.OTP:
            self.prompt.setText(self.tr("Tell the cashier this code:\n%1").replace("%1", step.otp or ""))
        else:
            self.prompt.setText(self.tr("Enter your PIN at the register.\n(demo PIN %1)")
                                .replace("%1", self._backend.demo_pin))

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("PayTerm Sandbox wallet"))
        for index, c in enumerate(self._backend.customers):
            self.customer.setItemText(index, f"{c.display_name}: {note_text(c.note)}")
        self.reject.setText(self.tr("Reject"))
        self.approve.setText(self.tr("Approve"))
        self._draw()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _answer(self, approve: bool) -> None:
        step = self.pending()
        if step is not None:
            self.poller.answer(step.charge_id, approve)
            self.poller.poll()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self._timer.stop()
        self.poller.close()
        super().closeEvent(event)
