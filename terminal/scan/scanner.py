"""The one interface every scanner offers the UI and the payment flow.

A scanner delivers `ScanResult`s and `SourceState` changes to subscribers. Callbacks run on the
scanner's own thread (or, for the keyboard wedge, on the caller's); the Qt window turns them into
signals. A subscriber that raises is logged and dropped from that delivery only, so one faulty
listener cannot stop the scanner.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Generic, TypeVar

from terminal.scan.codecheck import CodeChecker
from terminal.scan.types import ScanResult, SourceState, SourceStatus

T = TypeVar("T")
log = logging.getLogger(__name__)


class Broadcaster(Generic[T]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[T], None]] = []

    def subscribe(self, callback: Callable[[T], None]) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def emit(self, value: T) -> None:
        with self._lock:
            targets = list(self._subscribers)
        for callback in targets:
            try:
                callback(value)
            except Exception:
                log.exception("scan subscriber failed")


class Scanner(ABC):
    """Base of camera pipeline, keyboard wedge and serial scanner."""

    def __init__(self, checker: CodeChecker | None = None) -> None:
        self._checker = checker
        self._results: Broadcaster[ScanResult] = Broadcaster()
        self._states: Broadcaster[SourceState] = Broadcaster()
        self._state = SourceState(SourceStatus.STOPPED, "Scanner off.")

    @property
    def state(self) -> SourceState:
        return self._state

    def subscribe(self, on_result: Callable[[ScanResult], None]) -> Callable[[], None]:
        return self._results.subscribe(on_result)

    def subscribe_state(self, on_state: Callable[[SourceState], None]) -> Callable[[], None]:
        return self._states.subscribe(on_state)

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def stop(self) -> None: ...

    def _set_state(self, state: SourceState) -> None:
        if state != self._state:
            self._state = state
            self._states.emit(state)

    def _deliver(self, result: ScanResult) -> ScanResult | None:
        """Check the payload and send it on; a malformed payload (a likely misread) is dropped."""
        checked = self._checker.check(result) if self._checker is not None else result
        if checked is not None:
            self._results.emit(checked)
        return checked
