"""A running local Terminal API on a loopback address of its own, port 8443 (the port Adyen's
libraries always use), paired with one POS, around a FakeCore."""

from __future__ import annotations

import errno
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from terminal.pos.core import PaymentCore
from terminal.pos.gateway import Gateway
from terminal.pos.handlers import Handlers, HandlerSettings
from terminal.pos.ledger import Ledger
from terminal.pos.pairing import NewPairing, Pairings
from terminal.pos.replay import ReplayGuard
from terminal.pos.server import PosServer, tls_context
from terminal.pos.store import PosStore
from terminal.pos.tls import RegisterCertificate, ensure_certificate
from tests.pos.fake_core import FakeCore
from tests.pos.nexo import POIID
from tests.pos.pos_client import NexoClient


@dataclass
class RunningApi:
    host: str
    url: str
    core: Any  # FakeCore in the protocol tests, RegisterPaymentCore over the sandbox elsewhere
    store: PosStore
    pairings: Pairings
    pairing: NewPairing
    cert: RegisterCertificate
    data_dir: Path

    def client(self, passphrase: str | None = None, key_identifier: str | None = None) -> NexoClient:
        return NexoClient(
            self.url,
            key_identifier or self.pairing.key_identifier,
            passphrase or self.pairing.passphrase,
            self.cert.cert_path,
        )


def start_api(
    tmp_path: Path, core: PaymentCore, *, plain: bool = False, wait: float = 10.0
) -> tuple[RunningApi, PosServer]:
    data = tmp_path / "data"
    store = PosStore.in_data_dir(data)
    pairings = Pairings(store)
    pairing = pairings.pair("front counter", "pos-a")
    handlers = Handlers(core, Ledger(store), HandlerSettings(POIID, "JPY", "M-1", wait, wait))
    gateway = Gateway(handlers, pairings, ReplayGuard(time.monotonic), POIID, allow_plain_on_loopback=plain)
    for _ in range(20):
        host = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(1, 254)}"
        cert_dir = data / host
        cert = ensure_certificate(cert_dir, "register-1", extra_hosts=(host,))
        try:
            server = PosServer(gateway, host, 8443, tls_context(cert.cert_path, cert.key_path))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            raise
        server.start(poll_interval=0.05)
        api = RunningApi(host, f"https://{host}:8443/nexo", core, store, pairings, pairing, cert, data)
        return api, server
    raise RuntimeError("no free loopback address for port 8443")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[RunningApi]:
    running, server = start_api(tmp_path, FakeCore())
    try:
        yield running
    finally:
        server.stop()
        running.store.close()
