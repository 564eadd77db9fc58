from __future__ import annotations

import pytest

from terminal.pos.replay import Replayed, ReplayGuard


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_same_nonce_or_same_message_id_is_refused_within_the_window() -> None:
    clock = Clock()
    guard = ReplayGuard(clock, window=60)
    guard.check("pos-1", b"n" * 16, "POS-1", "1")
    with pytest.raises(Replayed):
        guard.check("pos-1", b"n" * 16, "POS-1", "2")  # same nonce
    with pytest.raises(Replayed):
        guard.check("pos-1", b"m" * 16, "POS-1", "1")  # same SaleID + ServiceID
    guard.check("pos-2", b"n" * 16, "POS-2", "1")  # another key, another POS: fine
    guard.check("pos-1", b"m" * 16, "POS-1", "3")  # the refused try above left nothing behind
    clock.now += 61
    guard.check("pos-1", b"n" * 16, "POS-1", "1")  # forgotten after the window


def test_memory_is_bounded() -> None:
    guard = ReplayGuard(Clock(), window=60, max_entries=10)
    for i in range(100):
        guard.check("k", i.to_bytes(16, "big"), "S", str(i))
    guard.check("k", (0).to_bytes(16, "big"), "S", "0")  # the oldest were dropped
