"""The sandbox's clock: wall time plus the configurable offset (the clock-skew fault knob)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from sandbox.settings import Knobs


class Clock:
    """Integer Unix seconds, shifted by ``Faults.clock_offset_s``; every rule reads time here."""

    def __init__(self, knobs: Knobs) -> None:
        self._knobs = knobs

    def now(self) -> int:
        return int(time.time()) + self._knobs.faults.clock_offset_s


def to_datetime(ts: int) -> datetime:
    """Unix seconds -> aware UTC datetime (serialised by pydantic as RFC 3339 with 'Z')."""
    return datetime.fromtimestamp(ts, UTC)
