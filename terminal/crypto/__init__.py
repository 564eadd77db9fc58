"""Device keys and the wallet protocol's cryptography (RFC 9421 signatures, RFC 9530 digests,
HPKE PIN sealing). The names below are the stable API for the terminal and the sandbox."""

from terminal.crypto.digest import check_content_digest, content_digest
from terminal.crypto.errors import (
    BadSignature,
    CreatedOutOfWindow,
    DigestMismatch,
    Expired,
    MalformedSignature,
    MissingComponent,
    MissingDigest,
    MissingSignature,
    PinBlockError,
    PinFormatError,
    ReplayedNonce,
    SignatureError,
    UnknownKey,
    UnsupportedAlg,
    WrongTag,
)
from terminal.crypto.httpsig import (
    KeyResolver,
    NonceCheck,
    VerifiedSignature,
    new_nonce,
    sign_request,
    sign_response,
    verify_request,
    verify_response,
)
from terminal.crypto.keys import (
    Alg,
    KeySigner,
    PrivateKeySigner,
    VerifyKey,
    public_key_b64,
    public_key_from_b64,
)
from terminal.crypto.messages import HttpRequest, HttpResponse
from terminal.crypto.pin import open_pin, seal_pin

__all__ = [
    "Alg", "BadSignature", "CreatedOutOfWindow", "DigestMismatch", "Expired", "HttpRequest", "HttpResponse",
    "KeyResolver", "KeySigner", "MalformedSignature", "MissingComponent", "MissingDigest", "MissingSignature",
    "NonceCheck", "PinBlockError", "PinFormatError", "PrivateKeySigner", "ReplayedNonce", "SignatureError",
    "UnknownKey", "UnsupportedAlg", "VerifiedSignature", "VerifyKey", "WrongTag", "check_content_digest",
    "content_digest", "new_nonce", "open_pin", "public_key_b64", "public_key_from_b64", "seal_pin",
    "sign_request", "sign_response", "verify_request", "verify_response",
]
