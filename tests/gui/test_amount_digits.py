"""The cashier's amount entry takes the ASCII digits 0-9 only: a Japanese input method's
full-width digits, or another script's, never become an amount."""

from __future__ import annotations

import pytest

from terminal.ui.panels.entry import EntryPanel


@pytest.mark.parametrize("text", ["１２００", "١٢٠٠", "۱۲۰۰", "१२००", "²³"])
def test_digits_of_other_scripts_type_nothing(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    panel = EntryPanel("JPY")
    qtbot.addWidget(panel)
    panel.type_text(text)
    assert panel.entry.empty and panel.entry.money.amount == 0


def test_full_width_digits_are_not_appended_to_ascii_ones(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = EntryPanel("JPY")
    qtbot.addWidget(panel)
    panel.type_text("12")
    panel.type_text("００")
    assert panel.entry.money.amount == 12
    panel.type_text("00")
    assert panel.entry.money.amount == 1200
