"""The wallet status in the top bar and the PIN kept while the wallet is away, on a link whose
answers the test sets (the real client against the sandbox: tests/integration/test_wallet_watch.py)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest

from terminal.domain.flow import SaleState, StepUpMethod
from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from terminal.ui.wallet_watch import Reach
from terminal.wallet.errors import TransportError
from tests.gui.fakes import FakeRegister, sale_in
from tests.gui.test_panels import shown


@dataclass
class FakeLink:
    """A wallet that is there or not, as the test says; its probe answers accordingly."""

    up: bool = True
    slow: bool = False  # takes the connection, answers too late
    last_failure: float | None = None
    last_success: float | None = None
    probes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _now: float = 1000.0

    def tick(self) -> float:
        with self._lock:
            self._now += 1
            return self._now

    def fail_a_call(self) -> None:
        self.last_failure = self.tick()

    def probe(self, timeout: float = 1.0) -> float:
        self.probes += 1
        if self.slow:
            self.last_failure = self.tick()
            raise TransportError("no answer from the wallet: ReadTimeout", outcome_unknown=True)
        if not self.up:
            self.last_failure = self.tick()
            raise TransportError("cannot reach the wallet", outcome_unknown=False)
        self.last_success = self.tick()
        return 0.015


@pytest.fixture
def link() -> FakeLink:
    return FakeLink()


@pytest.fixture
def watched(qtbot, register: FakeRegister, languages: Languages, link: FakeLink) -> CashierWindow:  # type: ignore[no-untyped-def]
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings(max_gap_ms=30.0)))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True), wallet=link)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_connected_after_the_first_probe(qtbot, watched: CashierWindow) -> None:  # type: ignore[no-untyped-def]
    assert watched.watch is not None
    qtbot.waitUntil(lambda: watched.topbar.wallet.text() == "Wallet: connected · 15 ms", timeout=2000)


def test_a_failed_call_flips_it_and_a_probe_brings_it_back(qtbot, watched: CashierWindow, link: FakeLink) -> None:  # type: ignore[no-untyped-def]
    assert watched.watch is not None
    qtbot.waitUntil(lambda: watched.watch.health.reach is Reach.CONNECTED, timeout=2000)
    link.up = False
    link.fail_a_call()
    qtbot.waitUntil(lambda: watched.topbar.wallet.text() == "⚠ Wallet unreachable: retrying", timeout=2000)
    assert watched.topbar.wallet.property("reach") == "unreachable"
    link.up = True
    qtbot.waitUntil(lambda: watched.watch.health.reach is Reach.CONNECTED, timeout=3000)
    assert watched.topbar.wallet.text().startswith("Wallet: connected")


def test_the_probe_alone_notices_a_wallet_gone_while_idle(qtbot, watched: CashierWindow, link: FakeLink) -> None:  # type: ignore[no-untyped-def]
    assert watched.watch is not None
    qtbot.waitUntil(lambda: watched.watch.health.reach is Reach.CONNECTED, timeout=2000)
    link.up = False  # nothing else calls the wallet
    qtbot.waitUntil(lambda: watched.watch.health.reach is Reach.UNREACHABLE, timeout=2500)


def test_a_pin_typed_while_the_wallet_is_away_is_kept_and_sent_when_it_is_back(  # type: ignore[no-untyped-def]
        qtbot, watched: CashierWindow, register: FakeRegister, link: FakeLink) -> None:
    assert watched.watch is not None
    shown(qtbot, watched, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN))
    panel = watched.flow.panels[StepUpMethod.PIN]
    link.up = False
    link.fail_a_call()
    qtbot.waitUntil(lambda: watched.watch.health.reach is Reach.UNREACHABLE, timeout=2000)
    panel.type_text("1234")
    panel.enter()
    assert ("step_up_input", "1234") not in register.calls
    assert panel.holding and not panel.pad.isEnabled()
    assert panel.body.text().startswith("The wallet cannot be reached. The PIN is kept")
    link.up = True
    qtbot.waitUntil(lambda: ("step_up_input", "1234") in register.calls, timeout=3000)
    assert not panel.holding


def test_a_kept_pin_is_dropped_when_the_step_up_ends(qtbot, watched: CashierWindow, register: FakeRegister,  # type: ignore[no-untyped-def]
                                                     link: FakeLink) -> None:
    assert watched.watch is not None
    shown(qtbot, watched, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN))
    panel = watched.flow.panels[StepUpMethod.PIN]
    link.up = False
    link.fail_a_call()
    qtbot.waitUntil(lambda: watched.watch.health.reach is Reach.UNREACHABLE, timeout=2000)
    panel.type_text("1234")
    panel.enter()
    shown(qtbot, watched, register, sale_in(SaleState.REVERSED))
    link.up = True
    qtbot.waitUntil(lambda: watched.watch.health.reach is Reach.CONNECTED, timeout=3000)
    assert not any(name == "step_up_input" for name, _ in register.calls)


def test_a_slow_wallet_is_slow_not_unreachable(qtbot, watched: CashierWindow, register: FakeRegister,  # type: ignore[no-untyped-def]
                                               link: FakeLink) -> None:
    """A wallet that takes the connection but answers late is there: a PIN still goes to it."""
    assert watched.watch is not None
    link.slow = True
    qtbot.waitUntil(lambda: watched.watch.health.reach is Reach.SLOW, timeout=3000)
    assert watched.topbar.wallet.text() == "Wallet: slow to answer"
    shown(qtbot, watched, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN))
    panel = watched.flow.panels[StepUpMethod.PIN]
    panel.type_text("1234")
    panel.enter()
    assert ("step_up_input", "1234") in register.calls
