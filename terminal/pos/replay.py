"""Refusing a replayed message: the same nonce under the same key, or the same message id
(SaleID + ServiceID), seen within a window.

Checked only after the HMAC verified, so that nobody without the key can fill the memory or
block a message id. In memory: a restart forgets the nonces, but a replayed payment still finds
its ServiceID recorded by the handlers (``terminal.pos.store``) and is refused there, and every
other message is harmless to repeat (status, totals, diagnosis) or refused by the payment's own
state (abort, reversal).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Final

DEFAULT_WINDOW: Final = 24 * 3600.0
MAX_ENTRIES: Final = 200_000


class Replayed(Exception):
    """This message was seen before; it is not acted on again."""


class ReplayGuard:
    """Thread-safe memory of (key, nonce) and (SaleID, ServiceID) pairs, each kept ``window`` s."""

    def __init__(
        self, clock: Callable[[], float], window: float = DEFAULT_WINDOW, max_entries: int = MAX_ENTRIES
    ) -> None:
        self._clock = clock
        self._window = window
        self._max = max_entries
        self._seen: set[tuple[str, str, str]] = set()
        self._order: deque[tuple[float, tuple[str, str, str]]] = deque()
        self._lock = threading.Lock()

    def check(self, key_identifier: str, nonce: bytes, sale_id: str, service_id: str) -> None:
        """Remember both ids, or raise ``Replayed`` (and remember nothing) if either was seen."""
        nonce_id = ("nonce", key_identifier, nonce.hex())
        message_id = ("message", sale_id, service_id)
        with self._lock:
            now = self._clock()
            self._expire(now)
            if nonce_id in self._seen:
                raise Replayed("this message was already received (same nonce)")
            if message_id in self._seen:
                raise Replayed(f"ServiceID {service_id!r} of SaleID {sale_id!r} was already used")
            for entry in (nonce_id, message_id):
                self._seen.add(entry)
                self._order.append((now, entry))
            while len(self._order) > self._max:
                # Bounded memory under a flood from a paired POS: the oldest ids go first.
                self._seen.discard(self._order.popleft()[1])

    def _expire(self, now: float) -> None:
        while self._order and self._order[0][0] <= now - self._window:
            self._seen.discard(self._order.popleft()[1])
