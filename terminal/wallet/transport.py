"""httpx plumbing for the wallet client: the signing auth hook, message conversion, and the
plain-http-only-on-loopback rule."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from terminal.crypto import KeySigner
from terminal.crypto.httpsig import HttpRequest, HttpResponse, sign_request
from terminal.wallet.errors import InsecureWalletURL


def is_loopback_host(host: str) -> bool:
    if host.lower() in {"localhost", "localhost."}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_wallet_url(url: str) -> str:
    """Return the URL without a trailing slash; refuse anything but https, or http to loopback."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InsecureWalletURL(f"not a wallet URL: {url!r} (expected https://host[:port])")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InsecureWalletURL(
            f"refusing plain http to {parts.hostname}: the wallet must be reached over https "
            "(plain http is allowed only to this machine, for the sandbox)"
        )
    return url.rstrip("/")


def tls_context(cafile: str | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def _decode_headers(raw: Sequence[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)


def to_http_request(request: httpx.Request) -> HttpRequest:
    return HttpRequest(
        method=request.method, url=str(request.url),
        headers=_decode_headers(request.headers.raw), body=request.content,
    )


def to_http_response(response: httpx.Response) -> HttpResponse:
    return HttpResponse(
        status=response.status_code, headers=_decode_headers(response.headers.raw), body=response.content,
    )


@dataclass(frozen=True)
class SigningKey:
    signer: KeySigner
    keyid: str
    label: str = "sig1"


class SigningAuth(httpx.Auth):
    """Signs every request (RFC 9421 + RFC 9530 Content-Digest) just before it is sent, so each
    retry carries a fresh ``created`` and ``nonce``. Several keys sign under their own labels
    (key rotation: old key ``sig1``, new key ``sig2``)."""

    requires_request_body = True

    def __init__(self, keys: Sequence[SigningKey], clock: Callable[[], float]) -> None:
        self.keys = tuple(keys)
        self._clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        for name in ("signature", "signature-input", "content-digest"):
            request.headers.pop(name, None)
        message = to_http_request(request)
        now = int(self._clock())
        for key in self.keys:
            message = sign_request(message, key.signer, keyid=key.keyid, now=now, label=key.label)
        for name in ("Content-Digest", "Signature-Input", "Signature"):
            value = message.header(name)
            if value is not None:
                request.headers[name] = value
        yield request
