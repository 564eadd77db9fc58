"""What every flow panel shares: a title, a body of text, optional icon and amount, a row of
buttons; and the keys it answers (digits, Backspace, Enter). Panels keep no sale state of their
own: ``show_sale`` draws the snapshot it is handed, every time.

Panels only emit what the cashier asked for; the window passes it on to the register."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from terminal.domain.flow import Sale
from terminal.ui.customer_page import CustomerPage
from terminal.ui.widgets.amount import AmountDisplay
from terminal.ui.widgets.verdict_icon import Shape, VerdictIcon


class Panel(QWidget):
    """``wants_camera``: the window shows the camera view beside this panel (only while a code is
    awaited); every other panel has the body's whole width."""

    wants_camera = False
    customer_page = CustomerPage.IDLE  # what the customer display shows meanwhile
    charge = Signal(object)  # Money
    secret = Signal(str)  # PIN or one-time code, passed straight on
    cancel = Signal()
    next_sale = Signal()
    no_receipt = Signal()  # the customer wants no receipt for the sale just approved
    manual_entry = Signal()

    def __init__(self, name: str, parent: QWidget | None = None, *, shape: Shape | None = None,
                 icon_size: int = 72) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 16, 24, 16)
        self.layout_.setSpacing(10)
        header = QHBoxLayout()
        self.icon = VerdictIcon(shape, self, size=icon_size) if shape is not None else None
        if self.icon is not None:
            header.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        self.title = QLabel(self)
        self.title.setObjectName("panelTitle")
        self.title.setWordWrap(True)
        header.addWidget(self.title, 1, Qt.AlignmentFlag.AlignVCenter)
        self.layout_.addLayout(header)
        self.amount = AmountDisplay(self, scale="medium")
        self.layout_.addWidget(self.amount)
        self.body = QLabel(self)
        self.body.setObjectName("panelBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_.addWidget(self.body)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(12)
        self._cancel_button: QPushButton | None = None

    def finish_layout(self, *, stretch: bool = True) -> None:
        """Call at the end of a subclass's __init__: buttons go at the bottom (``stretch``: below
        the content, when no part of it takes the spare height itself)."""
        if stretch:
            self.layout_.addStretch(1)
        self.layout_.addLayout(self.buttons)
        self.retranslate()

    def add_button(self, role: str, action: object) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(role)
        button.setProperty("role", role)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setMinimumHeight(56)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.clicked.connect(action)
        self.buttons.addWidget(button)
        return button

    def add_cancel_button(self) -> QPushButton:
        self._cancel_button = self.add_button("cancelButton", self.cancel.emit)
        return self._cancel_button

    # -- what the window calls ------------------------------------------------------------------

    def show_sale(self, sale: Sale) -> None:
        self.amount.show_money(sale.amount)

    def activate(self) -> None:
        """Called when this panel becomes the one on screen (reset typed input here)."""

    def deactivate(self) -> None:
        """Called when another panel takes over (stop timers here)."""

    def type_text(self, text: str) -> None:
        """Digits typed on the keyboard (or released by the wedge)."""

    def backspace(self) -> None:
        """The Backspace key."""

    def enter(self) -> None:
        """The Enter key."""

    def escape(self) -> None:
        """The Esc key: cancel where the flow allows it."""
        if self._cancel_button is not None and self._cancel_button.isEnabled():
            self.cancel.emit()

    # -- language -------------------------------------------------------------------------------

    def retranslate(self) -> None:
        if self._cancel_button is not None:
            self._cancel_button.setText(QCoreApplication.translate("Panel", "Cancel (Esc)"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def wallet_line(sale: Sale) -> str:
    """"PayTerm Sandbox · ••••1234": which wallet, which code (its last four only)."""
    parts = [p for p in (sale.wallet, f"••••{sale.last4}" if sale.last4 else None) if p]
    return " · ".join(parts)

