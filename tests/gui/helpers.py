"""Typing into the window as a person does (keys far enough apart that the keyboard-wedge
detector passes them on) or as a handheld scanner does (a burst ending in Enter)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

HUMAN_GAP_MS = 45  # the test wedge's burst gap is 30 ms


def type_like_a_person(qtbot, widget: QWidget, text: str) -> None:  # type: ignore[no-untyped-def]
    for char in text:
        QTest.keyClick(widget, char)
        qtbot.wait(HUMAN_GAP_MS)
    qtbot.wait(HUMAN_GAP_MS)


def press(widget: QWidget, key: Qt.Key) -> None:
    QTest.keyClick(widget, key)


def scan_burst(widget: QWidget, code: str) -> None:
    """A keyboard-wedge scanner: every key at once, then Enter."""
    for char in code:
        QTest.keyClick(widget, char)
    QTest.keyClick(widget, Qt.Key.Key_Return)
