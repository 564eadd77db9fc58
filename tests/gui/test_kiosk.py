"""Kiosk mode: full screen without a frame, and no way out but the manager PIN."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt

from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.manager import Argon2Gate
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from tests.gui.fakes import FakeRegister
from tests.gui.helpers import press

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # a test hash: quick to check


@pytest.fixture
def kiosk(qtbot, register: FakeRegister, languages: Languages) -> CashierWindow:  # type: ignore[no-untyped-def]
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings(max_gap_ms=30.0)))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True),
                        gate=Argon2Gate(FAST.hash("2468")), kiosk=True)
    qtbot.addWidget(win)
    win.show_kiosk_or_normal()
    qtbot.waitExposed(win)
    return win


def test_kiosk_is_full_screen_without_a_frame(kiosk: CashierWindow) -> None:
    assert kiosk.isFullScreen()
    assert kiosk.windowFlags() & Qt.WindowType.FramelessWindowHint


def test_closing_a_kiosk_is_refused(qtbot, kiosk: CashierWindow) -> None:  # type: ignore[no-untyped-def]
    assert kiosk.close() is False
    press(kiosk, Qt.Key.Key_Escape)
    assert kiosk.isVisible()


def test_wrong_pin_keeps_the_kiosk_and_the_right_one_lets_the_manager_out(qtbot, kiosk: CashierWindow) -> None:  # type: ignore[no-untyped-def]
    press(kiosk, Qt.Key.Key_F10)
    pin = kiosk.dialog
    assert pin is not None and pin.objectName() == "managerPinDialog"
    pin.field.setText("1111")
    press(pin.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pin.message.text() == "Wrong PIN.")
    assert kiosk.isVisible() and kiosk.dialog is pin

    pin.field.setText("2468")
    press(pin.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: kiosk.dialog is not pin)
    settings = kiosk.dialog
    assert settings is not None and settings.objectName() == "settingsDialog"
    with qtbot.waitSignal(kiosk.finished):
        qtbot.mouseClick(settings.quit_button, Qt.MouseButton.LeftButton)
    assert not kiosk.isVisible()


def test_a_kiosk_without_a_manager_gate_has_no_way_out(qtbot, register, languages) -> None:  # type: ignore[no-untyped-def]
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings()))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True), kiosk=True)
    qtbot.addWidget(win)
    press(win, Qt.Key.Key_F10)
    assert win.dialog is None and win.close() is False
    win.quit_by_manager()  # let the test tidy up
