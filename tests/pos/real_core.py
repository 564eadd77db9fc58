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
from tests.register_fixtures import FAST_ENV, make_register
from tests.sandbox_fixtures import RunningSandbox

MANAGER_PIN = "2468"


@dataclass
class ManagerDesk:
    """The manager at PayTerm's screen, as a test drives it: answers each authorization with
    ``answer`` and remembers what was asked."""

    answer: bool = True
    asked: list[str] = field(default_factory=list)

    def __call__(self, what: str, wait: float) -> bool:
        self.asked.append(what)
        return self.answer


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


def env_for(home: Path) -> dict[str, str]:
    return {"PAYTERM_HOME": str(home), **FAST_ENV}


def open_core(home: Path, sandbox: RunningSandbox, manager: ManagerDesk | None = None) -> RealHarness:
    reg = make_register(home, sandbox)
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
