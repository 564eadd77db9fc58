"""Property tests: any body and header values round-trip; any single-byte body flip is caught."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terminal.crypto import (
    Alg,
    DigestMismatch,
    HttpRequest,
    HttpResponse,
    PrivateKeySigner,
    VerifyKey,
    sign_request,
    sign_response,
    verify_request,
    verify_response,
)

NOW = 1_700_000_000
DEVICE = {alg: PrivateKeySigner.generate(alg) for alg in Alg}
WALLET = PrivateKeySigner.generate(Alg.ED25519)
WALLET_KEYS = {"wallet-1": VerifyKey.from_signer(WALLET)}

# Visible ASCII with inner spaces: what a field value may hold (RFC 9110 5.5), trimmed.
field_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40).map(
    str.strip).filter(bool)
extra_headers = st.lists(
    st.tuples(st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).map(lambda n: "x-" + n), field_values),
    max_size=4,
)
paths = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_~", max_size=20)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _request(alg: Alg, body: bytes, content_type: str, idem: str | None, extra: list[tuple[str, str]],
             path: str) -> HttpRequest:
    headers = [("Content-Type", content_type), *extra]
    if idem is not None:
        headers.append(("Idempotency-Key", idem))
    request = HttpRequest("POST", f"http://127.0.0.1:8787/v1/{path}", tuple(headers), body)
    return sign_request(request, DEVICE[alg], keyid="dev-1", now=NOW)


def _verify(request: HttpRequest, alg: Alg) -> None:
    verify_request(request, resolve_key=lambda _k: VerifyKey.from_signer(DEVICE[alg]), now=NOW, nonce_check=None)


@SETTINGS
@given(alg=st.sampled_from(list(Alg)), body=st.binary(max_size=512), content_type=field_values,
       idem=st.none() | field_values, extra=extra_headers, path=paths)
def test_request_round_trip(alg: Alg, body: bytes, content_type: str, idem: str | None,
                            extra: list[tuple[str, str]], path: str) -> None:
    _verify(_request(alg, body, content_type, idem, extra, path), alg)


@SETTINGS
@given(alg=st.sampled_from(list(Alg)), body=st.binary(min_size=1, max_size=512), data=st.data())
def test_any_single_byte_flip_of_the_request_body_fails(alg: Alg, body: bytes, data: st.DataObject) -> None:
    signed = _request(alg, body, "application/json", "idem-1", [], "charges")
    index = data.draw(st.integers(0, len(body) - 1))
    flip = data.draw(st.integers(1, 255))
    tampered = bytearray(body)
    tampered[index] ^= flip
    with pytest.raises(DigestMismatch):
        _verify(replace(signed, body=bytes(tampered)), alg)


@SETTINGS
@given(body=st.binary(max_size=512), status=st.integers(200, 599), content_type=field_values, data=st.data())
def test_response_round_trip_and_body_flip(body: bytes, status: int, content_type: str, data: st.DataObject) -> None:
    request = _request(Alg.ED25519, b'{"amount": 1}', "application/json", "idem-1", [], "charges")
    response = sign_response(HttpResponse(status, (("Content-Type", content_type),), body), request, WALLET,
                             keyid="wallet-1", now=NOW)
    verify_response(response, request, keys=WALLET_KEYS, now=NOW)
    if body:
        index = data.draw(st.integers(0, len(body) - 1))
        tampered = bytearray(body)
        tampered[index] ^= data.draw(st.integers(1, 255))
        with pytest.raises(DigestMismatch):
            verify_response(replace(response, body=bytes(tampered)), request, keys=WALLET_KEYS, now=NOW)
