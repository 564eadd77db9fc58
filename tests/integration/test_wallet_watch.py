"""The window's wallet status on the real client against the sandbox over HTTP: a signed probe
says "connected"; with the sandbox stopped it says "unreachable"; started again on the same port,
it comes back by itself."""

from __future__ import annotations

from sandbox.server import SandboxServer
from terminal.register.register import Register
from terminal.ui.wallet_watch import Reach, WalletWatch
from tests.sandbox_fixtures import RunningSandbox


def test_the_status_follows_the_wallet_away_and_back(qtbot, register: Register,  # type: ignore[no-untyped-def]
                                                     sandbox_server: RunningSandbox) -> None:
    watch = WalletWatch(register.client)
    watch.start()
    again: SandboxServer | None = None
    try:
        qtbot.waitUntil(lambda: watch.health.reach is Reach.CONNECTED, timeout=5000)
        assert watch.health.latency is not None and watch.health.latency < 1.0
        port = sandbox_server.server.port
        sandbox_server.server.stop()
        # nothing else calls the wallet here: the probe alone notices (every second, answer
        # within a second: two seconds by design; the wait is generous for a loaded machine)
        qtbot.waitUntil(lambda: watch.health.reach is Reach.UNREACHABLE, timeout=5000)
        again = SandboxServer(sandbox_server.sandbox, "127.0.0.1", port).start()
        qtbot.waitUntil(lambda: watch.health.reach is Reach.CONNECTED, timeout=5000)
    finally:
        watch.stop()
        if again is not None:
            again.stop()
