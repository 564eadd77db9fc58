"""What "nothing clipped, nothing overlapping" means, measured on live widgets: every visible
control lies wholly inside the window and inside each of its parents, no two controls overlap,
and no visible text is cut (a label is at least as big as its text needs)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QWidget

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox)


def _window_rect(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _clipped_by(widget: QWidget, window: QWidget) -> QWidget | None:
    """The first ancestor (or the window) whose area does not hold all of ``widget``."""
    rect = _window_rect(widget, window)
    parent = widget.parentWidget()
    while parent is not None:
        area = _window_rect(parent, window) if parent is not window else window.rect()
        if not area.contains(rect):
            return parent
        if parent is window:
            return None
        parent = parent.parentWidget()
    return None


def _text_cut(label: QLabel) -> bool:
    if not label.text() or label.pixmap() is not None and not label.pixmap().isNull():
        return False
    if label.wordWrap():
        return label.height() < label.heightForWidth(label.width())
    # the text's own extent (a label's size hint is bounded by its fixed size, so it cannot tell)
    room = label.contentsRect()
    need = label.fontMetrics().boundingRect(QRect(0, 0, 100_000, 100_000), 0, label.text())
    return room.width() < need.width() or room.height() < need.height()


def layout_problems(window: QWidget) -> list[str]:
    """Every clipped or overlapping control and every cut text on screen, in words."""
    problems: list[str] = []
    shown = [w for w in window.findChildren(QWidget) if w.isVisibleTo(window) and w.window() is window]
    controls = [w for w in shown if isinstance(w, INTERACTIVE)]
    for widget in controls:
        clipper = _clipped_by(widget, window)
        if clipper is not None:
            problems.append(f"{_name(widget)} is clipped by {_name(clipper)}")
    for i, a in enumerate(controls):
        for b in controls[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            if _window_rect(a, window).intersects(_window_rect(b, window)):
                problems.append(f"{_name(a)} overlaps {_name(b)}")
    for label in (w for w in shown if isinstance(w, QLabel)):
        if _text_cut(label):
            problems.append(f"{_name(label)} cuts its text {label.text()!r}")
    return problems


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, (QAbstractButton, QLabel)) else ""
    parent = widget.parentWidget()
    where = parent.objectName() if parent is not None else ""
    return f"{type(widget).__name__}#{widget.objectName() or '?'}({text!r}) in {where or '?'}"
