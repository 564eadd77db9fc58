"""`payterm demo` end to end: the sandbox, a freshly enrolled register, the cashier window and
the phone window, with the virtual camera filming the phone. A sale is read off the phone's
rendered pixels and approved; an in-app step-up is approved on the phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from terminal.demo_cli import SandboxDemo
from terminal.domain.flow import SaleState, StepUpMethod
from terminal.ui.demo import DemoSession, open_demo
from tests.gui.helpers import press, type_like_a_person

pytestmark = pytest.mark.slow


@pytest.fixture
def demo(qtbot, tmp_path: Path) -> Iterator[DemoSession]:  # type: ignore[no-untyped-def]
    backend = SandboxDemo(tmp_path / "sandbox.sqlite3", "127.0.0.1", 0)
    session = open_demo(backend, language="en", muted=True)
    try:
        session.show()
        qtbot.waitUntil(lambda: session.window.ready, timeout=10_000)
        yield session
    finally:
        session.close()
        backend.close()


def choose_customer(qtbot, demo: DemoSession, name: str) -> None:  # type: ignore[no-untyped-def]
    box = demo.phone.customer
    box.setCurrentIndex(box.findData(name))
    qtbot.waitUntil(lambda: demo.phone.balance.text().startswith(box.currentText().split(":")[0]), timeout=5000)


def charge(qtbot, demo: DemoSession, amount: str) -> None:  # type: ignore[no-untyped-def]
    type_like_a_person(qtbot, demo.window, amount)
    press(demo.window, Qt.Key.Key_Return)


def test_a_sale_read_off_the_phone_window_is_approved(qtbot, demo: DemoSession) -> None:  # type: ignore[no-untyped-def]
    choose_customer(qtbot, demo, "alice")
    charge(qtbot, demo, "480")
    qtbot.waitUntil(lambda: demo.window.flow.current is demo.window.flow.panels[SaleState.APPROVED],
                    timeout=20_000)
    assert demo.window.hub.camera is not None and demo.window.hub.camera.stats.reported >= 1


def test_confirm_in_app_on_the_phone(qtbot, demo: DemoSession) -> None:  # type: ignore[no-untyped-def]
    choose_customer(qtbot, demo, "dave")
    charge(qtbot, demo, "700")
    qtbot.waitUntil(lambda: demo.window.flow.current is demo.window.flow.panels[StepUpMethod.APP_CONFIRM],
                    timeout=20_000)
    qtbot.waitUntil(demo.phone.approve.isVisible, timeout=5000)
    qtbot.mouseClick(demo.phone.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: demo.window.flow.current is demo.window.flow.panels[SaleState.APPROVED],
                    timeout=15_000)
