"""Every panel at every supported screen size, in Japanese and English, with no and with ten
recent sales: no control is clipped or overlaps another, no text is cut, and the window keeps
the size it was given (it never grows by itself)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from terminal.config.model import Language
from terminal.ui.assets import style_sheet
from terminal.ui.main_window import CashierWindow
from tests.gui.fakes import FakeRegister
from tests.gui.layout_check import layout_problems
from tests.gui.scenes import SCENES, SIZES, fill_recent


@pytest.fixture(autouse=True)
def styled(qapp: QApplication):  # type: ignore[no-untyped-def]
    """The shipped style sheet (fonts and sizes as on a register), for these tests only."""
    before = qapp.styleSheet()
    qapp.setStyleSheet(style_sheet())
    yield
    qapp.setStyleSheet(before)


@pytest.mark.parametrize("recent", [0, 10])
@pytest.mark.parametrize("language", [Language.JA, Language.EN])
def test_every_panel_fits_every_screen(qtbot, window: CashierWindow, register: FakeRegister,  # type: ignore[no-untyped-def]
                                       language: Language, recent: int) -> None:
    window.switch_language(language)
    fill_recent(window, recent)
    problems: list[str] = []
    for width, height in SIZES:
        window.resize(width, height)
        for name, scene in SCENES:
            scene(register, window)
            QApplication.processEvents()
            qtbot.wait(5)
            if (window.width(), window.height()) != (width, height):
                problems.append(f"{width}x{height} {name}: the window grew to {window.width()}x{window.height()}")
            problems += [f"{width}x{height} {name}: {p}" for p in layout_problems(window)]
    assert not problems, "\n".join(problems)


def test_the_check_finds_clipping_overlap_and_cut_text(qtbot, window: CashierWindow) -> None:  # type: ignore[no-untyped-def]
    """The check itself can fail: a button pushed half out of the window, a button on top of the
    charge button, a label too narrow for its words."""
    QApplication.processEvents()
    assert layout_problems(window) == []
    outside = QPushButton("outside", window)
    outside.setGeometry(window.width() - 20, 100, 80, 40)
    charge = window.flow.panels[next(iter(window.flow.panels))].findChild(QPushButton, "chargeButton")
    on_top = QPushButton("on top", window)
    on_top.setGeometry(QRect(charge.mapTo(window, QPoint(10, 10)), QSize(40, 20)))
    narrow = QLabel("a label far too long for its width", window)
    narrow.setGeometry(10, 300, 40, 30)
    for widget in (outside, on_top, narrow):
        widget.show()
    QApplication.processEvents()
    problems = "\n".join(layout_problems(window))
    assert "'outside'" in problems and "clipped" in problems
    assert "'on top') in cashierWindow overlaps" in problems or "overlaps QPushButton#?('on top')" in problems
    assert "cuts its text 'a label far too long" in problems
