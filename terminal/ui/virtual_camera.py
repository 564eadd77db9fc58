"""The demo's camera when there is none: it films the phone window. The window's rendered pixels
are grabbed on the UI thread a few times a second; the capture thread then puts them in a scene
with a slight, slowly swaying perspective, blur and sensor noise, and hands the frame to the same
scan pipeline and decoders a real camera feeds."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from terminal.scan.sources import FrameSource
from terminal.scan.types import Frame, SourceState, SourceStatus

SCENE = (960, 540)  # width, height of the virtual camera's picture
FPS = 15.0


def qimage_to_bgr(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_BGR888)
    h, w, stride = rgb.height(), rgb.width(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=h * stride).reshape(h, stride)
    return data[:, : w * 3].reshape(h, w, 3).copy()


class WidgetFilm(QObject):
    """Grabs a widget's pixels on the UI thread; the newest picture is read from any thread."""

    def __init__(self, widget: QWidget, parent: QObject | None = None, *, interval_ms: int = 150) -> None:
        super().__init__(parent)
        self._widget = widget
        self._lock = threading.Lock()
        self._latest: np.ndarray | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.grab)
        self._timer.start()

    def grab(self) -> None:
        if self._widget.isVisible():
            picture = qimage_to_bgr(self._widget.grab().toImage())
            with self._lock:
                self._latest = picture

    def latest(self) -> np.ndarray | None:
        with self._lock:
            return self._latest


def film_scene(picture: np.ndarray, t: float, rng: np.random.Generator) -> np.ndarray:
    """The picture held up to a camera: tilted a little (swaying with time), blurred, noisy."""
    width, height = SCENE
    scene = np.full((height, width, 3), 96, np.uint8)
    ph, pw = picture.shape[:2]
    scale = 0.9 * height / ph
    w, h = pw * scale, ph * scale
    cx, cy = width / 2 + 40 * math.sin(t / 3), height / 2
    tilt = 0.06 * math.sin(t / 2)  # share of the width by which the top and bottom edges differ
    skew = 12 * math.cos(t / 4)
    dst = np.float32([
        [cx - w / 2 * (1 - tilt) + skew, cy - h / 2], [cx + w / 2 * (1 - tilt) + skew, cy - h / 2],
        [cx + w / 2 * (1 + tilt), cy + h / 2], [cx - w / 2 * (1 + tilt), cy + h / 2],
    ])
    src = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    matrix = cv2.getPerspectiveTransform(src, dst)
    cv2.warpPerspective(picture, matrix, (width, height), dst=scene, borderMode=cv2.BORDER_TRANSPARENT)
    scene = cv2.GaussianBlur(scene, (5, 5), 1.1)
    noise = rng.normal(0, 5, scene.shape)
    return np.clip(scene + noise, 0, 255).astype(np.uint8)


class VirtualCamera(FrameSource):
    """A FrameSource over a WidgetFilm. It can be stopped and started again, like a camera."""

    def __init__(self, film: WidgetFilm, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.name = "virtual:phone"
        self.frame_interval_s = 1.0 / FPS / 2
        self._film = film
        self._clock = clock
        self._next_due = 0.0
        self._rng = np.random.default_rng()

    def read(self) -> Frame | None:
        now = self._clock()
        if now < self._next_due:
            return None
        picture = self._film.latest()
        if picture is None:
            self._state = SourceState(SourceStatus.STARTING, "Waiting for the phone window…")
            return None
        self._next_due = now + 1.0 / FPS
        self._state = SourceState(SourceStatus.RUNNING, "Virtual camera filming the phone window.")
        return self._frame(film_scene(picture, now, self._rng), now)

    def close(self) -> None:
        self._state = SourceState(SourceStatus.STOPPED, "Virtual camera off.")
