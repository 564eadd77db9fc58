"""The live camera picture with the scan frame, and a highlight on a code just found (a solid
outline for an accepted read, a dashed one for a refused read: shape, not only colour).

It shows the newest frame the scan pipeline captured, polled at display rate; decoding happens
on the pipeline's own threads, never here."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from terminal.scan.types import Frame, Quad

HIGHLIGHT_S = 0.8
FRAME_SHARE = 0.62  # the scan frame's side, as a share of the picture's shorter side


def to_qimage(image: np.ndarray) -> QImage:
    """BGR, BGRA or grey numpy image -> QImage sharing nothing with the array."""
    if image.ndim == 2:
        h, w = image.shape
        return QImage(image.data, w, h, image.strides[0], QImage.Format.Format_Grayscale8).copy()
    h, w, channels = image.shape
    fmt = QImage.Format.Format_BGR888 if channels == 3 else QImage.Format.Format_ARGB32
    return QImage(image.data, w, h, image.strides[0], fmt).copy()


class CameraView(QWidget):
    def __init__(self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.setObjectName("cameraView")
        self.setMinimumSize(280, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._clock = clock
        self._frames: Callable[[], Frame | None] = lambda: None
        self._image: QImage | None = None
        self._seq = -1
        self._message = ""
        self._highlight: tuple[Quad, bool, float] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(66)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def set_frames(self, frames: Callable[[], Frame | None]) -> None:
        self._frames = frames

    def set_message(self, text: str) -> None:
        """What to show where there is no picture (camera missing, busy, off)."""
        self._message = text
        self.update()

    @property
    def message(self) -> str:
        return self._message

    def clear_picture(self) -> None:
        self._image = None
        self.update()

    def highlight(self, quad: Quad | None, accepted: bool) -> None:
        if quad is not None:
            self._highlight = (quad, accepted, self._clock() + HIGHLIGHT_S)
            self.update()

    def _poll(self) -> None:
        frame = self._frames()
        if frame is not None and frame.seq != self._seq:
            self._seq = frame.seq
            self._image = to_qimage(frame.image)
            self.update()
        elif self._highlight is not None and self._clock() > self._highlight[2]:
            self._highlight = None
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#111"))
        if self._image is None:
            # the scan frame even without a picture, so the cashier knows where the code goes
            area = QRectF(self.rect())
            side = min(area.width(), area.height()) * FRAME_SHARE
            frame = QRectF(0, 0, side, side)
            frame.moveCenter(area.center())
            self._draw_corners(p, frame)
            p.setPen(QColor("#ddd"))
            p.drawText(frame.adjusted(side / 8, side / 8, -side / 8, -side / 8),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message)
            p.end()
            return
        img = self._image
        scale = min(self.width() / img.width(), self.height() / img.height())
        target = QRectF(0, 0, img.width() * scale, img.height() * scale)
        target.moveCenter(QRectF(self.rect()).center())
        p.drawImage(target, img)
        side = min(target.width(), target.height()) * FRAME_SHARE
        frame = QRectF(0, 0, side, side)
        frame.moveCenter(target.center())
        self._draw_corners(p, frame)
        if self._highlight is not None and self._clock() <= self._highlight[2]:
            quad, accepted, _ = self._highlight
            pen = QPen(QColor("#2ecc71") if accepted else QColor("#ff5c5c"), 5)
            pen.setStyle(Qt.PenStyle.SolidLine if accepted else Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawPolygon(QPolygonF([QPointF(target.x() + q.x * scale, target.y() + q.y * scale) for q in quad]))
        p.end()

    @staticmethod
    def _draw_corners(p: QPainter, r: QRectF) -> None:
        p.setPen(QPen(QColor(255, 255, 255, 220), 4))
        arm = r.width() / 6
        for cx, cy, dx, dy in ((r.left(), r.top(), 1, 1), (r.right(), r.top(), -1, 1),
                               (r.left(), r.bottom(), 1, -1), (r.right(), r.bottom(), -1, -1)):
            p.drawLine(QPointF(cx, cy), QPointF(cx + dx * arm, cy))
            p.drawLine(QPointF(cx, cy), QPointF(cx, cy + dy * arm))


class CameraColumn(QWidget):
    """The camera view in a 4:3 box at the top of its column (never a tall strip), shown by the
    window only while a code is awaited."""

    def __init__(self, camera: CameraView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraColumn")
        self.camera = camera
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(camera.minimumSize())
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(camera)
        column.addStretch(1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        height = min(self.height(), self.width() * 3 // 4)
        self.camera.setFixedHeight(max(self.camera.minimumWidth() * 3 // 4, height))
