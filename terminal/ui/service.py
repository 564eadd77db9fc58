"""The window as a systemd service: READY=1 once the event loop runs (a window is up: the
cashier window, the enrollment wizard or the journal notice), then WATCHDOG=1 from the UI thread,
so that a window whose event loop hangs is restarted (``WatchdogSec=`` in payterm.service)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from PySide6.QtCore import QObject, QTimer

from terminal.sdnotify import notify, watchdog_interval


class ServiceHeartbeat(QObject):
    def __init__(self, parent: QObject, env: Mapping[str, str] = os.environ) -> None:
        super().__init__(parent)
        self._env = dict(env)
        QTimer.singleShot(0, self._ready)
        self._timer = QTimer(self)
        interval = watchdog_interval(self._env)
        if interval is not None:
            self._timer.timeout.connect(lambda: notify("WATCHDOG=1", self._env))
            self._timer.start(max(int(interval * 1000), 10))

    def _ready(self) -> None:
        notify("READY=1\nSTATUS=window up", self._env)
