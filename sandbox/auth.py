"""Request verification for /v1: one place that turns RFC 9421 results into 401 problems.

The enrollment request is verified with the public key in its own body (keyid "enroll"): proof
that the register holds the private key it enrolls. Every other request must be signed by an
enrolled, unrevoked device key. Nonces live in SQLite until their signature expires.
"""

from __future__ import annotations

from collections.abc import Callable

from sandbox.db import Database
from sandbox.devices import current_key, revoked_keys, verify_key_from
from sandbox.errors import BadRequest, Unauthorized
from terminal.crypto import (
    BadSignature,
    HttpRequest,
    KeyResolver,
    SignatureError,
    UnknownKey,
    VerifiedSignature,
    VerifyKey,
    verify_request,
)
from terminal.domain import strict_json
from terminal.wallet.messages import ProblemCode

ENROLL_PATH = "/v1/devices/enroll"
ENROLL_KEYID = "enroll"
MAX_SKEW_S = 300

TITLES: dict[str, str] = {
    "missing_signature": "Request is not signed (no sig1 in Signature / Signature-Input)",
    "malformed_signature": "Signature or Signature-Input header is malformed",
    "unknown_key": "Unknown keyid: no enrolled device has this key",
    "revoked_key": "The key for this keyid has been revoked (rotated)",
    "bad_signature": "Signature does not verify",
    "digest_mismatch": "Content-Digest does not match the body",
    "clock_skew": "Signature created outside ±300 s of the wallet's clock",
    "expired": "Signature has expired",
    "replayed_nonce": "Nonce already used: replayed request",
    "missing_component": "Signature does not cover every required component",
    "wrong_tag": "Signature tag is not payterm-v1",
    "unsupported_alg": "Signature algorithm not supported for this key",
}


def unauthorized(exc: SignatureError) -> Unauthorized:
    code = str(exc.code)
    return Unauthorized(code, TITLES.get(code, "Request signature rejected"), str(exc) or TITLES.get(code))


class Verifier:
    def __init__(self, db: Database) -> None:
        self._db = db

    def nonce_first_seen(self, keyid: str, nonce: str, expires: int, now: int) -> bool:
        with self._db.tx() as conn:
            conn.execute("DELETE FROM nonces WHERE expires < ?", (now - MAX_SKEW_S,))
            cur = conn.execute("INSERT OR IGNORE INTO nonces(keyid, nonce, expires) VALUES (?, ?, ?)",
                               (keyid, nonce, expires))
            return cur.rowcount == 1

    def verify(self, req: HttpRequest, path: str, now: int) -> VerifiedSignature:
        """Verify sig1; raise Unauthorized (401) or BadRequest (enrollment body not JSON)."""
        keyids: list[str] = []

        def device_key(keyid: str) -> VerifyKey:
            keyids.append(keyid)
            if keyid == ENROLL_KEYID:
                raise UnknownKey("keyid 'enroll' is only for POST /v1/devices/enroll")
            return current_key(self._db.connection(), keyid)

        resolve = self._enroll_resolver(req) if path == ENROLL_PATH else device_key

        def nonce_check(keyid: str, nonce: str, expires: int) -> bool:
            return self.nonce_first_seen(keyid, nonce, expires, now)

        try:
            return verify_request(req, resolve_key=resolve, now=now, nonce_check=nonce_check, max_skew=MAX_SKEW_S)
        except BadSignature as exc:
            if keyids and path != ENROLL_PATH and self._signed_by_revoked_key(req, keyids[-1], now):
                raise unauthorized(UnknownKey("the request is signed with a revoked key", revoked=True)) from None
            raise unauthorized(exc) from None
        except SignatureError as exc:
            raise unauthorized(exc) from None

    def _signed_by_revoked_key(self, req: HttpRequest, keyid: str, now: int) -> bool:
        for old in revoked_keys(self._db.connection(), keyid):
            try:
                verify_request(req, resolve_key=_always(old), now=now, nonce_check=None, max_skew=MAX_SKEW_S)
            except SignatureError:
                continue
            return True
        return False

    @staticmethod
    def _enroll_resolver(req: HttpRequest) -> KeyResolver:
        try:
            body = strict_json.loads(req.body)
        except strict_json.JsonRefused as exc:
            raise BadRequest(ProblemCode.INVALID_JSON, f"Request body is not valid JSON: {exc}") from None

        def resolve(keyid: str) -> VerifyKey:
            if keyid != ENROLL_KEYID:
                raise UnknownKey("an enrollment request must be signed with keyid 'enroll'")
            try:
                return verify_key_from(body["public_key"], body["alg"])
            except (KeyError, TypeError, ValueError, SignatureError):
                raise UnknownKey("the enrollment body has no usable public_key / alg to verify with") from None

        return resolve


def _always(key: VerifyKey) -> Callable[[str], VerifyKey]:
    """A key resolver that answers one key whatever the keyid."""
    return lambda _keyid: key
