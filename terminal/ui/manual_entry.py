"""Typing a payment code that will not scan (F2): the digits under the customer's QR code. The
typed code goes the same way as a scanned one and is checked the same way."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class ManualEntryDialog(QDialog):
    code_entered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("manualEntryDialog")
        self.setWindowTitle(self.tr("Type the payment code"))
        layout = QVBoxLayout(self)
        self.hint = QLabel(self.tr("Type the digits shown under the customer's code, then press Enter."), self)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.field = QLineEdit(self)
        self.field.setObjectName("codeField")
        self.field.setMaxLength(512)
        layout.addWidget(self.field)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Use this code"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Back"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 180)

    def _accept(self) -> None:
        text = "".join(self.field.text().split())
        if text:
            self.field.clear()
            self.accept()
            self.code_entered.emit(text)
