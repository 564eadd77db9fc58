"""The register's wallet client against a scripted wallet on 127.0.0.1 (tests/walletstub.py):
request signing, answer verification, the plain-http rule, retries and error mapping,
enrollment and key rotation."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from terminal.crypto import Alg, PrivateKeySigner, VerifyKey, public_key_b64
from terminal.crypto.keystore import fingerprint
from terminal.wallet import messages as m
from terminal.wallet.client import Retry, Timeouts, WalletClient
from terminal.wallet.errors import (
    AuthenticationRejected, Conflict, InsecureWalletURL, InvalidRequest, NotFound, TransportError,
    UnverifiedResponse, WalletError, WalletRejected, WalletUnavailable,
)
from tests.walletstub import (
    Clock, Refusing, Reply, Seen, WalletStub, charge_json, in_order, problem, rfc3339,
)

KEY = "sale-0001-abcdef"
CHARGE = m.ChargeRequest(amount=1200, currency="JPY", payment_code="281234567890123456",
                         merchant_reference="R-0001")


@pytest.fixture(scope="module")
def device() -> PrivateKeySigner:
    return PrivateKeySigner.generate(Alg.ED25519)


@pytest.fixture
def stub(device: PrivateKeySigner) -> Iterator[WalletStub]:
    with WalletStub(devices={"dev-1": VerifyKey.from_signer(device)}) as server:
        yield server


@pytest.fixture
def client(stub: WalletStub, device: PrivateKeySigner) -> Iterator[WalletClient]:
    with stub.client(device) as c:
        yield c


def approved(charge_id: str = "ch_1", **kwargs: object) -> Reply:
    return Reply(body=charge_json(charge_id, "approved", **kwargs))  # type: ignore[arg-type]


# --- signing and verification ------------------------------------------------------------------

def test_every_request_carries_a_valid_device_signature(stub: WalletStub, client: WalletClient) -> None:
    def script(seen: Seen) -> Reply:
        if seen.path == "/v1/settlement":
            return problem(404, "not_found", "No settlement")
        return approved()

    stub.script = script
    client.create_charge(KEY, CHARGE)
    client.get_charge("ch_1")
    client.cancel_charge("ch_1")
    with pytest.raises(NotFound):
        client.settlement("2025-01-31")

    seen = stub.seen
    assert [(s.method, s.path) for s in seen] == [
        ("POST", "/v1/charges"), ("GET", "/v1/charges/ch_1"), ("POST", "/v1/charges/ch_1/cancel"),
        ("GET", "/v1/settlement"),
    ]
    for s in seen:
        assert s.error is None and s.sig1 is not None
        assert (s.sig1.keyid, s.sig1.tag, s.sig1.alg) == ("dev-1", "payterm-v1", Alg.ED25519)
        assert s.sig1.expires - s.sig1.created == 60
    keyed, get, cancel, settle = (s.sig1.covered for s in seen if s.sig1)
    assert keyed == ('"@method"', '"@target-uri"', '"content-type"', '"content-digest"', '"idempotency-key"')
    assert get == settle == ('"@method"', '"@target-uri"')
    assert cancel == ('"@method"', '"@target-uri"', '"content-type"', '"content-digest"')
    assert seen[0].idempotency_key == KEY and seen[0].json()["payment_code"] == CHARGE.payment_code
    assert seen[3].query == {"date": "2025-01-31"}
    assert len({s.sig1.nonce for s in seen if s.sig1}) == 4


def test_a_request_the_wallet_cannot_verify_is_rejected(stub: WalletStub) -> None:
    """The stub's check is real: a register it does not know gets a signed 401."""
    stranger = PrivateKeySigner.generate(Alg.ED25519)
    stub.script = lambda seen: approved()
    with stub.client(stranger, device_id="dev-9") as c, pytest.raises(AuthenticationRejected) as err:
        c.get_charge("ch_1")
    assert err.value.code == "unknown_key"
    assert stub.seen[0].error is not None


def test_a_good_signed_answer_is_the_typed_message_and_the_clock_offset_is_estimated(
    stub: WalletStub, client: WalletClient,
) -> None:
    stub.script = lambda seen: Reply(body=charge_json("ch_7", "approved"), skew=120)
    charge = client.create_charge(KEY, CHARGE)
    assert isinstance(charge, m.ChargeResponse)
    assert (charge.id, charge.status, charge.amount, charge.approval_code) == (
        "ch_7", m.ChargeStatus.APPROVED, 1200, "A1B2C3")
    assert client.clock_offset is not None and abs(client.clock_offset - 120) <= 2


def test_a_signed_answer_about_another_charge_is_not_trusted(stub: WalletStub, client: WalletClient) -> None:
    stub.script = lambda seen: approved("ch_2")
    with pytest.raises(UnverifiedResponse) as err:
        client.get_charge("ch_1")
    assert err.value.code == "mismatched_answer" and err.value.outcome_unknown


@pytest.mark.parametrize("answer", [("ch_1", 300), ("ch_2", 500), ("ch_1", 500)])
def test_a_signed_refund_answer_must_be_the_refund_asked_for(stub: WalletStub, client: WalletClient,
                                                             answer: tuple[str, int]) -> None:
    charge_id, amount = answer
    stub.script = lambda seen: Reply(body={
        "id": "rf_1", "charge_id": charge_id, "status": "succeeded", "amount": amount, "currency": "JPY",
        "created_at": "2026-11-25T03:00:00Z", "charge_refunded_amount": amount})
    request = m.RefundRequest(amount=500, currency="JPY")
    if answer == ("ch_1", 500):
        assert client.refund("ch_1", "refund-key-0001", request).amount == 500
        return
    with pytest.raises(UnverifiedResponse) as err:
        client.refund("ch_1", "refund-key-0001", request)
    assert err.value.code == "mismatched_answer"


# --- transport security ------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["http://10.1.2.3", "http://example.com", "http://example.com:8787",
                                 "http://192.168.0.5/", "ftp://127.0.0.1", "127.0.0.1:8787"])
def test_plain_http_to_another_host_is_refused(device: PrivateKeySigner, url: str) -> None:
    with pytest.raises(InsecureWalletURL):
        WalletClient(url, signer=device, device_id="dev-1", wallet_keys={})


@pytest.mark.parametrize("url", ["http://127.0.0.1:8787", "http://[::1]:8787", "http://localhost",
                                 "https://wallet.example.com", "https://10.1.2.3:443/"])
def test_loopback_http_and_any_https_are_allowed(device: PrivateKeySigner, url: str) -> None:
    with WalletClient(url, signer=device, device_id="dev-1", wallet_keys={}) as c:
        assert c.base_url == url.rstrip("/")


# --- retries -----------------------------------------------------------------------------------

def test_a_refused_connection_is_retried(stub: WalletStub, device: PrivateKeySigner) -> None:
    stub.script = lambda seen: approved()
    transport = Refusing({1, 2})
    with stub.client(device, transport=transport) as c:
        charge = c.submit_step_up("ch_1", m.OtpStepUpRequest(method="otp", otp="123456"))
    assert charge.id == "ch_1"
    assert transport.attempts == 3 and len(stub.seen) == 1  # nothing was sent before


def test_refused_connections_end_as_a_known_failure(stub: WalletStub, device: PrivateKeySigner) -> None:
    transport = Refusing(range(1, 100))
    with stub.client(device, transport=transport) as c, pytest.raises(TransportError) as err:
        c.create_charge(KEY, CHARGE)
    assert transport.attempts == 3 and not stub.seen
    assert err.value.outcome_unknown is False  # nothing reached the wallet


def test_a_refusal_after_a_silent_attempt_leaves_the_outcome_unknown(stub: WalletStub,
                                                                     device: PrivateKeySigner) -> None:
    """The first attempt reached the wallet and got no answer; the retries are refused. The last
    error alone says "nothing sent", but the wallet may have charged: the outcome is unknown."""
    stub.script = lambda seen: Reply(hang=5, body=charge_json("ch_1"))
    transport = Refusing({2, 3})
    with stub.client(device, transport=transport) as c, pytest.raises(TransportError) as err:
        c.create_charge(KEY, CHARGE)
    assert transport.attempts == 3 and len(stub.seen) == 1
    assert err.value.outcome_unknown is True


def test_a_read_timeout_on_a_keyed_post_is_retried_with_the_same_key_and_body(
    stub: WalletStub, device: PrivateKeySigner,
) -> None:
    stub.script = in_order(Reply(hang=5, body=charge_json("ch_1")), approved())
    with stub.client(device, timeouts=Timeouts(connect=1.0, charge=3.0)) as c:  # 1 s per attempt
        charge = c.create_charge(KEY, CHARGE)
    assert charge.id == "ch_1"
    first, second = stub.seen
    assert first.error is None and second.error is None
    assert first.idempotency_key == second.idempotency_key == KEY
    assert first.request.body == second.request.body
    assert first.sig1 and second.sig1 and first.sig1.nonce != second.sig1.nonce  # freshly signed


def test_the_step_up_is_not_resubmitted_after_a_read_timeout(stub: WalletStub,
                                                             device: PrivateKeySigner) -> None:
    stub.script = lambda seen: Reply(hang=5, body=charge_json("ch_1"))
    with stub.client(device, timeouts=Timeouts(connect=1.0, other=0.5)) as c:
        with pytest.raises(TransportError) as err:
            c.submit_step_up("ch_1", m.OtpStepUpRequest(method="otp", otp="123456"))
    assert err.value.outcome_unknown is True
    assert len(stub.seen) == 1


def test_retries_are_bounded_by_attempts(stub: WalletStub, device: PrivateKeySigner) -> None:
    stub.script = lambda seen: problem(503, "service_unavailable", "Busy")
    with stub.client(device, retry=Retry(attempts=4, base_delay=0.001, max_delay=0.002)) as c:
        with pytest.raises(WalletUnavailable) as err:
            c.get_charge("ch_1")
    assert err.value.status == 503 and err.value.outcome_unknown
    assert len(stub.seen) == 4


def test_retries_stop_at_the_overall_deadline(device: PrivateKeySigner) -> None:
    clock = Clock()

    def slow_failure(seen: Seen) -> Reply:
        clock.advance(3)  # each attempt costs 3 s of the 10 s budget
        return problem(503, "service_unavailable", "Busy")

    devices = {"dev-1": VerifyKey.from_signer(device)}
    with WalletStub(devices=devices, clock=clock, script=slow_failure) as stub:
        retry = Retry(attempts=50, base_delay=0.001, max_delay=0.002)
        with stub.client(device, clock=clock, timer=clock, retry=retry, timeouts=Timeouts(other=10)) as c:
            with pytest.raises(WalletError) as err:
                c.find_charge(KEY)
        # At 3, 6, 9 s there was time left for another attempt; the fourth answer comes at 12 s,
        # past the deadline. Whether the client was already reading when the hand-moved clock
        # jumped (it reads the 503) or not (the deadline has passed: it stops), the answer is the
        # same: unknown, and no fifth attempt.
        assert len(stub.seen) == 4
        assert isinstance(err.value, WalletUnavailable | TransportError) and err.value.outcome_unknown


def test_503_with_retry_after_is_retried_for_idempotent_calls(stub: WalletStub, client: WalletClient) -> None:
    busy = problem(503, "service_unavailable", "Busy", headers=(("Retry-After", "0"),))
    stub.script = in_order(busy, approved())
    assert client.create_charge(KEY, CHARGE).id == "ch_1"
    stub.script = in_order(busy, approved())
    assert client.get_charge("ch_1").id == "ch_1"
    assert len(stub.seen) == 4
    stub.script = in_order(busy, approved())
    with pytest.raises(WalletUnavailable):
        client.submit_step_up("ch_1", m.OtpStepUpRequest(method="otp", otp="123456"))
    assert len(stub.seen) == 5  # the step-up may have been acted on: not sent twice


# --- error mapping -----------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "kind", "code"), [
    (401, AuthenticationRejected, "revoked_key"),
    (404, NotFound, "charge_not_found"),
    (409, Conflict, "idempotency_conflict"),
    (422, InvalidRequest, "validation_error"),
])
def test_signed_problems_map_to_rejections(
    stub: WalletStub, client: WalletClient, status: int, kind: type[WalletRejected], code: str,
) -> None:
    stub.script = lambda seen: problem(status, code, f"Title {status}", "some detail")
    with pytest.raises(kind) as err:
        client.create_charge(KEY, CHARGE)
    assert (err.value.status, err.value.code, err.value.title, err.value.detail) == (
        status, code, f"Title {status}", "some detail")
    assert err.value.outcome_unknown is False
    assert len(stub.seen) == 1  # a verified "no" is not retried


@pytest.mark.parametrize("sign", [True, False])
@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_errors_are_wallet_unavailable(stub: WalletStub, client: WalletClient, status: int,
                                              sign: bool) -> None:
    stub.script = lambda seen: Reply(status=status, body=b"oops", content_type="text/plain", sign=sign)
    with pytest.raises(WalletUnavailable) as err:
        client.create_charge(KEY, CHARGE)
    assert err.value.status == status and err.value.outcome_unknown


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422])
def test_unsigned_client_errors_are_unverified(stub: WalletStub, client: WalletClient, status: int) -> None:
    stub.script = lambda seen: problem(status, "charge_not_found", "No such charge", sign=False)
    with pytest.raises(UnverifiedResponse) as err:
        client.create_charge(KEY, CHARGE)
    assert err.value.code == "missing_signature" and err.value.outcome_unknown


@pytest.mark.parametrize("rogue", [
    problem(404, "charge_not_found", "No such charge", sign=False),
    Reply(body={"charges": []}, sign=False),
], ids=["unsigned 404", "unsigned empty list"])
def test_a_rogue_answer_does_not_mean_there_is_no_charge(stub: WalletStub, client: WalletClient,
                                                         rogue: Reply) -> None:
    stub.script = lambda seen: rogue
    with pytest.raises(UnverifiedResponse):
        client.find_charge(KEY)
    stub.script = lambda seen: Reply(body={"charges": []})  # the genuine wallet says so: believed
    assert client.find_charge(KEY) is None
    assert [s.query for s in stub.seen] == [{"idempotency_key": KEY}] * 2


def test_find_charge_returns_the_one_charge_and_refuses_several(stub: WalletStub, client: WalletClient) -> None:
    stub.script = lambda seen: Reply(body={"charges": [charge_json("ch_1")]})
    found = client.find_charge(KEY)
    assert found is not None and found.id == "ch_1"
    stub.script = lambda seen: Reply(body={"charges": [charge_json("ch_1"), charge_json("ch_2")]})
    with pytest.raises(UnverifiedResponse):
        client.find_charge(KEY)


def test_a_malformed_signed_body_is_unverified(stub: WalletStub, client: WalletClient) -> None:
    stub.script = lambda seen: Reply(body={"id": "ch_1", "status": "approved"})
    with pytest.raises(UnverifiedResponse) as err:
        client.get_charge("ch_1")
    assert err.value.code == "malformed_body"


@pytest.mark.parametrize("extra", [b'"status": "approved"', b'"amount": NaN', b'"amount": 1e400',
                                   b'"refunded_amount": 9007199254740993'])
def test_a_signed_body_two_parsers_could_read_differently_is_unverified(
    stub: WalletStub, client: WalletClient, extra: bytes,
) -> None:
    body = charge_json("ch_1", "declined")
    stub.script = lambda seen: Reply(body=json.dumps(body).encode()[:-1] + b", " + extra + b"}")
    with pytest.raises(UnverifiedResponse) as err:
        client.get_charge("ch_1")
    assert err.value.code == "malformed_body" and err.value.outcome_unknown


def test_a_signed_problem_with_a_repeated_code_is_unverified(stub: WalletStub, client: WalletClient) -> None:
    """A refusal is a known outcome only when its body is unambiguous too."""
    stub.script = lambda seen: Reply(status=404, content_type=m.PROBLEM_CONTENT_TYPE, body=(
        b'{"type": "urn:payterm:problem:x", "title": "t", "status": 404, "detail": "d", '
        b'"code": "charge_not_found", "code": "expired"}'))
    with pytest.raises(UnverifiedResponse) as err:
        client.get_charge("ch_1")
    assert "duplicate key 'code'" in str(err.value)


# --- enrollment and key rotation ---------------------------------------------------------------

def enroll_body(*keys: tuple[str, PrivateKeySigner], pin_key: bytes) -> dict[str, object]:
    return {
        "device_id": "dev-42", "merchant_id": "m-1", "store_id": "s-1", "terminal_name": "Register 2",
        "wallet_keys": [{"keyid": kid, "alg": k.alg.value, "public_key": public_key_b64(k.public_key_bytes())}
                        for kid, k in keys],
        "pin_key": {"keyid": "pin-1", "kem": "X25519", "kdf": "HKDF-SHA256", "aead": "AES-128-GCM",
                    "public_key": public_key_b64(pin_key)},
        "config_hints": {"currency": "JPY", "timezone": "Asia/Tokyo", "merchant_name": "Shop",
                         "store_name": "Shibuya", "step_up_max_seconds": 120},
    }


def test_enrollment_signs_as_enroll_and_trusts_the_key_the_answer_names(stub: WalletStub) -> None:
    new_device = PrivateKeySigner.generate(Alg.ECDSA_P256_SHA256)
    body = enroll_body((stub.keyid, stub.key), pin_key=stub.pin_public)
    stub.script = lambda seen: Reply(status=201, body=body)
    with WalletClient.for_enrollment(stub.url, new_device) as c:
        answer = c.enroll("ENROLL-1234")
    assert answer.device_id == "dev-42" and answer.wallet_keys[0].keyid == stub.keyid
    seen = stub.seen[0]
    assert seen.error is None and seen.sig1 is not None
    assert (seen.sig1.keyid, seen.sig1.alg) == ("enroll", Alg.ECDSA_P256_SHA256)
    assert seen.json() == {"enrollment_code": "ENROLL-1234", "alg": "ecdsa-p256-sha256",
                           "public_key": public_key_b64(new_device.public_key_bytes())}


def test_enrollment_with_the_expected_wallet_key(stub: WalletStub) -> None:
    new_device = PrivateKeySigner.generate(Alg.ED25519)
    stub.script = lambda seen: Reply(body=enroll_body((stub.keyid, stub.key), pin_key=stub.pin_public))
    expected = fingerprint(stub.key.public_key_bytes())
    with WalletClient.for_enrollment(stub.url, new_device) as c:
        assert c.enroll("ENROLL-1234", expected_wallet_key=expected).device_id == "dev-42"


def test_enrollment_refuses_an_answer_signed_by_a_key_it_does_not_name(stub: WalletStub) -> None:
    other = PrivateKeySigner.generate(Alg.ED25519)
    stub.script = lambda seen: Reply(body=enroll_body(("wallet-1", other), pin_key=stub.pin_public))
    with WalletClient.for_enrollment(stub.url, PrivateKeySigner.generate()) as c:
        with pytest.raises(UnverifiedResponse):
            c.enroll("ENROLL-1234")


def test_enrollment_refuses_another_wallet_key_than_expected(stub: WalletStub) -> None:
    """An impostor answering enrollment with its own key is caught by the fingerprint IT was
    given, also when it names the genuine key next to its own."""
    genuine = PrivateKeySigner.generate(Alg.ED25519)
    expected = fingerprint(genuine.public_key_bytes())
    for keys in ([(stub.keyid, stub.key)], [("genuine", genuine), (stub.keyid, stub.key)]):
        stub.script = lambda seen, keys=keys: Reply(body=enroll_body(*keys, pin_key=stub.pin_public))
        with WalletClient.for_enrollment(stub.url, PrivateKeySigner.generate()) as c:
            with pytest.raises(UnverifiedResponse):
                c.enroll("ENROLL-1234", expected_wallet_key=expected)


def test_enrollment_refuses_a_client_that_has_a_device_id(client: WalletClient) -> None:
    with pytest.raises(WalletError, match="for_enrollment"):
        client.enroll("ENROLL-1234")


def test_rotate_key_is_signed_by_the_old_and_the_new_key(stub: WalletStub, client: WalletClient,
                                                         device: PrivateKeySigner) -> None:
    new_key = PrivateKeySigner.generate(Alg.ED25519)
    new_b64 = public_key_b64(new_key.public_key_bytes())
    stub.script = lambda seen: Reply(body={"device_id": "dev-1", "alg": "ed25519", "public_key": new_b64,
                                           "rotated_at": rfc3339(stub.clock())})
    answer = client.rotate_key(new_key)
    assert answer.public_key == new_b64
    seen = stub.seen[0]
    assert seen.error is None and seen.sig1 is not None and seen.sig2 is not None
    assert (seen.sig1.label, seen.sig1.keyid) == ("sig1", "dev-1")  # verified with the old key
    assert (seen.sig2.label, seen.sig2.keyid) == ("sig2", "dev-1")  # verified with the new key
    assert seen.sig1.nonce != seen.sig2.nonce
    assert seen.json() == {"public_key": new_b64, "alg": "ed25519"}
    # The old key still works for the next request until the caller switches.
    stub.script = lambda seen: approved()
    client.get_charge("ch_1")
    assert stub.seen[1].error is None


def test_rotate_key_refuses_a_confirmation_of_another_key(stub: WalletStub, client: WalletClient) -> None:
    other = public_key_b64(PrivateKeySigner.generate().public_key_bytes())
    stub.script = lambda seen: Reply(body={"device_id": "dev-1", "alg": "ed25519", "public_key": other,
                                           "rotated_at": rfc3339(stub.clock())})
    with pytest.raises(UnverifiedResponse):
        client.rotate_key(PrivateKeySigner.generate())
