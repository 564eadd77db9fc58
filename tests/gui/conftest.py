"""Window fixtures: a cashier window on a recording register, offscreen, in either language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from terminal.config.model import Language
from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from tests.gui.fakes import FakeRegister


@pytest.fixture
def languages(qapp: QApplication) -> Iterator[Languages]:
    langs = Languages(qapp, Language.EN)
    yield langs
    langs.switch(Language.EN)


@pytest.fixture
def register() -> FakeRegister:
    return FakeRegister()


@pytest.fixture
def window(qtbot, register: FakeRegister, languages: Languages) -> CashierWindow:  # type: ignore[no-untyped-def]
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings(max_gap_ms=30.0)))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win
