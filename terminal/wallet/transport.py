"""httpx plumbing for the wallet client: the signing auth hook, message conversion, the
plain-http-only-on-loopback rule, and the transport that holds every wallet call to one overall
deadline.

httpx's timeouts bound each socket operation, not a call: a wallet (or anyone on the path) that
sends one byte a second never trips a 5 s read timeout and holds the sale for as long as it
likes. ``WalletTransport`` is httpx's own transport whose sockets ask, before every connect, TLS
handshake, read and write, how much is left of the deadline of the call in progress
(``call_deadline``), and wait at most that long. So a call ends at its deadline whatever the
other side does, in the status line, the headers or the body; the client then treats it as an
unknown outcome.
"""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
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


def to_http_response(response: httpx.Response, body: bytes | None = None) -> HttpResponse:
    """The answer as the signature code sees it; ``body`` when it was read by the caller (streamed,
    under the size cap) rather than by httpx."""
    return HttpResponse(
        status=response.status_code, headers=_decode_headers(response.headers.raw),
        body=response.content if body is None else body,
    )


# --- one overall deadline per call ---------------------------------------------------------------

SecondsLeft = Callable[[], float]
_seconds_left: ContextVar[SecondsLeft | None] = ContextVar("payterm_wallet_call_deadline", default=None)


@contextmanager
def call_deadline(seconds_left: SecondsLeft) -> Iterator[None]:
    """Within this block, every socket operation of a ``WalletTransport`` in this thread waits at
    most ``seconds_left()`` (and fails at once when nothing is left)."""
    token = _seconds_left.set(seconds_left)
    try:
        yield
    finally:
        _seconds_left.reset(token)


def _bounded(timeout: float | None, expired: type[Exception], what: str) -> float | None:
    seconds_left = _seconds_left.get()
    if seconds_left is None:
        return timeout
    left = seconds_left()
    if left <= 0:
        raise expired(f"the wallet call's overall deadline passed ({what})")
    return left if timeout is None else min(timeout, left)


@contextmanager
def _named(expired: type[Exception], what: str) -> Iterator[None]:
    """A socket timeout that is the call's deadline says so (logs, `payterm charge` notes)."""
    try:
        yield
    except expired as exc:
        seconds_left = _seconds_left.get()
        if seconds_left is not None and seconds_left() <= 0:
            raise expired(f"the wallet call's overall deadline passed ({what})") from exc
        raise


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every wait ends by the deadline of the call using it. Streams are
    kept alive between calls, so the deadline is looked up at each operation, never kept."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        with _named(httpcore.ReadTimeout, "reading"):
            return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout, "reading"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:  # h11 ends a body-less request with an empty write: nothing to wait for
            with _named(httpcore.WriteTimeout, "writing"):
                self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout, "writing"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout, "TLS handshake")
        with _named(httpcore.ConnectTimeout, "TLS handshake"):
            return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout, "connecting")
        with _named(httpcore.ConnectTimeout, "connecting"):
            return _DeadlineStream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout, "connecting")
        return _DeadlineStream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class WalletTransport(httpx.HTTPTransport):
    """httpx's HTTP/1.1 transport, direct (no proxy from the environment: the wallet is reached
    as configured), with every socket wait bounded by ``call_deadline``."""

    def __init__(self, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        # The pool httpx made, rebuilt with httpx's default limits on a deadline-aware network
        # backend: httpx does not take a backend itself (the deadline tests pin that this works).
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0,
            network_backend=_DeadlineBackend(httpcore.SyncBackend()),
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
