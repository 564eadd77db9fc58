"""Values that cross the scanner's thread boundary: frames, decoded symbols, scan results, states.

All frozen. A `ScanResult` holds the full code text (the payment flow needs it) but keeps it out of
its repr so that logging a result never logs a code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy only for the annotation: importing the types stays cheap (`payterm charge`)
    import numpy as np

from terminal.domain.paymentcode import Classification, Symbology  # noqa: E402


@dataclass(frozen=True)
class Point:
    x: float
    y: float


Quad = tuple[Point, Point, Point, Point]  # top-left, top-right, bottom-right, bottom-left


@dataclass(frozen=True)
class Frame:
    """One image from a frame source: grayscale or BGR, as the source delivers it."""

    image: np.ndarray = field(repr=False)
    seq: int
    timestamp: float  # monotonic seconds
    source: str


class DecoderName(Enum):
    ZXING = "zxing-cpp"
    PYZBAR = "pyzbar"
    OPENCV = "opencv"
    SCANNER = "scanner"  # text typed or sent by a handheld scanner


@dataclass(frozen=True)
class Decoded:
    """A symbol a decoder read from an image."""

    text: str = field(repr=False)
    symbology: Symbology
    quad: Quad | None
    decoder: DecoderName


@dataclass(frozen=True)
class ScanResult:
    """What the UI and the payment flow receive: one read of one code."""

    text: str = field(repr=False)
    symbology: Symbology
    quad: Quad | None
    source: str
    timestamp: float  # monotonic seconds when the frame (or the scanner's last byte) arrived
    elapsed_ms: float  # decode time, or the burst's duration for handheld scanners
    decoder: DecoderName
    verdict: Classification | None = None  # filled when a code checker is attached
    frame_seq: int = 0  # the camera frame it was read from (0 for handheld scanners)

    @property
    def masked(self) -> str:
        return f"…{self.text[-4:]}" if len(self.text) > 4 else "…"


class SourceStatus(Enum):
    STARTING = "starting"
    RUNNING = "running"
    MISSING = "missing"  # no such camera / port / file
    BUSY = "busy"  # exists, but another program holds it
    FAILED = "failed"  # opened, then stopped delivering
    ENDED = "ended"  # a file source reached its end (no looping)
    STOPPED = "stopped"


@dataclass(frozen=True)
class SourceState:
    """A status with a plain sentence the UI can show as is."""

    status: SourceStatus
    message: str

    @property
    def ok(self) -> bool:
        return self.status is SourceStatus.RUNNING
