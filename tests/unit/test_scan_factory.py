"""Scanner chosen from config in one place; one bad subscriber cannot stop delivery."""

from __future__ import annotations

from pathlib import Path

import pytest

from terminal.scan.codecheck import CodeChecker
from terminal.scan.factory import ScannerConfig, ScannerKind, build_scanner
from terminal.scan.pipeline import ScanPipeline
from terminal.scan.serial_scanner import SerialScanner, SerialSettings
from terminal.scan.types import ScanResult, SourceStatus
from terminal.scan.wedge import KeyboardWedge


def test_each_kind_builds_its_scanner(tmp_path: Path) -> None:
    assert isinstance(build_scanner(ScannerConfig(kind=ScannerKind.WEDGE)), KeyboardWedge)
    serial_cfg = ScannerConfig(kind=ScannerKind.SERIAL, serial=SerialSettings("loop://"))
    assert isinstance(build_scanner(serial_cfg), SerialScanner)
    images = build_scanner(ScannerConfig(kind=ScannerKind.IMAGES, path=tmp_path, use_pyzbar=False))
    assert isinstance(images, ScanPipeline)
    images.start()
    images.stop()
    assert images.state.status is SourceStatus.STOPPED


@pytest.mark.parametrize(
    "config",
    [ScannerConfig(kind=ScannerKind.SERIAL), ScannerConfig(kind=ScannerKind.VIDEO)],
)
def test_incomplete_config_is_refused(config: ScannerConfig) -> None:
    with pytest.raises(ValueError):
        build_scanner(config)


def test_failing_subscriber_does_not_stop_the_others() -> None:
    wedge = build_scanner(ScannerConfig(kind=ScannerKind.WEDGE), CodeChecker())
    assert isinstance(wedge, KeyboardWedge)
    got: list[ScanResult] = []

    def broken(result: ScanResult) -> None:
        raise RuntimeError("listener bug")

    wedge.subscribe(broken)
    unsubscribe = wedge.subscribe(got.append)
    wedge.start()
    for i, c in enumerate("991234567890123456\r"):
        wedge.feed(c, 1.0 + i * 0.002)
    assert [r.text for r in got] == ["991234567890123456"]
    unsubscribe()
    for i, c in enumerate("991234567890123457\r"):
        wedge.feed(c, 5.0 + i * 0.002)
    assert len(got) == 1
