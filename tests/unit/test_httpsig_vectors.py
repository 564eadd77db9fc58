"""RFC 9421 Appendix B vectors through our adapters and signers (sigcore), byte for byte."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from terminal.crypto.errors import BadSignature
from terminal.crypto.keys import Alg, PrivateKeySigner, VerifyKey
from terminal.crypto.messages import HttpRequest, HttpResponse
from terminal.crypto.sigcore import sign_message, verify_message_signature
from tests.unit.vectors import rfc9421 as v


def _split(raw: str) -> tuple[str, tuple[tuple[str, str], ...], bytes]:
    head, body = raw.split("\n\n", 1)
    start, *lines = head.split("\n")
    headers = tuple((name, value.strip()) for name, value in (line.split(":", 1) for line in lines))
    return start, headers, body.encode()


def rfc_request() -> HttpRequest:
    start, headers, body = _split(v.TEST_REQUEST)
    method, target, _ = start.split(" ")
    host = dict(headers)["Host"]
    return HttpRequest(method, f"https://{host}{target}", headers, body)


def rfc_response() -> HttpResponse:
    start, headers, body = _split(v.TEST_RESPONSE)
    return HttpResponse(int(start.split(" ")[1]), headers, body)


class RecordingSigner:
    """A real Ed25519 signer that also keeps what it was asked to sign (the signature base)."""

    def __init__(self, inner: PrivateKeySigner) -> None:
        self.inner = inner
        self.signed: list[bytes] = []

    @property
    def alg(self) -> Alg:
        return self.inner.alg

    def sign(self, data: bytes) -> bytes:
        self.signed.append(data)
        return self.inner.sign(data)

    def public_key_bytes(self) -> bytes:
        return self.inner.public_key_bytes()


@pytest.fixture(scope="module")
def ed25519_signer() -> PrivateKeySigner:
    key = load_pem_private_key(v.TEST_KEY_ED25519_PRIVATE_PEM.encode(), password=None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    return PrivateKeySigner(key)


def _raw_ecc_public() -> bytes:
    key = load_pem_public_key(v.TEST_KEY_ECC_P256_PUBLIC_PEM.encode())
    assert isinstance(key, ec.EllipticCurvePublicKey)
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def test_b26_ed25519_request_signature_byte_for_byte(ed25519_signer: PrivateKeySigner) -> None:
    signer = RecordingSigner(ed25519_signer)
    signed = sign_message(
        rfc_request(), signer, label=v.B26_LABEL, covered=v.B26_COVERED,
        keyid=v.B26_KEYID, created=v.B26_CREATED, include_alg=False,
    )
    assert signer.signed == [v.B26_SIGNATURE_BASE.encode()]
    assert signed.header("Signature-Input") == v.B26_SIGNATURE_INPUT
    assert signed.header("Signature") == v.B26_SIGNATURE


def test_b26_public_key_matches_private_key(ed25519_signer: PrivateKeySigner) -> None:
    published = load_pem_public_key(v.TEST_KEY_ED25519_PUBLIC_PEM.encode())
    assert published.public_bytes(Encoding.Raw, PublicFormat.Raw) == ed25519_signer.public_key_bytes()


def test_b26_published_signature_verifies() -> None:
    published = load_pem_public_key(v.TEST_KEY_ED25519_PUBLIC_PEM.encode())
    key = VerifyKey(Alg.ED25519, published.public_bytes(Encoding.Raw, PublicFormat.Raw))
    request = rfc_request().with_headers(("Signature-Input", v.B26_SIGNATURE_INPUT), ("Signature", v.B26_SIGNATURE))
    result = verify_message_signature(request, label=v.B26_LABEL, key=key)
    assert result.parameters["keyid"] == v.B26_KEYID
    raw = base64.b64decode(v.B26_SIGNATURE.split(":")[1])
    assert key.verify(raw, v.B26_SIGNATURE_BASE.encode())


def test_b24_ecdsa_p256_response_verifies() -> None:
    key = VerifyKey(Alg.ECDSA_P256_SHA256, _raw_ecc_public())
    response = rfc_response().with_headers(
        ("Signature-Input", v.B24_SIGNATURE_INPUT), ("Signature", v.B24_SIGNATURE)
    )
    result = verify_message_signature(response, label="sig-b24", key=key, request=rfc_request())
    assert result.parameters == {"created": 1618884473, "keyid": "test-key-ecc-p256"}
    assert "\n".join(f"{k}: {val}" for k, val in result.covered_components.items()) == v.B24_SIGNATURE_BASE
    raw = base64.b64decode(v.B24_SIGNATURE.split(":")[1])
    assert key.verify(raw, v.B24_SIGNATURE_BASE.encode())


def test_b24_fails_when_the_response_is_altered() -> None:
    key = VerifyKey(Alg.ECDSA_P256_SHA256, _raw_ecc_public())
    _, headers, body = _split(v.TEST_RESPONSE)
    altered = HttpResponse(201, headers, body).with_headers(
        ("Signature-Input", v.B24_SIGNATURE_INPUT), ("Signature", v.B24_SIGNATURE)
    )
    with pytest.raises(BadSignature):
        verify_message_signature(altered, label="sig-b24", key=key, request=rfc_request())


def test_b24_signature_base_with_our_ecdsa_signer_round_trips() -> None:
    """Our ECDSA signer emits raw r||s (64 bytes) that the library's verifier accepts."""
    signer = PrivateKeySigner.generate(Alg.ECDSA_P256_SHA256)
    recorder = RecordingSigner(signer)
    signed = sign_message(
        rfc_response(), recorder, label="sig-b24",
        covered=('"@status"', '"content-type"', '"content-digest"', '"content-length"'),
        keyid="test-key-ecc-p256", created=1618884473, include_alg=False, request=rfc_request(),
    )
    assert recorder.signed == [v.B24_SIGNATURE_BASE.encode()]
    assert signed.header("Signature-Input") == v.B24_SIGNATURE_INPUT
    assert len(base64.b64decode(signed.header("Signature").split(":")[1])) == 64  # type: ignore[union-attr]
    verify_message_signature(signed, label="sig-b24", key=VerifyKey.from_signer(signer), request=rfc_request())
