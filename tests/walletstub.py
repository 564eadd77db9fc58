"""A scripted wallet on 127.0.0.1 for unit and fault tests of the register's wallet client.

A real HTTP server (stdlib ``ThreadingHTTPServer`` in a thread, free port) that checks every
request signature the way a wallet must (``verify_request``; a request that fails is answered
with a signed 401, as an honest wallet would) and records what it saw. Each test scripts the
answers: an honest body signed with ``sign_response`` and bound to the request, or one precise
misbehaviour (another key, no binding, a skewed clock, a body altered after signing, a replayed
answer, no answer at all). It has no business logic of its own beyond ``Ledger``, a minimal
honest charge book; the full wallet is the sandbox, which these tests deliberately do not use.
"""

from __future__ import annotations

import itertools
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import BaseModel

from terminal.crypto import (
    Alg,
    HttpRequest,
    HttpResponse,
    PrivateKeySigner,
    SignatureError,
    UnknownKey,
    VerifiedSignature,
    VerifyKey,
    content_digest,
    new_nonce,
    public_key_from_b64,
    sign_response,
    verify_request,
)
from terminal.crypto.sigcore import sign_message, signature_labels
from terminal.wallet.client import Retry, Timeouts, WalletClient
from terminal.wallet.messages import PROBLEM_CONTENT_TYPE, problem_type
from terminal.wallet.transport import WalletTransport, tls_context


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused by the OS."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Refusing(httpx.BaseTransport):
    """The real httpx transport, except that the attempts numbered in ``refused`` (1-based) go to a
    closed port, so the OS refuses them: "nothing was sent" without faking an exception."""

    def __init__(self, refused: Collection[int]) -> None:
        self.refused = refused
        self.attempts = 0
        self._port = closed_port()
        self._inner = WalletTransport(tls_context())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.attempts in self.refused:
            request = httpx.Request(request.method, request.url.copy_with(port=self._port),
                                    headers=request.headers, content=request.content)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class Clock:
    """A clock the test moves by hand, shared by client, effects and stub."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Seen:
    """One request as the stub received it, and what checking its signature(s) found."""

    request: HttpRequest
    sig1: VerifiedSignature | None
    sig2: VerifiedSignature | None
    error: SignatureError | None

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def path(self) -> str:
        return urlsplit(self.request.url).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.request.url).query))

    @property
    def idempotency_key(self) -> str | None:
        return self.request.header("idempotency-key")

    def json(self) -> Any:
        return json.loads(self.request.body) if self.request.body else None


class Binding(Enum):
    """How a signed answer is tied to the request it answers."""

    FULL = "full"  # "@method";req "@target-uri";req "signature";req;key="sig1" (the protocol)
    NO_SIGNATURE = "no_signature"  # method and target only: any request to that URL fits
    NONE = "none"  # no ;req component at all


@dataclass(frozen=True)
class Reply:
    """What the stub answers. The defaults are an honest, signed, bound 200."""

    status: int = 200
    body: Any = None  # a dict, a pydantic model, bytes, or None for an empty body
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    sign: bool = True
    key: PrivateKeySigner | None = None  # signs instead of the stub's wallet key
    keyid: str | None = None  # instead of the stub's keyid
    skew: int = 0  # seconds added to the stub's clock for `created`
    binding: Binding = Binding.FULL
    tamper: Callable[[bytes], bytes] | None = None  # applied to the body after signing
    hang: float = 0.0  # hold the answer this long (read timeouts); ends early when the stub stops
    drop: bool = False  # close the connection without answering
    drip: float = 0.0  # send the whole answer (status line included) one byte every `drip` seconds
    flood: int = 0  # follow the body with this many more bytes of spaces (a huge answer), in chunks
    declare_length: bool = True  # with `flood`: a Content-Length of the whole; else chunked
    raw: HttpResponse | None = None  # send exactly this (a captured answer, replayed)


Script = Callable[[Seen], Reply]


@dataclass(frozen=True)
class Sent:
    """A request and exactly what went back on the wire (None when nothing did)."""

    seen: Seen
    response: HttpResponse | None


def in_order(*replies: Reply) -> Script:
    """Answer with these in turn, then keep repeating the last one."""
    items = list(replies)
    counter = itertools.count()

    def script(seen: Seen) -> Reply:
        return items[min(next(counter), len(items) - 1)]

    return script


def problem(status: int, code: str, title: str, detail: str = "", **reply: Any) -> Reply:
    """An RFC 9457 problem answer (signed unless ``sign=False`` is among ``reply``)."""
    body = {"type": problem_type(code), "title": title, "status": status, "detail": detail or title,
            "code": code}
    return Reply(status=status, body=body, content_type=PROBLEM_CONTENT_TYPE, **reply)


def rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def charge_json(
    charge_id: str,
    status: str = "approved",
    *,
    amount: int = 1200,
    currency: str = "JPY",
    reference: str = "R-0001",
    refunded: int = 0,
    step_up: dict[str, Any] | None = None,
    decline: dict[str, str] | None = None,
    created: float = 1_700_000_000,
) -> dict[str, Any]:
    """A Wallet API v1 charge response body."""
    return {
        "id": charge_id, "status": status, "amount": amount, "currency": currency,
        "merchant_reference": reference,
        "approval_code": "A1B2C3" if status == "approved" else None,
        "decline": decline or ({"code": "insufficient_funds", "message": "Not enough balance"}
                               if status == "declined" else None),
        "step_up": step_up, "refunded_amount": refunded, "created_at": rfc3339(created),
        "wallet": "sandbox", "code_last4": "3456",
    }


class WalletStub:
    """The server. ``script`` decides each answer; ``seen`` and ``sent`` record the traffic."""

    def __init__(
        self,
        *,
        devices: Mapping[str, VerifyKey] | None = None,
        clock: Callable[[], float] = time.time,
        keyid: str = "wallet-1",
        script: Script | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.devices = dict(devices or {})
        self.clock = clock
        self.keyid = keyid
        self.key = PrivateKeySigner.generate(Alg.ED25519)
        self.pin_private = X25519PrivateKey.generate()
        self.script: Script = script or (lambda seen: problem(404, "not_found", "Not found"))
        self.sent: list[Sent] = []
        self.bytes_out = 0  # what drip and flood answers got written before the client hung up
        self.failures: list[BaseException] = []  # the test's own script broke: fail the test
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        scheme = "http"
        if tls is not None:  # HTTPS as a real wallet serves it (the client then needs the CA file)
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="wallet-stub",
                                        daemon=True)

    # -- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> WalletStub:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self.failures and exc[0] is None:
            # Otherwise the client would just see a dropped connection, "outcome unknown",
            # and a rogue-wallet test could pass for the wrong reason.
            raise AssertionError(f"the stub's script failed: {self.failures[0]!r}") from self.failures[0]

    # -- what tests use -------------------------------------------------------------------------

    @property
    def pinned(self) -> dict[str, VerifyKey]:
        """The wallet keys a register enrolled with this stub has pinned."""
        return {self.keyid: VerifyKey.from_signer(self.key)}

    @property
    def pin_public(self) -> bytes:
        return self.pin_private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def seen(self) -> list[Seen]:
        with self._lock:
            return [s.seen for s in self.sent]

    def client(self, device: PrivateKeySigner, device_id: str = "dev-1", **kwargs: Any) -> WalletClient:
        """A client for this stub, with the stub's key pinned, fast back-off and short budgets."""
        kwargs.setdefault("retry", Retry(attempts=3, base_delay=0.01, max_delay=0.02))
        kwargs.setdefault("timeouts", Timeouts(connect=1.0, charge=3.0, other=3.0))
        return WalletClient(self.url, signer=device, device_id=device_id, wallet_keys=self.pinned, **kwargs)

    # -- the server side ------------------------------------------------------------------------

    def _check(self, request: HttpRequest) -> Seen:
        now = int(self.clock())
        body = _json_or_empty(request.body)

        def resolve(keyid: str) -> VerifyKey:
            if keyid == "enroll":  # proof of possession: the key the body presents
                return _presented_key(body)
            if keyid not in self.devices:
                raise UnknownKey(f"unknown device {keyid!r}")
            return self.devices[keyid]

        try:
            sig1 = verify_request(request, resolve_key=resolve, now=now, nonce_check=None)
            sig2 = None
            if "sig2" in signature_labels(request.headers):  # key rotation: the new key's proof
                sig2 = verify_request(request, resolve_key=lambda _: _presented_key(body), now=now,
                                      nonce_check=None, label="sig2")
        except SignatureError as exc:
            return Seen(request, None, None, exc)
        return Seen(request, sig1, sig2, None)

    def respond(self, seen: Seen, reply: Reply) -> HttpResponse:
        """The wire answer for ``reply`` (signed and bound as it says)."""
        if reply.raw is not None:
            return reply.raw
        if reply.body is None:
            body = b""
        elif isinstance(reply.body, bytes):
            body = reply.body
        elif isinstance(reply.body, BaseModel):
            body = reply.body.model_dump_json().encode()
        else:
            body = json.dumps(reply.body).encode()
        headers = ((("Content-Type", reply.content_type),) if body else ()) + reply.headers
        response = HttpResponse(reply.status, headers, body)
        if reply.sign:
            response = self._sign(response, seen.request, reply)
        if reply.tamper is not None:
            response = replace(response, body=reply.tamper(response.body))
        return response

    def _sign(self, response: HttpResponse, request: HttpRequest, reply: Reply) -> HttpResponse:
        key = reply.key or self.key
        keyid = reply.keyid or self.keyid
        now = int(self.clock()) + reply.skew
        if reply.binding is Binding.FULL:
            return sign_response(response, request, key, keyid=keyid, now=now)
        if reply.binding is Binding.NO_SIGNATURE:
            unsigned = replace(request, headers=tuple(
                (k, v) for k, v in request.headers if k.lower() not in {"signature", "signature-input"}))
            return sign_response(response, unsigned, key, keyid=keyid, now=now)
        if response.body:
            response = response.with_headers(("Content-Digest", content_digest(response.body)))
        covered = ('"@status"',) + tuple(
            f'"{name}"' for name in ("content-type", "content-digest") if response.header(name) is not None)
        return sign_message(response, key, label="sig1", covered=covered, keyid=keyid, created=now,
                            expires=now + 60, nonce=new_nonce(), tag="payterm-v1", request=request)

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = HttpRequest(handler.command, self.url + handler.path, tuple(handler.headers.items()), body)
        seen = self._check(request)
        try:
            if seen.error is not None:
                reply = problem(401, seen.error.code, "Signature rejected", str(seen.error))
            else:
                reply = self.script(seen)
            response = None if reply.drop else self.respond(seen, reply)
        except Exception as exc:  # noqa: BLE001 - reported by __exit__
            with self._lock:
                self.failures.append(exc)
            reply, response = Reply(drop=True), None
        with self._lock:
            self.sent.append(Sent(seen, response))
        if reply.hang:
            self._stopping.wait(reply.hang)
        if response is None:
            handler.close_connection = True
            return
        if reply.drip or reply.flood:
            self._send_slowly_or_hugely(handler, response, reply)
            return
        try:
            handler.send_response(response.status)
            for name, value in response.headers:
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(response.body)))
            handler.end_headers()
            handler.wfile.write(response.body)
        except OSError:
            handler.close_connection = True  # the client gave up waiting (a read timeout)


    def _send_slowly_or_hugely(self, handler: BaseHTTPRequestHandler, response: HttpResponse,
                               reply: Reply) -> None:
        handler.close_connection = True
        chunked = reply.flood and not reply.declare_length
        head = [f"HTTP/1.1 {response.status} X"] + [f"{k}: {v}" for k, v in response.headers]
        head.append("Transfer-Encoding: chunked" if chunked
                    else f"Content-Length: {len(response.body) + reply.flood}")
        wire = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        try:
            if reply.drip:
                for i in range(len(wire + response.body)):
                    handler.wfile.write((wire + response.body)[i:i + 1])
                    handler.wfile.flush()
                    self._add_out(1)
                    if self._stopping.wait(reply.drip):
                        return
                return
            block = b" " * 65536
            body = response.body
            handler.wfile.write(wire + (b"%x\r\n%s\r\n" % (len(body), body) if chunked else body))
            left = reply.flood
            while left > 0 and not self._stopping.is_set():
                piece = block[:left]
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                self._add_out(len(piece))
                left -= len(piece)
        except OSError:
            return  # the client hung up: what we are here to see

    def _add_out(self, n: int) -> None:
        with self._lock:
            self.bytes_out += n


def _json_or_empty(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _presented_key(body: Mapping[str, Any]) -> VerifyKey:
    try:
        return VerifyKey(Alg.parse(body.get("alg")), public_key_from_b64(str(body.get("public_key"))))
    except (ValueError, SignatureError) as exc:
        raise UnknownKey("the body presents no usable public key") from exc


def _handler_for(stub: WalletStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10  # an idle keep-alive connection does not hold a thread for ever

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK add 40 ms to every answer.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
            stub._serve(self)

        def do_POST(self) -> None:  # noqa: N802
            stub._serve(self)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return None

    return Handler


@dataclass
class Ledger:
    """A minimal honest wallet as a script: charges by idempotency key, status, cancel.

    New charges get ``outcome``; a repeated key gets the stored charge back (idempotency).
    """

    outcome: str = "approved"
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)  # by idempotency key
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def by_id(self, charge_id: str) -> dict[str, Any] | None:
        return next((c for c in self.charges.values() if c["id"] == charge_id), None)

    tombstones: set[str] = field(default_factory=set)  # keys cancelled before any charge came

    def __call__(self, seen: Seen) -> Reply:
        parts = seen.path.strip("/").split("/")  # v1 charges [id [cancel]]
        if seen.method == "POST" and parts == ["v1", "charges", "cancel-by-key"]:
            key = seen.json()["idempotency_key"]
            found = self.charges.get(key)
            if found is None:
                self.tombstones.add(key)
            else:
                found.update(status="cancelled", approval_code=None)
            return Reply(body={"idempotency_key": key, "charge": found})
        if seen.method == "POST" and parts == ["v1", "charges"]:
            key = seen.idempotency_key or ""
            if key in self.tombstones:
                return problem(409, "idempotency_key_cancelled", "The register cancelled this key")
            if key not in self.charges:
                asked = seen.json()
                self.charges[key] = charge_json(
                    f"ch_{next(self._ids)}", self.outcome, amount=asked["amount"], currency=asked["currency"],
                    reference=asked["merchant_reference"])
            return Reply(body=self.charges[key])
        if seen.method == "GET" and parts == ["v1", "charges"]:
            found = self.charges.get(seen.query.get("idempotency_key", ""))
            return Reply(body={"charges": [found] if found else []})
        charge = self.by_id(parts[2]) if len(parts) >= 3 else None
        if charge is None:
            return problem(404, "charge_not_found", "No such charge")
        if seen.method == "POST" and parts[3:] == ["cancel"]:
            charge.update(status="cancelled", approval_code=None)
        return Reply(body=charge)
