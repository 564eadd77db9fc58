"""The window's scanners: the camera pipeline (live view + decoding), the keyboard wedge fed by
the window's own key presses, and a serial scanner if configured, all behind one hub.

Results and state changes arrive on the scanners' threads and leave the hub as Qt signals.
Starting and stopping a camera can take a moment (opening the device, joining threads), so the
hub does both on its own worker thread: the UI thread only asks."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from terminal.config.model import ScannerSettings
from terminal.scan.codecheck import CodeChecker
from terminal.scan.pipeline import ScanPipeline
from terminal.scan.scanner import Scanner
from terminal.scan.serial_scanner import SerialScanner, SerialSettings
from terminal.scan.sources import CameraSettings, CameraSource, FrameSource, ImageFolderSource, VideoFileSource
from terminal.scan.strategy import ChainDecoder
from terminal.scan.types import Frame
from terminal.scan.wedge import KeyboardWedge, WedgeSettings

log = logging.getLogger(__name__)


def camera_source(settings: ScannerSettings) -> FrameSource:
    """``scanner.camera`` is a camera index or device path, a video file, or an image folder."""
    device = settings.camera
    if isinstance(device, str) and not device.startswith("/dev/"):
        path = Path(device)
        return ImageFolderSource(path, loop=True) if path.is_dir() else VideoFileSource(path, loop=True)
    width, height = settings.size
    return CameraSource(CameraSettings(device=device, width=width, height=height, fps=float(settings.fps)))


def wedge_settings(settings: ScannerSettings) -> WedgeSettings:
    wedge = settings.wedge
    return WedgeSettings(max_gap_ms=float(wedge.max_gap_ms), suffix=wedge.suffix + "\r", prefix=wedge.prefix)


def serial_scanner(settings: ScannerSettings, checker: CodeChecker) -> SerialScanner | None:
    if settings.serial_port is None:
        return None
    return SerialScanner(SerialSettings(url=settings.serial_port, baudrate=settings.serial_baudrate), checker)


class ScannerHub(QObject):
    scanned = Signal(object)  # ScanResult
    state_changed = Signal(object)  # SourceState of the camera

    def __init__(
        self,
        camera: ScanPipeline | None,
        wedge: KeyboardWedge,
        others: Sequence[Scanner] = (),
        parent: QObject | None = None,
        *,
        camera_stays_on: bool = False,
    ) -> None:
        super().__init__(parent)
        self.camera = camera
        self.wedge = wedge
        self._switched = [s for s in (camera, *others) if s is not None]
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="payterm-scanners")
        self.running = False
        # Video files and image folders cannot be reopened once closed: they run from the
        # first sale on, and the window ignores what they read between sales.
        self._camera_stays_on = camera_stays_on
        for scanner in (*self._switched, wedge):
            scanner.subscribe(self.scanned.emit)
        if camera is not None:
            camera.subscribe_state(self.state_changed.emit)
        wedge.start()  # always listening: the window decides what a burst means

    @classmethod
    def from_settings(cls, settings: ScannerSettings, camera_source_: FrameSource | None = None,
                      parent: QObject | None = None) -> ScannerHub:
        checker = CodeChecker()
        source = camera_source_ or camera_source(settings)
        camera = ScanPipeline(source, ChainDecoder.standard(), checker)
        serial = serial_scanner(settings, checker)
        return cls(camera, KeyboardWedge(wedge_settings(settings), checker), [serial] if serial else [], parent,
                   camera_stays_on=isinstance(source, VideoFileSource | ImageFolderSource))

    def latest_frame(self) -> Frame | None:
        if self.camera is None or not (self.running or self._camera_stays_on):
            return None
        return self.camera.latest_frame()

    def set_running(self, run: bool) -> None:
        if run == self.running:
            return
        self.running = run
        for scanner in self._switched:
            if not run and scanner is self.camera and self._camera_stays_on:
                continue
            self._worker.submit(self._switch, scanner, run)

    @staticmethod
    def _switch(scanner: Scanner, run: bool) -> None:
        try:
            scanner.start() if run else scanner.stop()
        except Exception:  # noqa: BLE001 - a scanner that fails to switch must not stop the others
            log.exception("scanner %s failed to %s", type(scanner).__name__, "start" if run else "stop")

    def close(self) -> None:
        was_on = self.running or self._camera_stays_on
        self._camera_stays_on = False
        self.running = False
        if was_on:
            for scanner in self._switched:
                self._worker.submit(self._switch, scanner, False)
        self.wedge.stop()
        self._worker.shutdown(wait=True)
