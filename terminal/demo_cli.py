"""The demo launcher: the one place where the register starts the sandbox wallet.

`payterm sandbox …` hands over to the sandbox's own command line; `payterm demo` starts a
sandbox on loopback with a fresh database and opens the cashier window and the customer phone
(``terminal.ui.demo``) on it; `payterm demo --no-window` only runs the sandbox and explains it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from terminal.ui.demo_backend import DemoCustomer, PendingStepUp, PhoneState
from terminal.domain.flow import StepUpMethod


# Shown by `payterm demo` and `payterm sandbox` in the production package, which leaves the
# sandbox wallet out (docs/deploy.md): English, then Japanese.
NOT_IN_PACKAGE = (
    "payterm {command}: the demo and the sandbox wallet are not in the production package.\n"
    "Run them from a PayTerm source checkout: `make demo` (README).\n"
    "payterm {command}: デモとサンドボックスのウォレットは本番用パッケージに含まれていません。\n"
    "PayTerm のソースから `make demo` で起動してください（README 参照）。"
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    try:
        from sandbox import cli as sandbox_cli  # the only import of sandbox from terminal
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in ("sandbox", "fastapi", "uvicorn"):
            raise
        _register_absent(sub)
        return
    sandbox_cli.register(sub)

    demo = sub.add_parser("demo", help="start the built-in sandbox wallet and the terminal")
    demo.add_argument("--db", help="sandbox database file (default: a fresh temporary one)")
    demo.add_argument("--host", default="127.0.0.1",
                      help="sandbox address; 0.0.0.0 to open the wallet page on a phone on this network")
    demo.add_argument("--port", type=int, default=0, help="0 picks a free port")
    demo.add_argument("--camera", type=int, metavar="N",
                      help="use camera N instead of the virtual camera filming the phone window")
    demo.add_argument("--lang", choices=["ja", "en"], help="screen language (default: the register's, ja)")
    demo.add_argument("--no-window", action="store_true", help="only run the sandbox wallet and print its use")
    demo.add_argument("--pos", action="store_true",
                      help="no window: a register serving the POS API (docs/pos-integration.md) on this sandbox")
    demo.add_argument("--pos-port", type=int, default=8443, help="with --pos: the POS API's port (8443)")
    demo.add_argument("--pairing-file", default=str(Path(tempfile.gettempdir()) / "payterm-demo-pos.json"),
                      help="with --pos: where the demo POS's pairing is written for the reference client")
    demo.set_defaults(func=run_demo)


def _register_absent(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The production package: `payterm demo` and `payterm sandbox` say where to find them."""
    for command in ("sandbox", "demo"):
        parser = sub.add_parser(command, help="not in the production package (run from a source checkout)",
                                add_help=False)
        parser.add_argument("rest", nargs=argparse.REMAINDER)
        parser.set_defaults(func=lambda _args, name=command: _absent(name))


def _absent(command: str) -> int:
    print(NOT_IN_PACKAGE.format(command=command), file=sys.stderr)
    return 2


class SandboxDemo:
    """``terminal.ui.demo_backend.DemoBackend`` on a sandbox running in this process."""

    def __init__(self, db: Path, host: str, port: int) -> None:
        from sandbox.server import SandboxServer
        from sandbox.state import open_sandbox

        self._sandbox = open_sandbox(db)
        self._server = SandboxServer(self._sandbox, host, port).start()
        self._http = httpx.Client(base_url=self.wallet_url, timeout=10)

    @property
    def wallet_url(self) -> str:
        host = "127.0.0.1" if self._server.host in ("0.0.0.0", "::") else self._server.host
        return f"http://{host}:{self._server.port}"

    @property
    def customers(self) -> Sequence[DemoCustomer]:
        from sandbox.seed import CUSTOMERS

        return [DemoCustomer(c.name, c.display_name, c.note) for c in CUSTOMERS]

    @property
    def demo_pin(self) -> str:
        from sandbox.seed import DEMO_PIN

        return DEMO_PIN

    def enrollment_code(self) -> str:
        from sandbox.codes import issue_enrollment_code

        with self._sandbox.db.tx() as conn:
            return issue_enrollment_code(conn, self._sandbox.clock.now()).value

    def wallet_page_url(self, customer: str) -> str:
        return f"http://{self._server.host}:{self._server.port}/wallet/{customer}"

    def phone_state(self, customer: str) -> PhoneState:
        response = self._http.get(f"/wallet/{customer}/state")
        response.raise_for_status()
        return _phone_state(response.json())

    def answer_step_up(self, customer: str, charge_id: str, approve: bool) -> None:
        response = self._http.post(f"/wallet/{customer}/step-ups/{charge_id}",
                                   json={"decision": "approve" if approve else "reject"})
        response.raise_for_status()

    def close(self) -> None:
        self._http.close()
        self._server.stop()


def _phone_state(data: dict[str, Any]) -> PhoneState:
    return PhoneState(
        customer=data["customer"], display_name=data["display_name"], balance=data["balance"],
        payment_code=data["payment_code"], code_expires_at=datetime.fromisoformat(data["code_expires_at"]),
        server_time=datetime.fromisoformat(data["server_time"]),
        step_ups=tuple(
            PendingStepUp(charge_id=s["charge_id"], method=StepUpMethod(s["method"]), amount=s["amount"],
                          expires_at=datetime.fromisoformat(s["expires_at"]), otp=s.get("otp"),
                          payee=s.get("payee", ""))
            for s in data["step_ups"]
        ),
    )


def has_screen(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt can open windows here: always on Windows and macOS; on Linux a display server,
    or a Qt platform chosen explicitly (offscreen, eglfs …)."""
    if not platform.startswith("linux"):
        return True
    return any(environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def run_demo(args: argparse.Namespace) -> int:
    if args.pos:
        return run_pos_demo(args)
    if args.no_window:
        from sandbox import cli as sandbox_cli

        return sandbox_cli.run_demo(args)
    if not has_screen(os.environ, sys.platform):
        print("payterm demo: there is no screen to open the windows on (no DISPLAY or WAYLAND_DISPLAY).\n"
              "Run it in a desktop session, or `payterm demo --no-window` for the sandbox alone.", file=sys.stderr)
        return 2
    from terminal.ui import demo

    with tempfile.TemporaryDirectory(prefix="payterm-demo-") as tmp:
        backend = SandboxDemo(Path(args.db) if args.db else Path(tmp) / "sandbox.sqlite3", args.host, args.port)
        try:
            return demo.run_demo(args, backend)
        finally:
            backend.close()


def run_pos_demo(args: argparse.Namespace) -> int:
    """`payterm demo --pos`: the sandbox and a headless register serving the POS API, no window."""
    from terminal.pos import demo as pos_demo

    with tempfile.TemporaryDirectory(prefix="payterm-demo-") as tmp:
        backend = SandboxDemo(Path(args.db) if args.db else Path(tmp) / "sandbox.sqlite3", args.host, args.port)
        try:
            return pos_demo.run(backend.wallet_url, backend.enrollment_code, Path(tmp) / "register",
                                Path(args.pairing_file), args.pos_port)
        finally:
            backend.close()
