"""The one place that turns scanner settings into a scanner (the config model will fill these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from terminal.scan.codecheck import CodeChecker
from terminal.scan.pipeline import ScanPipeline
from terminal.scan.scanner import Scanner
from terminal.scan.serial_scanner import SerialScanner, SerialSettings
from terminal.scan.sources import (
    CameraSettings,
    CameraSource,
    FrameSource,
    ImageFolderSource,
    VideoFileSource,
)
from terminal.scan.strategy import ChainDecoder
from terminal.scan.wedge import KeyboardWedge, WedgeSettings


class ScannerKind(Enum):
    CAMERA = "camera"
    VIDEO = "video"
    IMAGES = "images"
    WEDGE = "wedge"
    SERIAL = "serial"


@dataclass(frozen=True)
class ScannerConfig:
    kind: ScannerKind = ScannerKind.CAMERA
    camera: CameraSettings = field(default_factory=CameraSettings)
    path: Path | None = None  # video file or image folder
    loop: bool = False
    wedge: WedgeSettings = field(default_factory=WedgeSettings)
    serial: SerialSettings | None = None
    use_pyzbar: bool = True


def build_scanner(config: ScannerConfig, checker: CodeChecker | None = None) -> Scanner:
    if config.kind is ScannerKind.WEDGE:
        return KeyboardWedge(config.wedge, checker)
    if config.kind is ScannerKind.SERIAL:
        if config.serial is None:
            raise ValueError("a serial scanner needs serial settings (port)")
        return SerialScanner(config.serial, checker)
    source: FrameSource
    if config.kind is ScannerKind.CAMERA:
        source = CameraSource(config.camera)
    elif config.path is None:
        raise ValueError(f"a {config.kind.value} source needs a path")
    elif config.kind is ScannerKind.VIDEO:
        source = VideoFileSource(config.path, loop=config.loop)
    else:
        source = ImageFolderSource(config.path, loop=config.loop)
    return ScanPipeline(source, ChainDecoder.standard(use_pyzbar=config.use_pyzbar), checker)
