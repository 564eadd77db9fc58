"""The verdict's icon, drawn as a shape (tick, cross, ...) so that approved and declined differ
by form, not only by colour."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget


class Shape(Enum):
    TICK = "tick"
    CROSS = "cross"
    UNDO = "undo"  # reversed: nothing was charged
    WAIT = "wait"  # authorizing, checking
    ALERT = "alert"  # the customer must act


class VerdictIcon(QWidget):
    def __init__(self, shape: Shape, parent: QWidget | None = None, *, size: int = 96) -> None:
        super().__init__(parent)
        self.shape = shape
        self.setFixedSize(size, size)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(shape.value)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = self.palette().windowText().color()
        side = min(self.width(), self.height())
        w = side / 12
        box = QRectF(w, w, side - 2 * w, side - 2 * w)
        pen = QPen(color, w, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(box)
        s = side
        if self.shape is Shape.TICK:
            p.drawPolyline(QPolygonF([QPointF(s * .28, s * .52), QPointF(s * .44, s * .68), QPointF(s * .73, s * .35)]))
        elif self.shape is Shape.CROSS:
            p.drawLine(QPointF(s * .33, s * .33), QPointF(s * .67, s * .67))
            p.drawLine(QPointF(s * .67, s * .33), QPointF(s * .33, s * .67))
        elif self.shape is Shape.UNDO:
            p.drawArc(QRectF(s * .3, s * .3, s * .4, s * .4), 90 * 16, 270 * 16)
            p.drawPolyline(QPolygonF([QPointF(s * .42, s * .22), QPointF(s * .5, s * .3), QPointF(s * .42, s * .38)]))
        elif self.shape is Shape.ALERT:
            p.drawLine(QPointF(s * .5, s * .27), QPointF(s * .5, s * .58))
            p.setBrush(QColor(color))
            p.drawEllipse(QPointF(s * .5, s * .72), w * .6, w * .6)
        else:
            p.drawLine(QPointF(s * .5, s * .5), QPointF(s * .5, s * .28))
            p.drawLine(QPointF(s * .5, s * .5), QPointF(s * .66, s * .6))
        p.end()
