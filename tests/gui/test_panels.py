"""Every state of the payment flow has its own panel, drawn from the Sale snapshot."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from terminal.domain.flow import Decline, PlaySound, Sale, SaleState, Sound, StepUpMethod
from terminal.ui.main_window import CashierWindow
from terminal.ui.panels.stack import PanelKey
from terminal.ui.sounds import Cue
from terminal.ui.widgets.verdict_icon import Shape
from tests.gui.fakes import FakeRegister, sale_in
from tests.gui.helpers import press

CASES: list[tuple[Sale, PanelKey]] = [
    (Sale(), SaleState.IDLE),
    (sale_in(SaleState.AWAITING_CODE), SaleState.AWAITING_CODE),
    (sale_in(SaleState.AUTHORIZING), SaleState.AUTHORIZING),
    (sale_in(SaleState.STEP_UP, method=StepUpMethod.APP_CONFIRM), StepUpMethod.APP_CONFIRM),
    (sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN), StepUpMethod.PIN),
    (sale_in(SaleState.STEP_UP, method=StepUpMethod.OTP), StepUpMethod.OTP),
    (sale_in(SaleState.IN_DOUBT), SaleState.IN_DOUBT),
    (sale_in(SaleState.REVERSING), SaleState.REVERSING),
    (sale_in(SaleState.APPROVED), SaleState.APPROVED),
    (sale_in(SaleState.DECLINED), SaleState.DECLINED),
    (sale_in(SaleState.REVERSED), SaleState.REVERSED),
]


def shown(qtbot, window: CashierWindow, register: FakeRegister, sale: Sale) -> None:  # type: ignore[no-untyped-def]
    register.move_to(sale)
    qtbot.waitUntil(lambda: window.flow.current.isVisible() and window.register.sale is sale)
    qtbot.waitUntil(lambda: window.flow.current is window.flow.panels[_key(sale)])


def _key(sale: Sale) -> PanelKey:
    return sale.step_up.method if sale.state is SaleState.STEP_UP and sale.step_up else sale.state


@pytest.mark.parametrize(("sale", "key"), CASES, ids=[str(k.value) for _, k in CASES])
def test_each_state_draws_its_own_panel(qtbot, window: CashierWindow, register: FakeRegister,  # type: ignore[no-untyped-def]
                                        sale: Sale, key: PanelKey) -> None:
    shown(qtbot, window, register, sale)
    panel = window.flow.panels[key]
    assert window.flow.current is panel
    assert panel.title.text()
    if sale.amount is not None:
        assert panel.amount.text() == "¥1,200"
    others = [p for k, p in window.flow.panels.items() if p is not panel]
    assert all(not p.isVisible() for p in others)


def test_approved_shows_amount_wallet_and_approval_code(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.APPROVED))
    panel = window.flow.panels[SaleState.APPROVED]
    assert panel.title.text() == "Approved"
    assert panel.amount.text() == "¥1,200"
    assert "PayTerm Sandbox" in panel.body.text() and "4821" in panel.body.text()
    assert "A7K2Q9" in panel.detail.text()


@pytest.mark.parametrize(("code", "words"), [
    ("insufficient_funds", "balance is too low"),
    ("account_locked", "locked"),
    ("step_up_expired", "did not confirm in time"),
    ("something_new", "declined the payment"),
])
def test_declined_says_why_and_what_to_do(qtbot, window, register, code: str, words: str) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.DECLINED, decline=Decline(code, "whatever")))
    panel = window.flow.panels[SaleState.DECLINED]
    assert words in panel.body.text()
    assert panel.detail.text().startswith("What to do:")


def test_approved_and_declined_differ_by_icon_and_words_not_only_colour(window: CashierWindow) -> None:
    approved, declined = window.flow.panels[SaleState.APPROVED], window.flow.panels[SaleState.DECLINED]
    assert approved.icon is not None and declined.icon is not None
    assert (approved.icon.shape, declined.icon.shape) == (Shape.TICK, Shape.CROSS)
    assert approved.title.text() != declined.title.text()


def test_the_registers_sounds_are_played(qtbot, window: CashierWindow, register: FakeRegister) -> None:
    for sound, cue in ((Sound.APPROVED, Cue.APPROVED), (Sound.DECLINED, Cue.DECLINED)):
        with qtbot.waitSignal(window.sounds.played) as played:
            register.hooks.play_sound(PlaySound(sound))
        assert played.args == [cue]


def test_step_up_shows_time_and_attempts_left(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN,
                                           deadline=time.time() + 65))
    panel = window.flow.panels[StepUpMethod.PIN]
    assert panel.countdown.text() in {"1:05", "1:04"}
    assert panel.attempts.isVisible()
    assert panel.attempts.text() == "Attempts left: 3"


def test_confirm_in_app_has_no_tries_left(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    """Nothing is typed at the register when the customer confirms in their app: no count of
    tries left there (it read as if something could go wrong on the cashier's side)."""
    shown(qtbot, window, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.APP_CONFIRM))
    assert not window.flow.panels[StepUpMethod.APP_CONFIRM].attempts.isVisible()


@pytest.mark.parametrize("method", list(StepUpMethod))
def test_every_step_up_shows_the_payee_and_the_amount(qtbot, window, register,  # type: ignore[no-untyped-def]
                                                      method: StepUpMethod) -> None:
    """The customer approves a payee and an amount, never a bare prompt (EU SCA dynamic linking)."""
    window._refresh_status()
    shown(qtbot, window, register, sale_in(SaleState.STEP_UP, method=method))
    panel = window.flow.panels[method]
    assert panel.payee.isVisible() and panel.amount.isVisible()
    assert panel.payee.text() == "Pay to: PayTerm Demo Mart Shibuya Store"
    assert panel.amount.text() == "¥1,200"


def test_the_camera_is_shown_only_while_a_code_is_awaited(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    for sale, camera in ((Sale(), False), (sale_in(SaleState.AWAITING_CODE), True),
                         (sale_in(SaleState.AUTHORIZING), False), (sale_in(SaleState.APPROVED), False)):
        shown(qtbot, window, register, sale)
        assert window.camera.isVisible() is camera, sale.state


def test_the_verdict_has_the_whole_width(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.DECLINED))
    panel = window.flow.panels[SaleState.DECLINED]
    assert panel.width() >= window.width() - 40


def test_pin_is_masked_and_passed_on_once(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN))
    pad = window.flow.panels[StepUpMethod.PIN].pad
    for digit in "1234":
        qtbot.mouseClick(next(b for b in pad.keypad.findChildren(type(pad.ok)) if b.text() == digit),
                         Qt.MouseButton.LeftButton)
    assert pad.display.text() == "● ● ● ●"
    assert "1" not in pad.display.text()
    press(window, Qt.Key.Key_Return)
    assert register.calls[-1] == ("step_up_input", "1234")
    assert pad.length == 0


def test_pin_pad_is_locked_while_the_pin_is_checked(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN, step_up_submitting=True))
    panel = window.flow.panels[StepUpMethod.PIN]
    assert not panel.pad.isEnabled()
    assert panel.body.text() == "Checking the PIN…"


@pytest.mark.parametrize(("method", "words"), [(StepUpMethod.PIN, "Wrong PIN"), (StepUpMethod.OTP, "Wrong code")])
def test_a_wrong_answer_is_said_in_words(qtbot, window, register, method: StepUpMethod, words: str) -> None:  # type: ignore[no-untyped-def]
    first = sale_in(SaleState.STEP_UP, method=method)
    shown(qtbot, window, register, first)
    panel = window.flow.panels[method]
    assert words not in panel.body.text()
    assert first.step_up is not None
    shown(qtbot, window, register, replace(first, step_up=replace(first.step_up, attempts_left=2)))
    qtbot.waitUntil(lambda: panel.attempts.text() == "Attempts left: 2")
    assert words in panel.body.text()


def test_pin_pad_takes_at_most_eight_digits(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN))
    panel = window.flow.panels[StepUpMethod.PIN]
    panel.type_text("123456789012")
    assert panel.pad.length == 8


def test_otp_is_typed_visibly_and_sent(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.STEP_UP, method=StepUpMethod.OTP))
    panel = window.flow.panels[StepUpMethod.OTP]
    panel.type_text("482913")
    assert panel.pad.display.text() == "4 8 2 9 1 3"
    qtbot.mouseClick(panel.pad.ok, Qt.MouseButton.LeftButton)
    assert register.calls[-1] == ("step_up_input", "482913")


def test_next_sale_from_a_final_panel(qtbot, window, register) -> None:  # type: ignore[no-untyped-def]
    shown(qtbot, window, register, sale_in(SaleState.APPROVED))
    press(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.flow.current is window.flow.panels[SaleState.IDLE])
    assert ("next_sale", None) in register.calls
    assert [e.sale.state for e in window.recent.entries] == [SaleState.APPROVED]
