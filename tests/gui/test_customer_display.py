"""The customer display follows the cashier's screen: welcome, amount and payee with "show your
code", the step-up with the PIN pad (there, not on the cashier's screen), the verdict."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from terminal.config.model import Language
from terminal.domain.flow import Sale, SaleState, StepUpMethod
from terminal.scan.wedge import KeyboardWedge, WedgeSettings
from terminal.ui.customer_page import CustomerPage
from terminal.ui.i18n import Languages
from terminal.ui.main_window import CashierWindow
from terminal.ui.scanning import ScannerHub
from terminal.ui.sounds import SoundPlayer
from tests.gui.fakes import FakeRegister, sale_in
from tests.gui.test_panels import shown


@pytest.fixture
def with_display(qtbot, register: FakeRegister, languages: Languages) -> CashierWindow:  # type: ignore[no-untyped-def]
    hub = ScannerHub(None, KeyboardWedge(WedgeSettings(max_gap_ms=30.0)))
    win = CashierWindow(register, hub, languages, currency="JPY", sounds=SoundPlayer(muted=True),
                        customer_display=True)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show_kiosk_or_normal()
    qtbot.waitExposed(win)
    assert win.customer is not None
    qtbot.waitExposed(win.customer)
    win._refresh_status()
    return win


def test_each_moment_has_its_page(qtbot, with_display: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    display = with_display.customer
    assert display is not None and display.page is CustomerPage.IDLE
    assert display.title.text() == "Welcome" and not display.amount.isVisible()
    for sale, page in ((sale_in(SaleState.AWAITING_CODE), CustomerPage.SHOW_CODE),
                       (sale_in(SaleState.AUTHORIZING), CustomerPage.WAIT),
                       (sale_in(SaleState.STEP_UP, method=StepUpMethod.APP_CONFIRM), CustomerPage.CONFIRM_IN_APP),
                       (sale_in(SaleState.APPROVED), CustomerPage.APPROVED),
                       (sale_in(SaleState.DECLINED), CustomerPage.DECLINED),
                       (Sale(), CustomerPage.IDLE)):
        shown(qtbot, with_display, register, sale)
        assert display.page is page
        if page is not CustomerPage.IDLE:
            assert display.amount.text() == "¥1,200"
            assert display.payee.text() == "To PayTerm Demo Mart Shibuya Store"


def test_the_pin_is_typed_on_the_customer_display(qtbot, with_display: CashierWindow,  # type: ignore[no-untyped-def]
                                                  register: FakeRegister) -> None:
    display = with_display.customer
    assert display is not None
    shown(qtbot, with_display, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN))
    cashier = with_display.flow.panels[StepUpMethod.PIN]
    assert not cashier.pad.isVisible()
    assert cashier.body.text() == "The customer enters the PIN on the customer display."
    assert display.pin_pad.isVisible() and display.payee.isVisible() and display.amount.isVisible()
    for digit in "2468":
        qtbot.mouseClick(next(b for b in display.pin_pad.keypad.findChildren(type(display.pin_pad.ok))
                              if b.text() == digit), Qt.MouseButton.LeftButton)
    assert display.pin_pad.display.text() == "● ● ● ●"
    qtbot.mouseClick(display.pin_pad.ok, Qt.MouseButton.LeftButton)
    assert register.calls[-1] == ("step_up_input", "2468")


def test_the_customer_display_speaks_japanese(qtbot, with_display: CashierWindow, register: FakeRegister) -> None:  # type: ignore[no-untyped-def]
    display = with_display.customer
    assert display is not None
    with_display.switch_language(Language.JA)
    shown(qtbot, with_display, register, sale_in(SaleState.AWAITING_CODE))
    qtbot.waitUntil(lambda: display.title.text() != "Please show your payment code")
    assert display.amount.text() == "1,200円"
    for text in (display.title.text(), display.body.text(), display.payee.text()):
        assert any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text), text


@pytest.mark.parametrize("language", [Language.JA, Language.EN])
def test_no_page_is_clipped_at_customer_display_sizes(qtbot, with_display: CashierWindow,  # type: ignore[no-untyped-def]
                                                      register: FakeRegister, language: Language,
                                                      qapp) -> None:
    from terminal.ui.assets import style_sheet
    from tests.gui.layout_check import layout_problems

    display = with_display.customer
    assert display is not None
    before = qapp.styleSheet()
    qapp.setStyleSheet(style_sheet())
    with_display.switch_language(language)
    problems: list[str] = []
    try:
        for width, height in ((640, 480), (800, 600), (1024, 768), (1920, 1080)):
            display.resize(width, height)
            for sale in (Sale(), sale_in(SaleState.AWAITING_CODE), sale_in(SaleState.AUTHORIZING),
                         *(sale_in(SaleState.STEP_UP, method=m) for m in StepUpMethod),
                         sale_in(SaleState.APPROVED), sale_in(SaleState.DECLINED), sale_in(SaleState.REVERSED)):
                shown(qtbot, with_display, register, sale)
                qtbot.wait(5)
                if (display.width(), display.height()) != (width, height):
                    problems.append(f"{width}x{height} {display.page}: grew to {display.width()}x{display.height()}")
                problems += [f"{width}x{height} {display.page}: {p}" for p in layout_problems(display)]
    finally:
        qapp.setStyleSheet(before)
    assert not problems, "\n".join(problems)


def test_the_customer_display_does_not_keep_the_register_from_quitting(  # type: ignore[no-untyped-def]
        qtbot, with_display: CashierWindow, register: FakeRegister) -> None:
    """Qt 6 closes every window before it quits: a customer display showing a sale must not
    refuse that (it did, and `app.quit()` then never returned)."""
    from PySide6.QtWidgets import QApplication

    display = with_display.customer
    assert display is not None and not display.may_close
    shown(qtbot, with_display, register, sale_in(SaleState.AWAITING_CODE))
    assert display.isVisible()
    QApplication.closeAllWindows()  # what QApplication.quit() does first
    qtbot.waitUntil(lambda: not display.isVisible() and not with_display.isVisible(), timeout=3000)
