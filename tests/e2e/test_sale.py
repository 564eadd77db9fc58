"""End to end: the real register and window, the sandbox wallet over HTTP, a video file as the
camera. The verdict on screen is checked against the journal and the wallet."""

from __future__ import annotations

import threading

import httpx
import pytest
from PySide6.QtCore import QTimer, Qt

from terminal.domain.flow import SaleState, StepUpMethod
from tests.e2e.conftest import App
from tests.gui.helpers import press, type_like_a_person

pytestmark = pytest.mark.slow


def charge(qtbot, app: App, amount: str) -> None:  # type: ignore[no-untyped-def]
    type_like_a_person(qtbot, app.window, amount)
    press(app.window, Qt.Key.Key_Return)


def wait_panel(qtbot, app: App, key, timeout: int = 20_000) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: app.window.flow.current is app.window.flow.panels[key], timeout=timeout)


def wallet_payment(app: App, customer: str, charge_id: str) -> dict:  # type: ignore[type-arg]
    state = httpx.get(f"{app.sandbox.url}/wallet/{customer}/state", timeout=10).json()
    return next(p for p in state["payments"] if p["id"] == charge_id)


def assert_recorded_as_approved(app: App, amount_text: str) -> None:
    sale = app.register.sale
    record = app.register.journal.sale(sale.idempotency_key or "")
    assert record is not None and record.state is SaleState.APPROVED
    assert record.approval_code == sale.approval_code and record.charge_id == sale.charge_id
    payment = wallet_payment(app, "alice", sale.charge_id or "")
    assert payment["status"] == "approved" and payment["amount"] == amount_text


def test_a_sale_read_from_the_camera_is_approved(qtbot, open_app) -> None:  # type: ignore[no-untyped-def]
    app = open_app("alice")
    charge(qtbot, app, "480")
    wait_panel(qtbot, app, SaleState.APPROVED)
    assert app.window.flow.current.amount.text() == "¥480"
    assert_recorded_as_approved(app, "¥480")


def test_a_sale_with_a_one_time_code_step_up(qtbot, open_app) -> None:  # type: ignore[no-untyped-def]
    app = open_app("alice")
    charge(qtbot, app, "1202")  # the sandbox's test value: always asks for the one-time code
    wait_panel(qtbot, app, StepUpMethod.OTP)
    state = httpx.get(f"{app.sandbox.url}/wallet/alice/state", timeout=10).json()
    otp = state["step_ups"][0]["otp"]
    type_like_a_person(qtbot, app.window, otp)
    press(app.window, Qt.Key.Key_Return)
    wait_panel(qtbot, app, SaleState.APPROVED)
    assert_recorded_as_approved(app, "¥1,202")


def test_the_ui_thread_never_waits_on_a_slow_wallet(qtbot, open_app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """2 s of added latency on every wallet request: the window shows the sale authorizing (with
    its cancel) while the request is still at the wallet, and neither a wallet request nor a
    journal write nor a receipt is ever made on the UI thread. (How long the event loop may stall
    is measured by bench/stall.py, not asserted here.)"""
    from terminal.journal.store import Journal
    from terminal.receipts.worker import ReceiptWorker
    from terminal.wallet import transport

    app = open_app("alice")
    threads: set[str] = set()

    def on_thread(fn):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            threads.add(threading.current_thread().name)
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(transport, "sign_request", on_thread(transport.sign_request))
    for name in ("code_seen_recently", "save_sale"):
        monkeypatch.setattr(Journal, name, on_thread(getattr(Journal, name)))
    monkeypatch.setattr(ReceiptWorker, "run", on_thread(ReceiptWorker.run))
    app.sandbox.set_faults(latency_ms=2000)
    charge(qtbot, app, "480")
    wait_panel(qtbot, app, SaleState.AUTHORIZING, timeout=30_000)
    key = app.register.sale.idempotency_key
    record = app.register.journal.sale(key or "")
    assert record is not None and record.state is SaleState.AUTHORIZING  # the wallet has not answered yet
    wait_panel(qtbot, app, SaleState.APPROVED, timeout=30_000)
    press(app.window, Qt.Key.Key_Return)  # next sale: the receipt that waited for the cashier is issued
    qtbot.waitUntil(lambda: any(t.startswith("payterm-receipts") for t in threads), timeout=20_000)
    assert threads and threading.main_thread().name not in threads
