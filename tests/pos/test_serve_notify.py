"""`payterm serve` under systemd (payterm-serve.service, Type=notify, WatchdogSec=): READY=1 once
the API listens, then WATCHDOG=1 from its serving loop, to the socket named by NOTIFY_SOCKET."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from tests.pos import nexo
from tests.pos.test_serve_kill import free_port, serve
from tests.register_fixtures import FAST_ENV, make_register
from tests.sandbox_fixtures import RunningSandbox


def test_serve_says_ready_then_pings_the_watchdog(sandbox_server: RunningSandbox, tmp_path: Path) -> None:
    home = tmp_path / "reg"
    make_register(home, sandbox_server).close()
    address = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(address)
        listener.settimeout(60)
        base = {k: v for k, v in os.environ.items() if not k.startswith("PAYTERM_")}
        env = {**base, **FAST_ENV, "PAYTERM_HOME": str(home), "PAYTERM_POS__HOST": "127.0.0.1",
               "PAYTERM_SCANNER__CAMERA": "none", "PAYTERM_POS__POI_ID": nexo.POIID,
               "NOTIFY_SOCKET": address, "WATCHDOG_USEC": "400000"}
        port = free_port()
        proc = serve(env, port)  # returns once it printed that it listens
        try:
            first = listener.recv(4096).decode()
            assert first.startswith("READY=1\n") and f"STATUS=POS API on https://127.0.0.1:{port}/nexo" in first
            pings = [listener.recv(4096).decode() for _ in range(3)]
            assert pings == ["WATCHDOG=1"] * 3
        finally:
            proc.terminate()
            proc.wait(20)
