"""Refunds, voids and the manager PIN are authorized by the wallet, not by the register (issue 10
item 1): tried as a cashier with a shell on the register would, against the real sandbox."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from terminal.cli import main
from terminal.config.loader import load_settings
from terminal.domain.money import Money
from terminal.journal.db import open_read_connection
from terminal.journal.states import OperationState
from terminal.register.manager_pin import PinAlreadySet, PinNotChanged, PinOutcome
from terminal.register.operations import Operations, SaleSelector, find_sale
from terminal.register.register import Register
from terminal.wallet import messages as m
from terminal.wallet.errors import Forbidden
from tests.register_fixtures import MANAGER_PIN, make_register, pay, reset_code, set_manager_pin
from tests.sandbox_fixtures import RunningSandbox


@pytest.fixture
def reg(sandbox_server: RunningSandbox, tmp_path: Path):  # type: ignore[no-untyped-def]
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    register = make_register(tmp_path / "register", sandbox_server)
    set_manager_pin(register, sandbox_server)
    try:
        yield register
    finally:
        register.close()


def sold(reg: Register, sb: RunningSandbox, amount: int = 1000):  # type: ignore[no-untyped-def]
    sale = pay(reg, amount, sb.payment_code("alice"))
    assert sale.charge_id is not None
    return find_sale(reg.journal, reg.client, SaleSelector(key=sale.idempotency_key))


def balance(sb: RunningSandbox) -> int:
    return int(sb.admin("GET", "/sandbox/customers/alice")["balance"])


def wallet_events(sb: RunningSandbox, reg: Register) -> list[str]:
    return [e["action"] for e in sb.admin("GET", f"/sandbox/devices/{reg.enrollment.device_id}/manager-events")]


def test_the_register_keeps_no_manager_pin_not_even_a_hash(reg: Register) -> None:
    with open_read_connection(reg.journal.path) as conn:
        keys = {k for (k,) in conn.execute("SELECT key FROM meta")}
    assert "manager_pin_hash" not in keys and "manager_pin_failures" not in keys
    assert reg.manager_pin().is_set()


def test_a_refund_without_the_managers_authorization_is_refused_by_the_wallet_with_a_signed_problem(
        reg: Register, sandbox_server: RunningSandbox) -> None:
    """The cashier's attack: skip the register's own check and ask the wallet directly, signed
    with the device key. The refusal is signed (verified by the client), and no money moves."""
    sale = sold(reg, sandbox_server)
    before = balance(sandbox_server)
    with pytest.raises(Forbidden) as refused:
        reg.client.refund(sale.charge_id or "", "attack-refund-0001", m.RefundRequest(amount=1000, currency="JPY"))
    assert refused.value.code == m.ProblemCode.MANAGER_AUTHORIZATION_REQUIRED
    # Not unattended either: claiming to be the register's own reversal of a finished sale.
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000, unattended_reversal_seconds=0)
    with pytest.raises(Forbidden):
        reg.client.refund(sale.charge_id or "", "attack-refund-0002",
                          m.RefundRequest(amount=1000, currency="JPY", reversal=True))
    with pytest.raises(Forbidden):
        reg.client.cancel_charge(sale.charge_id or "")
    assert balance(sandbox_server) == before
    # The refusal is final under its key: a late copy with a PIN is refused the same way.
    auth = reg.manager_pin().authorization(MANAGER_PIN, "refund", sale.charge_id or "", "attack-refund-0001",
                                           1000, "JPY")
    with pytest.raises(Forbidden):
        reg.client.refund(sale.charge_id or "", "attack-refund-0001",
                          m.RefundRequest(amount=1000, currency="JPY", manager_authorization=auth))
    assert balance(sandbox_server) == before


def test_an_authorization_opens_only_for_the_refund_it_was_made_for(reg: Register,
                                                                    sandbox_server: RunningSandbox) -> None:
    sale = sold(reg, sandbox_server)
    before = balance(sandbox_server)
    auth = reg.manager_pin().authorization(MANAGER_PIN, "refund", sale.charge_id or "", "refund-key-000001", 100, "JPY")
    # The same sealed PIN moved to a bigger refund, another key, or a void: none opens.
    for key, amount in (("refund-key-000001", 1000), ("refund-key-000002", 100)):
        with pytest.raises(Forbidden) as refused:
            reg.client.refund(sale.charge_id or "", key,
                              m.RefundRequest(amount=amount, currency="JPY", manager_authorization=auth))
        assert refused.value.code in {m.ProblemCode.MANAGER_AUTHORIZATION_INVALID}
    assert balance(sandbox_server) == before
    assert "wrong_pin" not in wallet_events(sandbox_server, reg)  # tampering is not a wrong PIN


def test_wrong_pins_count_at_the_wallet_and_lock_manager_actions_across_restarts(
        reg: Register, sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    sale = sold(reg, sandbox_server)
    ops = Operations(reg.journal, reg.client, timezone=reg.enrollment.timezone, manager=reg.manager_pin())
    wrong = ops.refund(sale, Money(100, "JPY"), manager_pin="1357")
    assert wrong.state is OperationState.FAILED and wrong.operation.error_code == "manager_pin_wrong"
    assert wrong.manager is not None and wrong.manager.outcome is PinOutcome.WRONG and wrong.manager.tries_left == 4
    for left in (3, 2, 1):
        assert reg.manager_pin().check("9753").tries_left == left
    reg.close()
    # A restart (or an edited journal) does not reset the count: the wallet keeps it.
    again = make_register(tmp_path / "register", sandbox_server)
    try:
        locked = again.manager_pin().check("9753")
        assert locked.outcome is PinOutcome.LOCKED and locked.locked_until is not None
        # Locked: even the right PIN does not move money now.
        ops = Operations(again.journal, again.client, timezone=again.enrollment.timezone,
                         manager=again.manager_pin())
        refused = ops.refund(sale, Money(100, "JPY"), manager_pin=MANAGER_PIN)
        assert refused.state is OperationState.FAILED and refused.operation.error_code == "manager_locked"
        # IT's way back: a reset code from the wallet's help desk (one use).
        code = reset_code(sandbox_server, again)
        again.manager_pin().reset("86420", reset_code=code, actor="it:sato", reason="locked out")
        with pytest.raises(PinNotChanged):
            again.manager_pin().reset("97531", reset_code=code, actor="it:sato", reason="again")
        done = ops.refund(sale, Money(100, "JPY"), manager_pin="86420")
        assert done.state is OperationState.SUCCEEDED
        assert again.journal.verify_chain().ok
    finally:
        again.close()
    events = wallet_events(sandbox_server, reg)
    assert events.count("wrong_pin") == 4 and "locked_out" in events
    assert "reset_code_issued" in events and "pin_reset" in events
    with sqlite3.connect(f"file:{reg.journal.path}?mode=ro", uri=True) as db:
        actions = [a for (a,) in db.execute("SELECT action FROM audit ORDER BY seq")]
    assert "manager.locked_out" in actions and "manager.pin_reset" in actions


def test_a_void_needs_the_manager_once_the_sale_is_no_longer_the_registers_own_to_reverse(
        reg: Register, sandbox_server: RunningSandbox) -> None:
    sale = sold(reg, sandbox_server)
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000, unattended_reversal_seconds=0)
    ops = Operations(reg.journal, reg.client, timezone=reg.enrollment.timezone, manager=reg.manager_pin())
    refused = ops.void(sale)  # no PIN
    assert refused.state is OperationState.FAILED
    assert refused.operation.error_code == "manager_authorization_required"
    done = ops.void(sale, manager_pin=MANAGER_PIN)
    assert done.state is OperationState.SUCCEEDED


def cli(monkeypatch: pytest.MonkeyPatch, stdin: str | None, *argv: str) -> int:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


def test_the_cli_asks_for_the_pin_and_never_takes_it_from_argv(
        sandbox_server: RunningSandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PAYTERM_HOME", str(tmp_path / "cli"))
    monkeypatch.setenv("PAYTERM_KEYS__DEVELOPMENT_MODE", "true")
    sandbox_server.set_risk(step_up_first_payment=False, velocity_count=1000)
    assert cli(monkeypatch, MANAGER_PIN + "\n", "enroll", "--trust-on-first-use", "--wallet", sandbox_server.url,
               "--code", sandbox_server.enrollment_code(), "--manager-pin-stdin") == 0
    assert "manager PIN set" in capsys.readouterr().out
    assert main(["charge", "--amount", "800", "--code", sandbox_server.payment_code("alice"),
                 "--reference", "R-cli"]) == 0
    before = balance(sandbox_server)
    # No terminal and no --manager-pin-stdin: refused before anything is sent.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["refund", "--reference", "R-cli"]) == 2
    assert "manager PIN is needed" in capsys.readouterr().err
    # A wrong PIN: the wallet refuses, and says how many tries are left.
    assert cli(monkeypatch, "1357\n", "refund", "--reference", "R-cli", "--manager-pin-stdin") == 4
    assert "Wrong manager PIN" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["refund", "--reference", "R-cli", "--manager-pin", MANAGER_PIN])  # no such option
    assert balance(sandbox_server) == before
    assert cli(monkeypatch, MANAGER_PIN + "\n", "refund", "--reference", "R-cli", "--manager-pin-stdin") == 0
    assert balance(sandbox_server) == before + 800
    # The first PIN is set while enrolling only; afterwards IT needs the wallet's reset code.
    assert cli(monkeypatch, "97531\n", "enroll", "--manager-pin-stdin") == 2
    assert "reset code" in capsys.readouterr().err


def test_the_first_pin_needs_the_enrollments_setup_token(reg: Register, sandbox_server: RunningSandbox,
                                                          tmp_path: Path) -> None:
    with pytest.raises(PinAlreadySet):  # a cashier cannot overwrite the manager's PIN
        reg.manager_pin().set_first("97531", setup_token="x" * 32)
    assert reg.manager_pin().check(MANAGER_PIN).ok
    other = make_register(tmp_path / "no-pin", sandbox_server)  # enrolled, its token not used
    try:
        fresh = other.manager_pin()
        assert not fresh.is_set() and fresh.check(MANAGER_PIN).outcome is PinOutcome.NOT_SET
        with pytest.raises(PinNotChanged):
            fresh.set_first("97531", setup_token=None)
        with pytest.raises(PinNotChanged):
            fresh.set_first("97531", setup_token="x" * 32)  # not a token the wallet issued
    finally:
        other.close()


def test_it_resets_a_forgotten_pin_from_the_cli_with_the_wallets_code(
        reg: Register, sandbox_server: RunningSandbox, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    home = reg.journal.path.parent
    monkeypatch.setenv("PAYTERM_HOME", str(home.parent if home.name == "data" else home))
    for name, value in {"PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}.items():
        monkeypatch.setenv(name, value)
    if load_settings().settings.journal.path != reg.journal.path:
        pytest.fail(f"the CLI would use another journal: {load_settings().settings.journal.path}")
    code = reset_code(sandbox_server, reg)
    assert cli(monkeypatch, "86420\n", "manager-pin", "reset", "--reset-code", code, "--by", "sato",
               "--reason", "forgotten", "--new-pin-stdin") == 0
    assert reg.manager_pin().check("86420").ok
    assert cli(monkeypatch, "97531\n", "manager-pin", "reset", "--reset-code", code, "--by", "sato",
               "--reason", "again", "--new-pin-stdin") == 2
    assert "reset code" in capsys.readouterr().err
