"""AWAITING_CODE: the customer shows their payment code to the camera or the handheld scanner;
a code that will not scan is typed in (F2). A refused code is said here, plainly; so is a code
kept because the wallet cannot be reached (it goes to the wallet when it is back)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from terminal.ui.customer_page import CustomerPage
from terminal.ui.panels.base import Panel
from terminal.ui.widgets.verdict_icon import Shape


class AwaitingCodePanel(Panel):
    wants_camera = True
    customer_page = CustomerPage.SHOW_CODE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("awaitingPanel", parent, shape=Shape.ALERT)
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.layout_.addWidget(self.problem)
        self.waiting = QLabel(self)
        self.waiting.setObjectName("waitingForWallet")
        self.waiting.setWordWrap(True)
        self.waiting.hide()
        self.layout_.addWidget(self.waiting)
        self.manual_button = self.add_button("manualButton", self.manual_entry.emit)
        self.add_cancel_button()
        self.finish_layout()

    def activate(self) -> None:
        self.show_problem(None)
        self.show_waiting(False)

    def show_waiting(self, kept: bool) -> None:
        """True: a code was read while the wallet cannot be reached, and is kept to be sent."""
        self.waiting.setVisible(kept)
        self.waiting.setText(self.tr(
            "⚠ Code read. The wallet cannot be reached, so the code is kept and sent as soon as the wallet "
            "is back. Nothing has been charged yet. To stop, press Cancel (Esc).") if kept else "")

    def show_problem(self, text: str | None) -> None:
        """A refused read (not a payment code, not accepted here, already used), or None."""
        self.problem.setVisible(bool(text))
        self.problem.setText(f"⚠ {text}" if text else "")

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Scan the customer's payment code"))
        self.body.setText(self.tr(
            "Hold the code in the camera frame or use the handheld scanner. "
            "If it will not scan, type it in (F2)."))
        self.manual_button.setText(self.tr("Type the code (F2)"))
