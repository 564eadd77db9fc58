"""Lost-request benchmark: how long a customer waits from "outcome unknown" to a final state when
the charge request never reaches the wallet in time (it is stuck on the network).

    .venv/bin/python bench/lost_request.py [--runs 10]

A sandbox wallet runs in this process on 127.0.0.1 (real uvicorn); the register is built as the
command line builds it (``open_register``) with the default timings, except a 2 s charge timeout
so that each run reaches "outcome unknown" sooner (the measured span starts there). Each run: the
sandbox holds every request for 4 s, the register sends the charge, gives up after 2 s (IN_DOUBT),
the delay is switched off, and the register polls, finds nothing, cancels by key (the wallet keeps
a tombstone) and ends REVERSED. Measured: IN_DOUBT published -> final state published.

The floor, measured in the same run: the poll interval the register waits before it asks
(``wallet.poll_interval``), plus one signed status poll and one signed cancel-by-key through the
register's own client (p50 of 20 each). Before cancel by key, a lost request was written off only
once its signed request had expired by the wallet's clock: about 73 s (docs/reliability.md).
Prints a Markdown table (docs/PERFORMANCE.md, "An unknown outcome").
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox.server import SandboxServer  # noqa: E402
from sandbox.settings import Faults, Knobs, RiskPolicy  # noqa: E402
from sandbox.state import open_sandbox  # noqa: E402
from terminal.config.loader import load_settings  # noqa: E402
from terminal.domain.flow import SaleState  # noqa: E402
from terminal.domain.money import Money  # noqa: E402
from terminal.domain.paymentcode import Symbology  # noqa: E402
from terminal.register import enrollment as enrollment_file  # noqa: E402
from terminal.register.setup import enrollment_path, open_keys, open_register  # noqa: E402

import httpx  # noqa: E402

HOLD_MS = 4000
CHARGE_TIMEOUT = "2"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="payterm-bench-") as tmp:
        root = Path(tmp)
        risk = RiskPolicy(step_up_first_payment=False, velocity_count=1_000_000)
        server = SandboxServer(open_sandbox(root / "wallet.sqlite3", Knobs(risk=risk)), "127.0.0.1", 0).start()
        try:
            return run(server, root, args.runs)
        finally:
            server.stop()


def run(server: SandboxServer, root: Path, runs: int) -> int:
    knobs = server.sandbox.knobs
    admin = httpx.Client(base_url=server.url, timeout=10)
    env = {"PAYTERM_HOME": str(root / "register"), "PAYTERM_WALLET__TIMEOUTS__CHARGE": CHARGE_TIMEOUT,
           "PAYTERM_KEYS__DEVELOPMENT_MODE": "true"}  # a throwaway register: its KEK file beside its key
    loaded = load_settings(env)
    code = admin.post("/sandbox/enrollment-codes").json()["enrollment_code"]
    enrollment, _ = enrollment_file.enroll(server.url, code, open_keys(loaded.settings, create_kek=True),
                                           trust_on_first_use=True)  # our own sandbox on loopback
    enrollment_file.save(enrollment, enrollment_path(loaded))
    reg = open_register(loaded, receipts=False)
    spans: list[float] = []
    try:
        for _ in range(runs):
            knobs.set_faults(Faults(latency_ms=HOLD_MS))
            payment_code = admin.post("/sandbox/customers/alice/payment-codes").json()["payment_code"]
            reg.start_sale(Money(500, "JPY"))
            reg.runner.wait_for(lambda s: s.state is SaleState.AWAITING_CODE, timeout=10)
            assert reg.code_read(payment_code, Symbology.QR_CODE) is None
            doubt = reg.runner.wait_for(lambda s: s.state is SaleState.IN_DOUBT, timeout=30)
            unknown_at = time.perf_counter()
            assert doubt.state is SaleState.IN_DOUBT
            knobs.set_faults(Faults())
            final = reg.wait_final(120)
            spans.append(time.perf_counter() - unknown_at)
            assert final.state is SaleState.REVERSED, final
            time.sleep(HOLD_MS / 1000)  # let the held request arrive (and be refused) before the next run
            reg.next_sale()
        polls, cancels = [], []
        for _ in range(20):
            started = time.perf_counter()
            reg.client.find_charge(secrets.token_urlsafe(16))
            polls.append(time.perf_counter() - started)
            started = time.perf_counter()
            reg.client.cancel_by_key(secrets.token_urlsafe(16))
            cancels.append(time.perf_counter() - started)
        interval = loaded.settings.wallet.poll_interval
    finally:
        reg.close()
    floor = interval + statistics.median(polls) + statistics.median(cancels)
    load = os.getloadavg()
    print(f"lost requests: {runs}; poll interval {interval:.1f} s; load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} ({os.cpu_count()} cores)\n")
    print("| from \"outcome unknown\" to final | p50 | p95 | max | floor (poll interval + 1 poll + 1 cancel by key) |")
    print("|---|---|---|---|---|")
    print(f"| lost request, cancel by key | {statistics.median(spans):.2f} s | {pct(spans, 0.95):.2f} s | "
          f"{max(spans):.2f} s | {floor:.2f} s ({interval:.1f} + {statistics.median(polls) * 1000:.1f} ms + "
          f"{statistics.median(cancels) * 1000:.1f} ms) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
