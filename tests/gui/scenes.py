"""The cashier window's scenes (one per panel, with plausible contents), shared by the layout
test and the screenshot script, so that what is checked is what the documentation shows."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from PySide6.QtWidgets import QApplication

from terminal.domain.amount_guard import AmountLimits
from terminal.domain.flow import Sale, SaleState, StepUpMethod
from terminal.domain.money import Money
from terminal.domain.paymentcode import Rejection, RejectReason
from terminal.ui.main_window import CashierWindow
from terminal.ui.texts import rejection_text
from tests.gui.fakes import FakeRegister, sale_in

GUARD = AmountLimits(maximum=1_000_000, confirm_above=100_000)  # the defaults (config model)
SIZES = [(1024, 768), (1280, 800), (1366, 768), (1920, 1080)]

Scene = Callable[[FakeRegister, CashierWindow], None]


def _shown(register: FakeRegister, sale: Sale) -> None:
    register.move_to(sale)
    QApplication.processEvents()  # the panel is on screen before anything is typed into it


def _move(sale_of: Callable[[], Sale]) -> Scene:
    return lambda register, window: _shown(register, sale_of())


def _typed_amount(register: FakeRegister, window: CashierWindow) -> None:
    _shown(register, Sale())
    window.flow.current.escape()
    window.flow.current.type_text("1200")


def _awaiting_refused(register: FakeRegister, window: CashierWindow) -> None:
    _shown(register, sale_in(SaleState.AWAITING_CODE))
    window.flow.awaiting.show_problem(rejection_text(Rejection.of(RejectReason.NOT_A_PAYMENT_CODE)))


def _pin_typed(register: FakeRegister, window: CashierWindow) -> None:
    _shown(register, sale_in(SaleState.STEP_UP, method=StepUpMethod.PIN, deadline=time.time() + 83))
    window.flow.current.type_text("12")


def _amount_confirm(register: FakeRegister, window: CashierWindow) -> None:
    _shown(register, Sale())
    window.flow.set_limits(GUARD)
    window.flow.current.escape()  # an empty amount, whatever the scene before left
    window.flow.current.type_text("120000")
    window.flow.current.enter()


def _amount_refused(register: FakeRegister, window: CashierWindow) -> None:
    _shown(register, Sale())
    window.flow.set_limits(GUARD)
    window.flow.current.escape()
    window.flow.current.type_text("1500000")
    window.flow.current.enter()


def _soon() -> float:
    return time.time() + 83


SCENES: list[tuple[str, Scene]] = [
    ("entry", _typed_amount),
    ("amount-refused", _amount_refused),
    ("amount-confirm", _amount_confirm),
    ("awaiting-code", _awaiting_refused),
    ("authorizing", _move(lambda: sale_in(SaleState.AUTHORIZING))),
    ("step-up-app", _move(lambda: sale_in(SaleState.STEP_UP, method=StepUpMethod.APP_CONFIRM, deadline=_soon()))),
    ("step-up-pin", _pin_typed),
    ("step-up-otp", _move(lambda: sale_in(SaleState.STEP_UP, method=StepUpMethod.OTP, deadline=_soon()))),
    ("in-doubt", _move(lambda: sale_in(SaleState.IN_DOUBT, deadline=time.time() + 47))),
    ("reversing", _move(lambda: sale_in(SaleState.REVERSING))),
    ("approved", _move(lambda: sale_in(SaleState.APPROVED))),
    ("declined", _move(lambda: sale_in(SaleState.DECLINED))),
    ("reversed", _move(lambda: sale_in(SaleState.REVERSED))),
]


def fill_recent(window: CashierWindow, count: int) -> None:
    """``count`` finished sales in the strip of recent sales, of every verdict."""
    start = datetime(2026, 5, 9, 14, 0).astimezone()
    states = (SaleState.APPROVED, SaleState.DECLINED, SaleState.REVERSED)
    for i in range(count):
        sale = replace(sale_in(states[i % 3]), reference=f"r-{i}", amount=Money(980 + 1000 * i, "JPY"))
        window.recent.add(sale, start + timedelta(minutes=3 * i))
