"""The /v1 gate: body limit, fault injection, signature verification, strict JSON, response signing.

A pure ASGI middleware (not a FastAPI dependency) because it must see the raw body before the
app and every response after it, including problem+json from exception handlers, to sign it
bound to the request. Errors it raises itself are problem+json signed the same way.

Every JSON request body (on /v1 and on the sandbox's own pages alike) must pass the strict
reader (terminal.domain.strict_json) before the app's own, lenient parser sees it: a repeated
key, NaN/Infinity or an out-of-range number is a 400 problem+json naming the rule, so the app
never acts on a body that another reader would understand differently.

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
from sandbox.errors import ApiError, BadRequest, PayloadTooLarge, Unavailable, UnsupportedMediaType
from sandbox.problems import problem_body
from sandbox.state import Sandbox
from terminal.crypto import HttpRequest, HttpResponse, sign_response
from terminal.domain import strict_json
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


def check_strict_json(content_type: str | None, body: bytes) -> None:
    """Refuse a JSON body that the strict reader refuses (BadRequest naming the rule)."""
    if not body or not _is_json(content_type):
        return
    try:
        strict_json.loads(body)
    except strict_json.JsonRefused as exc:
        raise BadRequest(ProblemCode.INVALID_JSON, f"Request body is not valid JSON: {exc}",
                         f"{exc}; send each key once, and only finite numbers within ±(2**53 - 1)") from None


def _replay(body: bytes) -> Receive:
    """A receive() that hands the app the body already read, then waits as a quiet client does."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


class SignedApi:
    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sb = sandbox
        self.verifier = Verifier(sandbox.db)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not scope["path"].startswith("/v1/"):
            await self._unsigned(scope, receive, send)
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
            check_strict_json(request.header("content-type"), body)
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

    async def _unsigned(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The sandbox's own pages and admin API: not signed, but JSON bodies are read strictly."""
        headers = dict(_headers(scope))
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
        if scope["method"] not in ("POST", "PUT", "PATCH") or not _is_json(content_type):
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(scope, receive)
            check_strict_json(content_type, body)
        except _TooLarge:
            await _send_plain_problem(send, PayloadTooLarge(
                ProblemCode.PAYLOAD_TOO_LARGE, f"Request body is larger than {MAX_BODY // 1024} KiB"))
            return
        except ApiError as exc:
            await _send_plain_problem(send, exc)
            return
        await self.app(scope, _replay(body), send)

    async def _run_app(self, scope: Scope, body: bytes) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
        receive = _replay(body)  # the client does not disconnect mid-request here
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


async def _send_plain_problem(send: Send, exc: ApiError) -> None:
    body = problem_body(exc.status, exc.code, exc.title, exc.detail)
    await send({"type": "http.response.start", "status": exc.status,
                "headers": [(b"content-type", PROBLEM_CONTENT_TYPE.encode()),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _drop_connection(send: Send) -> None:
    """Abort the TCP connection under this request without a response (uvicorn's transport)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("sandbox fault: connection dropped after commit")
    transport.abort()
    for _ in range(10):  # let uvicorn see connection_lost so it does not try to answer
        await asyncio.sleep(0)
