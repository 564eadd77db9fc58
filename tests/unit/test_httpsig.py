"""PayTerm's signature profile: round trips, binding, and each way a message can be tampered with."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from terminal.crypto import (
    Alg,
    BadSignature,
    CreatedOutOfWindow,
    DigestMismatch,
    Expired,
    HttpRequest,
    HttpResponse,
    MalformedSignature,
    MissingComponent,
    MissingDigest,
    MissingSignature,
    PrivateKeySigner,
    ReplayedNonce,
    SignatureError,
    UnknownKey,
    UnsupportedAlg,
    VerifiedSignature,
    VerifyKey,
    WrongTag,
    content_digest,
    public_key_b64,
    public_key_from_b64,
    sign_request,
    sign_response,
    verify_request,
    verify_response,
)
from terminal.crypto.sigcore import sign_message

NOW = 1_700_000_000
URL = "http://127.0.0.1:8787/v1/charges"
BODY = b'{"amount": 1200, "currency": "JPY", "payment_code": "281234567890123456"}'

M = TypeVar("M", HttpRequest, HttpResponse)


class NonceBook:
    """The caller's replay store: remembers (keyid, nonce) pairs."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, keyid: str, nonce: str, expires: int) -> bool:
        if (keyid, nonce) in self.seen:
            return False
        self.seen.add((keyid, nonce))
        return True


@pytest.fixture(scope="module", params=list(Alg), ids=[a.value for a in Alg])
def device(request: pytest.FixtureRequest) -> PrivateKeySigner:
    return PrivateKeySigner.generate(request.param)


@pytest.fixture(scope="module")
def wallet() -> PrivateKeySigner:
    return PrivateKeySigner.generate(Alg.ED25519)


def charge(idempotency_key: str = "idem-1", body: bytes = BODY) -> HttpRequest:
    return HttpRequest(
        "POST", URL, (("Content-Type", "application/json"), ("Idempotency-Key", idempotency_key)), body
    )


def resolver(*signers: tuple[str, PrivateKeySigner]) -> Callable[[str], VerifyKey]:
    keys = {keyid: VerifyKey.from_signer(signer) for keyid, signer in signers}

    def resolve(keyid: str) -> VerifyKey:
        if keyid not in keys:
            raise UnknownKey(f"unknown key {keyid}")
        return keys[keyid]

    return resolve


def set_header(message: M, name: str, value: str) -> M:
    headers = tuple((k, value if k.lower() == name.lower() else v) for k, v in message.headers)
    return replace(message, headers=headers)


def drop_header(message: M, name: str) -> M:
    return replace(message, headers=tuple((k, v) for k, v in message.headers if k.lower() != name.lower()))


def set_param(message: M, name: str, serialized: str) -> M:
    value = message.header("Signature-Input")
    assert value is not None
    changed = re.sub(rf";{name}=[^;]+", f";{name}={serialized}", value)
    assert changed != value
    return set_header(message, "Signature-Input", changed)


def check_request(request: HttpRequest, device: PrivateKeySigner, *, now: int = NOW,
                  nonces: NonceBook | None = None) -> VerifiedSignature:
    return verify_request(request, resolve_key=resolver(("dev-1", device)), now=now,
                          nonce_check=nonces if nonces is not None else NonceBook())


# --- requests ----------------------------------------------------------------------------------

def test_request_round_trip(device: PrivateKeySigner) -> None:
    signed = sign_request(charge(), device, keyid="dev-1", now=NOW)
    result = verify_request(signed, resolve_key=resolver(("dev-1", device)), now=NOW + 5, nonce_check=NonceBook())
    assert result.keyid == "dev-1" and result.alg is device.alg and result.tag == "payterm-v1"
    assert result.created == NOW and result.expires == NOW + 60
    assert result.covered == ('"@method"', '"@target-uri"', '"content-type"', '"content-digest"', '"idempotency-key"')
    assert signed.header("content-digest") == content_digest(BODY)
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", result.nonce)


def test_post_with_empty_body_gets_digest_get_does_not(device: PrivateKeySigner) -> None:
    post = sign_request(HttpRequest("POST", URL + "/ch_1/cancel", ()), device, keyid="dev-1", now=NOW)
    assert post.header("Content-Digest") == content_digest(b"")
    get = sign_request(HttpRequest("GET", URL + "?idempotency_key=k1", ()), device, keyid="dev-1", now=NOW)
    assert get.header("Content-Digest") is None
    for request in (post, get):
        check_request(request, device)


def test_given_nonce_is_used(device: PrivateKeySigner) -> None:
    signed = sign_request(charge(), device, keyid="dev-1", now=NOW, nonce="fixed-nonce")
    assert check_request(signed, device).nonce == "fixed-nonce"


def test_signing_refuses_a_body_that_does_not_match_its_digest(device: PrivateKeySigner) -> None:
    request = charge().with_headers(("Content-Digest", content_digest(b"something else")))
    with pytest.raises(DigestMismatch):
        sign_request(request, device, keyid="dev-1", now=NOW)


TAMPERED_REQUESTS: dict[str, tuple[Callable[[HttpRequest], HttpRequest], type[SignatureError]]] = {
    "method": (lambda r: replace(r, method="PUT"), BadSignature),
    "target-uri path": (lambda r: replace(r, url=URL + "/other"), BadSignature),
    "target-uri query": (lambda r: replace(r, url=URL + "?x=1"), BadSignature),
    "target-uri port": (lambda r: replace(r, url=URL.replace("8787", "8788")), BadSignature),
    "content-type": (lambda r: set_header(r, "Content-Type", "text/plain"), BadSignature),
    "content-digest": (lambda r: set_header(r, "Content-Digest", content_digest(b"x")), BadSignature),
    "digest and body together": (
        lambda r: set_header(replace(r, body=b"{}"), "Content-Digest", content_digest(b"{}")), BadSignature),
    "idempotency-key": (lambda r: set_header(r, "Idempotency-Key", "idem-2"), BadSignature),
    "body": (lambda r: replace(r, body=BODY.replace(b"1200", b"9200")), DigestMismatch),
    "created (small)": (lambda r: set_param(r, "created", str(NOW + 1)), BadSignature),
    "created (beyond skew)": (lambda r: set_param(r, "created", str(NOW - 400)), CreatedOutOfWindow),
    "expires (small)": (lambda r: set_param(r, "expires", str(NOW + 61)), BadSignature),
    "expires (lifetime too long)": (lambda r: set_param(r, "expires", str(NOW + 3600)), Expired),
    "expires (in the past)": (lambda r: set_param(r, "expires", str(NOW - 1)), Expired),
    "nonce": (lambda r: set_param(r, "nonce", '"another-nonce"'), BadSignature),
    "keyid (unknown)": (lambda r: set_param(r, "keyid", '"dev-9"'), UnknownKey),
    "keyid (other known key)": (lambda r: set_param(r, "keyid", '"dev-2"'), BadSignature),
    "alg (other)": (lambda r: set_param(r, "alg", '"rsa-pss-sha512"'), UnsupportedAlg),
    "tag": (lambda r: set_param(r, "tag", '"other-app"'), WrongTag),
    "signature bytes": (lambda r: set_header(r, "Signature", "sig1=:" + "A" * 86 + "==:"), BadSignature),
    "signature removed": (lambda r: drop_header(r, "Signature"), MissingSignature),
    "signature-input garbage": (lambda r: set_header(r, "Signature-Input", "sig1=(((("), MalformedSignature),
    "idempotency-key added after signing": (lambda r: r.with_headers(("Idempotency-Key", "x")), BadSignature),
    "digest removed": (lambda r: drop_header(r, "Content-Digest"), MissingDigest),
}


@pytest.mark.parametrize("case", list(TAMPERED_REQUESTS))
def test_tampered_request_fails(device: PrivateKeySigner, case: str) -> None:
    tamper, expected = TAMPERED_REQUESTS[case]
    other = PrivateKeySigner.generate(device.alg)
    signed = sign_request(charge(), device, keyid="dev-1", now=NOW)
    nonces = NonceBook()
    with pytest.raises(expected):
        verify_request(tamper(signed), resolve_key=resolver(("dev-1", device), ("dev-2", other)),
                       now=NOW, nonce_check=nonces)
    assert nonces.seen == set(), "a rejected request must not burn its nonce"


def test_alg_param_of_the_other_supported_alg_fails(device: PrivateKeySigner) -> None:
    other = next(a for a in Alg if a is not device.alg)
    signed = set_param(sign_request(charge(), device, keyid="dev-1", now=NOW), "alg", f'"{other.value}"')
    with pytest.raises(UnsupportedAlg):
        check_request(signed, device)


def test_uncovered_header_present_is_missing_component(device: PrivateKeySigner) -> None:
    """An Idempotency-Key header that the signature does not cover is refused, not ignored."""
    unsigned_key = sign_request(drop_header(charge(), "Idempotency-Key"), device, keyid="dev-1", now=NOW)
    with pytest.raises(MissingComponent):
        check_request(unsigned_key.with_headers(("Idempotency-Key", "idem-9")), device)


def test_replayed_nonce(device: PrivateKeySigner) -> None:
    signed = sign_request(charge(), device, keyid="dev-1", now=NOW)
    nonces = NonceBook()
    check_request(signed, device, nonces=nonces)
    with pytest.raises(ReplayedNonce) as err:
        check_request(signed, device, now=NOW + 1, nonces=nonces)
    assert err.value.code == "replayed_nonce"


@pytest.mark.parametrize(("now", "expected"), [
    (NOW - 301, CreatedOutOfWindow),   # signed 301 s in the future of the verifier
    (NOW + 301, CreatedOutOfWindow),   # signed 301 s ago (also expired; the skew is reported)
    (NOW + 60, Expired),               # expires == now
    (NOW + 200, Expired),
])
def test_time_window(device: PrivateKeySigner, now: int, expected: type[SignatureError]) -> None:
    signed = sign_request(charge(), device, keyid="dev-1", now=NOW)
    with pytest.raises(expected):
        check_request(signed, device, now=now)


@pytest.mark.parametrize("now", [NOW - 300, NOW, NOW + 59])
def test_time_window_edges_accepted(device: PrivateKeySigner, now: int) -> None:
    check_request(sign_request(charge(), device, keyid="dev-1", now=NOW), device, now=now)


def test_revoked_key_has_its_own_code(device: PrivateKeySigner) -> None:
    def revoked(keyid: str) -> VerifyKey:
        raise UnknownKey(f"{keyid} was revoked", revoked=True)

    signed = sign_request(charge(), device, keyid="dev-1", now=NOW)
    with pytest.raises(UnknownKey) as err:
        verify_request(signed, resolve_key=revoked, now=NOW, nonce_check=None)
    assert err.value.code == "revoked_key" and err.value.revoked


def test_key_rotation_two_signatures_coexist(device: PrivateKeySigner) -> None:
    new = PrivateKeySigner.generate(Alg.ED25519)
    both = sign_request(sign_request(charge(), device, keyid="dev-1", now=NOW), new, keyid="dev-1b", now=NOW,
                        label="sig2")
    keys = resolver(("dev-1", device), ("dev-1b", new))
    assert verify_request(both, resolve_key=keys, now=NOW, nonce_check=None).keyid == "dev-1"
    assert verify_request(both, resolve_key=keys, now=NOW, nonce_check=None, label="sig2").keyid == "dev-1b"
    assert len(both.headers) == len(sign_request(charge(), device, keyid="dev-1", now=NOW).headers)


# --- responses ---------------------------------------------------------------------------------

APPROVED = b'{"id": "ch_1", "status": "approved", "amount": 1200, "currency": "JPY"}'


def approval(body: bytes = APPROVED, status: int = 201) -> HttpResponse:
    return HttpResponse(status, (("Content-Type", "application/json"),), body)


def wallet_keys(wallet: PrivateKeySigner) -> dict[str, VerifyKey]:
    return {"wallet-1": VerifyKey.from_signer(wallet)}


def test_response_round_trip(device: PrivateKeySigner, wallet: PrivateKeySigner) -> None:
    request = sign_request(charge(), device, keyid="dev-1", now=NOW)
    response = sign_response(approval(), request, wallet, keyid="wallet-1", now=NOW + 1)
    result = verify_response(response, request, keys=wallet_keys(wallet), now=NOW + 2)
    assert result.covered == ('"@status"', '"content-type"', '"content-digest"', '"@method";req',
                              '"@target-uri";req', '"signature";req;key="sig1"')
    assert result.keyid == "wallet-1"


def test_response_with_ecdsa_wallet_key(device: PrivateKeySigner) -> None:
    wallet = PrivateKeySigner.generate(Alg.ECDSA_P256_SHA256)
    request = sign_request(charge(), device, keyid="dev-1", now=NOW)
    response = sign_response(approval(), request, wallet, keyid="wallet-1", now=NOW)
    assert verify_response(response, request, keys=wallet_keys(wallet), now=NOW).alg is Alg.ECDSA_P256_SHA256


def test_old_approval_replayed_for_a_new_request_fails(device: PrivateKeySigner, wallet: PrivateKeySigner) -> None:
    """Same URL, same body, same idempotency key: only the request's signature differs."""
    first = sign_request(charge(), device, keyid="dev-1", now=NOW)
    second = sign_request(charge(), device, keyid="dev-1", now=NOW + 5)
    assert first.url == second.url and first.body == second.body
    response = sign_response(approval(), first, wallet, keyid="wallet-1", now=NOW)
    verify_response(response, first, keys=wallet_keys(wallet), now=NOW + 5)
    with pytest.raises(BadSignature):
        verify_response(response, second, keys=wallet_keys(wallet), now=NOW + 5)


@pytest.mark.parametrize("other", [
    lambda r: replace(r, url=URL + "/ch_1/cancel"),
    lambda r: replace(r, method="PUT"),
])
def test_response_for_another_method_or_uri_fails(device: PrivateKeySigner, wallet: PrivateKeySigner,
                                                  other: Callable[[HttpRequest], HttpRequest]) -> None:
    request = sign_request(charge(), device, keyid="dev-1", now=NOW)
    response = sign_response(approval(), request, wallet, keyid="wallet-1", now=NOW)
    with pytest.raises(BadSignature):
        verify_response(response, other(request), keys=wallet_keys(wallet), now=NOW)


TAMPERED_RESPONSES: dict[str, tuple[Callable[[HttpResponse], HttpResponse], type[SignatureError]]] = {
    "status": (lambda r: replace(r, status=200), BadSignature),
    "content-type": (lambda r: set_header(r, "Content-Type", "text/html"), BadSignature),
    "content-digest": (lambda r: set_header(r, "Content-Digest", content_digest(b"{}")), BadSignature),
    "body": (lambda r: replace(r, body=APPROVED.replace(b"approved", b"declined")), DigestMismatch),
    "digest removed": (lambda r: drop_header(r, "Content-Digest"), MissingDigest),
    "created": (lambda r: set_param(r, "created", str(NOW + 2)), BadSignature),
    "expires": (lambda r: set_param(r, "expires", str(NOW)), Expired),
    "nonce": (lambda r: set_param(r, "nonce", '"x"'), BadSignature),
    "keyid": (lambda r: set_param(r, "keyid", '"wallet-9"'), UnknownKey),
    "alg": (lambda r: set_param(r, "alg", '"ecdsa-p256-sha256"'), UnsupportedAlg),
    "tag": (lambda r: set_param(r, "tag", '"payterm-v2"'), WrongTag),
    "unsigned": (lambda r: drop_header(drop_header(r, "Signature"), "Signature-Input"), MissingSignature),
}


@pytest.mark.parametrize("case", list(TAMPERED_RESPONSES))
def test_tampered_response_fails(device: PrivateKeySigner, wallet: PrivateKeySigner, case: str) -> None:
    tamper, expected = TAMPERED_RESPONSES[case]
    request = sign_request(charge(), device, keyid="dev-1", now=NOW)
    response = sign_response(approval(), request, wallet, keyid="wallet-1", now=NOW + 1)
    with pytest.raises(expected):
        verify_response(tamper(response), request, keys=wallet_keys(wallet), now=NOW + 1)


def test_response_not_bound_to_the_request_signature_is_refused(device: PrivateKeySigner,
                                                                wallet: PrivateKeySigner) -> None:
    request = sign_request(charge(), device, keyid="dev-1", now=NOW)
    unbound = sign_response(approval(), charge(), wallet, keyid="wallet-1", now=NOW)  # signed for unsigned twin
    assert '"signature";req' not in (unbound.header("Signature-Input") or "")
    with pytest.raises(MissingComponent):
        verify_response(unbound, request, keys=wallet_keys(wallet), now=NOW)


def test_response_to_an_unsigned_request(wallet: PrivateKeySigner) -> None:
    """E.g. the wallet's 401 for a request without signature: bound by method and URI only."""
    request = charge()
    problem = HttpResponse(401, (("Content-Type", "application/problem+json"),), b'{"code": "missing_signature"}')
    response = sign_response(problem, request, wallet, keyid="wallet-1", now=NOW)
    result = verify_response(response, request, keys=wallet_keys(wallet), now=NOW, require_request_signature=False)
    assert '"signature";req;key="sig1"' not in result.covered
    with pytest.raises(MissingComponent):
        verify_response(response, request, keys=wallet_keys(wallet), now=NOW)


def test_empty_response_without_digest(device: PrivateKeySigner, wallet: PrivateKeySigner) -> None:
    request = sign_request(charge(), device, keyid="dev-1", now=NOW)
    response = sign_response(HttpResponse(204, ()), request, wallet, keyid="wallet-1", now=NOW)
    assert response.header("Content-Digest") is None
    assert verify_response(response, request, keys=wallet_keys(wallet), now=NOW).covered[0] == '"@status"'


@pytest.mark.parametrize(("now", "expected"), [(NOW + 400, CreatedOutOfWindow), (NOW - 400, CreatedOutOfWindow),
                                               (NOW + 61, Expired)])
def test_response_time_window(device: PrivateKeySigner, wallet: PrivateKeySigner, now: int,
                              expected: type[SignatureError]) -> None:
    request = sign_request(charge(), device, keyid="dev-1", now=NOW)
    response = sign_response(approval(), request, wallet, keyid="wallet-1", now=NOW)
    with pytest.raises(expected):
        verify_response(response, request, keys=wallet_keys(wallet), now=now)


# --- messages and keys -------------------------------------------------------------------------

def test_header_lookup_combines_field_lines_case_insensitively() -> None:
    request = HttpRequest("GET", URL, (("Accept", "a/b"), ("X-Other", "1"), ("accept", "c/d")))
    assert request.header("ACCEPT") == "a/b, c/d"
    assert request.header("missing") is None
    assert request.with_headers(("X-New", "v")).headers[-1] == ("X-New", "v")


def test_error_codes_are_stable() -> None:
    assert {cls.code for cls in (MissingSignature, MalformedSignature, UnknownKey, BadSignature, MissingDigest,
                                 DigestMismatch, CreatedOutOfWindow, Expired, ReplayedNonce, MissingComponent,
                                 WrongTag, UnsupportedAlg)} == {
        "missing_signature", "malformed_signature", "unknown_key", "bad_signature", "digest_mismatch",
        "clock_skew", "expired", "replayed_nonce", "missing_component", "wrong_tag", "unsupported_alg"}
    assert all(issubclass(cls, SignatureError) for cls in (UnknownKey, DigestMismatch, WrongTag))
    assert UnknownKey("x").code == "unknown_key"


def test_missing_parameters_and_inverted_lifetime_are_malformed(device: PrivateKeySigner) -> None:
    covered = ('"@method"', '"@target-uri"', '"content-type"', '"content-digest"', '"idempotency-key"')
    base = sign_request(charge(), device, keyid="dev-1", now=NOW)
    unsigned = drop_header(drop_header(base, "Signature"), "Signature-Input")
    no_nonce = sign_message(unsigned, device, label="sig1", covered=covered, keyid="dev-1", created=NOW,
                            expires=NOW + 60, tag="payterm-v1")
    inverted = sign_message(unsigned, device, label="sig1", covered=covered, keyid="dev-1", created=NOW + 10,
                            expires=NOW + 5, nonce="n", tag="payterm-v1")
    for request in (no_nonce, inverted):
        with pytest.raises(MalformedSignature):
            check_request(request, device)


def test_key_objects_and_encodings() -> None:
    with pytest.raises(UnsupportedAlg):
        PrivateKeySigner(ec.generate_private_key(ec.SECP384R1()))
    signer = PrivateKeySigner.generate(Alg.ECDSA_P256_SHA256)
    raw = signer.public_key_bytes()
    assert len(raw) == 65 and raw[0] == 4
    assert public_key_from_b64(public_key_b64(raw)) == raw
    with pytest.raises(ValueError):
        public_key_from_b64("not base64!")
    with pytest.raises(ValueError):
        VerifyKey(Alg.ED25519, raw)  # a P-256 point is not an Ed25519 key
    key = VerifyKey.from_signer(signer)
    assert key.verify(signer.sign(b"data"), b"data")
    assert not key.verify(signer.sign(b"data"), b"date")
    assert not key.verify(b"\x00" * 10, b"data")
    assert "PrivateKeySigner(alg=ecdsa-p256-sha256)" == repr(signer)
    with pytest.raises(UnsupportedAlg):
        Alg.parse("hmac-sha256")
