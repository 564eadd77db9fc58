"""Errors of terminal.crypto.

Signature verification errors form one hierarchy. Each class has a stable machine `code`: the
wallet puts it in its problem+json (`type`/`code`), the terminal maps it to "outcome unknown".

    SignatureError               "signature_error"     base, never raised itself
    ├── MissingSignature         "missing_signature"   no Signature / Signature-Input for the label
    ├── MalformedSignature       "malformed_signature" unparsable headers, bad or missing params
    ├── UnknownKey               "unknown_key"         keyid not known
    │                            "revoked_key"         ... or known but revoked (revoked=True)
    ├── BadSignature             "bad_signature"       the signature does not verify
    ├── MissingDigest            "digest_mismatch"     body present, no usable Content-Digest
    │   DigestMismatch           "digest_mismatch"     Content-Digest does not match the body
    ├── CreatedOutOfWindow       "clock_skew"          created more than max_skew from now
    ├── Expired                  "expired"             expires <= now, or lifetime too long
    ├── ReplayedNonce            "replayed_nonce"      nonce seen before for this keyid
    ├── MissingComponent         "missing_component"   a required component is not covered
    ├── WrongTag                 "wrong_tag"           tag is not the expected application tag
    └── UnsupportedAlg           "unsupported_alg"     alg unknown, or not the key's alg

MissingDigest and DigestMismatch share a code on purpose: for the peer both mean "the body is
not the one that was signed". They stay separate classes so logs can tell them apart.

PIN sealing has its own two errors (not signature errors): PinFormatError (the cashier typed
something that is not a 4-8 digit PIN) and PinBlockError (a sealed PIN block does not open).
"""

from __future__ import annotations

from typing import ClassVar


class SignatureError(Exception):
    """Base of all HTTP message signature / digest verification failures."""

    code: ClassVar[str] = "signature_error"


class MissingSignature(SignatureError):
    code = "missing_signature"


class MalformedSignature(SignatureError):
    code = "malformed_signature"


class UnknownKey(SignatureError):
    """The keyid resolves to no usable key. `revoked=True` for a key that existed but was revoked."""

    code = "unknown_key"

    def __init__(self, message: str, *, revoked: bool = False) -> None:
        super().__init__(message)
        self.revoked = revoked
        if revoked:
            # Instance attribute shadows the class code for this one error.
            self.code = "revoked_key"  # type: ignore[misc]


class BadSignature(SignatureError):
    code = "bad_signature"


class MissingDigest(SignatureError):
    code = "digest_mismatch"


class DigestMismatch(SignatureError):
    code = "digest_mismatch"


class CreatedOutOfWindow(SignatureError):
    code = "clock_skew"


class Expired(SignatureError):
    code = "expired"


class ReplayedNonce(SignatureError):
    code = "replayed_nonce"


class MissingComponent(SignatureError):
    code = "missing_component"


class WrongTag(SignatureError):
    code = "wrong_tag"


class UnsupportedAlg(SignatureError):
    code = "unsupported_alg"


class PinFormatError(ValueError):
    """A PIN to seal is not 4-8 ASCII digits."""


class PinBlockError(Exception):
    """A sealed PIN block could not be opened (bad base64, other charge, tampered, not a PIN)."""
