"""The demo's customer phone: the code while nothing is asked; a step-up prompt naming the payee
and the amount, with the code put away; the prompt in the register's language."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import pytest

from terminal.config.model import Language
from terminal.domain.flow import StepUpMethod
from terminal.ui.demo_backend import DemoCustomer, PendingStepUp, PhoneState
from terminal.ui.i18n import Languages
from terminal.ui.phone_window import PhoneWindow

NOW = datetime(2026, 5, 9, 5, 0, tzinfo=UTC)
CUSTOMERS = (DemoCustomer("dave", "Dave Doi", "always asks to confirm in the wallet app"),
             DemoCustomer("erin", "Erin Endo", "always asks for the PIN"))


@dataclass
class FakeBackend:
    """A sandbox's answers, set by the test (the phone reads them on its worker thread)."""

    step_ups: tuple[PendingStepUp, ...] = ()
    answers: list[tuple[str, bool]] = field(default_factory=list)
    wallet_url: str = "http://127.0.0.1:1"
    demo_pin: str = "1234"

    @property
    def customers(self) -> Sequence[DemoCustomer]:
        return CUSTOMERS

    def enrollment_code(self) -> str:
        return "unused"

    def wallet_page_url(self, customer: str) -> str:
        return f"{self.wallet_url}/wallet/{customer}"

    def phone_state(self, customer: str) -> PhoneState:
        return PhoneState(customer, "Dave Doi", "¥18,720", "990012345678904821", NOW + timedelta(seconds=30),
                          self.step_ups, NOW)

    def answer_step_up(self, customer: str, charge_id: str, approve: bool) -> None:
        self.answers.append((charge_id, approve))

    def close(self) -> None:
        pass


def pending(method: StepUpMethod) -> PendingStepUp:
    return PendingStepUp("ch_1", method, "¥3,480", NOW + timedelta(seconds=90), "482913" if method is
                         StepUpMethod.OTP else None, payee="PayTerm Demo Mart Shibuya Store")


@pytest.fixture
def phone(qtbot) -> Iterator[tuple[PhoneWindow, FakeBackend]]:  # type: ignore[no-untyped-def]
    backend = FakeBackend()
    window = PhoneWindow(backend)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.digits.text() != "")
    yield window, backend
    window.close()


def test_the_code_is_shown_while_nothing_is_asked(phone: tuple[PhoneWindow, FakeBackend]) -> None:
    window, _ = phone
    assert window.qr.isVisible() and window.digits.text() == "9900 1234 5678 9048 21"
    assert not window.payee.isVisible() and not window.approve.isVisible()


def test_a_confirmation_names_payee_and_amount_and_hides_the_code(qtbot, phone) -> None:  # type: ignore[no-untyped-def]
    window, backend = phone
    backend.step_ups = (pending(StepUpMethod.APP_CONFIRM),)
    qtbot.waitUntil(window.approve.isVisible, timeout=3000)
    assert window.payee.text() == "Pay to: PayTerm Demo Mart Shibuya Store"
    assert window.amount.text() == "¥3,480"
    assert not window.qr.isVisible() and not window.digits.isVisible()
    window.approve.click()
    qtbot.waitUntil(lambda: backend.answers == [("ch_1", True)])


def test_the_phone_speaks_japanese(qtbot, phone, languages: Languages) -> None:  # type: ignore[no-untyped-def]
    window, backend = phone
    backend.step_ups = (pending(StepUpMethod.PIN),)
    qtbot.waitUntil(window.payee.isVisible, timeout=3000)
    languages.switch(Language.JA)
    qtbot.waitUntil(lambda: window.payee.text().startswith("お支払い先"))
    for text in (window.prompt.text(), window.balance.text(), window.windowTitle(), window.customer.itemText(0)):
        assert not re.search(r"\b(Pay|Enter|balance|always|wallet|Show)\b", text), text
