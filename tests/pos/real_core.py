"""The register's real PaymentCore (terminal/pos/register_core.py) over a register enrolled with a
real sandbox wallet on 127.0.0.1 (real HTTP, real SQLite journal, file key store)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from terminal.config.loader import LoadedSettings, load_settings
from terminal.domain.money import Money
from terminal.pos import core as c
from terminal.pos.register_core import RegisterPaymentCore
from terminal.register.register import Register
from tests.pos.server_fixtures import RunningApi, start_api
from tests.register_fixtures import FAST_ENV, make_register, set_manager_pin
from tests.sandbox_fixtures import MANAGER_PIN, RunningSandbox


@dataclass
class ManagerDesk:
    """The manager at PayTerm's screen, as a test drives it: answers each authorization with
    ``answer`` and remembers what was asked."""

    answer: bool = True
    asked: list[str] = field(default_factory=list)
    pin: str = MANAGER_PIN  # typed when authorizing (the wallet checks it)

    def __call__(self, what: str, wait: float) -> str | None:
        self.asked.append(what)
        return self.pin if self.answer else None


@dataclass
class RealHarness:
    core: RegisterPaymentCore
    register: Register
    loaded: LoadedSettings
    sandbox: RunningSandbox
    manager: ManagerDesk
    home: Path

    def order(
        self, amount: Money, *, decline: str | None = None, ref: c.SaleRef | None = None,
    ) -> c.PaymentOrder:
        from tests.pos.core_contract import new_ref

        customers = {None: "alice", "insufficient_funds": "bob", "account_locked": "carol"}
        code = self.sandbox.payment_code(customers[decline])
        return c.PaymentOrder(ref or new_ref(), amount, code=code)


# Poll an unknown outcome for 30 s, not FAST_ENV's 3: the wallet keeps 1301 pending for about 3 s,
# and on a busy machine a 3 s window could close before its approval (reversing it instead).
SLOW_POLL = {"PAYTERM_WALLET__POLL_MAX": "30"}


def env_for(home: Path) -> dict[str, str]:
    return {"PAYTERM_HOME": str(home), **FAST_ENV, **SLOW_POLL}


def open_core(home: Path, sandbox: RunningSandbox, manager: ManagerDesk | None = None) -> RealHarness:
    reg = make_register(home, sandbox, **SLOW_POLL)
    if not reg.manager_pin().is_set():
        set_manager_pin(reg, sandbox, MANAGER_PIN)
    loaded = load_settings(env_for(home))
    desk = manager or ManagerDesk()
    core = RegisterPaymentCore(reg, loaded, approve=desk)
    return RealHarness(core, reg, loaded, sandbox, desk, home)


@pytest.fixture
def real(sandbox_server: RunningSandbox, tmp_path: Path) -> Iterator[RealHarness]:
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    harness = open_core(tmp_path / "register", sandbox_server)
    try:
        yield harness
    finally:
        harness.core.close()


@dataclass
class PinPad:
    """The manager at PayTerm's screen: types ``pin`` (None: nobody answers)."""

    pin: str | None = MANAGER_PIN
    asked: list[str] = field(default_factory=list)

    def __call__(self, what: str, wait: float) -> str | None:
        self.asked.append(what)
        return self.pin


@dataclass
class Live:
    api: RunningApi
    real: RealHarness
    pad: PinPad

    def balance(self, customer: str) -> int:
        return int(self.real.sandbox.admin("GET", f"/sandbox/customers/{customer}")["balance"])


@pytest.fixture
def live(sandbox_server: RunningSandbox, tmp_path: Path) -> Iterator[Live]:
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    real = open_core(tmp_path / "register", sandbox_server)
    pad = PinPad()
    real.core.approve = pad
    api, server = start_api(tmp_path, real.core, wait=20.0)
    try:
        yield Live(api, real, pad)
    finally:
        server.stop()
        api.store.close()
        real.core.close()
