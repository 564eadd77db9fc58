"""The scanners of a register that runs headless (`payterm serve`): the camera (or a video file or
image folder, for demos and tests) and a serial scanner if configured, switched on while a sale
waits for its code (the runner's ``start_scanner`` / ``stop_scanner`` hooks), every read handed
to the register, which decides what it means. No window, no Qt."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from terminal.config.model import ScannerSettings
from terminal.register.doctor import NO_CAMERA
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
from terminal.scan.types import ScanResult, SourceStatus

log = logging.getLogger(__name__)


def _camera(settings: ScannerSettings) -> FrameSource | None:
    device = settings.camera
    if isinstance(device, str) and device.strip().lower() in NO_CAMERA:
        return None
    if isinstance(device, str) and not device.startswith("/dev/"):
        path = Path(device)
        return ImageFolderSource(path, loop=True) if path.is_dir() else VideoFileSource(path, loop=True)
    width, height = settings.size
    return CameraSource(CameraSettings(device=device, width=width, height=height, fps=float(settings.fps)))


class HeadlessScanners:
    def __init__(self, settings: ScannerSettings, on_read: Callable[[ScanResult], None]) -> None:
        checker = CodeChecker()
        self.scanners: list[Scanner] = []
        source = _camera(settings)
        if source is not None:
            self.scanners.append(ScanPipeline(source, ChainDecoder.standard(), checker))
        if settings.serial_port is not None:
            self.scanners.append(SerialScanner(
                SerialSettings(url=settings.serial_port, baudrate=settings.serial_baudrate), checker))
        for scanner in self.scanners:
            scanner.subscribe(on_read)
        self._lock = threading.Lock()
        self.running = False

    def set_running(self, run: bool) -> None:
        """Switch every scanner on or off; called from the register's runner thread."""
        with self._lock:
            if run == self.running:
                return
            self.running = run
            for scanner in self.scanners:
                try:
                    scanner.start() if run else scanner.stop()
                except Exception:
                    log.exception("scanner %s failed to %s", type(scanner).__name__,
                                  "start" if run else "stop")

    def ok(self) -> bool:
        """No scanner configured (codes come from the POS) or none of them failing."""
        bad = {SourceStatus.MISSING, SourceStatus.BUSY, SourceStatus.FAILED}
        return all(s.state.status not in bad for s in self.scanners)

    def close(self) -> None:
        self.set_running(False)
