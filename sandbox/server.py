"""Running the sandbox under uvicorn: in the foreground (`payterm sandbox serve`) or in a
background thread (tests, `payterm demo`)."""

from __future__ import annotations

import threading
import time

import uvicorn

from sandbox.app import create_app
from sandbox.state import Sandbox


def uvicorn_config(sandbox: Sandbox, host: str, port: int, *, log_level: str = "warning") -> uvicorn.Config:
    # h11 + asyncio: the drop-after-commit fault aborts the transport of uvicorn's h11 cycle.
    return uvicorn.Config(create_app(sandbox), host=host, port=port, log_level=log_level, http="h11",
                          loop="asyncio", lifespan="off", timeout_graceful_shutdown=2,
                          server_header=False, access_log=log_level in ("info", "debug"))


class SandboxServer:
    """A sandbox on a loopback port, served from a background thread until ``stop()``."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox
        self.host = host
        self._server = uvicorn.Server(uvicorn_config(sandbox, host, port))
        self._thread = threading.Thread(target=self._server.run, name="sandbox-uvicorn", daemon=True)

    def start(self, timeout: float = 15.0) -> SandboxServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.02)
        return self

    @property
    def port(self) -> int:
        sockets = self._server.servers[0].sockets
        return int(sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
