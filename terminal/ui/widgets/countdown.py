"""Time left until a deadline (step-up window, in-doubt polling), redrawn a few times a second
from the wall clock; the deadline itself comes from the sale."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from terminal.ui.i18n import format_seconds


class Countdown(QLabel):
    def __init__(self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.setObjectName("countdown")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._clock = clock
        self._deadline: float | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._redraw)

    def run_until(self, deadline: float | None) -> None:
        self._deadline = deadline
        if deadline is None:
            self._timer.stop()
            self.clear()
            return
        self._redraw()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def seconds_left(self) -> float:
        return 0.0 if self._deadline is None else max(0.0, self._deadline - self._clock())

    def _redraw(self) -> None:
        self.setText(format_seconds(self.seconds_left))
