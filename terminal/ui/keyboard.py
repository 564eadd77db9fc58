"""The window's keys: digits, Backspace, Enter, Esc and F-keys, with a keyboard-wedge scanner on
the same keyboard. Every printable key and Enter goes through the wedge first: a scanner's burst
is withheld and becomes a scan; a person's typing is handed on (late by at most one inter-key
gap). So a scanned code never lands in the amount."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

from terminal.scan.wedge import KeyAction, KeyboardWedge


class Command(Enum):
    ENTER = "enter"
    BACKSPACE = "backspace"
    ESCAPE = "escape"
    MANUAL_ENTRY = "manual_entry"  # F2
    REPRINT = "reprint"  # F4: the last receipt again
    MANAGER = "manager"  # F10


FKEYS = {Qt.Key.Key_F2: Command.MANUAL_ENTRY, Qt.Key.Key_F4: Command.REPRINT, Qt.Key.Key_F10: Command.MANAGER}
PLAIN = {Qt.Key.Key_Backspace: Command.BACKSPACE, Qt.Key.Key_Escape: Command.ESCAPE}
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class KeyRouter(QObject):
    """Turns key presses into ``typed`` text and ``command``s, the wedge's bursts into scans
    (those the wedge itself broadcasts to its subscribers)."""

    typed = Signal(str)
    command = Signal(object)  # Command

    def __init__(self, wedge: KeyboardWedge, parent: QObject | None = None,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.wedge = wedge
        self._clock = clock
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(int(wedge.settings.max_gap_ms) + 5)
        self._flush_timer.timeout.connect(self._tick)
        self._holding = False  # the wedge withholds keys that may yet turn out to be typing

    def key_press(self, event: QKeyEvent) -> bool:
        """Handle a key; False if it is not one of the window's keys."""
        key = Qt.Key(event.key())
        if key in FKEYS or key in PLAIN:
            self._release(self.wedge.tick(float("inf")).released)
            self._holding = False
            self.command.emit(FKEYS.get(key) or PLAIN[key])
            return True
        char = "\r" if key in ENTER_KEYS else event.text()
        if len(char) != 1 or not (char.isprintable() or char == "\r"):
            return False
        decision = self.wedge.feed(char, self._clock())
        self._release(decision.released)
        self._holding = decision.action is KeyAction.HOLD and decision.scan is None
        if decision.action is KeyAction.PASS:
            if char == "\r":
                self.command.emit(Command.ENTER)
            else:
                self.typed.emit(char)
        elif self._holding:
            self._flush_timer.start()
        return True

    def _tick(self) -> None:
        decision = self.wedge.tick(self._clock())
        self._release(decision.released)
        if decision.released:
            self._holding = False
        elif self._holding:
            self._flush_timer.start()  # still inside a possible burst: look again shortly

    def _release(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.command.emit(Command.ENTER)
            else:
                self.typed.emit(char)
