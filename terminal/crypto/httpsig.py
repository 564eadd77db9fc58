"""PayTerm's HTTP message signature profile (RFC 9421 + RFC 9530), for the register and the wallet.

Requests are signed by the device key, responses by the wallet key and bound to the request
(`;req`), so an approval cannot be replayed onto another request. The rules (DESIGN.md, "Wallet
API v1"): label `sig1`; params created, expires (created + 60), nonce, keyid, alg, tag
"payterm-v1"; requests cover "@method" "@target-uri" and content-type, content-digest,
idempotency-key where present; responses cover "@status", content-type, content-digest where
present and "@method";req "@target-uri";req "signature";req;key="sig1".

Verification order: parse, tag, time window, key and alg, required coverage, signature (library),
body digest, and only then the nonce, so that forged requests cannot burn nonces.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from terminal.crypto.digest import check_content_digest, content_digest
from terminal.crypto.errors import (
    CreatedOutOfWindow,
    Expired,
    MalformedSignature,
    MissingComponent,
    MissingDigest,
    ReplayedNonce,
    UnknownKey,
    UnsupportedAlg,
    WrongTag,
)
from terminal.crypto.keys import Alg, KeySigner, VerifyKey
from terminal.crypto.messages import HttpRequest, HttpResponse
from terminal.crypto.sigcore import (
    SIGNATURE_PARAMS_ID,
    ParsedSignature,
    component_id,
    parse_signature,
    sign_message,
    signature_labels,
    verify_message_signature,
)

__all__ = [
    "HttpRequest", "HttpResponse", "KeyResolver", "NonceCheck", "VerifiedSignature", "check_content_digest",
    "content_digest", "new_nonce", "sign_request", "sign_response", "verify_request", "verify_response",
]

DEFAULT_LABEL = "sig1"
DEFAULT_TAG = "payterm-v1"
# Longest created..expires span accepted (the protocol signs for 60 s).
DEFAULT_MAX_LIFETIME = 300
SIGNATURE_LIFETIME = 60  # seconds from `created` to `expires` of the signatures we make (DESIGN.md)
# Methods whose requests always carry a Content-Digest, even for an empty body.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Request fields covered whenever present, in this order after "@method" "@target-uri".
OPTIONAL_REQUEST_FIELDS = ("content-type", "content-digest", "idempotency-key")
OPTIONAL_RESPONSE_FIELDS = ("content-type", "content-digest")

M = TypeVar("M", HttpRequest, HttpResponse)

KeyResolver = Callable[[str], VerifyKey]  # raises UnknownKey for unknown/revoked keyids
NonceCheck = Callable[[str, str, int], bool]  # (keyid, nonce, expires) -> True if FIRST seen


@dataclass(frozen=True)
class VerifiedSignature:
    label: str
    keyid: str
    alg: Alg
    created: int
    expires: int
    nonce: str
    tag: str
    covered: tuple[str, ...]  # serialized component ids, e.g. ('"@method"', '"@target-uri"', ...)


def new_nonce() -> str:
    """128 random bits, base64url without padding."""
    return secrets.token_urlsafe(16)


def _field(name: str) -> str:
    return f'"{name}"'


def _with_digest(message: M, required: bool) -> M:
    """The message with a Content-Digest: checked if present, added if absent and required."""
    existing = message.header("content-digest")
    if existing is not None:
        check_content_digest(existing, message.body)
        return message
    if required:
        return message.with_headers(("Content-Digest", content_digest(message.body)))
    return message


def _expiry(now: int, expires_in: int) -> int:
    if expires_in <= 0:
        raise ValueError("expires_in must be positive")
    return now + expires_in


def sign_request(
    request: HttpRequest,
    signer: KeySigner,
    *,
    keyid: str,
    now: int,
    nonce: str | None = None,
    expires_in: int = SIGNATURE_LIFETIME,
    label: str = DEFAULT_LABEL,
    tag: str = DEFAULT_TAG,
) -> HttpRequest:
    """The request with Content-Digest (for a body or POST/PUT/PATCH), Signature-Input, Signature.

    An existing signature is kept and `label` appended, so sig1 + sig2 can coexist (key rotation).
    """
    needs_digest = bool(request.body) or request.method.upper() in BODY_METHODS
    request = _with_digest(request, needs_digest)
    covered = ('"@method"', '"@target-uri"') + tuple(
        _field(name) for name in OPTIONAL_REQUEST_FIELDS if request.header(name) is not None
    )
    return sign_message(
        request, signer, label=label, covered=covered, keyid=keyid, created=now,
        expires=_expiry(now, expires_in), nonce=nonce or new_nonce(), tag=tag,
    )


def _request_binding(request_label: str, bind_signature: bool) -> tuple[str, ...]:
    ids = ('"@method";req', '"@target-uri";req')
    if not bind_signature:
        return ids
    return (*ids, f'"signature";req;key="{request_label}"')


def sign_response(
    response: HttpResponse,
    request: HttpRequest,
    signer: KeySigner,
    *,
    keyid: str,
    now: int,
    nonce: str | None = None,
    expires_in: int = SIGNATURE_LIFETIME,
    label: str = DEFAULT_LABEL,
    request_label: str = DEFAULT_LABEL,
    tag: str = DEFAULT_TAG,
) -> HttpResponse:
    """The response signed and bound to `request` with `;req` components.

    If the request carries no signature `request_label` (e.g. a 401 for an unsigned request), the
    response covers "@method";req "@target-uri";req only.
    """
    response = _with_digest(response, bool(response.body))
    covered = ('"@status"',) + tuple(
        _field(name) for name in OPTIONAL_RESPONSE_FIELDS if response.header(name) is not None
    )
    covered += _request_binding(request_label, request_label in signature_labels(request.headers))
    return sign_message(
        response, signer, label=label, covered=covered, keyid=keyid, created=now,
        expires=_expiry(now, expires_in), nonce=nonce or new_nonce(), tag=tag, request=request,
    )


@dataclass(frozen=True)
class _Params:
    keyid: str
    alg: str | None
    created: int
    expires: int
    nonce: str
    tag: str


def _params(parsed: ParsedSignature, tag: str) -> _Params:
    p = parsed.params
    if "tag" not in p or p["tag"] != tag:
        raise WrongTag(f"signature tag is {p.get('tag')!r}, expected {tag!r}")
    for name, kind in (("keyid", str), ("nonce", str), ("created", int), ("expires", int)):
        if name not in p:
            raise MalformedSignature(f"signature parameter {name!r} is missing")
        if type(p[name]) is not kind:
            raise MalformedSignature(f"signature parameter {name!r} has the wrong type")
    alg = p.get("alg")
    if alg is not None and not isinstance(alg, str):
        raise MalformedSignature("signature parameter 'alg' is not a string")
    return _Params(p["keyid"], alg, p["created"], p["expires"], p["nonce"], p["tag"])


def _check_window(params: _Params, *, now: int, max_skew: int, max_lifetime: int) -> None:
    if abs(params.created - now) > max_skew:
        raise CreatedOutOfWindow(f"created is {params.created - now:+d} s from now (allowed ±{max_skew} s)")
    if params.expires <= now:
        raise Expired("the signature has expired")
    if params.expires <= params.created:
        raise MalformedSignature("expires is not after created")
    if params.expires - params.created > max_lifetime:
        raise Expired(f"the signature's lifetime exceeds {max_lifetime} s")


def _check_alg(params: _Params, key: VerifyKey) -> None:
    if params.alg is not None and Alg.parse(params.alg) is not key.alg:
        raise UnsupportedAlg(f"signature alg {params.alg!r} is not the key's alg {key.alg.value!r}")


def _check_coverage(parsed: ParsedSignature, required: tuple[str, ...]) -> None:
    covered = set(parsed.covered)
    missing = [serialized for serialized in required if component_id(serialized) not in covered]
    if missing:
        raise MissingComponent(f"signature does not cover {' '.join(missing)}")


def _present(message: HttpRequest | HttpResponse, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_field(name) for name in names if message.header(name) is not None)


def _check_body(message: HttpRequest | HttpResponse) -> None:
    """The body must be covered by a matching digest (an empty body without one is fine)."""
    digest = message.header("content-digest")
    if digest is None and message.body:
        raise MissingDigest("the message has a body but no Content-Digest")
    if digest is not None:
        check_content_digest(digest, message.body)


def _result(parsed: ParsedSignature, params: _Params, key: VerifyKey, covered: tuple[str, ...]) -> VerifiedSignature:
    return VerifiedSignature(
        label=parsed.label, keyid=params.keyid, alg=key.alg, created=params.created,
        expires=params.expires, nonce=params.nonce, tag=params.tag,
        covered=tuple(c for c in covered if c != SIGNATURE_PARAMS_ID),
    )


def verify_request(
    request: HttpRequest,
    *,
    resolve_key: KeyResolver,
    now: int,
    nonce_check: NonceCheck | None,
    max_skew: int = 300,
    label: str = DEFAULT_LABEL,
    tag: str = DEFAULT_TAG,
    max_lifetime: int = DEFAULT_MAX_LIFETIME,
) -> VerifiedSignature:
    """Verify the request's signature `label` by PayTerm's rules; raise a SignatureError if not."""
    parsed = parse_signature(request.headers, label)
    params = _params(parsed, tag)
    _check_window(params, now=now, max_skew=max_skew, max_lifetime=max_lifetime)
    key = resolve_key(params.keyid)
    _check_alg(params, key)
    if request.body and request.header("content-digest") is None:
        raise MissingDigest("the request has a body but no Content-Digest")
    _check_coverage(parsed, ('"@method"', '"@target-uri"') + _present(request, OPTIONAL_REQUEST_FIELDS))
    result = verify_message_signature(request, label=label, key=key)
    _check_body(request)
    if nonce_check is not None and not nonce_check(params.keyid, params.nonce, params.expires):
        raise ReplayedNonce("this nonce was already used")
    return _result(parsed, params, key, tuple(result.covered_components))


def verify_response(
    response: HttpResponse,
    request: HttpRequest,
    *,
    keys: Mapping[str, VerifyKey],
    now: int,
    max_skew: int = 300,
    label: str = DEFAULT_LABEL,
    request_label: str = DEFAULT_LABEL,
    tag: str = DEFAULT_TAG,
    require_request_signature: bool = True,
) -> VerifiedSignature:
    """Verify the wallet's signature on `response`, bound to THE `request` this client sent."""
    parsed = parse_signature(response.headers, label)
    params = _params(parsed, tag)
    _check_window(params, now=now, max_skew=max_skew, max_lifetime=DEFAULT_MAX_LIFETIME)
    key = keys.get(params.keyid)
    if key is None:
        raise UnknownKey(f"response signed by unknown key {params.keyid!r}")
    _check_alg(params, key)
    if response.body and response.header("content-digest") is None:
        raise MissingDigest("the response has a body but no Content-Digest")
    required = ('"@status"',) + _present(response, OPTIONAL_RESPONSE_FIELDS)
    _check_coverage(parsed, required + _request_binding(request_label, require_request_signature))
    result = verify_message_signature(response, label=label, key=key, request=request)
    _check_body(response)
    return _result(parsed, params, key, tuple(result.covered_components))

