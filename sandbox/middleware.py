"""The /v1 gate: body limit, fault injection, signature verification, response signing.

A pure ASGI middleware (not a FastAPI dependency) because it must see the raw body before the
app and every response after it, including problem+json from exception handlers, to sign it
bound to the request. Errors it raises itself are problem+json signed the same way.

The "drop after commit" fault lets the app finish (the charge is committed) and then closes the
connection without sending a byte of the response: the classic unknown outcome.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.auth import Verifier
from sandbox.errors import ApiError, PayloadTooLarge, Unavailable, UnsupportedMediaType
from sandbox.problems import problem_body
from sandbox.state import Sandbox
from terminal.crypto import HttpRequest, HttpResponse, sign_response
from terminal.wallet.messages import PROBLEM_CONTENT_TYPE, ProblemCode

MAX_BODY = 64 * 1024
log = logging.getLogger("sandbox")


class _TooLarge(Exception):
    pass


async def _read_body(scope: Scope, receive: Receive) -> bytes:
    for name, value in scope.get("headers", []):
        if name == b"content-length" and value.isdigit() and int(value) > MAX_BODY:
            raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def target_uri(scope: Scope, public_url: str | None) -> str:
    """The absolute URI as the client addressed it (scheme + Host + raw path + query)."""
    path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
    query = scope.get("query_string", b"")
    if query:
        path += "?" + query.decode("latin-1")
    if public_url:
        return public_url + path
    host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), None)
    if host is None:
        server = scope.get("server") or ("localhost", None)
        host = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
    return f"{scope.get('scheme', 'http')}://{host}{path}"


def _headers(scope: Scope) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", []))


def _is_json(content_type: str | None) -> bool:
    if content_type is None:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class SignedApi:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sb = sandbox
        self.verifier = Verifier(sandbox.db)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        faults = self.sb.knobs.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        request = HttpRequest(scope["method"], target_uri(scope, self.sb.public_url), _headers(scope), b"")
        try:
            body = await _read_body(scope, receive)
        except _TooLarge:
            await self._send_problem(send, request, PayloadTooLarge(
                ProblemCode.PAYLOAD_TOO_LARGE, f"Request body is larger than {MAX_BODY // 1024} KiB"))
            return
        request = HttpRequest(request.method, request.url, request.headers, body)
        if faults.fail_rate and random.random() < faults.fail_rate:  # noqa: S311 - fault injection
            await self._send_problem(send, request, Unavailable(
                ProblemCode.SERVICE_UNAVAILABLE, "Wallet temporarily unavailable (sandbox fault injection)"))
            return
        try:
            verified = await to_thread.run_sync(self.verifier.verify, request, scope["path"], self.sb.clock.now())
            if scope["method"] in ("POST", "PUT", "PATCH") and not _is_json(request.header("content-type")):
                raise UnsupportedMediaType(ProblemCode.UNSUPPORTED_MEDIA_TYPE,
                                           "Content-Type must be application/json")
        except ApiError as exc:
            await self._send_problem(send, request, exc)
            return
        inner = dict(scope)
        inner["state"] = {**scope.get("state", {}), "keyid": verified.keyid, "http_request": request}
        status, headers, out = await self._run_app(inner, body)
        if self._drop(scope, status):
            await _drop_connection(send)
            return
        await self._send_signed(send, request, HttpResponse(status, headers, out))

    async def _run_app(self, scope: Scope, body: bytes) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        sent_body = False

        async def receive() -> Message:
            nonlocal sent_body
            if sent_body:
                await asyncio.Event().wait()  # the client does not disconnect mid-request here
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await self.app(scope, receive, capture)
        except Exception:
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            return 500, (("content-type", PROBLEM_CONTENT_TYPE),), problem_body(
                500, ProblemCode.INTERNAL_ERROR, "Internal error in the sandbox wallet", "see the server log")
        headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])
                        if k.lower() != b"content-length")
        return int(start.get("status", 500)), headers, b"".join(chunks)

    def _drop(self, scope: Scope, status: int) -> bool:
        """Drop the connection after a committed charge or refund (the requests that move money)."""
        path = scope["path"]
        moves_money = path == "/v1/charges" or (path.startswith("/v1/charges/") and path.endswith("/refunds"))
        if scope["method"] != "POST" or not moves_money or not 200 <= status < 300:
            return False
        if self.sb.knobs.take_drop():
            return True
        rate = self.sb.knobs.faults.drop_after_commit
        return bool(rate) and random.random() < rate  # noqa: S311 - fault injection

    async def _send_problem(self, send: Send, request: HttpRequest, exc: ApiError) -> None:
        body = problem_body(exc.status, exc.code, exc.title, exc.detail)
        await self._send_signed(send, request, HttpResponse(exc.status, (("content-type", PROBLEM_CONTENT_TYPE),), body))

    async def _send_signed(self, send: Send, request: HttpRequest, response: HttpResponse) -> None:
        keys = self.sb.keys
        signed = sign_response(response, request, keys.signer, keyid=keys.sign_keyid, now=self.sb.clock.now())
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in signed.headers]
        headers.append((b"content-length", str(len(signed.body)).encode()))
        await send({"type": "http.response.start", "status": signed.status, "headers": headers})
        await send({"type": "http.response.body", "body": signed.body, "more_body": False})


async def _drop_connection(send: Send) -> None:
    """Abort the TCP connection under this request without a response (uvicorn's transport)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("sandbox fault: connection dropped after commit")
    transport.abort()
    for _ in range(10):  # let uvicorn see connection_lost so it does not try to answer
        await asyncio.sleep(0)
