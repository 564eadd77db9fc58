"""RFC 9530 Content-Digest: creation (library) and checking (ours)."""

from __future__ import annotations

import pytest

from terminal.crypto.digest import check_content_digest, content_digest
from terminal.crypto.errors import DigestMismatch, MissingDigest
from tests.unit.vectors import rfc9421 as v


def test_rfc9530_sha256_example() -> None:
    assert content_digest(v.RFC9530_CONTENT) == v.RFC9530_SHA256


@pytest.mark.parametrize("value", [v.RFC9530_SHA256, v.RFC9530_SHA512, f"{v.RFC9530_SHA256}, {v.RFC9530_SHA512}"])
def test_rfc9530_examples_check(value: str) -> None:
    check_content_digest(value, v.RFC9530_CONTENT)


def test_rfc9421_test_messages_digests_check() -> None:
    request_digest = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
    check_content_digest(request_digest, b'{"hello": "world"}')
    with pytest.raises(DigestMismatch):
        check_content_digest(request_digest, b'{"hello": "world"}\n')


def test_empty_body_has_a_digest() -> None:
    assert content_digest(b"") == "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
    check_content_digest(content_digest(b""), b"")


def test_mismatch() -> None:
    with pytest.raises(DigestMismatch) as err:
        check_content_digest(content_digest(b"amount=100"), b"amount=900")
    assert err.value.code == "digest_mismatch"


def test_every_known_member_must_match() -> None:
    other = content_digest(b"other").replace("sha-256", "sha-512")
    with pytest.raises(DigestMismatch):
        check_content_digest(f"{v.RFC9530_SHA256}, {other}", v.RFC9530_CONTENT)


def test_unknown_algorithms_are_ignored_but_one_known_is_needed() -> None:
    check_content_digest(f"md5=:AAAA:, unixsum=42, {v.RFC9530_SHA256}", v.RFC9530_CONTENT)
    with pytest.raises(MissingDigest):
        check_content_digest("md5=:AAAA:", v.RFC9530_CONTENT)


@pytest.mark.parametrize("value", [None, "", "   ", "sha-256", "sha-256=:not base64!:", "sha-256=12", "é=:AA==:"])
def test_missing_or_unusable(value: str | None) -> None:
    with pytest.raises(MissingDigest) as err:
        check_content_digest(value, b"body")
    assert err.value.code == "digest_mismatch"


def test_truncated_digest_is_a_mismatch() -> None:
    with pytest.raises(DigestMismatch):
        check_content_digest("sha-256=:AAAA:", b"body")
