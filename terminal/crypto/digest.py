"""RFC 9530 Content-Digest.

Creating a digest uses the library (`http_message_signatures.ContentDigest.create`). Checking is
our own code: the library's parser rejects a field that also carries an algorithm it does not know,
while RFC 9530 section 2 says a recipient ignores unknown algorithms; and we want distinct errors
(missing vs mismatching) for the wallet's problem+json.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any, cast

import http_sf
from http_message_signatures import ContentDigest

from terminal.crypto.errors import DigestMismatch, MissingDigest

# Algorithms we check; RFC 9530 registers others (md5, sha, unixsum...) as insecure/deprecated.
_KNOWN: dict[str, Callable[[bytes], Any]] = {
    "sha-256": hashlib.sha256,
    "sha-512": hashlib.sha512,
}


def content_digest(body: bytes) -> str:
    """The Content-Digest field value for `body`: 'sha-256=:<base64>:' (also for b"")."""
    return str(ContentDigest.create(body))


def check_content_digest(headers_value: str | None, body: bytes) -> None:
    """Check a Content-Digest field value against `body`.

    Every sha-256 / sha-512 member must match; members with other algorithm names are ignored,
    but at least one known member is needed. Raises MissingDigest (absent, unparsable, nothing
    usable) or DigestMismatch.
    """
    if headers_value is None or not headers_value.strip():
        raise MissingDigest("the message has a body but no Content-Digest")
    try:
        parsed = http_sf.parse(headers_value.encode("ascii"), tltype="dictionary")
    except (ValueError, UnicodeEncodeError) as exc:
        raise MissingDigest("Content-Digest is not a valid structured field dictionary") from exc
    members = cast(dict[str, tuple[Any, dict[str, Any]]], parsed)
    checked = 0
    for algorithm, (value, _params) in members.items():
        hasher = _KNOWN.get(algorithm)
        if hasher is None:
            continue
        if not isinstance(value, bytes):
            raise MissingDigest(f"Content-Digest {algorithm} member is not a byte sequence")
        if not hmac.compare_digest(value, hasher(body).digest()):
            raise DigestMismatch(f"Content-Digest {algorithm} does not match the body")
        checked += 1
    if checked == 0:
        raise MissingDigest("Content-Digest has no sha-256 or sha-512 member")
