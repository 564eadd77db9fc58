"""Frame sources behind one interface: camera (OpenCV), video file, image folder.

`read()` never blocks for long and never raises for a device problem: it returns a frame or None,
and `state` says why there is none (missing, busy, failed, ended) in words the cashier can read.
The camera retries on its own every `retry_s`, so a camera unplugged and plugged back in comes back
without anyone restarting the register.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

# OpenCV's own console warnings (e.g. "can't open camera by index") would reach the cashier's or
# IT's terminal; PayTerm reports camera problems itself, in plain words.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)

from terminal.scan.types import Frame, SourceState, SourceStatus

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


class Capture(Protocol):
    """The part of cv2.VideoCapture the sources use (fakes implement the same)."""

    def isOpened(self) -> bool: ...  # noqa: N802 - OpenCV's name
    def read(self) -> tuple[bool, Any]: ...
    def set(self, prop: int, value: float) -> bool: ...
    def get(self, prop: int) -> float: ...
    def release(self) -> None: ...


CaptureFactory = Callable[[int | str], Capture]


def opencv_capture(device: int | str) -> Capture:
    return cv2.VideoCapture(device)


class FrameSource(ABC):
    """A producer of frames; used from one thread (the pipeline's capture thread)."""

    name: str
    frame_interval_s: float = 0.0  # how long to wait before asking again when read() gave None

    def __init__(self) -> None:
        self._state = SourceState(SourceStatus.STARTING, "Starting the scanner…")
        self._seq = 0

    @property
    def state(self) -> SourceState:
        return self._state

    @abstractmethod
    def read(self) -> Frame | None: ...

    @abstractmethod
    def close(self) -> None: ...

    def _frame(self, image: np.ndarray, now: float) -> Frame:
        self._seq += 1
        return Frame(image, self._seq, now, self.name)


@dataclass(frozen=True)
class CameraSettings:
    device: int | str = 0  # index, or a device path such as /dev/video2
    width: int = 1280
    height: int = 720
    fps: float = 30.0
    autofocus: bool = True
    retry_s: float = 2.0
    max_failed_reads: int = 15  # consecutive empty reads before the camera counts as lost


class CameraSource(FrameSource):
    """A camera through OpenCV (V4L2 / DirectShow / MSMF as OpenCV picks)."""

    def __init__(
        self,
        settings: CameraSettings = CameraSettings(),
        *,
        factory: CaptureFactory = opencv_capture,
        clock: Callable[[], float] = time.monotonic,
        device_exists: Callable[[int | str], bool] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.name = f"camera:{settings.device}"
        self.frame_interval_s = 0.005
        self._factory = factory
        self._clock = clock
        self._device_exists = device_exists or _device_exists
        self._cap: Capture | None = None
        self._next_try = 0.0
        self._failed_reads = 0

    def read(self) -> Frame | None:
        now = self._clock()
        if self._cap is None:
            if now < self._next_try:
                return None
            self._open(now)
            if self._cap is None:
                return None
        ok, image = self._cap.read()
        if ok and image is not None:
            self._failed_reads = 0
            if self._state.status is not SourceStatus.RUNNING:
                self._state = SourceState(SourceStatus.RUNNING, "Camera ready.")
            return self._frame(image, now)
        self._failed_reads += 1
        if self._failed_reads >= self.settings.max_failed_reads:
            self._lose(
                now, SourceState(SourceStatus.FAILED, "The camera stopped sending pictures. Retrying…")
            )
        return None

    def _open(self, now: float) -> None:
        device = self.settings.device
        try:
            cap = self._factory(device)
        except (cv2.error, OSError):
            cap = None
        if cap is None or not cap.isOpened():
            if cap is not None:
                cap.release()
            if self._device_exists(device):
                state = SourceState(
                    SourceStatus.BUSY, f"Camera {device} is in use by another program. Close it; retrying…"
                )
            else:
                state = SourceState(
                    SourceStatus.MISSING, f"No camera found at {device}. Check the cable; retrying…"
                )
            self._lose(now, state)
            return
        s = self.settings
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, s.width)
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, s.height)
        cap.set(cv2.CAP_PROP_FPS, s.fps)
        cap.set(cv2.CAP_PROP_AUTOFOCUS, 1.0 if s.autofocus else 0.0)  # ignored where not offered
        cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # newest frame, not a queue of stale ones
        self._cap = cap
        self._failed_reads = 0

    def _lose(self, now: float, state: SourceState) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._state = state
        self._next_try = now + self.settings.retry_s

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._state = SourceState(SourceStatus.STOPPED, "Camera off.")


def _device_exists(device: int | str) -> bool:
    """Whether the device node is there (then a failed open means someone else holds it)."""
    path = Path(f"/dev/video{device}") if isinstance(device, int) else Path(device)
    return path.exists()


class VideoFileSource(FrameSource):
    """A video file as a camera: paced at its own frame rate unless `paced=False`."""

    def __init__(
        self,
        path: Path,
        *,
        loop: bool = False,
        paced: bool = True,
        factory: CaptureFactory = opencv_capture,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.name = f"video:{path.name}"
        self._path = path
        self._loop = loop
        self._clock = clock
        self._factory = factory
        self._cap: Capture | None = None
        self._fps = 30.0
        self._paced = paced
        self._next_due = 0.0
        self._frames_since_open = 0
        self._open()

    def _open(self) -> None:
        if not self._path.is_file():
            self._state = SourceState(SourceStatus.MISSING, f"Video file {self._path} not found.")
            return
        cap = self._factory(str(self._path))
        if not cap.isOpened():
            self._state = SourceState(SourceStatus.FAILED, f"Cannot play video file {self._path}.")
            return
        fps = cap.get(cv2.CAP_PROP_FPS)
        self._fps = fps if fps and fps > 0 else 30.0
        self._frames_since_open = 0
        self.frame_interval_s = 1.0 / self._fps / 4 if self._paced else 0.0
        self._cap = cap
        self._state = SourceState(SourceStatus.RUNNING, f"Playing {self._path.name}.")

    def read(self) -> Frame | None:
        if self._cap is None:
            return None
        now = self._clock()
        if self._paced and now < self._next_due:
            return None
        ok, image = self._cap.read()
        if not ok:
            self._cap.release()
            self._cap = None
            if self._loop and self._frames_since_open > 0:
                self._open()
                return self.read()
            self._state = SourceState(SourceStatus.ENDED, f"End of {self._path.name}.")
            return None
        self._frames_since_open += 1
        self._next_due = max(now, self._next_due) + 1.0 / self._fps
        return self._frame(image, now)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None
        self._state = SourceState(SourceStatus.STOPPED, "Video stopped.")


class ImageFolderSource(FrameSource):
    """Every image in a folder, in name order, each shown for `interval_s`."""

    def __init__(
        self,
        folder: Path,
        *,
        loop: bool = False,
        interval_s: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.name = f"images:{folder.name}"
        self._clock = clock
        self._loop = loop
        self._interval_s = interval_s
        self.frame_interval_s = interval_s / 4
        self._files = (
            sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            if folder.is_dir()
            else []
        )
        self._index = 0
        self._next_due = 0.0
        if not self._files:
            self._state = SourceState(SourceStatus.MISSING, f"No images in {folder}.")
        else:
            self._state = SourceState(SourceStatus.RUNNING, f"Showing images from {folder.name}.")

    def read(self) -> Frame | None:
        if self._state.status is not SourceStatus.RUNNING:
            return None
        now = self._clock()
        if now < self._next_due:
            return None
        for _ in range(len(self._files)):
            if self._index >= len(self._files):
                break
            path = self._files[self._index]
            self._index += 1
            if self._loop and self._index == len(self._files):
                self._index = 0
            image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
            if image is not None:
                self._next_due = now + self._interval_s
                return self._frame(image, now)
        self._state = SourceState(SourceStatus.ENDED, "All images shown.")
        return None

    def close(self) -> None:
        self._state = SourceState(SourceStatus.STOPPED, "Image source stopped.")
