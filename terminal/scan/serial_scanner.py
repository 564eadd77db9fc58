"""Serial (RS-232 / USB-CDC) handheld scanner through pyserial.

The scanner sends each code followed by CR, LF or CRLF (optionally after a configured prefix).
A reader thread splits the stream into lines; a line that is not clean UTF-8 is dropped, not
guessed at. If the port disappears or is held by another program, the state says so and the
thread retries every `retry_s` until it comes back.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import serial

from terminal.domain.paymentcode import Symbology
from terminal.scan.codecheck import CodeChecker
from terminal.scan.scanner import Scanner
from terminal.scan.types import DecoderName, ScanResult, SourceState, SourceStatus

MAX_LINE_BYTES = 4096


@dataclass(frozen=True)
class SerialSettings:
    url: str  # /dev/ttyACM0, COM3, or any pyserial URL (loop:// in tests)
    baudrate: int = 9600
    prefix: str = ""
    retry_s: float = 2.0


PortFactory = Callable[[SerialSettings], Any]


def open_port(settings: SerialSettings) -> Any:
    return serial.serial_for_url(settings.url, baudrate=settings.baudrate, timeout=0.1)


class LineSplitter:
    """Bytes in, complete lines out (CR, LF or CRLF ends a line; empty lines are skipped)."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self.overflowed = 0

    def feed(self, data: bytes) -> list[bytes]:
        self._buf.extend(data)
        lines: list[bytes] = []
        while True:
            ends = [i for i in (self._buf.find(b"\r"), self._buf.find(b"\n")) if i >= 0]
            if not ends:
                break
            end = min(ends)
            line = bytes(self._buf[:end])
            del self._buf[: end + 1]
            if line:
                lines.append(line)
        if len(self._buf) > MAX_LINE_BYTES:
            self._buf.clear()
            self.overflowed += 1
        return lines

    @property
    def pending(self) -> bool:
        return bool(self._buf)


class SerialScanner(Scanner):
    def __init__(
        self,
        settings: SerialSettings,
        checker: CodeChecker | None = None,
        *,
        factory: PortFactory = open_port,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(checker)
        self.settings = settings
        self.name = f"serial:{settings.url}"
        self._factory = factory
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: Any = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._set_state(SourceState(SourceStatus.STARTING, "Connecting to the handheld scanner…"))
        self._thread = threading.Thread(target=self._run, name="scan-serial", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close_port()
        self._set_state(SourceState(SourceStatus.STOPPED, "Handheld scanner off."))

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._port is None and not self._open():
                self._stop.wait(self.settings.retry_s)
                continue
            try:
                self._read_lines()
            except (serial.SerialException, OSError):
                self._close_port()
                self._set_state(
                    SourceState(SourceStatus.FAILED, "The handheld scanner was disconnected. Retrying…")
                )
                self._stop.wait(self.settings.retry_s)

    def _open(self) -> bool:
        try:
            self._port = self._factory(self.settings)
        except serial.SerialException as exc:
            busy = "busy" in str(exc).lower() or "denied" in str(exc).lower()
            url = self.settings.url
            self._set_state(
                SourceState(SourceStatus.BUSY, f"Scanner port {url} is in use by another program. Retrying…")
                if busy
                else SourceState(
                    SourceStatus.MISSING, f"No scanner found at {url}. Check the cable; retrying…"
                )
            )
            return False
        self._set_state(SourceState(SourceStatus.RUNNING, "Handheld scanner ready."))
        return True

    def _read_lines(self) -> None:
        splitter = LineSplitter()
        started: float | None = None
        while not self._stop.is_set():
            data = self._port.read(max(1, self._port.in_waiting))
            if not data:
                continue
            now = self._clock()
            for line in splitter.feed(data):
                self._line(line, now if started is None else started)
                started = None
            started = (now if started is None else started) if splitter.pending else None

    def _line(self, line: bytes, started: float) -> None:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            return
        prefix = self.settings.prefix
        if prefix:
            if not text.startswith(prefix):
                return
            text = text[len(prefix) :]
        if not text or not text.isprintable():
            return
        now = self._clock()
        self._deliver(
            ScanResult(
                text, Symbology.KEYED, None, self.name, now, (now - started) * 1000, DecoderName.SCANNER
            )
        )

    def _close_port(self) -> None:
        if self._port is not None:
            try:
                self._port.close()
            except (serial.SerialException, OSError):
                pass
            self._port = None
