"""A cashier or a script passes an amount the way Python's int() would take it: `1_200`,
full-width `１２００`, Arabic-Indic digits, a sign. `payterm` refuses each before anything is
journalled or sent, exits 2 and names the rule; the wallet sees no charge."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.register_fixtures import FAST_ENV, make_register
from tests.sandbox_fixtures import RunningSandbox

PAYTERM = [sys.executable, "-m", "terminal.cli"]


@pytest.fixture
def env(sandbox_server: RunningSandbox, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "reg"
    make_register(home, sandbox_server).close()
    base = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}
    return {**base, **FAST_ENV, "PAYTERM_HOME": str(home)}


TRICKS = [
    ("1_200", "no underscores"),
    ("１２００", "only the digits 0-9"),
    ("١٢٠٠", "only the digits 0-9"),
    ("+1200", "no sign"),
    ("-1200", "no sign"),
    (" 1200", "no spaces"),
    ("1e3", "digits 0-9 only"),
]


@pytest.mark.parametrize(("amount", "rule"), TRICKS, ids=[t[0] for t in TRICKS])
def test_charge_refuses_amounts_that_are_not_ascii_digits(
    env: dict[str, str], sandbox_server: RunningSandbox, amount: str, rule: str,
) -> None:
    before = sandbox_server.sandbox.db.dump()
    done = subprocess.run([*PAYTERM, "charge", f"--amount={amount}", "--code-stdin", "--json"],
                          input=sandbox_server.payment_code("alice"), env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert rule in done.stderr and "--amount" in done.stderr
    after = sandbox_server.sandbox.db.dump()
    assert after.get("charges") == before.get("charges")


def test_history_filter_refuses_them_too(env: dict[str, str]) -> None:
    done = subprocess.run([*PAYTERM, "history", "--amount", "１２００"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "only the digits 0-9" in done.stderr
