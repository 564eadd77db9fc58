"""A payment code read while the wallet cannot be reached is kept (in memory only) and the panel
says why the sale waits; when the wallet is back the code goes, and the sale is approved. A
cancel while it is kept drops it: nothing reaches the wallet afterwards. The real register and
client against the sandbox over HTTP, stopped and started again on the same port; the real
cashier window offscreen (pytest-qt)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from sandbox.server import SandboxServer
from terminal.config.model import Language
from terminal.domain.flow import SaleState
from terminal.domain.paymentcode import Symbology
from terminal.journal.records import HistoryQuery
from terminal.register.register import Register
from terminal.scan.types import DecoderName, ScanResult
from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from terminal.ui.wallet_watch import Reach
from tests.gui.helpers import press, type_like_a_person
from tests.sandbox_fixtures import RunningSandbox


@pytest.fixture
def window(qtbot, qapp, register: Register) -> Iterator[CashierWindow]:  # type: ignore[no-untyped-def]
    languages = Languages(qapp, Language.EN)
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings(max_gap_ms=30.0)))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True),
                        wallet=register.client)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if win.watch is not None:
        win.watch.stop()


def scan(window: CashierWindow, code: str) -> None:
    window.hub.scanned.emit(ScanResult(code, Symbology.QR_CODE, None, "test", time.monotonic(), 1.0,
                                       DecoderName.ZXING))


def wait_away(qtbot, window: CashierWindow, sandbox: RunningSandbox) -> int:  # type: ignore[no-untyped-def]
    assert window.watch is not None
    qtbot.waitUntil(lambda: window.watch is not None and window.watch.health.reach is Reach.CONNECTED, timeout=10_000)
    port = sandbox.server.port
    sandbox.server.stop()
    qtbot.waitUntil(lambda: window.watch is not None and window.watch.health.reach is Reach.UNREACHABLE,
                    timeout=10_000)
    return port


def start_sale(qtbot, window: CashierWindow, register: Register) -> None:  # type: ignore[no-untyped-def]
    type_like_a_person(qtbot, window, "1200")
    press(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: register.sale.state is SaleState.AWAITING_CODE, timeout=10_000)


def test_a_code_read_while_the_wallet_is_away_goes_when_it_is_back(  # type: ignore[no-untyped-def]
        qtbot, window: CashierWindow, register: Register, sandbox_server: RunningSandbox) -> None:
    code = sandbox_server.payment_code("alice")
    start_sale(qtbot, window, register)
    port = wait_away(qtbot, window, sandbox_server)
    again: SandboxServer | None = None
    try:
        scan(window, code)
        qtbot.waitUntil(lambda: window.keeps_code, timeout=5000)
        waiting = window.flow.awaiting.waiting
        assert waiting.isVisible() and "wallet cannot be reached" in waiting.text()
        assert "Nothing has been charged" in waiting.text() and "Esc" in waiting.text()
        assert register.sale.state is SaleState.AWAITING_CODE
        assert register.journal.history(HistoryQuery()) == []  # nothing written: the code is in memory only
        again = SandboxServer(sandbox_server.sandbox, "127.0.0.1", port).start()
        qtbot.waitUntil(lambda: register.sale.state is SaleState.APPROVED, timeout=20_000)
        assert not window.keeps_code and not window.flow.awaiting.waiting.isVisible()
        [sale] = register.journal.history(HistoryQuery())
        assert sale.state is SaleState.APPROVED and sale.code_last4 == code[-4:]
    finally:
        if again is not None:
            again.stop()


def test_a_kept_code_is_dropped_when_the_cashier_cancels(  # type: ignore[no-untyped-def]
        qtbot, window: CashierWindow, register: Register, sandbox_server: RunningSandbox) -> None:
    code = sandbox_server.payment_code("alice")
    start_sale(qtbot, window, register)
    port = wait_away(qtbot, window, sandbox_server)
    again: SandboxServer | None = None
    try:
        scan(window, code)
        qtbot.waitUntil(lambda: window.keeps_code, timeout=5000)
        press(window, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: register.sale.state is SaleState.IDLE, timeout=5000)
        assert not window.keeps_code
        again = SandboxServer(sandbox_server.sandbox, "127.0.0.1", port).start()
        assert window.watch is not None
        qtbot.waitUntil(lambda: window.watch is not None and window.watch.health.reach is Reach.CONNECTED,
                        timeout=10_000)
        qtbot.wait(300)
        assert register.sale.state is SaleState.IDLE and register.journal.history(HistoryQuery()) == []
    finally:
        if again is not None:
            again.stop()
