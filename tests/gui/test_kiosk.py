"""Kiosk mode: full screen without a frame, and no way out but the manager PIN (leaving through
manager mode is tested in test_manager_pin.py, with the journal-backed PIN)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from tests.gui.fakes import FakeRegister
from tests.gui.helpers import press

@pytest.fixture
def kiosk(qtbot, register: FakeRegister, languages: Languages) -> Iterator[CashierWindow]:  # type: ignore[no-untyped-def]
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings(max_gap_ms=30.0)))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True), kiosk=True)
    qtbot.addWidget(win)
    win.show_kiosk_or_normal()
    qtbot.waitExposed(win)
    yield win
    win.quit_by_manager()  # let the test tidy up


def test_kiosk_is_full_screen_without_a_frame(kiosk: CashierWindow) -> None:
    assert kiosk.isFullScreen()
    assert kiosk.windowFlags() & Qt.WindowType.FramelessWindowHint


def test_closing_a_kiosk_is_refused(qtbot, kiosk: CashierWindow) -> None:  # type: ignore[no-untyped-def]
    assert kiosk.close() is False
    press(kiosk, Qt.Key.Key_Escape)
    assert kiosk.isVisible()


def test_a_kiosk_without_a_manager_gate_has_no_way_out(qtbot, register, languages) -> None:  # type: ignore[no-untyped-def]
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings()))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True), kiosk=True)
    qtbot.addWidget(win)
    press(win, Qt.Key.Key_F10)
    assert win.dialog is None and win.close() is False
    win.quit_by_manager()  # let the test tidy up
