"""Sandbox request verification, response signing, enrollment and key rotation over real HTTP."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from terminal.crypto import (
    HttpRequest,
    HttpResponse,
    PrivateKeySigner,
    SignatureError,
    public_key_b64,
    sign_request,
    verify_response,
)
from tests.sandbox_fixtures import RunningSandbox, SignedClient, new_key


def _problem(sent: object, status: int, code: str) -> dict:
    r = sent.response  # type: ignore[attr-defined]
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == code and body["status"] == status and body["title"]
    return body


def _charge_req(client: SignedClient, sandbox_server: RunningSandbox, **body_over: object) -> HttpRequest:
    body = {"amount": 100, "currency": "JPY", "payment_code": sandbox_server.payment_code("alice"),
            "merchant_reference": "A-1", **body_over}
    return client.build("POST", "/v1/charges", json_body=body, headers=(("Idempotency-Key", new_key()),))


def _replace_header(req: HttpRequest, name: str, value: str | None) -> HttpRequest:
    headers = tuple((k, v) for k, v in req.headers if k.lower() != name.lower())
    if value is not None:
        headers += ((name, value),)
    return HttpRequest(req.method, req.url, headers, req.body)


def test_enroll_returns_contract_fields_and_signed(sandbox_server: RunningSandbox) -> None:
    with httpx.Client() as http:
        client = SignedClient(http, sandbox_server.url)
        sent = client.enroll(sandbox_server.enrollment_code())
        assert sent.status == 201
        data = sent.json()
        assert data["device_id"].startswith("dev_") and data["terminal_name"] == "Register 1"
        assert data["merchant_id"] and data["store_id"]
        assert data["pin_key"] | {"public_key": "x"} == {
            "keyid": data["pin_key"]["keyid"], "kem": "X25519", "kdf": "HKDF-SHA256", "aead": "AES-128-GCM",
            "public_key": "x"}
        assert len(base64.b64decode(data["pin_key"]["public_key"])) == 32
        assert data["config_hints"] == {"currency": "JPY", "timezone": "Asia/Tokyo",
                                        "merchant_name": "PayTerm Demo Mart", "store_name": "Shibuya Store",
                                        "step_up_max_seconds": 120, "training": True}
        assert client.verify(sent).keyid == data["wallet_keys"][0]["keyid"]
        second = SignedClient(http, sandbox_server.url)
        assert second.enroll(sandbox_server.enrollment_code()).json()["terminal_name"] == "Register 2"


def test_enroll_code_is_one_time(sandbox_server: RunningSandbox) -> None:
    code = sandbox_server.enrollment_code()
    with httpx.Client() as http:
        assert SignedClient(http, sandbox_server.url).enroll(code).status == 201
        body = _problem(SignedClient(http, sandbox_server.url).enroll(code), 400, "enrollment_code_invalid")
        assert "already used" in body["title"]
        body = _problem(SignedClient(http, sandbox_server.url).enroll("ZZZZ-ZZZZ-ZZZZ"), 400,
                        "enrollment_code_invalid")
        assert "Unknown" in body["title"]


def test_enroll_code_expires(sandbox_server: RunningSandbox) -> None:
    code = sandbox_server.enrollment_code()
    sandbox_server.set_faults(clock_offset_s=25 * 3600)
    with httpx.Client() as http:
        client = SignedClient(http, sandbox_server.url, clock=lambda: sandbox_server.sandbox.clock.now())
        assert "expired" in _problem(client.enroll(code), 400, "enrollment_code_invalid")["title"]


def test_enroll_needs_proof_of_possession(sandbox_server: RunningSandbox) -> None:
    """The body names key A but the request is signed by key B: refused, code not consumed."""
    code = sandbox_server.enrollment_code()
    with httpx.Client() as http:
        client = SignedClient(http, sandbox_server.url)
        other = PrivateKeySigner.generate()
        body = {"enrollment_code": code, "public_key": public_key_b64(client.signer.public_key_bytes()),
                "alg": "ed25519"}
        req = client.sign(client.build("POST", "/v1/devices/enroll", json_body=body), keyid="enroll", signer=other)
        _problem(client.send_raw(req), 401, "bad_signature")
        assert client.enroll(code).status == 201  # the code still works for the real key


def test_enroll_with_ecdsa_p256_key(sandbox_server: RunningSandbox) -> None:
    from terminal.crypto import Alg

    with httpx.Client() as http:
        client = SignedClient(http, sandbox_server.url, signer=PrivateKeySigner.generate(Alg.ECDSA_P256_SHA256))
        assert client.enroll(sandbox_server.enrollment_code()).status == 201
        sent = client.charge(100, sandbox_server.payment_code("alice"))
        assert sent.status == 201 and sent.json()["status"] == "approved"


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("unsigned", "missing_signature"),
        ("garbage_signature_input", "malformed_signature"),
        ("unknown_keyid", "unknown_key"),
        ("enroll_keyid", "unknown_key"),
        ("other_key", "bad_signature"),
        ("body_changed", "digest_mismatch"),
        ("digest_removed", "digest_mismatch"),
        ("created_past", "clock_skew"),
        ("created_future", "clock_skew"),
        ("expired", "expired"),
        ("wrong_tag", "wrong_tag"),
        ("idempotency_key_changed", "bad_signature"),
        ("path_changed", "bad_signature"),
    ],
)
def test_request_verification_rejects(enrolled: SignedClient, sandbox_server: RunningSandbox,
                                      case: str, code: str) -> None:
    req = _charge_req(enrolled, sandbox_server)
    db_before = sandbox_server.sandbox.db.dump()
    now = enrolled.clock()
    signed = {
        "unsigned": lambda: req,
        "garbage_signature_input": lambda: _replace_header(enrolled.sign(req), "Signature-Input", "sig1=???"),
        "unknown_keyid": lambda: enrolled.sign(req, keyid="dev_nobody"),
        "enroll_keyid": lambda: enrolled.sign(req, keyid="enroll"),
        "other_key": lambda: enrolled.sign(req, signer=PrivateKeySigner.generate()),
        "body_changed": lambda: HttpRequest(req.method, req.url, enrolled.sign(req).headers,
                                            req.body.replace(b'"amount": 100', b'"amount": 900')),
        "digest_removed": lambda: _replace_header(enrolled.sign(req), "Content-Digest", None),
        "created_past": lambda: enrolled.sign(req, now=now - 400),
        "created_future": lambda: enrolled.sign(req, now=now + 400),
        "expired": lambda: enrolled.sign(req, now=now - 100),
        "wrong_tag": lambda: enrolled.sign(req, tag="other-app"),
        "idempotency_key_changed": lambda: _replace_header(enrolled.sign(req), "Idempotency-Key", new_key()),
        "path_changed": lambda: HttpRequest(req.method, req.url + "?x=1", enrolled.sign(req).headers, req.body),
    }[case]()
    sent = enrolled.send_raw(signed)
    body = _problem(sent, 401, code)
    assert body["type"].endswith(code)
    enrolled.verify(sent)  # even refusals are signed by the wallet
    assert sandbox_server.sandbox.db.dump() == db_before


def test_replayed_request_is_refused(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    signed = enrolled.sign(_charge_req(enrolled, sandbox_server))
    assert enrolled.send_raw(signed).status == 201
    body = _problem(enrolled.send_raw(signed), 401, "replayed_nonce")
    assert "replay" in body["title"].lower()


def test_missing_component_refused(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    """A signature that leaves out the Idempotency-Key header does not authorise the request."""
    req = _charge_req(enrolled, sandbox_server)
    bare = _replace_header(req, "Idempotency-Key", None)
    signed = enrolled.sign(bare)
    signed = HttpRequest(signed.method, signed.url, signed.headers + (("Idempotency-Key", new_key()),), signed.body)
    _problem(enrolled.send_raw(signed), 401, "missing_component")


def test_response_is_bound_to_its_request(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    first = enrolled.charge(100, sandbox_server.payment_code("alice"))
    second = enrolled.charge(100, sandbox_server.payment_code("alice"))
    enrolled.verify(first)
    r = first.response
    resp = HttpResponse(r.status_code, tuple(r.headers.multi_items()), r.content)
    with pytest.raises(SignatureError):
        verify_response(resp, second.request, keys=enrolled.wallet_keys, now=enrolled.clock())
    tampered = HttpResponse(r.status_code, resp.headers, r.content.replace(b"approved", b"declined"))
    with pytest.raises(SignatureError):
        verify_response(tampered, first.request, keys=enrolled.wallet_keys, now=enrolled.clock())


def test_unsigned_request_gets_signed_problem_without_binding(enrolled: SignedClient) -> None:
    sent = enrolled.send_raw(enrolled.build("GET", "/v1/settlement?date=2025-01-01"))
    _problem(sent, 401, "missing_signature")
    r = sent.response
    resp = HttpResponse(r.status_code, tuple(r.headers.multi_items()), r.content)
    verify_response(resp, sent.request, keys=enrolled.wallet_keys, now=enrolled.clock(),
                    require_request_signature=False)


def test_rotate_key(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    old = enrolled.signer
    new = PrivateKeySigner.generate()
    body = {"public_key": public_key_b64(new.public_key_bytes()), "alg": "ed25519"}
    req = enrolled.build("POST", "/v1/devices/rotate-key", json_body=body)
    signed = enrolled.sign(enrolled.sign(req), signer=new, label="sig2")
    sent = enrolled.send_raw(signed)
    assert sent.status == 200, sent.response.text
    assert sent.json()["device_id"] == enrolled.device_id
    enrolled.verify(sent)
    enrolled.signer = new
    assert enrolled.charge(100, sandbox_server.payment_code("alice")).status == 201
    enrolled.signer = old
    body401 = _problem(enrolled.charge(100, sandbox_server.payment_code("alice")), 401, "revoked_key")
    assert "revoked" in body401["title"]


def test_rotate_key_needs_new_key_signature(enrolled: SignedClient) -> None:
    new = PrivateKeySigner.generate()
    body = {"public_key": public_key_b64(new.public_key_bytes()), "alg": "ed25519"}
    req = enrolled.build("POST", "/v1/devices/rotate-key", json_body=body)
    only_old = enrolled.send_raw(enrolled.sign(req))
    assert _problem(only_old, 401, "missing_signature")["title"].startswith("sig2")
    wrong_new = enrolled.sign(enrolled.sign(req), signer=PrivateKeySigner.generate(), label="sig2")
    _problem(enrolled.send_raw(wrong_new), 401, "bad_signature")
    assert enrolled.call("GET", "/v1/settlement?date=2025-01-01").status == 200  # old key still valid


def test_rotate_to_same_key_refused(enrolled: SignedClient) -> None:
    body = {"public_key": public_key_b64(enrolled.signer.public_key_bytes()), "alg": "ed25519"}
    req = enrolled.build("POST", "/v1/devices/rotate-key", json_body=body)
    sent = enrolled.send_raw(enrolled.sign(enrolled.sign(req), label="sig2"))
    _problem(sent, 422, "key_invalid")


def test_nonces_are_purged_after_expiry(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    conn = sandbox_server.sandbox.db.connection()
    assert conn.execute("SELECT COUNT(*) FROM nonces").fetchone()[0] >= 1
    sandbox_server.set_faults(clock_offset_s=1000)
    enrolled.clock = lambda: sandbox_server.sandbox.clock.now()
    assert enrolled.call("GET", "/v1/settlement?date=2025-01-01").status == 200
    assert conn.execute("SELECT COUNT(*) FROM nonces").fetchone()[0] == 1


def test_signature_of_wallet_uses_pinned_key_only(enrolled: SignedClient, sandbox_server: RunningSandbox) -> None:
    sent = enrolled.charge(100, sandbox_server.payment_code("alice"))
    enrolled.wallet_keys = {k: v for k, v in enrolled.wallet_keys.items() if False}
    with pytest.raises(SignatureError):
        enrolled.verify(sent)
    assert json.loads(sent.response.content)["status"] == "approved"
