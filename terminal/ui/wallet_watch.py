"""The wallet status the cashier can rely on: "unreachable" within two seconds of the wallet going
away, and back to "connected" by itself.

Two sources, both from the wallet client: a failed call (a charge, a poll, a PIN) flips the status
at once; a signed probe (one verified round trip, ``WalletLink.probe``) runs every second on a
worker thread and confirms it either way. While nothing else talks to the wallet the probe alone
notices; while the wallet is away it is what notices it is back. A wallet that takes the
connection but does not answer the probe within its second is "slow", not "unreachable": a
charge, with its own longer deadline, still goes through."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, QTimer, Signal

from terminal.ui.ports import WalletLink
from terminal.wallet.errors import TransportError

log = logging.getLogger(__name__)

PROBE_EVERY_S = 1.0
PROBE_TIMEOUT_S = 1.0  # with the probe interval: a wallet gone is seen within two seconds


class Reach(Enum):
    CHECKING = "checking"  # at start-up, before the first answer
    CONNECTED = "connected"
    SLOW = "slow"  # the wallet took the connection but did not answer the probe in time
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class WalletHealth:
    reach: Reach
    latency: float | None = None  # seconds, the last probe's round trip


class WalletWatch(QObject):
    changed = Signal(object)  # WalletHealth
    _probed = Signal(object)  # float latency, or the exception; from the probe thread

    def __init__(self, link: WalletLink, parent: QObject | None = None, *,
                 clock: Callable[[], float] = time.time, every: float = PROBE_EVERY_S,
                 timeout: float = PROBE_TIMEOUT_S) -> None:
        super().__init__(parent)
        self._link = link
        self._clock = clock
        self._timeout = timeout
        self.health = WalletHealth(Reach.CHECKING)
        self._probing = False
        self._closed = False
        self._probed.connect(self._probe_done)
        self._calls = QTimer(self)  # failed calls of the register, seen at once
        self._calls.setInterval(200)
        self._calls.timeout.connect(self._watch_calls)
        self._probes = QTimer(self)
        self._probes.setInterval(int(every * 1000))
        self._probes.timeout.connect(self.probe_now)

    def start(self) -> None:
        self._calls.start()
        self._probes.start()
        self.probe_now()

    def stop(self) -> None:
        self._closed = True
        self._calls.stop()
        self._probes.stop()

    @property
    def reachable(self) -> bool:
        return self.health.reach is not Reach.UNREACHABLE

    def _set(self, health: WalletHealth) -> None:
        if health != self.health:
            self.health = health
            self.changed.emit(health)

    def _watch_calls(self) -> None:
        failed, ok = self._link.last_failure, self._link.last_success
        if failed is not None and (ok is None or failed > ok) and self.health.reach is not Reach.UNREACHABLE:
            self._set(WalletHealth(Reach.UNREACHABLE))
            self.probe_now()  # confirm (or clear) it straight away

    def probe_now(self) -> None:
        if self._probing or self._closed:
            return
        self._probing = True
        threading.Thread(target=self._probe, name="payterm-wallet-probe", daemon=True).start()

    def _probe(self) -> None:
        try:
            self._probed.emit(self._link.probe(self._timeout))
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable now"
            self._probed.emit(exc)

    def _probe_done(self, result: object) -> None:
        self._probing = False
        if self._closed:
            return
        if isinstance(result, float):
            self._set(WalletHealth(Reach.CONNECTED, result))
        elif isinstance(result, TransportError) and result.outcome_unknown:
            # connected, then no answer within the probe's second: there, but slow; a charge
            # still goes through (it has its own, longer deadline)
            log.info("wallet probe unanswered: %s", result)
            self._set(WalletHealth(Reach.SLOW))
        else:
            log.info("wallet probe failed: %s", result)
            self._set(WalletHealth(Reach.UNREACHABLE))
