"""A POS's void or refund is authorized by the manager on PayTerm's screen (the window's PIN
dialog, touch keypad), and the wallet checks the PIN that comes with it."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtWidgets import QPushButton, QWidget

from terminal.domain.money import Money
from terminal.pos import core as c
from terminal.pos.register_core import RegisterPaymentCore
from terminal.ui.manager.pin_dialog import ManagerPinDialog
from terminal.ui.manager.reversal_prompt import WindowPinPrompt
from tests.gui.manager_support import PIN, ManagerRig, rig  # noqa: F401
from tests.register_fixtures import pay

POS = c.PosIdentity("pos-front", "front POS")


def reverse_on_screen(qtbot, rig: ManagerRig, amount: Money | None, typed: str | None,  # type: ignore[no-untyped-def]
                      service_id: str) -> Any:
    """Pay 2,000 at the register, then let the POS ask for ``amount`` back while the manager
    types ``typed`` on the keypad (None: presses Back). The core's answer, or the exception."""
    rig.sandbox.set_risk(step_up_first_payment=False, velocity_count=1000)
    sale = pay(rig.register, 2000, rig.sandbox.payment_code("alice"))
    window = QWidget()
    qtbot.addWidget(window)
    prompt = WindowPinPrompt(rig.services, window)
    core = RegisterPaymentCore(rig.register, _loaded(rig), approve=prompt)
    answers: list[Any] = []

    def ask() -> None:
        try:
            answers.append(core.reverse(c.ReversalOrder(POS, "POS-1", service_id, sale.charge_id or "", amount,
                                                        "MerchantCancel"), 30))
        except c.PaymentCoreError as exc:
            answers.append(exc)

    with qtbot.waitSignal(prompt.asked, timeout=10_000) as shown:
        asking = threading.Thread(target=ask)
        asking.start()
    dialog = shown.args[0]
    assert isinstance(dialog, ManagerPinDialog) and "front POS" in dialog.prompt.text()
    if typed is None:
        dialog.reject()
    else:
        keys = {b.text(): b for b in dialog.keypad.findChildren(QPushButton)}
        for digit in typed:
            keys[digit].click()  # by touch alone
        dialog.submit()
    qtbot.waitUntil(lambda: not asking.is_alive(), timeout=20_000)
    return answers[0]


def _loaded(rig: ManagerRig):  # type: ignore[no-untyped-def]
    from terminal.config.loader import load_settings
    from tests.register_fixtures import FAST_ENV

    return load_settings({"PAYTERM_HOME": str(rig.home), **FAST_ENV})


def balance(rig: ManagerRig) -> int:
    return int(rig.sandbox.admin("GET", "/sandbox/customers/alice")["balance"])


def test_the_manager_authorizes_a_pos_refund_on_the_keypad(qtbot, rig: ManagerRig) -> None:  # type: ignore[no-untyped-def]
    before_sale = balance(rig)
    outcome = reverse_on_screen(qtbot, rig, Money(500, "JPY"), PIN, "rev-ok")
    assert isinstance(outcome, c.ReversalOutcome) and outcome.reversed_amount == Money(500, "JPY")
    assert balance(rig) == before_sale - 2000 + 500


def test_a_wrong_pin_on_the_screen_is_refused_by_the_wallet(qtbot, rig: ManagerRig) -> None:  # type: ignore[no-untyped-def]
    before_sale = balance(rig)
    outcome = reverse_on_screen(qtbot, rig, Money(500, "JPY"), "1357", "rev-wrong")
    assert isinstance(outcome, c.NotAllowed) and "manager PIN" in str(outcome)
    assert balance(rig) == before_sale - 2000  # nothing went back


def test_back_refuses_the_reversal(qtbot, rig: ManagerRig) -> None:  # type: ignore[no-untyped-def]
    outcome = reverse_on_screen(qtbot, rig, None, None, "rev-back")
    assert isinstance(outcome, c.NotAllowed) and "did not authorize" in str(outcome)


def test_nobody_at_the_screen_refuses_it_when_the_wait_ends(qtbot, rig: ManagerRig) -> None:  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    prompt = WindowPinPrompt(rig.services, window)
    answers: list[str | None] = []
    asking = threading.Thread(target=lambda: answers.append(prompt("refund 100", 0.5)))
    asking.start()
    qtbot.waitUntil(lambda: not asking.is_alive(), timeout=5000)
    assert answers == [None]
