"""Cancel is reachable (Esc and the button) wherever the flow allows it, and nowhere else."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from terminal.domain.flow import Sale, SaleState, StepUpMethod
from terminal.ui.main_window import CashierWindow
from tests.gui.fakes import FakeRegister, sale_in
from tests.gui.helpers import press
from tests.gui.test_panels import shown

CANCELLABLE = [
    sale_in(SaleState.AWAITING_CODE),
    sale_in(SaleState.AUTHORIZING),
    sale_in(SaleState.STEP_UP, method=StepUpMethod.APP_CONFIRM),
    sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN),
    sale_in(SaleState.STEP_UP, method=StepUpMethod.OTP),
    sale_in(SaleState.IN_DOUBT),
]
IDS = ["awaiting", "authorizing", "app_confirm", "pin", "otp", "in_doubt"]


@pytest.mark.parametrize("sale", CANCELLABLE, ids=IDS)
def test_escape_cancels(qtbot, window: CashierWindow, register: FakeRegister, sale: Sale) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale)
    press(window, Qt.Key.Key_Escape)
    assert register.calls == [("cancel", sale.state)]


@pytest.mark.parametrize("sale", CANCELLABLE, ids=IDS)
def test_cancel_button_cancels(qtbot, window: CashierWindow, register: FakeRegister, sale: Sale) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale)
    button = window.flow.current.findChild(type(window.flow.current.buttons.itemAt(0).widget()), "cancelButton")
    assert button is not None and button.isVisible() and button.isEnabled()
    assert button.text() == "Cancel (Esc)"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert register.calls == [("cancel", sale.state)]


@pytest.mark.parametrize("state", [SaleState.REVERSING, SaleState.APPROVED, SaleState.DECLINED,
                                   SaleState.REVERSED])
def test_no_cancel_where_the_flow_forbids_it(qtbot, window, register, state: SaleState) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(state))
    press(window, Qt.Key.Key_Escape)
    assert window.flow.current.findChild(type(window.flow.current), "cancelButton") is None
    assert not [c for c in register.calls if c[0] == "cancel"]


def test_a_cancel_already_asked_for_is_not_offered_again(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.AUTHORIZING, cancel_requested=True))
    panel = window.flow.current
    assert "reversed" in panel.body.text()
    press(window, Qt.Key.Key_Escape)
    assert register.calls == []
