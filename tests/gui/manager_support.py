"""Manager-mode fixtures: a real register (file key store, journal in tmp_path) enrolled with a
real sandbox wallet, its manager PIN set, a clock the test can move, and the cashier window on a
recording register with manager mode on the real journal."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from terminal.config.loader import load_settings
from terminal.config.writer import ConfigWriter
from terminal.register.manager_pin import ManagerPin
from terminal.register.register import Register
from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.manager import ManagerPinDialog, ManagerServices
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from tests.gui.fakes import FakeRegister
from tests.gui.helpers import press
from tests.register_fixtures import FAST_ENV, make_register, set_manager_pin
from tests.sandbox_fixtures import MANAGER_PIN, RunningSandbox

PIN = MANAGER_PIN


class MovableClock:
    """Real time plus an offset the test moves forward (the lock-out timer, the next day)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@dataclass
class ManagerRig:
    register: Register
    services: ManagerServices
    clock: MovableClock
    home: Path
    sandbox: RunningSandbox


def make_rig(home: Path, sandbox: RunningSandbox, *, system_toml: str = "") -> ManagerRig:
    (home / "etc").mkdir(parents=True, exist_ok=True)
    if system_toml:
        (home / "etc" / "terminal.toml").write_text(system_toml, encoding="utf-8")
    register = make_register(home, sandbox)
    env = {"PAYTERM_HOME": str(home), **FAST_ENV}
    clock = MovableClock()
    pin = ManagerPin(register.journal, register.client, register.enrollment.pin_key,
                     clock=clock)
    if not pin.is_set():
        set_manager_pin(register, sandbox, PIN)  # held by the wallet, as IT sets it
    services = ManagerServices.for_register(register, pin, ConfigWriter(load_settings(env), env),
                                            home / "reports")
    services.clock = clock
    return ManagerRig(register, services, clock, home, sandbox)


@pytest.fixture
def rig(sandbox_server: RunningSandbox, tmp_path: Path) -> Iterator[ManagerRig]:
    made = make_rig(tmp_path / "register", sandbox_server)
    try:
        yield made
    finally:
        made.register.close()


def manager_window(qtbot, rig: ManagerRig, languages: Languages, *, kiosk: bool = False) -> CashierWindow:  # type: ignore[no-untyped-def]
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings(max_gap_ms=30.0)))
    win = CashierWindow(FakeRegister(), hub, languages, currency="JPY", sounds=SoundPlayer(muted=True),
                        manager=rig.services, kiosk=kiosk)
    qtbot.addWidget(win)
    win.show_kiosk_or_normal()
    qtbot.waitExposed(win)
    return win


def enter_pin(qtbot, dialog: ManagerPinDialog, pin: str) -> object:  # type: ignore[no-untyped-def]
    """Type a PIN and press Enter; returns the PinCheck (or None when the dialog was accepted)."""
    dialog.field.setText(pin)
    with qtbot.waitSignal(dialog.checked, timeout=10_000) as blocker:
        press(dialog.field, Qt.Key.Key_Return)
    return blocker.args[0]


def sign_in(qtbot, window: CashierWindow, pin: str = PIN):  # type: ignore[no-untyped-def]
    press(window, Qt.Key.Key_F10)
    dialog = window.dialog
    assert isinstance(dialog, ManagerPinDialog)
    enter_pin(qtbot, dialog, pin)
    qtbot.waitUntil(lambda: window.dialog is not dialog)
    return window.dialog


def settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.wait(10)
    QApplication.processEvents()
