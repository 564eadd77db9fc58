"""Digits for a PIN (masked: only dots are drawn) or a one-time code, with a keypad and OK.
The digits live in this widget only until OK hands them on; they are never logged or stored."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from terminal.ui.widgets.keypad import Keypad


class SecretPad(QWidget):
    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, masked: bool, min_len: int, max_len: int) -> None:
        super().__init__(parent)
        self.masked = masked
        self._min, self._max = min_len, max_len
        self._digits = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.display = QLabel(self)
        self.display.setObjectName("secretDisplay")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row.addWidget(self.display, 1)
        self.ok = QPushButton(self)
        self.ok.setObjectName("okButton")
        self.ok.setProperty("role", "okButton")
        self.ok.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ok.setMinimumSize(120, 56)
        self.ok.clicked.connect(self.submit)
        row.addWidget(self.ok)
        layout.addLayout(row)
        self.keypad = Keypad(self, double_zero=False)
        self.keypad.digit.connect(self.type_text)
        self.keypad.backspace.connect(self.backspace)
        self.keypad.clear.connect(self.clear)
        layout.addWidget(self.keypad, 1)
        self.retranslate()
        self._redraw()

    @property
    def length(self) -> int:
        return len(self._digits)

    def type_text(self, text: str) -> None:
        digits = "".join(c for c in text if c.isascii() and c.isdigit())
        self._digits = (self._digits + digits)[: self._max]
        self._redraw()

    def backspace(self) -> None:
        self._digits = self._digits[:-1]
        self._redraw()

    def clear(self) -> None:
        self._digits = ""
        self._redraw()

    def submit(self) -> None:
        if self.isEnabled() and len(self._digits) >= self._min:
            secret, self._digits = self._digits, ""
            self._redraw()
            self.submitted.emit(secret)

    def retranslate(self) -> None:
        self.ok.setText(QCoreApplication.translate("SecretPad", "OK (Enter)"))

    def _redraw(self) -> None:
        shown = "●" * len(self._digits) if self.masked else self._digits
        self.display.setText(" ".join(shown) if shown else "–")
        self.ok.setEnabled(len(self._digits) >= self._min)
