"""The camera scan pipeline: a capture thread, a one-slot mailbox, a decode thread.

The capture thread reads the source as fast as it delivers and overwrites the mailbox, so the
decoder always works on the newest frame and a slow decode drops frames instead of queueing them
(the count is in `stats`). A code seen in consecutive frames is reported once: it is reported again
only after it has been out of sight for `forget_after_s`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from terminal.domain.paymentcode import Symbology
from terminal.scan.codecheck import CodeChecker
from terminal.scan.scanner import Scanner
from terminal.scan.sources import FrameSource
from terminal.scan.types import Decoded, Frame, ScanResult, SourceStatus


class Mailbox:
    """Holds one frame; `put` overwrites, `take` waits. Counts what it overwrote."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._closed = False
        self.dropped = 0

    def put(self, frame: Frame) -> None:
        with self._cond:
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._cond.notify()

    def take(self, timeout: float) -> Frame | None:
        with self._cond:
            if self._frame is None and not self._closed:
                self._cond.wait(timeout)
            frame, self._frame = self._frame, None
            return frame

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def reopen(self) -> None:
        with self._cond:
            self._closed = False
            self._frame = None

    @property
    def closed(self) -> bool:
        return self._closed


class RepeatFilter:
    """Passes a code the first time it appears; again only after it was gone for a while."""

    def __init__(self, forget_after_s: float = 1.5) -> None:
        self._forget_after_s = forget_after_s
        self._last_seen: dict[tuple[Symbology, str], float] = {}

    def fresh(self, decoded: Decoded, now: float) -> bool:
        for key in [k for k, t in self._last_seen.items() if now - t > self._forget_after_s]:
            del self._last_seen[key]
        key = (decoded.symbology, decoded.text)
        is_new = key not in self._last_seen
        self._last_seen[key] = now
        return is_new


class FrameDecoder(Protocol):
    """What the pipeline needs from a decoder (the ChainDecoder, or a test's own)."""

    def decode(self, image: np.ndarray) -> tuple[Decoded, ...]: ...


@dataclass(frozen=True)
class PipelineStats:
    captured: int
    decoded: int
    dropped: int
    reported: int


class ScanPipeline(Scanner):
    def __init__(
        self,
        source: FrameSource,
        decoder: FrameDecoder,
        checker: CodeChecker | None = None,
        *,
        forget_after_s: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(checker)
        self._source = source
        self._decoder = decoder
        self._repeats = RepeatFilter(forget_after_s)
        self._clock = clock
        self._mailbox = Mailbox()
        self._latest: Frame | None = None
        self._latest_lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._captured = self._decoded = self._reported = 0

    def latest_frame(self) -> Frame | None:
        """The newest frame for the live view (whether or not it has been decoded)."""
        with self._latest_lock:
            return self._latest

    @property
    def stats(self) -> PipelineStats:
        return PipelineStats(self._captured, self._decoded, self._mailbox.dropped, self._reported)

    def start(self) -> None:
        if self._threads:
            return
        self._stop.clear()
        self._mailbox.reopen()
        self._set_state(self._source.state)
        for target, name in ((self._capture_loop, "scan-capture"), (self._decode_loop, "scan-decode")):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        self._stop.set()
        self._mailbox.close()
        for t in self._threads:
            t.join(timeout=5)
        self._threads.clear()
        self._source.close()
        self._set_state(self._source.state)

    def wait_until_ended(self, timeout: float) -> bool:
        """For file sources: block until the source ended and its last frame was decoded."""
        deadline = self._clock() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - self._clock()))
        return all(not t.is_alive() for t in self._threads)

    def _capture_loop(self) -> None:
        while not self._stop.is_set():
            frame = self._source.read()
            self._set_state(self._source.state)
            if frame is None:
                if self._source.state.status is SourceStatus.ENDED:
                    break
                self._stop.wait(self._source.frame_interval_s or 0.01)
                continue
            self._captured += 1
            with self._latest_lock:
                self._latest = frame
            self._mailbox.put(frame)
        self._mailbox.close()

    def _decode_loop(self) -> None:
        while not self._stop.is_set():
            frame = self._mailbox.take(timeout=0.2)
            if frame is None:
                if self._mailbox.closed:
                    break
                continue
            self._decode_one(frame)

    def _decode_one(self, frame: Frame) -> None:
        started = time.perf_counter()
        found = self._decoder.decode(frame.image)
        elapsed_ms = (time.perf_counter() - started) * 1000
        self._decoded += 1
        for d in found:
            if not self._repeats.fresh(d, frame.timestamp):
                continue
            result = ScanResult(
                d.text,
                d.symbology,
                d.quad,
                frame.source,
                frame.timestamp,
                elapsed_ms,
                d.decoder,
                frame_seq=frame.seq,
            )
            if self._deliver(result) is not None:
                self._reported += 1
