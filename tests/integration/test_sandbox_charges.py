"""Charges through the real sandbox over HTTP: every outcome, decline code, step-up method,
idempotency, cancel, refunds, settlement and the fault knobs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from terminal.crypto import seal_pin
from tests.sandbox_fixtures import RunningSandbox, Sent, SignedClient, new_key


def _ok(sent: Sent, status: int = 201) -> dict:
    assert sent.status == status, sent.response.text
    return sent.json()


def _problem(sent: Sent, status: int, code: str) -> dict:
    assert sent.status == status, sent.response.text
    assert sent.response.headers["content-type"] == "application/problem+json"
    assert sent.json()["code"] == code
    return sent.json()


def _balance(sb: RunningSandbox, name: str) -> int:
    return int(sb.admin("GET", f"/sandbox/customers/{name}")["balance"])


def _total(sb: RunningSandbox) -> int:
    return int(sb.admin("GET", "/sandbox/ledger")["total"])


def _use_server_clock(client: SignedClient, sb: RunningSandbox) -> None:
    client.clock = sb.sandbox.clock.now


def test_approved_moves_money(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    total = _total(sandbox_server)
    code = sandbox_server.payment_code("alice")
    sent = enrolled.charge(1200, code, reference="INV-9")
    c = _ok(sent)
    assert c["status"] == "approved" and c["approval_code"] and c["decline"] is None and c["step_up"] is None
    assert (c["amount"], c["currency"], c["merchant_reference"]) == (1200, "JPY", "INV-9")
    assert c["code_last4"] == code[-4:] and c["wallet"] == "PayTerm Sandbox" and c["refunded_amount"] == 0
    assert c["created_at"].endswith("Z")
    assert _balance(sandbox_server, "alice") == 50_000 - 1200
    assert _total(sandbox_server) == total
    enrolled.verify(sent)


@pytest.mark.parametrize(
    ("customer", "amount", "decline"),
    [
        ("bob", 900, "insufficient_funds"),
        ("alice", 30_001, "limit_exceeded"),
        ("carol", 100, "account_locked"),
        ("alice", 1101, "insufficient_funds"),
        ("alice", 1102, "limit_exceeded"),
        ("alice", 1103, "account_locked"),
    ],
)
def test_declines(enrolled: SignedClient, sandbox_server: RunningSandbox, customer: str, amount: int,
                  decline: str) -> None:
    before = _balance(sandbox_server, customer)
    c = _ok(enrolled.charge(amount, sandbox_server.payment_code(customer)))
    assert c["status"] == "declined" and c["decline"]["code"] == decline and c["decline"]["message"]
    assert c["approval_code"] is None
    assert _balance(sandbox_server, customer) == before


def test_code_declines(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    assert _ok(enrolled.charge(100, "991234567890123456"))["decline"]["code"] == "unknown_code"
    code = sandbox_server.payment_code("alice")
    assert _ok(enrolled.charge(100, code))["status"] == "approved"
    assert _ok(enrolled.charge(100, code))["decline"]["code"] == "code_used"
    stale = sandbox_server.payment_code("alice")
    sandbox_server.set_faults(clock_offset_s=61)
    _use_server_clock(enrolled, sandbox_server)
    assert _ok(enrolled.charge(100, stale))["decline"]["code"] == "code_expired"


def test_other_currency_declines(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    c = _ok(enrolled.charge(100, sandbox_server.payment_code("alice"), currency="USD"))
    assert c["decline"]["code"] == "currency_not_supported"


def _step_up(enrolled: SignedClient, sb: RunningSandbox, customer: str, amount: int, method: str) -> dict:
    c = _ok(enrolled.charge(amount, sb.payment_code(customer)))
    assert c["status"] == "step_up_required", c
    assert c["step_up"]["method"] == method and c["step_up"]["attempts_left"] == 5
    assert datetime.fromisoformat(c["step_up"]["expires_at"]).tzinfo is not None
    return c


def test_step_up_pin(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    c = _step_up(enrolled, sandbox_server, "erin", 500, "pin")
    path = f"/v1/charges/{c['id']}/step-up"
    wrong = _ok(enrolled.call("POST", path, {"method": "pin", "pin_block": seal_pin(
        "9999", c["id"], enrolled.pin_public_key)}), 200)
    assert wrong["status"] == "step_up_required" and wrong["step_up"]["attempts_left"] == 4
    other_charge = seal_pin("1234", "ch_other", enrolled.pin_public_key)
    _problem(enrolled.call("POST", path, {"method": "pin", "pin_block": other_charge}), 422, "pin_block_invalid")
    _problem(enrolled.call("POST", path, {"method": "otp", "otp": "123456"}), 409, "step_up_method_mismatch")
    right = enrolled.call("POST", path, {"method": "pin", "pin_block": seal_pin("1234", c["id"], enrolled.pin_public_key)})
    assert _ok(right, 200)["status"] == "approved"
    enrolled.verify(right)
    assert _balance(sandbox_server, "erin") == 20_000 - 500
    assert sandbox_server.admin("GET", "/sandbox/customers/erin")["failed_attempts"] == 0
    _problem(enrolled.call("POST", path, {"method": "pin", "pin_block": seal_pin(
        "1234", c["id"], enrolled.pin_public_key)}), 409, "invalid_state")


def test_step_up_otp_from_wallet_page(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    c = _step_up(enrolled, sandbox_server, "frank", 700, "otp")
    page = sandbox_server.admin("GET", "/wallet/frank/state")
    otp = next(s["otp"] for s in page["step_ups"] if s["charge_id"] == c["id"])
    path = f"/v1/charges/{c['id']}/step-up"
    bad = "000000" if otp != "000000" else "111111"
    assert _ok(enrolled.call("POST", path, {"method": "otp", "otp": bad}), 200)["step_up"]["attempts_left"] == 4
    assert _ok(enrolled.call("POST", path, {"method": "otp", "otp": otp}), 200)["status"] == "approved"


@pytest.mark.parametrize(("decision", "status", "decline"), [("approve", "approved", None),
                                                             ("reject", "declined", "step_up_rejected")])
def test_step_up_app_confirm(enrolled: SignedClient, sandbox_server: RunningSandbox, decision: str,
                             status: str, decline: str | None) -> None:
    c = _step_up(enrolled, sandbox_server, "dave", 800, "app_confirm")
    sandbox_server.admin("POST", f"/wallet/dave/step-ups/{c['id']}", json={"decision": decision})
    got = _ok(enrolled.call("GET", f"/v1/charges/{c['id']}"), 200)
    assert got["status"] == status and (got["decline"] or {}).get("code") == decline
    _problem(enrolled.call("POST", f"/v1/charges/{c['id']}/step-up", {"method": "otp", "otp": "123456"}),
             409, "invalid_state")


def test_lockout_after_five_wrong_tries_across_charges(enrolled: SignedClient,
                                                       sandbox_server: RunningSandbox) -> None:
    wrong = "0000"
    first = _step_up(enrolled, sandbox_server, "erin", 300, "pin")
    for left in (4, 3):
        got = _ok(enrolled.call("POST", f"/v1/charges/{first['id']}/step-up", {
            "method": "pin", "pin_block": seal_pin(wrong, first["id"], enrolled.pin_public_key)}), 200)
        assert got["step_up"]["attempts_left"] == left
    second = _ok(enrolled.charge(300, sandbox_server.payment_code("erin")))
    assert second["step_up"]["attempts_left"] == 3
    for expected in ("step_up_required", "step_up_required", "declined"):
        got = _ok(enrolled.call("POST", f"/v1/charges/{second['id']}/step-up", {
            "method": "pin", "pin_block": seal_pin(wrong, second["id"], enrolled.pin_public_key)}), 200)
        assert got["status"] == expected
    assert got["decline"]["code"] == "step_up_failed"
    assert sandbox_server.admin("GET", "/sandbox/customers/erin")["locked"] is True
    assert _ok(enrolled.charge(100, sandbox_server.payment_code("erin")))["decline"]["code"] == "account_locked"
    got = _ok(enrolled.call("POST", f"/v1/charges/{first['id']}/step-up", {
        "method": "pin", "pin_block": seal_pin("1234", first["id"], enrolled.pin_public_key)}), 200)
    assert got["decline"]["code"] == "account_locked"
    assert _balance(sandbox_server, "erin") == 20_000


def test_step_up_expires(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    c = _step_up(enrolled, sandbox_server, "dave", 400, "app_confirm")
    sandbox_server.set_faults(clock_offset_s=91)
    _use_server_clock(enrolled, sandbox_server)
    got = _ok(enrolled.call("GET", f"/v1/charges/{c['id']}"), 200)
    assert got["status"] == "declined" and got["decline"]["code"] == "step_up_expired"


@pytest.mark.parametrize(("amount", "method"), [(1201, "pin"), (1202, "otp"), (1203, "app_confirm")])
def test_step_up_test_values(enrolled: SignedClient, sandbox_server: RunningSandbox, amount: int,
                             method: str) -> None:
    _step_up(enrolled, sandbox_server, "alice", amount, method)


@pytest.mark.parametrize(("customer", "amount"), [("alice", 10_001), ("grace", 100)])
def test_risk_policy_steps_up(enrolled: SignedClient, sandbox_server: RunningSandbox, customer: str,
                              amount: int) -> None:
    preferred = sandbox_server.admin("GET", f"/sandbox/customers/{customer}")["preferred_method"]
    _step_up(enrolled, sandbox_server, customer, amount, preferred)


def test_velocity_steps_up_and_policy_is_configurable(enrolled: SignedClient,
                                                      sandbox_server: RunningSandbox) -> None:
    for _ in range(3):
        assert _ok(enrolled.charge(100, sandbox_server.payment_code("alice")))["status"] == "approved"
    assert _ok(enrolled.charge(100, sandbox_server.payment_code("alice")))["status"] == "step_up_required"
    sandbox_server.set_risk(velocity_count=100)
    assert _ok(enrolled.charge(100, sandbox_server.payment_code("alice")))["status"] == "approved"


@pytest.mark.parametrize(("amount", "status", "decline"), [(1301, "approved", None),
                                                           (1302, "declined", "insufficient_funds")])
def test_slow_test_values_resolve_on_poll(enrolled: SignedClient, sandbox_server: RunningSandbox, amount: int,
                                          status: str, decline: str | None) -> None:
    c = _ok(enrolled.charge(amount, sandbox_server.payment_code("alice")))
    assert c["status"] == "pending"
    assert _ok(enrolled.call("GET", f"/v1/charges/{c['id']}"), 200)["status"] == "pending"
    sandbox_server.set_faults(clock_offset_s=5)
    _use_server_clock(enrolled, sandbox_server)
    got = _ok(enrolled.call("GET", f"/v1/charges/{c['id']}"), 200)
    assert got["status"] == status and (got["decline"] or {}).get("code") == decline


def test_idempotent_replay_and_conflict(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    key = new_key()
    code = sandbox_server.payment_code("alice")
    first = enrolled.charge(500, code, key=key)
    replay = enrolled.charge(500, code, key=key)
    assert first.status == 201 and replay.status == 200
    assert replay.response.content == first.response.content
    enrolled.verify(replay)
    assert _balance(sandbox_server, "alice") == 50_000 - 500
    _problem(enrolled.charge(600, code, key=key), 409, "idempotency_conflict")
    found = _ok(enrolled.call("GET", f"/v1/charges?idempotency_key={key}"), 200)["charges"]
    assert [c["id"] for c in found] == [first.json()["id"]]
    assert _ok(enrolled.call("GET", f"/v1/charges?idempotency_key={new_key()}"), 200)["charges"] == []


def test_other_devices_charges_are_invisible(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    key = new_key()
    c = _ok(enrolled.charge(500, sandbox_server.payment_code("alice"), key=key))
    with httpx.Client() as http:
        other = SignedClient(http, sandbox_server.url)
        assert other.enroll(sandbox_server.enrollment_code()).status == 201
        _problem(other.call("GET", f"/v1/charges/{c['id']}"), 404, "charge_not_found")
        _problem(other.call("POST", f"/v1/charges/{c['id']}/cancel"), 404, "charge_not_found")
        assert _ok(other.call("GET", f"/v1/charges?idempotency_key={key}"), 200)["charges"] == []
        # the same idempotency key on another device is another charge
        assert other.charge(500, sandbox_server.payment_code("alice"), key=key).status == 201


def test_cancel(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    total = _total(sandbox_server)
    approved = _ok(enrolled.charge(2000, sandbox_server.payment_code("alice")))
    got = _ok(enrolled.call("POST", f"/v1/charges/{approved['id']}/cancel"), 200)
    assert got["status"] == "cancelled" and got["decline"]["code"] == "cancelled"
    assert _balance(sandbox_server, "alice") == 50_000 and _total(sandbox_server) == total
    again = enrolled.call("POST", f"/v1/charges/{approved['id']}/cancel")
    assert _ok(again, 200) == got
    pending = _step_up(enrolled, sandbox_server, "dave", 100, "app_confirm")
    assert _ok(enrolled.call("POST", f"/v1/charges/{pending['id']}/cancel"), 200)["status"] == "cancelled"
    declined = _ok(enrolled.charge(900, sandbox_server.payment_code("bob")))
    _problem(enrolled.call("POST", f"/v1/charges/{declined['id']}/cancel"), 409, "invalid_state")
    _problem(enrolled.call("POST", "/v1/charges/ch_nope/cancel"), 404, "charge_not_found")


def test_cancel_by_key_leaves_a_tombstone_that_refuses_the_late_charge(enrolled: SignedClient,
                                                                       sandbox_server: RunningSandbox) -> None:
    total, before = _total(sandbox_server), _balance(sandbox_server, "alice")
    key = new_key()
    first = _ok(enrolled.call("POST", "/v1/charges/cancel-by-key", {"idempotency_key": key}), 200)
    assert first == {"idempotency_key": key, "charge": None}
    enrolled.verify(enrolled.call("POST", "/v1/charges/cancel-by-key", {"idempotency_key": key}))
    late = enrolled.charge(700, sandbox_server.payment_code("alice"), key=key)  # the lost request, arriving late
    _problem(late, 409, "idempotency_key_cancelled")
    enrolled.verify(late)  # a signed refusal
    assert _ok(enrolled.call("GET", f"/v1/charges?idempotency_key={key}"), 200) == {"charges": []}
    assert _balance(sandbox_server, "alice") == before and _total(sandbox_server) == total


def test_cancel_by_key_cancels_the_charge_made_under_it(enrolled: SignedClient,
                                                        sandbox_server: RunningSandbox) -> None:
    key = new_key()
    approved = _ok(enrolled.charge(800, sandbox_server.payment_code("alice"), key=key))
    got = _ok(enrolled.call("POST", "/v1/charges/cancel-by-key", {"idempotency_key": key}), 200)
    assert got["charge"]["id"] == approved["id"] and got["charge"]["status"] == "cancelled"
    assert _ok(enrolled.call("POST", "/v1/charges/cancel-by-key", {"idempotency_key": key}), 200) == got
    assert _balance(sandbox_server, "alice") == 50_000
    _problem(enrolled.call("POST", "/v1/charges/cancel-by-key", {"idempotency_key": "short"}), 422,
             "validation_error")


def test_cancel_only_same_day(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    c = _ok(enrolled.charge(100, sandbox_server.payment_code("alice")))
    sandbox_server.set_faults(clock_offset_s=86_400)
    _use_server_clock(enrolled, sandbox_server)
    _problem(enrolled.call("POST", f"/v1/charges/{c['id']}/cancel"), 409, "cancel_window_passed")


def test_refunds(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    total = _total(sandbox_server)
    c = _ok(enrolled.charge(1000, sandbox_server.payment_code("alice")))
    path = f"/v1/charges/{c['id']}/refunds"
    key = new_key()
    part = enrolled.refund(path, {"amount": 300, "currency": "JPY", "reason": "broken"}, key)
    r = _ok(part)
    assert r["status"] == "succeeded" and r["charge_id"] == c["id"] and r["charge_refunded_amount"] == 300
    enrolled.verify(part)
    replay = enrolled.refund(path, {"amount": 300, "currency": "JPY", "reason": "broken"}, key)
    assert replay.status == 200 and replay.json() == r
    _problem(enrolled.refund(path, {"amount": 301, "currency": "JPY"}, key), 409,
             "idempotency_conflict")
    _problem(enrolled.refund(path, {"amount": 701, "currency": "JPY"}, new_key()), 422,
             "refund_exceeds_charge")
    _problem(enrolled.refund(path, {"amount": 10, "currency": "USD"}, new_key()), 422,
             "currency_mismatch")
    rest = _ok(enrolled.refund(path, {"amount": 700, "currency": "JPY"}, new_key()))
    assert rest["charge_refunded_amount"] == 1000
    assert _ok(enrolled.call("GET", f"/v1/charges/{c['id']}"), 200)["refunded_amount"] == 1000
    _problem(enrolled.refund(path, {"amount": 1, "currency": "JPY"}, new_key()), 422,
             "refund_exceeds_charge")
    assert _balance(sandbox_server, "alice") == 50_000 and _total(sandbox_server) == total
    declined = _ok(enrolled.charge(900, sandbox_server.payment_code("bob")))
    _problem(enrolled.refund(f"/v1/charges/{declined['id']}/refunds", {"amount": 1, "currency": "JPY"},
                             new_key()), 409, "invalid_state")


def test_settlement(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    sandbox_server.set_risk(velocity_count=100)
    a = _ok(enrolled.charge(1000, sandbox_server.payment_code("alice"), reference="S-1"))
    b = _ok(enrolled.charge(2000, sandbox_server.payment_code("alice"), reference="S-2"))
    _ok(enrolled.charge(900, sandbox_server.payment_code("bob"), reference="S-3"))
    _ok(enrolled.call("POST", f"/v1/charges/{b['id']}/cancel"), 200)
    _ok(enrolled.refund(f"/v1/charges/{a['id']}/refunds", {"amount": 250, "currency": "JPY"}, new_key()))
    today = datetime.fromtimestamp(sandbox_server.sandbox.clock.now(), ZoneInfo("Asia/Tokyo")).date()
    sent = enrolled.call("GET", f"/v1/settlement?date={today.isoformat()}")
    s = _ok(sent, 200)
    enrolled.verify(sent)
    assert s["date"] == today.isoformat() and s["device_id"] == enrolled.device_id
    assert s["totals"] == [{"currency": "JPY", "approved_count": 1, "approved_amount": 1000,
                            "cancelled_count": 1, "cancelled_amount": 2000, "refunded_count": 1,
                            "refunded_amount": 250, "net_amount": 750}]
    assert [(c["merchant_reference"], c["status"], c["refunded_amount"]) for c in s["charges"]] == [
        ("S-1", "approved", 250), ("S-2", "cancelled", 0), ("S-3", "declined", 0)]
    assert _ok(enrolled.call("GET", "/v1/settlement?date=2001-01-01"), 200)["totals"] == []


def test_fault_fail_rate_answers_503_before_doing_anything(enrolled: SignedClient,
                                                           sandbox_server: RunningSandbox) -> None:
    code = sandbox_server.payment_code("alice")
    sandbox_server.set_faults(fail_rate=1.0)
    before = sandbox_server.sandbox.db.dump(exclude=())
    _problem(enrolled.charge(100, code), 503, "service_unavailable")
    assert sandbox_server.sandbox.db.dump(exclude=()) == before
    sandbox_server.set_faults()
    assert _ok(enrolled.charge(100, code))["status"] == "approved"


def test_fault_drop_after_commit(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    sandbox_server.set_faults(drop_next=1)
    key = new_key()
    code = sandbox_server.payment_code("alice")
    with pytest.raises(httpx.TransportError):
        enrolled.charge(700, code, key=key)
    assert _balance(sandbox_server, "alice") == 50_000 - 700  # committed although unanswered
    found = _ok(enrolled.call("GET", f"/v1/charges?idempotency_key={key}"), 200)["charges"]
    assert [c["status"] for c in found] == ["approved"]
    replay = enrolled.charge(700, code, key=key)
    assert replay.status == 200 and replay.json()["id"] == found[0]["id"]
    assert sandbox_server.admin("GET", "/sandbox/faults")["drop_next"] == 0


def test_fault_drop_after_commit_covers_refunds(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    charge = _ok(enrolled.charge(900, sandbox_server.payment_code("alice")))
    sandbox_server.set_faults(drop_next=1)
    path, key = f"/v1/charges/{charge['id']}/refunds", new_key()
    with pytest.raises(httpx.TransportError):
        enrolled.refund(path, {"amount": 400, "currency": "JPY"}, key)
    assert _balance(sandbox_server, "alice") == 50_000 - 900 + 400  # committed although unanswered
    replay = enrolled.refund(path, {"amount": 400, "currency": "JPY"}, key)
    assert replay.status == 200 and replay.json()["amount"] == 400
    assert _balance(sandbox_server, "alice") == 50_000 - 500


def test_fault_latency_is_applied(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    sandbox_server.set_faults(latency_ms=5)
    assert sandbox_server.admin("GET", "/sandbox/faults")["latency_ms"] == 5
    assert enrolled.charge(100, sandbox_server.payment_code("alice")).status == 201
