"""Property: whatever sequence of charges, step-ups, cancels and refunds registers send, money is
conserved (customer balances + merchant takings constant) and no refund exceeds its charge.

Driven through the real signed HTTP API, in-process (starlette's TestClient) for speed.
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.app import create_app
from sandbox.codes import issue_enrollment_code, issue_payment_code
from sandbox.ledger import total_money
from sandbox.state import Sandbox, open_sandbox
from terminal.crypto import seal_pin
from tests.sandbox_fixtures import SignedClient, new_key

with warnings.catch_warnings():  # starlette suggests another httpx package; this one is fine here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CUSTOMERS = ["alice", "bob", "dave", "erin", "frank", "grace"]
AMOUNTS = [0, 100, 800, 1101, 1201, 1202, 1203, 1301, 5_000, 12_000, 40_000]

ops = st.lists(
    st.one_of(
        st.tuples(st.just("charge"), st.sampled_from(CUSTOMERS), st.sampled_from(AMOUNTS)),
        st.tuples(st.just("step_up"), st.integers(0, 9), st.booleans()),
        st.tuples(st.just("app"), st.integers(0, 9), st.booleans()),
        st.tuples(st.just("cancel"), st.integers(0, 9)),
        st.tuples(st.just("refund"), st.integers(0, 9), st.integers(1, 15_000)),
        st.tuples(st.just("poll"), st.integers(0, 9)),
    ),
    min_size=1, max_size=16,
)


def _code(sb: Sandbox, customer: str) -> str:
    with sb.db.tx() as conn:
        return issue_payment_code(conn, customer, sb.clock.now()).value


def _check_invariants(sb: Sandbox, expected_total: int) -> None:
    conn = sb.db.connection()
    assert total_money(conn) == expected_total
    takings = conn.execute("SELECT takings FROM merchants").fetchone()[0]
    owed = conn.execute(
        "SELECT COALESCE(SUM(amount - refunded_amount), 0) FROM charges WHERE debited = 1").fetchone()[0]
    assert takings == owed
    assert conn.execute("SELECT COUNT(*) FROM charges WHERE refunded_amount > amount").fetchone()[0] == 0
    assert conn.execute(
        "SELECT COUNT(*) FROM charges c WHERE refunded_amount !="
        " (SELECT COALESCE(SUM(amount), 0) FROM refunds r WHERE r.charge_id = c.id)").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM charges WHERE debited = 1 AND status != 'approved'").fetchone()[0] == 0


def _step_up_body(client: SignedClient, sb: Sandbox, charge: dict, correct: bool) -> dict:
    method = charge["step_up"]["method"] if charge.get("step_up") else "otp"
    if method == "pin":
        return {"method": "pin", "pin_block": seal_pin("1234" if correct else "4321", charge["id"],
                                                        client.pin_public_key)}
    otp = sb.db.connection().execute("SELECT otp FROM charges WHERE id = ?", (charge["id"],)).fetchone()[0]
    return {"method": "otp", "otp": (otp or "000000") if correct else "999999"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=ops)
def test_money_is_conserved(sequence: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        sb = open_sandbox(Path(tmp) / "sandbox.sqlite3")
        expected_total = total_money(sb.db.connection())
        with TestClient(create_app(sb), base_url="http://testserver") as http:
            client = SignedClient(http, "http://testserver", clock=sb.clock.now)
            with sb.db.tx() as conn:
                code = issue_enrollment_code(conn, sb.clock.now()).value
            assert client.enroll(code).status == 201
            charges: list[dict] = []
            for op in sequence:
                kind = op[0]
                if kind == "charge":
                    sent = client.charge(op[2], _code(sb, op[1]))
                    assert sent.status == 201, sent.response.text
                    charges.append(sent.json())
                elif charges:
                    charge = charges[op[1] % len(charges)]
                    path = f"/v1/charges/{charge['id']}"
                    if kind == "step_up":
                        sent = client.call("POST", path + "/step-up", _step_up_body(client, sb, charge, op[2]))
                        assert sent.status in (200, 404, 409, 422), sent.response.text
                    elif kind == "app":
                        r = http.post(f"/wallet/{_customer(sb, charge['id'])}/step-ups/{charge['id']}",
                                      json={"decision": "approve" if op[2] else "reject"})
                        assert r.status_code in (200, 404, 409), r.text
                    elif kind == "cancel":
                        sent = client.call("POST", path + "/cancel")
                        assert sent.status in (200, 409), sent.response.text
                    elif kind == "refund":
                        sent = client.refund(path + "/refunds", {"amount": op[2], "currency": "JPY"}, new_key())
                        assert sent.status in (201, 409, 422), sent.response.text
                    else:
                        sent = client.call("GET", path)
                        assert sent.status == 200
                    latest = client.call("GET", path)
                    assert latest.status == 200
                    charges[op[1] % len(charges)] = latest.json()
                    client.verify(latest)
                _check_invariants(sb, expected_total)


def _customer(sb: Sandbox, charge_id: str) -> str:
    row = sb.db.connection().execute("SELECT customer FROM charges WHERE id = ?", (charge_id,)).fetchone()
    return str(row[0] or "alice")
