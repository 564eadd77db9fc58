"""The amount guard at the register: over the maximum is refused in words, above the confirm
threshold a second Enter on a large-amount screen, and typing too many digits is said."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from terminal.domain.amount_guard import AmountLimits
from terminal.domain.money import Money
from terminal.ui.main_window import CashierWindow
from tests.gui.fakes import FakeRegister
from tests.gui.helpers import press

LIMITS = AmountLimits(maximum=500_000, confirm_above=50_000)


@pytest.fixture
def guarded(window: CashierWindow) -> CashierWindow:
    window.flow.set_limits(LIMITS)
    return window


def typed(window: CashierWindow, digits: str) -> None:
    window.flow.current.type_text(digits)


def starts(register: FakeRegister) -> list[Money]:
    return [amount for name, amount in register.calls if name == "start_sale"]


def test_an_ordinary_amount_is_charged_at_once(qtbot, guarded: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    typed(guarded, "1200")
    press(guarded, Qt.Key.Key_Return)
    assert starts(register) == [Money(1200, "JPY")]


def test_a_large_amount_needs_a_second_enter_on_a_large_screen(qtbot, guarded: CashierWindow,  # type: ignore[no-untyped-def]
                                                               register: FakeRegister) -> None:
    typed(guarded, "120000")
    press(guarded, Qt.Key.Key_Return)
    confirm = guarded.flow.confirm
    assert guarded.flow.current is confirm and confirm.isVisible()
    assert confirm.amount.text() == "¥120,000" and confirm.amount.property("scale") == "verdict"
    assert starts(register) == []
    press(guarded, Qt.Key.Key_Return)
    assert starts(register) == [Money(120_000, "JPY")]


def test_esc_on_the_confirm_screen_goes_back_to_the_amount(qtbot, guarded: CashierWindow,  # type: ignore[no-untyped-def]
                                                           register: FakeRegister) -> None:
    typed(guarded, "120000")
    press(guarded, Qt.Key.Key_Return)
    press(guarded, Qt.Key.Key_Escape)
    assert guarded.flow.current is guarded.flow.entry
    assert guarded.flow.entry.display.text() == "¥120,000"  # kept, to be corrected
    guarded.flow.current.backspace()
    press(guarded, Qt.Key.Key_Return)
    assert starts(register) == [Money(12_000, "JPY")]


def test_over_the_maximum_is_refused_with_the_maximum_named(qtbot, guarded: CashierWindow,  # type: ignore[no-untyped-def]
                                                            register: FakeRegister) -> None:
    typed(guarded, "999999")
    press(guarded, Qt.Key.Key_Return)
    press(guarded, Qt.Key.Key_Return)
    entry = guarded.flow.entry
    assert guarded.flow.current is entry and starts(register) == []
    assert entry.problem.isVisible()
    assert "¥999,999" in entry.problem.text() and "at most ¥500,000" in entry.problem.text()


def test_typing_past_the_digits_allowed_says_so(qtbot, guarded: CashierWindow) -> None:  # type: ignore[no-untyped-def]
    typed(guarded, "123456")
    typed(guarded, "7")
    entry = guarded.flow.entry
    assert entry.display.text() == "¥123,456"
    assert entry.problem.isVisible() and "At most 6 digits" in entry.problem.text()
    entry.backspace()
    assert not entry.problem.isVisible()


def test_without_a_maximum_twelve_digits_are_still_not_cut_silently(qtbot, window: CashierWindow) -> None:  # type: ignore[no-untyped-def]
    for digit in "123456789012":
        typed(window, digit)
    assert window.flow.entry.display.text() == "¥123,456,789"
    assert "At most 9 digits" in window.flow.entry.problem.text()
