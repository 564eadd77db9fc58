"""A real register (file key store, journal, signed client) enrolled with a real sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from terminal.config.loader import load_settings
from terminal.domain.flow import Sale, SaleState
from terminal.domain.money import Money
from terminal.domain.paymentcode import Symbology
from terminal.register import enrollment as enrollment_file
from terminal.journal.records import SaleRecord
from terminal.register.manager_pin import ManagerPin
from terminal.register.operations import OperationResult, Operations
from terminal.register.register import Register
from terminal.register.setup import enrollment_path, open_keys, open_register
from tests.sandbox_fixtures import MANAGER_PIN, RunningSandbox

# Short timings so that doubt, step-up and reversal paths finish within a test; development mode
# (the KEK file beside the key, docs/keys.md), as every test register that is not about keys.
DEV_ENV = {"PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}
FAST_ENV = {
    **DEV_ENV,
    "PAYTERM_WALLET__POLL_INTERVAL": "0.2",
    "PAYTERM_WALLET__POLL_MAX": "3",
    "PAYTERM_WALLET__TIMEOUTS__CHARGE": "3",
    "PAYTERM_WALLET__REVERSAL__INITIAL_DELAY": "0.3",
}


def make_register(home: Path, sandbox: RunningSandbox, *, receipts: bool = False, **extra_env: str) -> Register:
    env = {"PAYTERM_HOME": str(home), **FAST_ENV, **extra_env}
    loaded = load_settings(env)
    path = enrollment_path(loaded)
    if not path.exists():
        store = open_keys(loaded.settings, create_kek=True)
        enrollment, _ = enrollment_file.enroll(sandbox.url, sandbox.enrollment_code(), store,
                                               expected_wallet_key=sandbox.wallet_key_fingerprint)
        enrollment_file.save(enrollment, path)
    return open_register(loaded, receipts=receipts)


@pytest.fixture
def register(sandbox_server: RunningSandbox, tmp_path: Path) -> Iterator[Register]:
    reg = make_register(tmp_path / "register", sandbox_server)
    try:
        yield reg
    finally:
        reg.close()


def pay(reg: Register, amount: int, code: str, *, currency: str = "JPY",
        during: Callable[[Register], None] | None = None, timeout: float = 20) -> Sale:
    """Ring up ``amount``, present ``code``; ``during`` acts once the wallet has answered
    (step-up input, cancel …). Returns the final sale."""
    reg.start_sale(Money(amount, currency))
    reg.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, timeout=5)
    rejection = reg.code_read(code, Symbology.QR_CODE)
    assert rejection is None, rejection
    if during is not None:
        reg.runner.wait_for(lambda s: s.state not in {SaleState.AWAITING_CODE, SaleState.AUTHORIZING}, timeout)
        during(reg)
    return reg.wait_final(timeout)


def reset_code(sandbox: RunningSandbox, reg: Register) -> str:
    """What the wallet's help desk gives IT: a one-time reset code for this register."""
    issued = sandbox.admin("POST", f"/sandbox/devices/{reg.enrollment.device_id}/manager-reset-codes")
    return str(issued["reset_code"])


def set_manager_pin(reg: Register, sandbox: RunningSandbox, pin: str = MANAGER_PIN) -> ManagerPin:
    """Give ``reg`` a manager PIN at the wallet, as IT does with a reset code."""
    manager = reg.manager_pin()
    manager.reset(pin, reset_code=reset_code(sandbox, reg), actor="it:test", reason="test register")
    return manager


def manager_refund(reg: Register, sandbox: RunningSandbox, sale: SaleRecord, amount: Money,
                   reason: str = "") -> OperationResult:
    """A refund as the store manager makes it: with the manager's PIN, which the wallet checks
    (set at the wallet first if this register has none yet)."""
    manager = reg.manager_pin() if reg.manager_pin().is_set() else set_manager_pin(reg, sandbox)
    ops = Operations(reg.journal, reg.client, timezone=reg.enrollment.timezone, manager=manager)
    return ops.refund(sale, amount, reason, manager_pin=MANAGER_PIN)
