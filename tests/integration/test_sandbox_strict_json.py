"""The sandbox wallet reads request bodies as strictly as the register reads its answers: a body
that two JSON parsers could read two ways (a key given twice, NaN/Infinity, a number out of
range) is a signed 400 problem+json naming the rule, and nothing moves."""

from __future__ import annotations

import json

import httpx
import pytest

from terminal.crypto import public_key_b64
from tests.sandbox_fixtures import RunningSandbox, SignedClient, new_key


def _with(body: dict[str, object], extra: str) -> bytes:
    """``body`` followed by raw members: a repeated key or a value json.dumps cannot write."""
    return json.dumps(body).encode()[:-1] + b", " + extra.encode() + b"}"


def _charge(alice_code: str, amount: int = 100) -> dict[str, object]:
    return {"amount": amount, "currency": "JPY", "payment_code": alice_code, "merchant_reference": "R-dup"}


AMBIGUOUS: list[tuple[str, str, str]] = [
    # (case, raw members appended to a valid charge for 100 without them, words of the title)
    ("amount twice", '"amount": 100000', "duplicate key 'amount'"),
    ("payment code twice", '"payment_code": "991234567890123456"', "duplicate key 'payment_code'"),
    ("NaN amount", '"items_summary": NaN', "NaN"),
    ("Infinity", '"items_summary": Infinity', "Infinity"),
    ("float out of range", '"items_summary": 1e400', "out of range"),
    ("integer beyond 2**53", '"items_summary": 9007199254740993', "out of range"),
]


@pytest.mark.parametrize(("case", "extra", "words"), AMBIGUOUS, ids=[c[0] for c in AMBIGUOUS])
def test_an_ambiguous_charge_body_is_a_signed_400_and_charges_nothing(
    enrolled: SignedClient, sandbox_server: RunningSandbox, case: str, extra: str, words: str,
) -> None:
    code = sandbox_server.payment_code("alice")
    before = sandbox_server.sandbox.db.dump()
    body = _with(_charge(code), extra)
    req = enrolled.build("POST", "/v1/charges", body=body, headers=(("Idempotency-Key", new_key()),))
    sent = enrolled.send_raw(enrolled.sign(req))
    r = sent.response
    assert r.status_code == 400, r.text
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["code"] == "invalid_json" and words in problem["title"]
    enrolled.verify(sent)  # signed and bound like every /v1 answer
    assert sandbox_server.sandbox.db.dump() == before
    # The same code, sent once and plainly, still charges: the refusal spent nothing.
    assert enrolled.charge(100, code).status == 201


def test_an_enrollment_naming_two_public_keys_is_refused(
    sandbox_server: RunningSandbox, enrolled: SignedClient,
) -> None:
    """Proof of possession is checked against one key; the app must not then enroll another."""
    other = SignedClient(enrolled.http, sandbox_server.url)
    body = _with({"enrollment_code": sandbox_server.enrollment_code(),
                  "public_key": public_key_b64(other.signer.public_key_bytes()), "alg": "ed25519"},
                 f'"public_key": "{public_key_b64(enrolled.signer.public_key_bytes())}"')
    before = sandbox_server.sandbox.db.dump()
    sent = other.send_raw(other.sign(other.build("POST", "/v1/devices/enroll", body=body), keyid="enroll"))
    assert sent.status == 400, sent.response.text
    assert sent.json()["code"] == "invalid_json" and "duplicate key 'public_key'" in sent.json()["title"]
    assert sandbox_server.sandbox.db.dump() == before


def test_the_sandbox_admin_api_reads_json_strictly_too(sandbox_server: RunningSandbox) -> None:
    r = httpx.post(sandbox_server.url + "/sandbox/faults", timeout=10,
                   content=b'{"fail_rate": 0.0, "fail_rate": 1.0}',
                   headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert "duplicate key 'fail_rate'" in r.json()["title"]
    assert sandbox_server.sandbox.knobs.faults.fail_rate == 0.0
