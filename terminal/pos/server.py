"""The HTTPS endpoint: POST /nexo (and /nexo/, as Adyen's libraries call it) on port 8443.

A threaded server: a payment blocks its request until the verdict while an AbortRequest or a
TransactionStatusRequest from the same POS is served on another thread. TLS only, with the
register's own certificate (``tls``); bodies are never logged.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final, Protocol

from terminal.pos.gateway import Reply
from terminal.pos.messages import MAX_BODY

log = logging.getLogger(__name__)

PATHS: Final = frozenset({"/nexo", "/nexo/"})


class Processor(Protocol):
    """What answers a request body: the ``Gateway`` (or the conformance kit's faults around it)."""

    def process(self, raw: bytes, *, peer_is_loopback: bool) -> Reply: ...

READ_TIMEOUT: Final = 30.0
MAX_CONNECTIONS: Final = 32


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = READ_TIMEOUT
    server_version = "PayTerm-POS"
    # Headers and body leave in two writes; with Nagle on, the second waits for the POS's delayed
    # ACK (40 ms on Linux) on every answer.
    disable_nagle_algorithm = True
    sys_version = ""

    def do_POST(self) -> None:
        if self.path.split("?")[0] not in PATHS:
            self._send(404, b'{"error": "not found: POST /nexo"}')
            return
        raw = self._read_body()
        if raw is None:
            return
        peer_loopback = _is_loopback(self.client_address[0]) and self.server.loopback_only
        reply = self.server.gateway.process(raw, peer_is_loopback=peer_loopback)
        self._send(reply.status, reply.body)

    def _read_body(self) -> bytes | None:
        """The body, by Content-Length or chunked (Adyen's Node library streams it chunked),
        at most MAX_BODY bytes; None after answering an error."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size_line = self.rfile.readline(64).split(b";")[0].strip()
                try:
                    size = int(size_line, 16)
                except ValueError:
                    self._send(400, b'{"error": "bad chunked encoding"}')
                    return None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    self._send(413, b'{"error": "message too large"}')
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline(8)
        length_text = self.headers.get("Content-Length")
        if length_text is None or not length_text.isdigit():
            self._send(411, b'{"error": "Content-Length required"}')
            return None
        if int(length_text) > MAX_BODY:
            self._send(413, b'{"error": "message too large"}')
            return None
        return self.rfile.read(int(length_text))

    def do_GET(self) -> None:
        self._send(405, b'{"error": "use POST /nexo"}')

    def _send(self, status: int, body: bytes) -> None:
        if status not in (200, 400, 401):  # a body may be left unread: do not reuse the connection
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("POS API %s - %s", self.client_address[0], format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    gateway: Processor
    loopback_only: bool
    context: ssl.SSLContext
    slots: threading.BoundedSemaphore

    def process_request(self, request: Any, client_address: Any) -> None:
        # One thread per connection, at most MAX_CONNECTIONS: anyone on the network can open
        # connections before authenticating, so they must not be able to exhaust the register.
        if not self.slots.acquire(blocking=False):
            log.warning("POS API: too many connections; refusing %s", client_address[0])
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A POS that went away before its answer (it will ask TransactionStatus) is no error here.
        log.info("POS API: connection from %s ended early", client_address[0], exc_info=True)

    def get_request(self) -> tuple[socket.socket, Any]:
        # The TLS handshake runs on the request's own thread (at its first read), so that a slow
        # or silent client never holds up the accept loop.
        sock, addr = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr


def tls_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context


class PosServer:
    """Serve ``gateway`` over HTTPS on (host, port); ``start`` returns once it listens."""

    def __init__(
        self,
        gateway: Processor,
        host: str,
        port: int,
        context: ssl.SSLContext,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self._server = _Server((host, port), _Handler, bind_and_activate=False)
        self._server.gateway = gateway
        self._server.slots = threading.BoundedSemaphore(max_connections)
        # Plain JSON needs both ends on loopback: a register listening on the LAN never takes it.
        self._server.loopback_only = _is_loopback(host)
        self._thread: threading.Thread | None = None
        self._server.allow_reuse_address = True
        self._server.server_bind()
        self._server.server_activate()
        self._server.context = context

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def start(self, poll_interval: float = 0.5) -> None:
        """Serve on a thread; ``stop`` takes up to ``poll_interval`` seconds."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(poll_interval,), name="pos-api", daemon=True
        )
        self._thread.start()

    def serve_forever(self, on_tick: Callable[[], None] | None = None) -> None:
        """Serve on this thread; ``on_tick`` runs on it at least every half second while the
        loop turns (``payterm serve`` pings systemd's watchdog from it)."""
        if on_tick is not None:
            self._server.service_actions = on_tick  # type: ignore[method-assign]
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
