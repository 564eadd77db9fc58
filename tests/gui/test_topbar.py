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
