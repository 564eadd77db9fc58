"""Serial scanner over pyserial's loop:// port, and its missing-port recovery."""

from __future__ import annotations

import queue
import threading
from typing import Any

import serial

from terminal.scan.codecheck import CodeChecker
from terminal.scan.serial_scanner import LineSplitter, SerialScanner, SerialSettings
from terminal.scan.types import ScanResult, SourceState, SourceStatus

CODE = "991234567890123456"


def test_line_splitter() -> None:
    s = LineSplitter()
    assert s.feed(b"123") == []
    assert s.feed(b"45\r\n678\n\r9") == [b"12345", b"678"]
    assert s.feed(b"\r") == [b"9"]


def started(settings: SerialSettings, port: Any) -> tuple[SerialScanner, queue.Queue[ScanResult]]:
    results: queue.Queue[ScanResult] = queue.Queue()
    scanner = SerialScanner(settings, CodeChecker(), factory=lambda s: port)
    scanner.subscribe(results.put)
    scanner.start()
    return scanner, results


def test_loop_port_delivers_scans() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    scanner, results = started(SerialSettings("loop://"), port)
    try:
        port.write(CODE.encode() + b"\r\n")
        port.write(b"\xff\xfe\r")  # not UTF-8: dropped
        port.write(b"hello\r")
        first = results.get(timeout=3)
        second = results.get(timeout=3)
        assert (first.text, second.text) == (CODE, "hello")
        assert first.source == "serial:loop://"
        assert first.verdict is not None and second.verdict is not None
        assert scanner.state.status is SourceStatus.RUNNING
    finally:
        scanner.stop()
    assert scanner.state.status is SourceStatus.STOPPED


def test_prefix_filter() -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    scanner, results = started(SerialSettings("loop://", prefix="@"), port)
    try:
        port.write(b"noise\r@" + CODE.encode() + b"\r")
        assert results.get(timeout=3).text == CODE
    finally:
        scanner.stop()
    assert results.empty()


def test_missing_port_then_recovery() -> None:
    attempts: list[int] = []
    port = serial.serial_for_url("loop://", timeout=0.05)
    ready = threading.Event()

    def factory(settings: SerialSettings) -> Any:
        attempts.append(1)
        if len(attempts) < 2:
            raise serial.SerialException("could not open port /dev/ttyACM9: No such file or directory")
        ready.set()
        return port

    states: list[SourceState] = []
    results: queue.Queue[ScanResult] = queue.Queue()
    scanner = SerialScanner(SerialSettings("/dev/ttyACM9", retry_s=0.05), factory=factory)
    scanner.subscribe_state(states.append)
    scanner.subscribe(results.put)
    scanner.start()
    try:
        assert ready.wait(3)
        port.write(CODE.encode() + b"\r")
        assert results.get(timeout=3).text == CODE
    finally:
        scanner.stop()
    kinds = [s.status for s in states]
    assert kinds[:3] == [SourceStatus.STARTING, SourceStatus.MISSING, SourceStatus.RUNNING]
    assert "No scanner found at /dev/ttyACM9" in states[1].message
