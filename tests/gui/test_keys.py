"""Keyboard and touch entry of the amount, manual code entry, and a keyboard-wedge scanner on
the same keyboard whose bursts never reach the amount."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from terminal.domain.flow import SaleState
from terminal.domain.money import Money
from terminal.domain.paymentcode import RejectReason, Rejection, Symbology
from terminal.ui.main_window import CashierWindow
from tests.gui.fakes import FakeRegister, sale_in
from tests.gui.helpers import press, scan_burst, type_like_a_person
from tests.gui.test_panels import shown

CODE = "99001234567890123456"


def entry(window: CashierWindow):  # type: ignore[no-untyped-def]
    return window.flow.panels[SaleState.IDLE]


def test_amount_typed_on_the_keyboard_is_charged(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    type_like_a_person(qtbot, window, "12009")
    press(window, Qt.Key.Key_Backspace)
    assert entry(window).display.text() == "¥1,200"
    press(window, Qt.Key.Key_Return)
    assert register.calls[0] == ("start_sale", Money(1200, "JPY"))
    qtbot.waitUntil(lambda: window.flow.current is window.flow.panels[SaleState.AWAITING_CODE])


def test_touch_keypad(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    panel = entry(window)
    keys = {b.text(): b for b in panel.keypad.findChildren(QPushButton)}
    for label in ("5", "00", "0"):
        qtbot.mouseClick(keys[label], Qt.MouseButton.LeftButton)
    assert panel.display.text() == "¥5,000"
    qtbot.mouseClick(keys["C"], Qt.MouseButton.LeftButton)
    assert panel.display.text() == "¥0" and not panel.charge_button.isEnabled()
    qtbot.mouseClick(keys["7"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.charge_button, Qt.MouseButton.LeftButton)
    assert register.calls == [("start_sale", Money(7, "JPY"))]


def test_escape_clears_the_amount(qtbot, window: CashierWindow) -> None:  # type: ignore[no-untyped-def]
    type_like_a_person(qtbot, window, "35")
    press(window, Qt.Key.Key_Escape)
    assert entry(window).display.text() == "¥0"


def test_a_scanner_burst_never_reaches_the_amount(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    type_like_a_person(qtbot, window, "5")
    scan_burst(window, CODE)
    qtbot.wait(80)
    assert entry(window).display.text() == "¥5"
    assert register.calls == []  # no sale waits for a code: the read is ignored


def test_a_scanner_burst_is_a_code_read_while_a_sale_waits(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.AWAITING_CODE))
    scan_burst(window, CODE)
    qtbot.waitUntil(lambda: len(register.calls) == 1)
    assert register.calls == [("code_read", (CODE, Symbology.KEYED))]


def test_manual_entry_with_f2(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.AWAITING_CODE))
    press(window, Qt.Key.Key_F2)
    dialog = window.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.field.setText("9900 1234 5678 9012 3456")
    press(dialog.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(register.calls) == 1)
    assert register.calls == [("code_read", (CODE, Symbology.KEYED))]
    assert not dialog.isVisible()


def test_a_refused_code_is_said_plainly(qtbot, window: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    register.rejection = Rejection(RejectReason.NOT_ACCEPTED, "Alipay is not accepted at this register.", "Alipay")
    shown(qtbot, window, register, sale_in(SaleState.AWAITING_CODE))
    window.flow.manual_entry.emit()
    window.dialog.field.setText("25" + "1" * 16)
    press(window.dialog.field, Qt.Key.Key_Return)
    problem = window.flow.awaiting.problem
    qtbot.waitUntil(problem.isVisible)
    assert problem.text() == "⚠ Alipay is not accepted at this register."


def test_manual_entry_only_while_a_sale_waits_for_a_code(qtbot, window: CashierWindow) -> None:  # type: ignore[no-untyped-def]
    press(window, Qt.Key.Key_F2)
    assert window.dialog is None


def test_amounts_follow_the_currency() -> None:
    from terminal.ui.widgets.amount import AmountEntry

    usd, yen = AmountEntry("USD"), AmountEntry("JPY")
    for entry in (usd, yen):
        entry.type("1205")
    assert (usd.money, yen.money) == (Money(1205, "USD"), Money(1205, "JPY"))
    assert usd.money.format() == "$12.05"
    assert not usd.type("x") and not usd.type("9" * 10)


def test_f4_reprints_the_last_receipt(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    press(window, Qt.Key.Key_F4)
    assert register.calls[-1] == ("reprint_last_receipt", None)
    assert "receipt" in window.topbar.note.text().lower()
