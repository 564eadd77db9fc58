"""Generic RFC 9421 signing and verification of one labelled signature, on our message values.

This is the thin layer over http-message-signatures: the library builds the signature base,
serializes Signature-Input / Signature and checks the cryptographic signature; we supply the
key (a `KeySigner` may live in a PKCS#11 token, so we use the library's prepare()/apply() split
and sign the base ourselves) and map library exceptions onto our error hierarchy.

PayTerm's policy (which components, which parameters, time window, tag, nonces) lives in
httpsig.py, not here; the RFC 9421 Appendix B vectors are tested against this layer directly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

import http_sf
from http_message_signatures import (
    HTTPMessageSignaturesException,
    HTTPMessageSigner,
    HTTPSignatureKeyResolver,
    VerifyResult,
)

from terminal.crypto.errors import BadSignature, MalformedSignature, MissingSignature
from terminal.crypto.keys import LIBRARY_ALGORITHMS, KeySigner, PublicKeyObject, VerifyKey
from terminal.crypto.libadapter import InjectedClockVerifier, LibRequest, LibResponse
from terminal.crypto.messages import Headers, HttpRequest, HttpResponse

Message = TypeVar("Message", HttpRequest, HttpResponse)

# A covered component's identity: its name and its parameters, order-insensitive (RFC 9421 2).
ComponentId = tuple[str, frozenset[tuple[str, Any]]]

SIGNATURE_PARAMS_ID = '"@signature-params"'


def component_id(serialized: str) -> ComponentId:
    """Identity of a serialized component id such as '"signature";req;key="sig1"'."""
    value, params = cast(tuple[Any, dict[str, Any]], http_sf.parse(serialized.encode("ascii"), tltype="item"))
    return str(value), frozenset(params.items())


@dataclass(frozen=True)
class ParsedSignature:
    """One label's member of Signature-Input and Signature, parsed but not yet trusted."""

    label: str
    covered: tuple[ComponentId, ...]
    params: dict[str, Any]
    signature: bytes


def _combined(headers: Headers, name: str) -> str | None:
    values = [value for key, value in headers if key.lower() == name]
    return ", ".join(values) if values else None


def _dictionary(value: str, field: str) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Members of a Dictionary field: label -> (value or inner list, parameters)."""
    try:
        return cast(dict[str, tuple[Any, dict[str, Any]]], http_sf.parse(value.encode("ascii"), tltype="dictionary"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise MalformedSignature(f"{field} is not a valid structured field dictionary") from exc


def signature_labels(headers: Headers) -> frozenset[str]:
    """Labels present in a well-formed Signature field (empty if absent or malformed)."""
    value = _combined(headers, "signature")
    if value is None:
        return frozenset()
    try:
        return frozenset(_dictionary(value, "Signature"))
    except MalformedSignature:
        return frozenset()


def parse_signature(headers: Headers, label: str) -> ParsedSignature:
    """The member `label` of Signature-Input / Signature. MissingSignature if there is none."""
    inputs_value = _combined(headers, "signature-input")
    signatures_value = _combined(headers, "signature")
    if inputs_value is None or signatures_value is None:
        raise MissingSignature("the message carries no Signature-Input / Signature")
    inputs = _dictionary(inputs_value, "Signature-Input")
    signatures = _dictionary(signatures_value, "Signature")
    if label not in inputs or label not in signatures:
        raise MissingSignature(f"the message carries no signature labelled {label!r}")
    members, params = inputs[label]
    signature, _ = signatures[label]
    if not isinstance(members, list):
        raise MalformedSignature(f"Signature-Input {label!r} is not an inner list")
    if not isinstance(signature, bytes) or not signature:
        raise MalformedSignature(f"Signature {label!r} is not a byte sequence")
    covered: list[ComponentId] = []
    for value, item_params in members:
        if not isinstance(value, str):
            raise MalformedSignature(f"Signature-Input {label!r} names a component that is not a string")
        covered.append((value, frozenset(item_params.items())))
    return ParsedSignature(label, tuple(covered), dict(params), signature)


def _timestamp(value: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)


def _lib_message(message: HttpRequest | HttpResponse, request: HttpRequest | None) -> LibRequest | LibResponse:
    if isinstance(message, HttpResponse):
        if request is None:
            raise ValueError("a response is signed and verified together with its request")
        return LibResponse.of(message, request)
    return LibRequest.of(message)


def sign_message(
    message: Message,
    signer: KeySigner,
    *,
    label: str,
    covered: tuple[str, ...],
    keyid: str,
    created: int,
    expires: int | None = None,
    nonce: str | None = None,
    tag: str | None = None,
    include_alg: bool = True,
    request: HttpRequest | None = None,
) -> Message:
    """`message` with one more signature `label` over `covered` (serialized component ids).

    Existing signatures are kept (the new label is appended). A Content-Digest must already be
    present if it is to be covered; this layer never computes one.
    """
    lib = _lib_message(message, request)
    lib_signer = HTTPMessageSigner(signature_algorithm=LIBRARY_ALGORITHMS[signer.alg])
    try:
        prepared = lib_signer.prepare(
            lib,
            key_id=keyid,
            created=_timestamp(created),
            expires=None if expires is None else _timestamp(expires),
            nonce=nonce,
            label=label,
            tag=tag,
            include_alg=include_alg,
            covered_component_ids=covered,
            use_existing_digest="content-digest" in lib.headers,
        )
        lib_signer.apply(lib, prepared, signer.sign(prepared.signature_base), append_if_signature_exists=True)
    except HTTPMessageSignaturesException as exc:
        raise MalformedSignature(f"cannot sign: {exc}") from exc
    return replace(message, headers=lib.headers.frozen())


class _OneKey(HTTPSignatureKeyResolver):
    """The key was resolved (and checked against the keyid and alg) before the library runs."""

    def __init__(self, key: PublicKeyObject) -> None:
        self._key = key

    def resolve_public_key(self, key_id: str) -> PublicKeyObject:
        return self._key


def verify_message_signature(
    message: HttpRequest | HttpResponse,
    *,
    label: str,
    key: VerifyKey,
    request: HttpRequest | None = None,
) -> VerifyResult:
    """Check the cryptographic signature `label` with `key` (signature base by the library).

    No policy here: no time window, tag, coverage or digest checks. BadSignature if the signature
    does not verify or a covered component cannot be resolved (e.g. a `;req` component that the
    given request does not have).
    """
    parsed = parse_signature(message.headers, label)
    tag = parsed.params.get("tag")
    if tag is None and len(signature_labels(message.headers)) > 1:
        raise MalformedSignature("several signatures and the selected one carries no tag")
    verifier = InjectedClockVerifier(
        signature_algorithm=LIBRARY_ALGORITHMS[key.alg], key_resolver=_OneKey(key.key_object())
    )
    try:
        results = verifier.verify(
            _lib_message(message, request),
            max_age=None,
            expect_tag=tag if isinstance(tag, str) else None,
            expect_label=label if isinstance(tag, str) else None,
        )
    except HTTPMessageSignaturesException as exc:
        raise BadSignature(f"signature {label!r} does not verify: {exc}") from exc
    if len(results) != 1 or results[0].label != label:
        raise BadSignature(f"signature {label!r} was not the one verified")
    return results[0]
