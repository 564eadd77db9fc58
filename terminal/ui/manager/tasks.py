"""Work that may block (the wallet, argon2, the journal's fsync) runs on Qt's thread pool; its
result comes back to the UI thread as a signal. Widgets never wait."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001 - handed to the UI, which shows it
            log.warning("manager task failed: %s", exc)
            self._relay.failed.emit(exc)
            return
        self._relay.succeeded.emit(result)


class Tasks(QObject):
    """Starts jobs on the global pool; ``idle`` is emitted when the last one has reported."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: set[_Relay] = set()

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def run(self, fn: Callable[[], Any], done: Callable[[Any], None],
            failed: Callable[[Exception], None]) -> None:
        relay = _Relay(self)  # lives on the UI thread: its signals are delivered there
        self._running.add(relay)
        relay.succeeded.connect(lambda result: self._finish(relay, done, result))
        relay.failed.connect(lambda exc: self._finish(relay, failed, exc))
        QThreadPool.globalInstance().start(_Job(fn, relay))

    def _finish(self, relay: _Relay, callback: Callable[[Any], None], value: Any) -> None:
        self._running.discard(relay)
        relay.deleteLater()
        try:
            callback(value)
        finally:
            if not self._running:
                self.idle.emit()
