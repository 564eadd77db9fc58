"""Local Terminal API benchmark: the API's own overhead per payment, from the POS's HTTPS request
to the verdict, on top of the payment core's time.

    .venv/bin/python bench/pos_api.py [--payments 300] [--warmup 20]

A register's POS API runs in this process on 127.0.0.1 (a free port) with an instant in-memory
payment core (tests/pos/fake_core.py: every payment approved at once), so what is measured is
the API alone: TLS, HTTP, the envelope (JSON, HMAC, AES), the replay check, the handler and the
ledger's two commits (the request before the core is asked, synced to disk; the answer before it
is sent, not synced on its own: terminal/pos/ledger.py). The POS side is a Python client on one keep-alive HTTPS connection. Floors measured in the
same run: an HTTPS round trip on the same connection that the server answers at once (a body
that is not JSON: 400), and one synced ledger commit alone. Prints a Markdown table per run
(``--runs N``: N sittings, then one table of them all with the load average of each) for
docs/PERFORMANCE.md, "POS API".

    .venv/bin/python bench/pos_api.py --real [--payments 100]

The same with the register's real payment core (terminal/pos/register_core.py) over a sandbox
wallet in this process on 127.0.0.1: each payment is a real signed charge, journalled, with the
code passed by the POS (fetched from the sandbox before each request, outside the timings). The
overhead is still the round trip minus the core's own time, which now includes the wallet's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from terminal.pos.gateway import Gateway  # noqa: E402
from terminal.pos.handlers import Handlers, HandlerSettings  # noqa: E402
from terminal.pos.ledger import Ledger  # noqa: E402
from terminal.pos.pairing import Pairings  # noqa: E402
from terminal.pos.replay import ReplayGuard  # noqa: E402
from terminal.pos.server import PosServer, tls_context  # noqa: E402
from terminal.pos.store import PosStore  # noqa: E402
from terminal.pos.tls import ensure_certificate  # noqa: E402
from tests.pos import nexo  # noqa: E402
from tests.pos.fake_core import FakeCore  # noqa: E402
from tests.pos.pos_client import NexoClient  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(fn: Callable[..., Any], sink: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            sink.append(time.perf_counter() - t)

    return wrapper


def real_core(tmp: Path) -> tuple[Any, Callable[[], str | None], Callable[[], None]]:
    """The register's payment core over a sandbox wallet served in this process."""
    from sandbox.server import SandboxServer
    from sandbox.settings import Knobs, RiskPolicy
    from sandbox.state import open_sandbox
    from terminal.config.loader import load_settings
    from terminal.pos.register_core import RegisterPaymentCore
    from tests.register_fixtures import FAST_ENV, make_register
    from tests.sandbox_fixtures import RunningSandbox

    db = tmp / "sandbox.sqlite3"
    wallet = RunningSandbox(SandboxServer(open_sandbox(db, Knobs()), "127.0.0.1", 0).start(), db)
    wallet.admin("POST", "/sandbox/risk", json=RiskPolicy(step_up_first_payment=False,
                                                          velocity_count=1_000_000).model_dump())
    home = tmp / "register"
    register = make_register(home, wallet)
    core = RegisterPaymentCore(register, load_settings({"PAYTERM_HOME": str(home), **FAST_ENV}))

    def close() -> None:
        core.close()
        wallet.server.stop()

    return core, lambda: wallet.payment_code("alice"), close


def one_run(args: argparse.Namespace) -> tuple[list[tuple[str, list[float]]], tuple[float, ...]]:
    """One sitting: the measured rows, and the load average (1, 5, 15 min) at its end."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store = PosStore.in_data_dir(data)
        pairings = Pairings(store)
        pairing = pairings.pair("bench", "pos-bench")
        core: Any = FakeCore()
        next_code: Callable[[], str | None] = lambda: None
        cleanup: Callable[[], None] = lambda: None
        if args.real:
            core, next_code, cleanup = real_core(Path(tmp))
        core_times: list[float] = []
        gateway_times: list[float] = []
        core.start_payment = timed(core.start_payment, core_times)  # type: ignore[method-assign]
        handlers = Handlers(core, Ledger(store), HandlerSettings(nexo.POIID, "JPY", "M-1"))
        gateway = Gateway(handlers, pairings, ReplayGuard(time.monotonic), nexo.POIID)
        gateway.process = timed(gateway.process, gateway_times)  # type: ignore[method-assign]
        cert = ensure_certificate(data, "bench")
        server = PosServer(gateway, "127.0.0.1", 0, tls_context(cert.cert_path, cert.key_path))
        server.start()
        host, port = server.address
        client = NexoClient(
            f"https://{host}:{port}/nexo", pairing.key_identifier, pairing.passphrase, cert.cert_path
        )

        round_trips: list[float] = []
        floor: list[float] = []
        for i in range(args.warmup + args.payments):
            request = nexo.payment(f"S{i}", f"T{i}", 100 if args.real else 1200, code=next_code())
            t = time.perf_counter()
            answer = client.send(request)
            elapsed = time.perf_counter() - t
            assert (
                answer is not None
                and answer["SaleToPOIResponse"]["PaymentResponse"]["Response"]["Result"] == "Success"
            )
            t = time.perf_counter()
            client.http.post(f"https://{host}:{port}/nexo", content=b"x")  # 400 at once, kept alive
            floor_elapsed = time.perf_counter() - t
            if i >= args.warmup:
                round_trips.append(elapsed)
                floor.append(floor_elapsed)
        core_times = core_times[args.warmup :]
        gateway_times = gateway_times[0::2][args.warmup :]  # payments and floor requests alternate
        commit_times: list[float] = []
        ledger = Ledger(store)
        for i in range(args.payments):
            t = time.perf_counter()
            ledger.claim("floor", f"F{i}", "Payment", "pos-bench", f"F{i}", {})
            commit_times.append(time.perf_counter() - t)
        client.close()
        server.stop()
        store.close()
        cleanup()

    overhead = [rt - c for rt, c in zip(round_trips, core_times, strict=True)]
    server_side = [g - c for g, c in zip(gateway_times, core_times, strict=True)]
    rows = [
        ("POS round trip minus the core (the API's overhead)", overhead),
        ("of it, in the register (gateway minus core)", server_side),
        ("the core (register + sandbox wallet)" if args.real else "the core (instant fake)", core_times),
        ("floor: HTTPS round trip answered at once (400, not JSON)", floor),
        ("floor: one synced SQLite commit (the ledger's claim; its answer is not synced)", commit_times),
    ]
    return rows, os.getloadavg()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--runs", type=int, default=1, help="sittings, each with its own register and table")
    parser.add_argument("--real", action="store_true", help="the register's real core over a sandbox wallet")
    args = parser.parse_args()
    kind = "the register's real core, sandbox wallet on 127.0.0.1" if args.real else "an instant fake core"
    summary: list[tuple[tuple[float, ...], dict[str, list[float]]]] = []
    for run in range(1, args.runs + 1):
        rows, load = one_run(args)
        summary.append((load, dict(rows)))
        print(f"Run {run} of {args.runs}: POS API with {kind}, {args.payments} payments after {args.warmup} "
              "warm-up, one keep-alive HTTPS connection")
        print(f"load average at the end of the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on "
              f"{os.cpu_count()} CPUs (other work on this machine)\n")
        print("| measure | p50 ms | p99 ms | mean ms |")
        print("|---|---:|---:|---:|")
        for name, values in rows:
            ms = [v * 1000 for v in values]
            print(f"| {name} | {pct(ms, 0.5):.2f} | {pct(ms, 0.99):.2f} | {statistics.fmean(ms):.2f} |")
        print()
    if args.runs > 1:
        names = list(summary[0][1])
        short = ("API overhead", "in the register", "core", "floor: HTTPS", "floor: commit")
        print(f"All runs ({kind}; p50 / p99 ms; the load average, 1 min, at the end of each run):\n")
        print("| run | load | " + " | ".join(short) + " |")
        print("|---:|---:|" + "---|" * len(short))
        for run, (load, by_name) in enumerate(summary, 1):
            cells = [f"{pct(by_name[n], 0.5) * 1000:.2f} / {pct(by_name[n], 0.99) * 1000:.2f}" for n in names]
            print(f"| {run} | {load[0]:.2f} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
