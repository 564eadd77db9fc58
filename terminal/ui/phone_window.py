"""The demo's "customer phone": a demo customer's wallet app, showing the rotating payment code
(QR and digits) and the step-up prompts (approve / reject in app, the one-time code, or "enter
your PIN at the register"). It reads the sandbox through ``DemoBackend`` on a worker thread."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from terminal.domain.flow import StepUpMethod
from terminal.ui.demo_backend import DemoBackend, PhoneState
from terminal.ui.i18n import format_seconds
from terminal.ui.qr import qr_image

log = logging.getLogger(__name__)
QR_SIDE = 240


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
        self.setWindowTitle("PayTerm Sandbox wallet")
        self.setFixedSize(380, 700)
        self._backend = backend
        self.poller = PhonePoller(backend, self)
        self.poller.state.connect(self.show_state)
        self._state: PhoneState | None = None
        layout = QVBoxLayout(self)
        self.customer = QComboBox(self)
        self.customer.setObjectName("customerBox")
        for c in backend.customers:
            self.customer.addItem(f"{c.display_name}: {c.note}", c.name)
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
        self.prompt = QLabel(self)
        self.prompt.setObjectName("phonePrompt")
        self.prompt.setWordWrap(True)
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.prompt)
        buttons = QHBoxLayout()
        self.reject = QPushButton("Reject", self)
        self.approve = QPushButton("Approve", self)
        self.reject.clicked.connect(lambda: self._answer(False))
        self.approve.clicked.connect(lambda: self._answer(True))
        buttons.addWidget(self.reject)
        buttons.addWidget(self.approve)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._show_prompt(None)
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
        self.balance.setText(f"{state.display_name} · {state.balance}")
        left = (state.code_expires_at - state.server_time).total_seconds()
        self.expiry.setText(f"code refreshes in {format_seconds(left)}")
        self._show_prompt(state)

    def _show_prompt(self, state: PhoneState | None) -> None:
        step = state.step_ups[0] if state and state.step_ups else None
        in_app = step is not None and step.method is StepUpMethod.APP_CONFIRM
        self.approve.setVisible(in_app)
        self.reject.setVisible(in_app)
        if step is None:
            self.prompt.setText("Show this code to the register.")
        elif step.method is StepUpMethod.APP_CONFIRM:
            self.prompt.setText(f"Pay {step.amount}?\nApprove or reject this payment.")
        elif step.method is StepUpMethod.OTP:
            self.prompt.setText(f"Pay {step.amount}: tell the cashier this code\n{step.otp or ''}")
        else:
            self.prompt.setText(f"Pay {step.amount}: enter your PIN at the register\n"
                                f"(demo PIN {self._backend.demo_pin})")

    def _answer(self, approve: bool) -> None:
        if self._state and self._state.step_ups:
            self.poller.answer(self._state.step_ups[0].charge_id, approve)
            self.poller.poll()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self._timer.stop()
        self.poller.close()
        super().closeEvent(event)
