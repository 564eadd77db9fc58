"""The final panels: APPROVED, DECLINED, REVERSED. The verdict owns the screen: the panel's colour
runs across the whole width, and a large icon shape, words, the amount and what to do next are
readable from two metres (and heard: a sound), never colour alone. Enter (or the button) starts
the next sale and prints an approved sale's receipt; "No receipt" starts it printing nothing."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from terminal.domain.flow import Sale
from terminal.ui.customer_page import CustomerPage
from terminal.ui.panels.base import Panel, wallet_line
from terminal.ui.texts import decline_text
from terminal.ui.widgets.verdict_icon import Shape


class FinalPanel(Panel):
    def __init__(self, name: str, shape: Shape, parent: QWidget | None = None, *,
                 offer_no_receipt: bool = False) -> None:
        super().__init__(name, parent, shape=shape, icon_size=132)
        self.setProperty("verdict", True)
        self.amount.setProperty("scale", "verdict")
        self.detail = QLabel(self)
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        self.layout_.addWidget(self.detail)
        self.no_receipt_button = self.add_button("noReceiptButton", self.no_receipt.emit) if offer_no_receipt \
            else None
        self.next_button = self.add_button("nextButton", self.next_sale.emit)
        self.finish_layout()

    def enter(self) -> None:
        self.next_sale.emit()

    def retranslate(self) -> None:
        super().retranslate()
        self.next_button.setText(QCoreApplication.translate("FinalPanel", "Next sale (Enter)"))
        if self.no_receipt_button is not None:
            self.no_receipt_button.setText(QCoreApplication.translate("FinalPanel", "No receipt"))


class ApprovedPanel(FinalPanel):
    customer_page = CustomerPage.APPROVED

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("approvedPanel", Shape.TICK, parent, offer_no_receipt=True)

    def show_sale(self, sale: Sale) -> None:
        super().show_sale(sale)
        self.body.setText(wallet_line(sale))
        self.detail.setText(self.tr("Approval code: %1").replace("%1", sale.approval_code or "—"))

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Approved"))


class DeclinedPanel(FinalPanel):
    customer_page = CustomerPage.DECLINED

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("declinedPanel", Shape.CROSS, parent)

    def show_sale(self, sale: Sale) -> None:
        super().show_sale(sale)
        text = decline_text(sale.decline)
        self.body.setText(text.reason)
        self.detail.setText(self.tr("What to do: %1").replace("%1", text.next_step))

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Declined"))


class ReversedPanel(FinalPanel):
    customer_page = CustomerPage.CANCELLED

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("reversedPanel", Shape.UNDO, parent)

    def show_sale(self, sale: Sale) -> None:
        super().show_sale(sale)
        self.detail.setText(wallet_line(sale))

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Cancelled: nothing was charged"))
        self.body.setText(self.tr("The payment was cancelled at the wallet. Charge again if needed."))
