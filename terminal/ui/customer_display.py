"""The customer display: an optional second window, for a second monitor facing the customer
(kiosk mode puts it there, full screen). It shows what the customer is asked to approve and
nothing of the cashier's: a welcome while idle; the payee and the amount with "show your code";
the step-up prompt with the payee and the amount (EU SCA dynamic linking), and the PIN or
one-time-code pad when the step-up wants one, so that the customer types on their own screen;
the verdict; then the welcome again.

It follows the cashier's flow view: each panel names its customer page. Digits typed on the pad
go back to the window (``secret``), which hands them to the cashier panel on screen; they are
never kept here."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from terminal.domain.flow import Sale
from terminal.ui.customer_page import CustomerPage
from terminal.ui.i18n import format_money
from terminal.ui.panels.secret_pad import SecretPad
from terminal.ui.widgets.countdown import Countdown
from terminal.ui.widgets.verdict_icon import Shape, VerdictIcon

_ICONS = {CustomerPage.APPROVED: Shape.TICK, CustomerPage.DECLINED: Shape.CROSS,
          CustomerPage.CANCELLED: Shape.UNDO, CustomerPage.WAIT: Shape.WAIT}


def _label(name: str, parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class CustomerDisplay(QWidget):
    secret = Signal(str)  # a PIN or one-time code the customer typed here
    may_close = False  # only with the cashier window

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("customerDisplay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumSize(640, 480)
        self.page = CustomerPage.IDLE
        self._payee = ""
        self._sale: Sale | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(12)
        self.icon = VerdictIcon(Shape.TICK, self, size=120)
        outer.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.title = _label("customerTitle", self)
        self.payee = _label("customerPayee", self)
        self.amount = _label("customerAmount", self)
        self.body = _label("customerBody", self)
        self.countdown = Countdown(self)
        outer.addWidget(self.title)
        # the words on the left, the pad (PIN, one-time code) on the right when there is one, so
        # that both keep their full size on a small 640×480 customer screen
        row = QHBoxLayout()
        row.setSpacing(24)
        words = QVBoxLayout()
        words.addStretch(1)
        for widget in (self.payee, self.amount, self.body, self.countdown):
            words.addWidget(widget)
        words.addStretch(1)
        row.addLayout(words, 1)
        self.pads = QStackedWidget(self)
        self.pin_pad = SecretPad(self.pads, masked=True, min_len=4, max_len=8)
        self.otp_pad = SecretPad(self.pads, masked=False, min_len=4, max_len=10)
        for pad in (self.pin_pad, self.otp_pad):
            self.pads.addWidget(pad)
            pad.submitted.connect(self.secret.emit)
        row.addWidget(self.pads, 1)
        outer.addLayout(row, 1)
        self.show_page(CustomerPage.IDLE, None)

    def set_payee(self, name: str) -> None:
        if name != self._payee:
            self._payee = name
            self._draw()

    def show_page(self, page: CustomerPage, sale: Sale | None) -> None:
        """The cashier's panel changed, or its sale did."""
        if page is not self.page:
            for pad in (self.pin_pad, self.otp_pad):
                pad.clear()
        self.page, self._sale = page, sale
        self._draw()

    def _draw(self) -> None:
        page, sale = self.page, self._sale
        money = sale.amount if sale is not None else None
        self.setProperty("page", page.value)
        for widget in (self, self.icon, self.title):  # the colours hang on the page: draw them again
            widget.style().unpolish(widget)
            widget.style().polish(widget)
            widget.update()
        shape = _ICONS.get(page)
        self.icon.setVisible(shape is not None)
        if shape is not None:
            self.icon.shape = shape
            self.icon.update()
        with_amount = page is not CustomerPage.IDLE and money is not None
        self.amount.setVisible(with_amount)
        self.amount.setText(format_money(money) if money is not None else "")
        self.payee.setVisible(with_amount and bool(self._payee))
        self.payee.setText(self.tr("To %1").replace("%1", self._payee))
        secret = page in (CustomerPage.PIN, CustomerPage.OTP)
        self.pads.setVisible(secret)
        if secret:
            self.pads.setCurrentWidget(self.pin_pad if page is CustomerPage.PIN else self.otp_pad)
        step = sale.step_up if sale is not None else None
        asking = page in (CustomerPage.PIN, CustomerPage.OTP, CustomerPage.CONFIRM_IN_APP)
        self.countdown.setVisible(asking and step is not None)
        self.countdown.run_until(step.deadline if asking and step is not None else None)
        for pad in (self.pin_pad, self.otp_pad):
            pad.setEnabled(not (sale is not None and sale.step_up_submitting))
        title, body = self._words(page)
        self.title.setText(title)
        self.body.setText(body)
        self.body.setVisible(bool(body))

    def _words(self, page: CustomerPage) -> tuple[str, str]:
        if page is CustomerPage.SHOW_CODE:
            return (self.tr("Please show your payment code"),
                    self.tr("Open your wallet app and hold the code to the register's camera or scanner."))
        if page is CustomerPage.WAIT:
            return self.tr("One moment, please…"), self.tr("The payment is being checked with your wallet.")
        if page is CustomerPage.CONFIRM_IN_APP:
            return (self.tr("Please approve this payment in your wallet app"),
                    self.tr("Check the store and the amount before you approve."))
        if page is CustomerPage.PIN:
            return (self.tr("Please enter your wallet PIN"),
                    self.tr("Only dots are shown. Press OK when done."))
        if page is CustomerPage.OTP:
            return (self.tr("Please enter the one-time code"),
                    self.tr("Your wallet app shows the code. Press OK when done."))
        if page is CustomerPage.APPROVED:
            return self.tr("Paid. Thank you!"), ""
        if page is CustomerPage.DECLINED:
            return (self.tr("The payment did not go through"),
                    self.tr("Nothing was charged. Please talk to the cashier."))
        if page is CustomerPage.CANCELLED:
            return self.tr("The payment was cancelled"), self.tr("Nothing was charged.")
        return self.tr("Welcome"), self._payee

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.setWindowTitle(self.tr("PayTerm customer display"))
            self._draw()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.may_close and event.spontaneous():
            # A customer (or the window manager) closing it: it closes with the cashier window.
            # The application quitting (Qt 6 closes every window first) is not refused, or a
            # sale on the customer's screen would keep the register from ever exiting.
            event.ignore()
            return
        self.countdown.stop()
        super().closeEvent(event)


def place_customer_display(display: CustomerDisplay, *, kiosk: bool) -> None:
    """On the second monitor when there is one (full screen in kiosk mode); otherwise a window
    beside the cashier's."""
    screens = QGuiApplication.screens()
    if len(screens) > 1:
        display.setScreen(screens[1])
        display.setGeometry(screens[1].availableGeometry())
        if kiosk:
            display.showFullScreen()
            return
    else:
        display.resize(800, 600)
    display.show()
