"""Bad input to the sandbox: always a 4xx problem+json with a clear title, never a 500, and the
database unchanged (the nonce of a well-signed request is the only trace, by design)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sandbox_fixtures import RunningSandbox, SignedClient, new_key

GOOD = {"amount": 100, "currency": "JPY", "payment_code": "991234567890123456", "merchant_reference": "R-1"}


def _expect_problem(sent: Any, status: int, code: str | None = None) -> dict:
    r = sent.response
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("urn:payterm:problem:")
    if code is not None:
        assert body["code"] == code, body
    return body


def _charge_raw(client: SignedClient, body: bytes, *, key: str | None = "k" * 16,
                content_type: str | None = "application/json") -> Any:
    headers = (("Idempotency-Key", key),) if key is not None else ()
    req = client.build("POST", "/v1/charges", body=body, headers=headers, content_type=content_type)
    return client.send_raw(client.sign(req))


BAD_CHARGES: list[tuple[str, bytes, int, str, str]] = [
    # (case, body, status, code, a word the title must contain)
    ("not json", b"{amount: 1", 400, "invalid_json", "JSON"),
    ("json array", b"[1,2]", 422, "validation_error", "body"),
    ("empty body", b"", 422, "validation_error", "body"),
    ("amount missing", json.dumps({k: v for k, v in GOOD.items() if k != "amount"}).encode(), 422,
     "validation_error", "amount"),
    ("amount float", json.dumps({**GOOD, "amount": 1.0}).encode(), 422, "validation_error", "amount"),
    ("amount bool", json.dumps({**GOOD, "amount": True}).encode(), 422, "validation_error", "amount"),
    ("amount string", json.dumps({**GOOD, "amount": "100"}).encode(), 422, "validation_error", "amount"),
    ("amount negative", json.dumps({**GOOD, "amount": -1}).encode(), 422, "validation_error", "amount"),
    ("amount huge", json.dumps({**GOOD, "amount": 10**12 + 1}).encode(), 422, "validation_error", "amount"),
    ("amount giant", b'{"amount": 1' + b"0" * 5000 + b', "currency": "JPY"}', 400, "invalid_json", "JSON"),
    ("currency unknown", json.dumps({**GOOD, "currency": "XXX"}).encode(), 422, "validation_error", "currency"),
    ("currency lower", json.dumps({**GOOD, "currency": "jpy"}).encode(), 422, "validation_error", "currency"),
    ("code letters", json.dumps({**GOOD, "payment_code": "99abc"}).encode(), 422, "validation_error",
     "payment_code"),
    ("reference empty", json.dumps({**GOOD, "merchant_reference": ""}).encode(), 422, "validation_error",
     "merchant_reference"),
    ("reference long", json.dumps({**GOOD, "merchant_reference": "x" * 65}).encode(), 422, "validation_error",
     "merchant_reference"),
]


@pytest.mark.parametrize(("case", "body", "status", "code", "word"), BAD_CHARGES, ids=[c[0] for c in BAD_CHARGES])
def test_bad_charge_bodies(enrolled: SignedClient, sandbox_server: RunningSandbox, case: str, body: bytes,
                           status: int, code: str, word: str) -> None:
    before = sandbox_server.sandbox.db.dump()
    problem = _expect_problem(_charge_raw(enrolled, body), status, code)
    assert word in problem["title"] + problem["detail"]
    assert sandbox_server.sandbox.db.dump() == before


@pytest.mark.parametrize(
    ("case", "key", "content_type", "status", "code"),
    [
        ("no idempotency key", None, "application/json", 400, "idempotency_key_missing"),
        ("short idempotency key", "abc", "application/json", 400, "idempotency_key_invalid"),
        ("bad chars in key", "key with spaces!", "application/json", 400, "idempotency_key_invalid"),
        ("text/plain", "k" * 16, "text/plain", 415, "unsupported_media_type"),
        ("no content type", "k" * 16, None, 415, "unsupported_media_type"),
    ],
)
def test_bad_headers(enrolled: SignedClient, sandbox_server: RunningSandbox, case: str, key: str | None,
                     content_type: str | None, status: int, code: str) -> None:
    before = sandbox_server.sandbox.db.dump()
    _expect_problem(_charge_raw(enrolled, json.dumps(GOOD).encode(), key=key, content_type=content_type),
                    status, code)
    assert sandbox_server.sandbox.db.dump() == before


def test_oversized_body_is_413(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    before = sandbox_server.sandbox.db.dump(exclude=())
    body = json.dumps({**GOOD, "items_summary": "x" * 70_000}).encode()
    problem = _expect_problem(_charge_raw(enrolled, body), 413, "payload_too_large")
    assert "64 KiB" in problem["title"]
    assert sandbox_server.sandbox.db.dump(exclude=()) == before


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/v1/nothing-here", None, 404, "not_found"),
        ("DELETE", "/v1/charges", None, 405, "method_not_allowed"),
        ("GET", "/v1/charges/" + "x" * 65, None, 422, "validation_error"),
        ("GET", "/v1/charges/ch_unknown", None, 404, "charge_not_found"),
        ("GET", "/v1/charges?idempotency_key=bad%20key", None, 422, "validation_error"),
        ("GET", "/v1/charges", None, 422, "validation_error"),
        ("GET", "/v1/settlement?date=2025-13-45", None, 422, "validation_error"),
        ("GET", "/v1/settlement", None, 422, "validation_error"),
        ("POST", "/v1/charges/ch_unknown/step-up", {"method": "sms"}, 422, "validation_error"),
        ("POST", "/v1/charges/ch_unknown/step-up", {"method": "otp", "otp": "12"}, 422, "validation_error"),
        ("POST", "/v1/charges/ch_unknown/step-up", {"method": "pin", "pin_block": "!!"}, 422, "validation_error"),
        ("POST", "/v1/charges/ch_unknown/step-up", {"method": "otp", "otp": "123456"}, 404, "charge_not_found"),
        ("POST", "/v1/devices/rotate-key", {"public_key": "AAAA", "alg": "rsa"}, 422, "validation_error"),
        ("POST", "/v1/devices/rotate-key", {"public_key": "AAAA", "alg": "ed25519"}, 422, "key_invalid"),
    ],
)
def test_bad_requests_elsewhere(enrolled: SignedClient, sandbox_server: RunningSandbox, method: str, path: str,
                                body: Any, status: int, code: str) -> None:
    before = sandbox_server.sandbox.db.dump()
    _expect_problem(enrolled.call(method, path, body, idempotency_key=None), status, code)
    assert sandbox_server.sandbox.db.dump() == before


def test_validation_problem_names_the_field(enrolled: SignedClient) -> None:
    problem = _expect_problem(_charge_raw(enrolled, json.dumps({**GOOD, "amount": 2.5}).encode()), 422)
    assert problem["errors"][0]["loc"] == ["body", "amount"]
    assert problem["title"].startswith("Invalid request: body.amount")


def test_refund_bad_amounts(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    c = enrolled.charge(500, sandbox_server.payment_code("alice")).json()
    before = sandbox_server.sandbox.db.dump()
    for amount in (0, -5, 1.5, True, "5"):
        sent = enrolled.call("POST", f"/v1/charges/{c['id']}/refunds", {"amount": amount, "currency": "JPY"},
                             idempotency_key=new_key())
        _expect_problem(sent, 422, "validation_error")
    assert sandbox_server.sandbox.db.dump() == before


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**15), 10**15) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
charge_like = st.fixed_dictionaries(
    {}, optional={"amount": json_values, "currency": json_values, "payment_code": json_values,
                  "merchant_reference": json_values, "items_summary": json_values},
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(charge_like, json_values))
def test_fuzzed_charge_bodies_never_500(enrolled: SignedClient, sandbox_server: RunningSandbox, body: Any) -> None:
    before = sandbox_server.sandbox.db.dump()
    sent = _charge_raw(enrolled, json.dumps(body).encode(), key=new_key())
    r = sent.response
    if r.status_code == 201:  # a valid charge (unknown code -> declined, nothing else moves)
        assert r.json()["decline"]["code"] == "unknown_code"
        return
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"] == "application/problem+json" and r.json()["title"]
    assert sandbox_server.sandbox.db.dump() == before
