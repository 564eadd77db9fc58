"""`payterm charge` is a thin client of the POS API's payment core (terminal/pos/register_core.py),
against the real sandbox: a repeated --reference is the same sale and is never charged twice, the
journal records the command line as the asker, and the core's refusals come out as one JSON object
with a stable code. (tests/integration/test_charge_cli.py is the command's older contract.)"""

from __future__ import annotations

import json
from pathlib import Path

from terminal.journal.pos_requests import PosRequests
from tests.integration.test_charge_cli import charge, env  # noqa: F401  (the enrolled register)
from tests.register_fixtures import make_register
from tests.sandbox_fixtures import RunningSandbox


def wallet_payments(sandbox: RunningSandbox, customer: str) -> set[str]:
    return {p["id"] for p in sandbox.admin("GET", f"/wallet/{customer}/state")["payments"]}


def test_a_repeated_reference_is_the_same_sale_and_never_charged_twice(
    env: dict[str, str], sandbox_server: RunningSandbox,  # noqa: F811
) -> None:
    first = charge(env, "--amount", "700", "--code-stdin", "--reference", "SALE-7", "--json",
                   stdin=sandbox_server.payment_code("alice"))
    assert first.returncode == 0, first.stderr
    sold = json.loads(first.stdout)
    assert sold["status"] == "approved" and sold["reference"] == "SALE-7" and sold["idempotency_key"]
    before = wallet_payments(sandbox_server, "alice")
    assert sold["charge_id"] in before
    # The POS lost track and runs the same sale again, with a fresh code: the first answer, no charge.
    again = charge(env, "--amount", "700", "--code-stdin", "--reference", "SALE-7", "--json",
                   stdin=sandbox_server.payment_code("alice"))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == sold
    assert wallet_payments(sandbox_server, "alice") - before == set()
    register = make_register(Path(env["PAYTERM_HOME"]), sandbox_server)
    try:
        asked = PosRequests(register.journal).request("cli:charge", "payterm-charge", "SALE-7")
    finally:
        register.close()
    assert asked is not None and asked.pos_name == "payterm charge" and asked.merchant_reference == "SALE-7"


def test_a_declined_reference_repeats_its_decline(
    env: dict[str, str], sandbox_server: RunningSandbox,  # noqa: F811
) -> None:
    first = charge(env, "--amount", "1101", "--code-stdin", "--reference", "SALE-D", "--json",
                   stdin=sandbox_server.payment_code("alice"))
    again = charge(env, "--amount", "1101", "--code-stdin", "--reference", "SALE-D", "--json",
                   stdin=sandbox_server.payment_code("alice"))
    assert first.returncode == again.returncode == 10
    assert json.loads(first.stdout) == json.loads(again.stdout)
    assert json.loads(again.stdout)["decline"]["code"] == "insufficient_funds"


def test_the_cores_refusals_are_one_json_object_with_a_stable_code(env: dict[str, str]) -> None:  # noqa: F811
    for args, error in ((["--amount", "1000001"], "over_maximum"), (["--amount", "100", "--currency", "USD"],
                                                                    "wrong_currency")):
        done = charge(env, *args, "--code-stdin", "--json", stdin="991234567890123456")
        assert done.returncode == 2, done.stderr
        out = json.loads(done.stdout)
        assert out["status"] == "error" and out["error"] == error and out["message"], out


def test_a_reference_refused_before_any_charge_says_to_use_a_new_one(
    env: dict[str, str], sandbox_server: RunningSandbox,  # noqa: F811
) -> None:
    first = charge(env, "--amount", "500", "--code-stdin", "--reference", "SALE-R", "--json",
                   stdin="https://x.example")
    assert first.returncode == 2 and json.loads(first.stdout)["error"] == "not_a_payment_code"
    again = charge(env, "--amount", "500", "--code-stdin", "--reference", "SALE-R", "--json",
                   stdin=sandbox_server.payment_code("alice"))
    assert again.returncode == 2
    out = json.loads(again.stdout)
    assert out["error"] == "not_a_payment_code" and "use a new --reference" in out["message"]
    fresh = charge(env, "--amount", "500", "--code-stdin", "--reference", "SALE-R2", "--json",
                   stdin=sandbox_server.payment_code("alice"))
    assert fresh.returncode == 0 and json.loads(fresh.stdout)["status"] == "approved"
