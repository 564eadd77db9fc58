"""A touch keypad: 0-9, 00 (where the currency has whole-unit amounts), clear and backspace.

Buttons never take keyboard focus, so the window keeps every keystroke (and the keyboard-wedge
scanner's bursts) to itself."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget


class Keypad(QWidget):
    digit = Signal(str)
    backspace = Signal()
    clear = Signal()

    def __init__(self, parent: QWidget | None = None, *, double_zero: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("keypad")
        grid = QGridLayout(self)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 0, 0)
        for index, key in enumerate("789456123"):
            grid.addWidget(self._key(key, lambda _=False, k=key: self.digit.emit(k)), index // 3, index % 3)
        self._clear = self._key("C", self.clear.emit)
        self._clear.setObjectName("keyClear")
        grid.addWidget(self._clear, 3, 0)
        grid.addWidget(self._key("0", lambda: self.digit.emit("0")), 3, 1)
        if double_zero:
            grid.addWidget(self._key("00", lambda: self.digit.emit("00")), 3, 2)
            grid.addWidget(self._key("⌫", self.backspace.emit), 4, 0, 1, 3)
        else:
            grid.addWidget(self._key("⌫", self.backspace.emit), 3, 2)

    def _key(self, label: str, action: object) -> QPushButton:
        button = QPushButton(label, self)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setMinimumSize(64, 52)
        button.setMaximumHeight(96)
        button.setProperty("role", "key")
        button.clicked.connect(action)
        return button
