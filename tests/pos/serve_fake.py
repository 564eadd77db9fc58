"""Run the local Terminal API around an instant FakeCore in its own process (for kill -9 tests):

    python -m tests.pos.serve_fake DATA_DIR HOST PORT

The data directory must hold a pairing and the certificate (made by the test)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from terminal.pos.gateway import Gateway
from terminal.pos.handlers import Handlers, HandlerSettings
from terminal.pos.ledger import Ledger
from terminal.pos.pairing import Pairings
from terminal.pos.replay import ReplayGuard
from terminal.pos.server import PosServer, tls_context
from terminal.pos.store import PosStore
from terminal.pos.tls import ensure_certificate
from tests.pos.fake_core import FakeCore
from tests.pos.nexo import POIID


def main(data: Path, host: str, port: int) -> None:
    store = PosStore.in_data_dir(data)
    handlers = Handlers(FakeCore(), Ledger(store), HandlerSettings(POIID, "JPY", "M-1"))
    gateway = Gateway(handlers, Pairings(store), ReplayGuard(time.monotonic), POIID)
    cert = ensure_certificate(data, "register-1", extra_hosts=(host,))
    server = PosServer(gateway, host, port, tls_context(cert.cert_path, cert.key_path))
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
