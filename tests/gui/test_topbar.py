"""The top bar: register name, wallet connection and latency, clock skew, TRAINING banner."""

from __future__ import annotations

from dataclasses import replace

from terminal.ui.main_window import CashierWindow
from tests.gui.fakes import STATUS, FakeRegister


def test_training_banner_latency_and_name(window: CashierWindow) -> None:
    bar = window.topbar
    assert bar.training.isVisible() and bar.training.text() == "TRAINING · test money only"
    assert bar.wallet.text() == "Wallet: connected · 84 ms"
    assert bar.name.text() == "Shibuya Store · Register 1"
    assert not bar.skew.isVisible()


def test_clock_skew_warning_and_no_banner_on_a_real_wallet(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    register.status_value = replace(STATUS, training=False, clock_offset=-125.0, latency=None)
    qtbot.waitUntil(lambda: window.topbar.skew.isVisible(), timeout=2500)
    bar = window.topbar
    assert bar.skew.text() == "⚠ Clock off by -125 s: check the time"
    assert not bar.training.isVisible()
    assert bar.wallet.text() == "Wallet: checking the connection…"  # not a word that reads as an outage


def test_one_clock_the_stores(qtbot, register: FakeRegister, languages) -> None:  # type: ignore[no-untyped-def]
    """The cashier's screen shows the store's time, as history, receipts and reports do, whatever
    the machine's own time zone."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from terminal.domain.flow import SaleState
    from terminal.scan.wedge import KeyboardWedge, WedgeSettings
    from terminal.ui.scanning import ScannerHub
    from terminal.ui.sounds import SoundPlayer
    from tests.gui.fakes import sale_in

    hub = ScannerHub(None, KeyboardWedge(WedgeSettings(max_gap_ms=30.0)))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True),
                        timezone="Pacific/Kiritimati")  # UTC+14: never the test machine's zone
    qtbot.addWidget(win)
    win.show()
    win._refresh_status()
    register.move_to(sale_in(SaleState.APPROVED))
    qtbot.waitUntil(lambda: bool(win.recent.entries))
    assert win.recent.entries[0].at.utcoffset() == ZoneInfo("Pacific/Kiritimati").utcoffset(datetime.now())
    expected = {datetime.now(ZoneInfo("Pacific/Kiritimati")).strftime("%I:%M %p").lstrip("0")}
    assert win.topbar.clock.text() in expected | {datetime.now(ZoneInfo("Pacific/Kiritimati")).strftime("%H:%M")}


def test_one_register_name_the_one_on_slips_and_in_history(window: CashierWindow) -> None:
    window.topbar.register_name = "Till 3"
    window._refresh_status()
    assert window.topbar.name.text() == "Shibuya Store · Till 3"
