"""The verdict screen's receipt choice and the reprint's note: "No receipt" asks the register to
print nothing (and moves on), and F4 says which sale it reprints."""

from __future__ import annotations

from PySide6.QtCore import Qt

from terminal.domain.flow import SaleState
from terminal.ui.main_window import CashierWindow
from tests.gui.fakes import FakeRegister, sale_in
from tests.gui.helpers import press


def test_no_receipt_on_the_verdict_screen(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    assert register.holds_receipts  # the window holds each receipt for the cashier's choice
    register.move_to(sale_in(SaleState.APPROVED))
    panel = window.flow.panels[SaleState.APPROVED]
    qtbot.waitUntil(lambda: window.flow.current is panel)
    button = panel.no_receipt_button
    assert button is not None and button.isVisible() and button.text() == "No receipt"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert register.calls == [("decline_receipt", None), ("next_sale", None)]
    assert "nothing was printed" in window.topbar.note.text()
    for state in (SaleState.DECLINED, SaleState.REVERSED):  # nothing to decline there
        assert window.flow.panels[state].no_receipt_button is None  # type: ignore[attr-defined]


def test_f4_names_the_sale_it_reprints(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    sale = sale_in(SaleState.APPROVED)
    register.move_to(sale)
    qtbot.waitUntil(lambda: bool(window.recent.entries))
    press(window, Qt.Key.Key_F4)
    assert register.calls[-1] == ("reprint_last_receipt", None)
    assert window.topbar.note.text().startswith(f"REPRINT of sale {sale.reference} (")
